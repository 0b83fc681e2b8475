"""First-call time per Numba kernel family, without and with the on-disk cache (issue 14).

Run ``python bench/cold_start.py`` (about a minute on 2 cores). Each family is timed in a
fresh Python process: the families it builds on are called first (untimed), then the family's
first call and its second call are timed; the difference is what the first call pays for
compiling (empty cache) or loading (warm cache) its kernels. Both columns use a private
``NUMBA_CACHE_DIR``: the first pass starts it empty (compilation, then written to it), the
second pass reads it. The table is Markdown, for the README.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap

#: family -> (set-up code run first, untimed; the call timed twice).
FAMILIES = {
    "AAUC channels (draw)": (
        "s = aauc.Scenario(N=8, K=4)",
        "aauc.draw(s, np.random.default_rng(0))"),
    "J quadrature (angular_matrix)": (
        "d = aauc.draw(aauc.Scenario(N=8, K=4), np.random.default_rng(0))",
        "aauc.angular_matrix(d)"),
    "AAUC closed forms (solve, solve_batch)": (
        "b = aauc.draw_batch(aauc.Scenario(N=8, K=4), np.random.default_rng(0), 16);"
        " d = b[0]; aauc.angular_matrix(b); aauc.angular_matrix(d)",
        "aauc.solve(d, 'closed_form'); aauc.solve_batch(b, 'closed_form')"),
    "mirror-prox / active set (BFOM)": (
        "d = aauc.draw(aauc.Scenario(N=8, K=4, sco_iters=2), np.random.default_rng(0));"
        " aauc.solve(d, 'closed_form')",
        "aauc.solve(d, 'bfom'); aauc.solve(d, 'bfom', variant='paper')"),
    "SCA methods (sco, direct, irs, hybrid: solve, solve_batch)": (
        "b = aauc.draw_batch(aauc.Scenario(N=8, K=4, sco_iters=2), np.random.default_rng(0), 16);"
        " d = b[0]; aauc.angular_matrix(b); aauc.angular_matrix(d);"
        " aauc.solve(d, 'closed_form'); aauc.solve_batch(b, 'closed_form')",
        "aauc.solve(d, 'hybrid'); aauc.solve(d, 'irs'); aauc.solve_batch(b, 'hybrid');"
        " aauc.solve_batch(b, 'irs')"),
    "OAM channels": (
        "s = oam.Scenario(Q1=4, Q2=4)",
        "oam.channels(s)"),
    "RCG / OAM AO + interior point (optimize)": (
        "s = oam.Scenario(Q1=4, Q2=4); oam.channels(s)",
        "oam.optimize(s, rng=np.random.default_rng(0), iters=2)"),
}

_CHILD = """
import time
t0 = time.perf_counter()
import numpy as np
from fastsec import aauc, oam
t1 = time.perf_counter()
{setup}
t2 = time.perf_counter()
{call}
t3 = time.perf_counter()
{call}
t4 = time.perf_counter()
print(json.dumps({{"import_s": t1 - t0, "first_s": t3 - t2, "second_s": t4 - t3}}))
"""


def measure(setup: str, call: str, cache_dir: str) -> dict[str, float]:
    """Time one family in a fresh process whose Numba cache is ``cache_dir``."""
    code = "import json\n" + textwrap.dedent(_CHILD).format(setup=setup, call=call)
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print the Markdown table: first-call seconds per family, empty vs warm cache."""
    print(f"load average: {os.getloadavg()}")
    print("| Kernel family | first call, empty cache [s] | first call, warm cache [s] "
          "| second call [s] |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as cache:
        for name, (setup, call) in FAMILIES.items():
            cold = measure(setup, call, cache)  # compiles the family (its set-up: also)
            warm = measure(setup, call, cache)
            print(f"| {name} | {cold['first_s'] - cold['second_s']:.2f} "
                  f"| {warm['first_s'] - warm['second_s']:.3f} | {warm['second_s']:.4f} |")


if __name__ == "__main__":
    main()
