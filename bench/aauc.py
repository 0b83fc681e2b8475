"""asv suites for the AAUC solvers (paper 000): SCO, closed form, asymptotic, BFOM, IRS, direct.

Parameterised over N and K so the dashboard shows the paper's Fig. 4a (time vs N) and Fig. 4b
(time vs K) scaling; ``track_*`` record iterations and the P2 objective.
"""

import numpy as np

from fastsec.aauc import Scenario, angular_matrix, draw, draw_batch, solve, solve_batch
from fastsec.aauc.bfom import bfom_batch
from fastsec.aauc.closed_form import asymptotic_point, closed_form_point
from fastsec.aauc.problem import aauc_solution, p2_data
from fastsec.aauc.secrecy import realised_secrecy_rate
from fastsec.reference import aauc as reference

#: Every suite runs the SCA methods for the paper's I = 20 iterations (Sec. VII; the library's
#: default runs each to its tolerance), so the dashboard's history stays comparable.
PAPER_ITERS = 20


def _drop(n, k, seed=7, **scenario):
    drop = draw(Scenario(N=n, K=k, sco_iters=PAPER_ITERS, **scenario),
                np.random.default_rng(seed))
    return drop, angular_matrix(drop)


#: The SCO paths of :class:`SCO`: solve() options.
SCO_PATHS = {"compiled": {}, "dpp": {"exact": True}, "rebuilt": {"exact": True, "rebuild": True}}


class SCO:
    """SCO-based AAUC (Sec. IV-B): compiled surrogate vs cvxpy once-built (DPP) vs rebuilt.

    I = 20 iterations each (tol=1e-12 keeps every path from stopping early).
    """

    params = ([20, 64, 100, 200], [10, 20, 50], list(SCO_PATHS))
    param_names = ["N", "K", "path"]
    timeout = 300

    def setup(self, n, k, path):
        self.drop, self.J = _drop(n, k)
        self.result = solve(self.drop, "sco", J=self.J, tol=1e-12, **SCO_PATHS[path])

    def time_sco(self, n, k, path):
        solve(self.drop, "sco", J=self.J, tol=1e-12, **SCO_PATHS[path])

    def track_iterations(self, n, k, path):
        return self.result.iterations

    def track_objective(self, n, k, path):
        return self.result.objective


class SCOReference:
    """Independent once-built DPP cvxpy SCO (``reference.sco_cvx_dpp``), I = 20: the baseline
    of the compiled path at the sizes where :class:`SCO` times it."""

    params = ([20, 64, 100], [10, 20])
    param_names = ["N", "K"]
    timeout = 300

    def setup(self, n, k):
        self.data = p2_data(*_drop(n, k))

    def time_sco_cvx_dpp(self, n, k):
        reference.sco_cvx_dpp(self.data, 20)


class _PerDropMethod:
    """``solve(drop, method)`` on one seeded drop per (N, K); ``setup`` solves it once
    (compilation, and the result that ``track_objective`` records)."""

    #: Scenario fields of the drop beyond N and K.
    scenario: dict = {}

    def setup(self, n, k, method):
        self.drop, self.J = _drop(n, k, **self.scenario)
        self.result = self._solve(method)

    def _solve(self, method):
        return solve(self.drop, method, J=self.J)

    def track_objective(self, n, k, method):
        return self.result.objective


class ClosedForm(_PerDropMethod):
    """Closed form (Prop. 2-3) and the large-(N, K) point (eq. (43)): Fig. 4a."""

    params = ([20, 100, 200, 500], [5, 20, 100], ["closed_form", "asymptotic"])
    param_names = ["N", "K", "method"]

    def time_closed_form(self, n, k, method):
        self._solve(method)


class BFOM:
    """BFOM-based AAUC (Sec. V-B) per drop, paper and fast variants: Fig. 4b (time vs K)."""

    params = ([100], [10, 20, 50, 100, 200], ["fast", "paper"])
    param_names = ["N", "K", "variant"]
    timeout = 300

    def setup(self, n, k, variant):
        self.drop, self.J = _drop(n, k)
        self.result = solve(self.drop, "bfom", J=self.J, variant=variant)  # compiles

    def time_bfom(self, n, k, variant):
        solve(self.drop, "bfom", J=self.J, variant=variant)

    def track_inner_iterations(self, n, k, variant):
        return int(self.result.extras["inner_iterations"].sum())

    def track_objective(self, n, k, variant):
        return self.result.objective


class BFOMBatch:
    """BFOM over a batch of drops in one kernel call per outer iteration (time per drop)."""

    params = ([100], [20, 100], [1, 16])
    param_names = ["N", "K", "drops"]
    timeout = 300

    def setup(self, n, k, drops):
        self.datas = [p2_data(*_drop(n, k, seed=s)) for s in range(drops)]
        bfom_batch(self.datas)

    def time_bfom_batch(self, n, k, drops):
        bfom_batch(self.datas)


class Baselines:
    """Direct multicast (ref. [54]) and the IRS scheme (Sec. VI): compiled vs cvxpy (DPP)."""

    params = ([20, 100], [10], ["direct", "irs"], ["compiled", "dpp"])
    param_names = ["N", "K", "method", "path"]
    timeout = 300

    def setup(self, n, k, method, path):
        self.drop, self.J = _drop(n, k, kr_db=70.0, common_distance_m=20.0)
        self.options = SCO_PATHS[path]
        self.result = solve(self.drop, method, J=self.J, **self.options)

    def time_baseline(self, n, k, method, path):
        solve(self.drop, method, J=self.J, **self.options)

    def track_objective(self, n, k, method, path):
        return self.result.objective


class PerCall:
    """Per-call cost of the closed forms and of draw (issue 14), beside the NumPy pipeline.

    ``time_numpy_pipeline`` runs what ``solve`` ran before the compiled path (P2 arrays,
    the NumPy twin of the point, the realised secrecy rate; J included): same numbers.
    """

    params = ([32, 100], [4, 20], ["closed_form", "asymptotic"])
    param_names = ["N", "K", "method"]

    def setup(self, n, k, method):
        self.scenario = Scenario(N=n, K=k, sco_iters=PAPER_ITERS)
        self.rng = np.random.default_rng(3)
        self.drop = draw(self.scenario, self.rng)
        self.point = closed_form_point if method == "closed_form" else asymptotic_point
        solve(self.drop, method)

    def time_solve(self, n, k, method):
        solve(self.drop, method)

    def time_numpy_pipeline(self, n, k, method):
        data = p2_data(self.drop, angular_matrix(self.drop))
        sol = aauc_solution(data, *self.point(data), history=[0.0], converged=True,
                            stop_reason="closed_form", solver="numpy")
        realised_secrecy_rate(sol.rate, sol.v, sol.w, data.gs_e, data.hs_e, 1.0)

    def time_draw(self, n, k, method):
        draw(self.scenario, self.rng)


class SolveBatch:
    """solve_batch beside the loop of solve calls on the same drops (time per batch).

    N = 8, K = 3 holds drops whose SCO surrogates leave the power budget inactive (negative
    P2), which the interior-point method certifies by its duality gap.
    """

    params = (["closed_form", "asymptotic", "bfom", "sco", "direct", "irs", "hybrid"],
              [(32, 8), (100, 20), (8, 3)])
    param_names = ["method", "N, K"]
    timeout = 600

    def setup(self, method, size):
        n, k = size
        drops = 256 if n <= 32 or method in ("closed_form", "asymptotic", "bfom") else 16
        self.batch = draw_batch(Scenario(N=n, K=k, sco_iters=PAPER_ITERS),
                                np.random.default_rng(4), drops)
        self.J = angular_matrix(self.batch)
        self.drops = [self.batch[i] for i in range(drops)]
        solve_batch(self.batch, method, J=self.J)

    def time_solve_batch(self, method, size):
        solve_batch(self.batch, method, J=self.J)

    def time_loop_of_solve(self, method, size):
        for i, drop in enumerate(self.drops):
            solve(drop, method, J=self.J[i])
