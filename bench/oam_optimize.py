"""asv suites for RMCG-AO (paper 002, Algorithm 1): θ subproblem and the whole AO, over Q."""

import numpy as np
from fastsec.kernels.oam.objectives import rcg_secrecy

from fastsec.oam import Scenario, channels, optimize
from fastsec.oam.sdr import relax, relaxation_coefficients, solve_relaxation
from fastsec.reference.instances import theta1_instance

NO_TRACE = np.zeros((1, 0, 3))


class ThetaSubproblem:
    """One θ1 subproblem solved by the RCG kernel to a relative gradient tolerance 1e-6."""

    params = [40, 100, 400]
    param_names = ["Q"]

    def setup(self, q):
        self.data, theta = theta1_instance(q)
        self.theta0 = theta[None]
        self.out = rcg_secrecy(*self.data, self.theta0, 1e-6, 1e-10, 1000, NO_TRACE)

    def time_rcg(self, q):
        rcg_secrecy(*self.data, self.theta0, 1e-6, 1e-10, 1000, NO_TRACE)

    def track_iterations(self, q):
        return int(self.out[2][0])

    def track_cost(self, q):
        return float(self.out[1][0])


class RMCGAO:
    """Whole RMCG-AO (proposed scheme, at most 15 AO iterations) for one scene."""

    params = [16, 40, 100]
    param_names = ["Q"]

    def setup(self, q):
        self.scenario = Scenario(Q1=q, Q2=q)
        self.ch = channels(self.scenario)
        self.result = optimize(self.scenario, rng=np.random.default_rng(0), iters=15,
                               channels=self.ch)

    def time_optimize(self, q):
        optimize(self.scenario, rng=np.random.default_rng(0), iters=15, channels=self.ch)

    def track_secrecy_rate(self, q):
        return float(self.result.rates.R_s)

    def track_ao_iterations(self, q):
        return self.result.iterations


class SDRRelaxation:
    """The SDR θ1-step's relaxed program by solver, over Q: Burer–Monteiro (the default) beside
    the once-built DPP cvxpy problem (SCS, and Clarabel: ``"auto"`` without MOSEK)."""

    params = [[16, 40], ["burer-monteiro", "SCS", "CLARABEL"]]
    param_names = ["Q", "solver"]
    timeout = 300

    def setup(self, q, solver):
        self.data, self.theta = theta1_instance(q)
        self.value = _relaxed_value(self.data, self.theta, self.time_relaxation(q, solver))

    def time_relaxation(self, q, solver):
        if solver == "burer-monteiro":
            return relax(self.data, self.theta).X
        return solve_relaxation(self.data, self.theta, solver)[0]

    def track_relaxed_objective(self, q, solver):
        return self.value


class SDRAO:
    """One SDR-AO start as Fig. 2 runs it (10 AO iterations): default beside ``exact=True``
    with SCS, the fastest cvxpy choice (Clarabel, the ``"auto"`` default, is slower still)."""

    params = [[16, 40], [False, True]]
    param_names = ["Q", "exact"]
    timeout = 600

    def setup(self, q, exact):
        self.scenario = Scenario(Q1=q, Q2=q)
        self.result = self.time_optimize(q, exact)

    def time_optimize(self, q, exact):
        return optimize(self.scenario, method="sdr", rng=np.random.default_rng(0), iters=10,
                        tol=0.0, exact=exact, solver="SCS")

    def track_secrecy_rate(self, q, exact):
        return float(self.result.rates.R_s)


def _relaxed_value(data, theta, X):
    logs, linear = relaxation_coefficients(data, theta)
    return float(np.sum(np.log(np.einsum("lpq,qp->l", logs, X).real))
                 - np.einsum("pq,qp->", linear, X).real)
