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


class PowerStep:
    """p-step (Lemma 1 + P4, N_s = 3) for one instance."""

    params = ["fast", "cvxpy_cached", "cvxpy_rebuilt"]
    param_names = ["path"]

    def setup(self, path):
        self.args = random_power_step(np.random.default_rng(1), n=1)
        self.run = {
            "fast": lambda: steps.power_step(*self.args, **P_KW),
            "cvxpy_cached": lambda: steps.power_step(*self.args, exact=True, **P_KW),
            "cvxpy_rebuilt": self._rebuilt,
        }[path]
        self.objective = float(self.run().objective[0])

    def _rebuilt(self):
        steps._p4_problem.cache_clear()  # a CVX user builds the problem at every call
        return steps.power_step(*self.args, exact=True, **P_KW)

    def time_step(self, path):
        self.run()

    def track_objective(self, path):
        return self.objective


class AmplificationStep:
    """a-step (WMMSE + P5) for one instance at Q RIS2 elements."""

    params = ([40, 100], ["fast", "cvxpy_cached", "cvxpy_rebuilt"])
    param_names = ["Q", "path"]

    def setup(self, q, path):
        self.args = random_amplification_step(np.random.default_rng(q), n=1, q=q)
        self.run = {
            "fast": lambda: steps.amplification_step(*self.args, **A_KW),
            "cvxpy_cached": lambda: steps.amplification_step(*self.args, exact=True, **A_KW),
            "cvxpy_rebuilt": self._rebuilt,
        }[path]
        self.objective = float(self.run().objective[0])

    def _rebuilt(self):
        steps._p5_problem.cache_clear()
        return steps.amplification_step(*self.args, exact=True, **A_KW)

    def time_step(self, q, path):
        self.run()

    def track_objective(self, q, path):
        return self.objective
