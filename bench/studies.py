"""asv suites for the study runner and results store (fastsec.experiments).

- ``RunnerOverhead``: a study whose draw and solve do nothing, so the time per row is the
  runner's and the store's own cost (seeding, row building, buffering, Parquet parts,
  compaction), including the fixed cost of a run. The acceptance measure (overhead per drop
  of a real aauc-fig3c run against its closed-form solve time, per K) is
  ``tests/benchmarks/test_studies.py``.
- ``StreamingMemory``: peak memory of a no-op study of 1 000 vs 10 000 drops; flat when
  rows stream to the store instead of accumulating.
- ``Fig3cThroughput``: drops per second of ``aauc-fig3c`` per method (K up to 100, N = 100),
  serially and on 2 worker processes (skipped until the study is registered).
"""

import tempfile
import time

from fastsec.errors import ParameterError
from fastsec.experiments import PlotSpec, Study, Sweep, get, run


def noop_draw(x, rng):
    return None


def noop_solve(instance, method):
    return {"secrecy_rate": 1.0, "objective": 1.0, "iterations": 1, "converged": True,
            "solver": "none"}


NOOP = Study("bench-noop", "runner overhead", Sweep("x", (1.0,)), ("a",), 1000, 1, noop_draw,
             noop_solve, PlotSpec("x", "y", {"a": "A"}))


class RunnerOverhead:
    params = [1000, 10000]
    param_names = ["drops"]
    timeout = 300

    def setup(self, drops):
        self.tmp = tempfile.TemporaryDirectory()
        run(NOOP, drops=10, workers=1, out=self.tmp.name + "/warm")  # imports, first parquet

    def teardown(self, drops):
        self.tmp.cleanup()

    def time_serial(self, drops):
        with tempfile.TemporaryDirectory(dir=self.tmp.name) as out:
            run(NOOP, drops=drops, workers=1, out=out)

    def track_overhead_us_per_row(self, drops):
        with tempfile.TemporaryDirectory(dir=self.tmp.name) as out:
            start = time.perf_counter()
            run(NOOP, drops=drops, workers=1, out=out)
            return 1e6 * (time.perf_counter() - start) / drops

    track_overhead_us_per_row.unit = "us"


class StreamingMemory:
    params = [1000, 10000]
    param_names = ["drops"]
    timeout = 300

    def peakmem_serial(self, drops):
        with tempfile.TemporaryDirectory() as out:
            run(NOOP, drops=drops, workers=1, out=out)


class Fig3cThroughput:
    params = [["sco", "closed_form", "bfom"], [1, 2]]
    param_names = ["method", "workers"]
    timeout = 1800
    drops = 8

    def setup(self, method, workers):
        try:
            study = get("aauc-fig3c")
        except ParameterError:
            raise NotImplementedError("aauc-fig3c is not registered") from None
        self.study = Study(**{**study.__dict__, "methods": (method,)})
        run(self.study, drops=1, workers=1, quick=True)  # compile / load kernels

    def track_drops_per_second(self, method, workers):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            run(self.study, drops=self.drops, workers=workers, out=out)
            seconds = time.perf_counter() - start
        return self.drops * len(self.study.sweep.values) / seconds

    track_drops_per_second.unit = "drops/s"
