"""asv suites: RCG theta subproblem vs pymanopt, p-/a-steps vs cvxpy (Paper 002, Sec. IV).

Inputs are seeded and built in ``setup`` with a warm-up call, so JIT compilation and the
first cvxpy canonicalisation are never timed. The reference pipeline is what a researcher
writes today: pymanopt CG with the same analytic gradient and tolerance for theta; a cvxpy
problem rebuilt at every p/a step.
"""

import numpy as np
from fastsec.kernels.optim import rcg

from fastsec.oam import steps
from fastsec.reference.instances import (
    random_amplification_step,
    random_power_step,
    random_rate_ratio,
)
from fastsec.reference.oam_steps import pymanopt_rate_ratio

#: theta subproblem tolerance shared by both implementations (relative gradient norm)
GTOL = 1e-6
MIN_STEP = 1e-10
MAX_ITER = 1000
P_KW = {"total_power": 1.0, "ris_headroom": 5.0, "p_th": 0.01}
A_KW = {"sigma2_r2": 0.01, "sigma2_b": 0.1, "ris_budget": 100.0, "a_max": 3.0}


class ThetaSubproblem:
    """One theta subproblem (3 modes) at Q RIS elements, to the same tolerance."""

    params = ([40, 100, 400], ["fastsec", "pymanopt"])
    param_names = ["Q", "implementation"]

    def setup(self, q, implementation):
        self.U, self.V, self.c, self.theta0 = random_rate_ratio(np.random.default_rng(q), q=q)
        self.result = self._run(implementation)  # warm-up (JIT) and the tracked result

    def _run(self, implementation):
        if implementation == "fastsec":
            _, cost, iters, _, _ = rcg.rcg_rate_ratio(self.U, self.V, self.c, self.theta0, GTOL,
                                                      MIN_STEP, MAX_ITER, np.zeros((1, 0, 3)))
            return float(cost[0]), int(iters[0])
        res = pymanopt_rate_ratio(self.U[0], self.V[0], self.c[0], self.theta0[0], GTOL,
                                  MIN_STEP, MAX_ITER)
        return float(res.cost), int(res.iterations) - 1

    def time_solve(self, q, implementation):
        self._run(implementation)

    def track_cost(self, q, implementation):
        return self.result[0]

    def track_iterations(self, q, implementation):
        return self.result[1]


class _StepSuite:
    """One p- or a-step instance along a ``path``: ``fast`` (the compiled solver),
    ``cvxpy_cached`` (the DPP problem built once) or ``cvxpy_rebuilt`` (the problem's cache
    cleared before every call, as a CVX user builds it)."""

    def _prepare(self, step, problem_cache, args, options, path):
        def run():
            if path == "cvxpy_rebuilt":
                problem_cache.cache_clear()
            return step(*args, exact=path != "fast", **options)

        self.run = run
        self.objective = float(run().objective[0])

    def time_step(self, *params):
        self.run()

    def track_objective(self, *params):
        return self.objective


#: The paths of :class:`_StepSuite`.
STEP_PATHS = ["fast", "cvxpy_cached", "cvxpy_rebuilt"]


class PowerStep(_StepSuite):
    """p-step (Lemma 1 + P4, N_s = 3) for one instance."""

    params = STEP_PATHS
    param_names = ["path"]

    def setup(self, path):
        self._prepare(steps.power_step, steps._p4_problem,
                      random_power_step(np.random.default_rng(1), n=1), P_KW, path)


class AmplificationStep(_StepSuite):
    """a-step (WMMSE + P5) for one instance at Q RIS elements."""

    params = ([40, 100], STEP_PATHS)
    param_names = ["Q", "path"]

    def setup(self, q, path):
        self._prepare(steps.amplification_step, steps._p5_problem,
                      random_amplification_step(np.random.default_rng(q), n=1, q=q), A_KW, path)
