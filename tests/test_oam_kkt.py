"""OAMResult.kkt_residual (fastsec/oam/kkt.py): distance from stationarity of P1.

References: central finite differences of R_s (:func:`fastsec.oam.effective.rates`, the
unvalidated form of :func:`fastsec.oam.secrecy_rate`, so that θ may leave the circle) and of the
RIS2 power (the gradients), and the residual recomputed from those gradients by its
definition (non-negative least squares on the active constraints, Riemannian projection).
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from oam_points import random_point, scene_with_channels
from scipy.optimize import nnls

from fastsec.oam import Scenario, channels, optimize
from fastsec.oam import effective as ef
from fastsec.oam.kkt import ACTIVE_TOL, gradients, kkt_blocks


@pytest.fixture(scope="module")
def scene():
    return scene_with_channels(Q1=6, Q2=8)


def _fd(f, x, h):
    """Central differences of the real function f at x (real or complex, real convention)."""
    out = np.empty(x.shape, dtype=x.dtype)
    for k in range(x.size):
        e = np.zeros_like(x)
        e[k] = h
        d = (f(x + e) - f(x - e)) / (2 * h)
        if np.iscomplexobj(x):
            d = d + 1j * (f(x + 1j * e) - f(x - 1j * e)) / (2 * h)
        out[k] = d
    return out


def test_gradients_match_finite_differences(scene, rng):
    s, ch = scene
    lk = ef.link(s, ch)
    p, a, t1, t2 = random_point(s, rng)
    a = np.clip(a, 0.1, s.a_max - 0.1)  # room for the differences inside [0, a_max]
    g = gradients(s, lk, p, a, t1, t2)

    def rs(**kw):
        args = {"p": p, "a": a, "theta1": t1, "theta2": t2} | kw
        return ef.rates(lk, args["p"], args["a"], args["theta1"], args["theta2"], 0.0).R_s

    # central differences: truncation O(h^2), rounding O(eps / h): 1e-6 of the largest entry
    for name, x, h in (("p", p, 1e-7 * p.max()), ("a", a, 1e-6), ("theta1", t1, 1e-6),
                       ("theta2", t2, 1e-6)):
        fd = _fd(lambda y, name=name: rs(**{name: y}), x, h)
        assert_allclose(g[name], fd, atol=1e-6 * np.abs(fd).max(), err_msg=name)
    fd = _fd(lambda y: ef.ris2_power(lk, ef.incident(lk, y), p, a), t1, 1e-6)
    assert_allclose(g["power_theta1"], fd, atol=1e-6 * np.abs(fd).max())
    fd = _fd(lambda y: ef.ris2_power(lk, ef.incident(lk, t1), p, y), a, 1e-6)
    assert_allclose(g["power_a"], fd, atol=1e-6 * np.abs(fd).max())


def _residual_by_definition(s, ch, res):
    """The residual of every block from finite-difference gradients (module docstring)."""
    lk = ef.link(s, ch)
    p, a, t1, t2 = res.p, res.a, res.theta1, res.theta2

    def rs(**kw):
        args = {"p": p, "a": a, "theta1": t1, "theta2": t2} | kw
        return ef.rates(lk, args["p"], args["a"], args["theta1"], args["theta2"], 0.0).R_s

    def power(**kw):
        args = {"p": p, "a": a, "theta1": t1} | kw
        return ef.ris2_power(lk, ef.incident(lk, args["theta1"]), args["p"], args["a"])

    active = res.rates.ris2_power_w >= s.p_r2_w * (1 - ACTIVE_TOL)
    scale = 1 + abs(res.rates.R_s)

    def shortest(g, normals):  # g - N mu, mu >= 0, by scipy's NNLS
        if not normals:
            return g
        N = np.array(normals).T
        return g - N @ nnls(N, g)[0]

    out = {}
    g = _fd(lambda y: rs(p=y), p, 1e-7 * p.max())
    normals = [np.ones_like(p)] if p.sum() >= s.signal_power_w * (1 - ACTIVE_TOL) else []
    normals += [_fd(lambda y: power(p=y), p, 1e-7 * p.max())] if active else []
    normals += [-e for e, pk in zip(np.eye(p.size), p, strict=True)
                if pk - s.p_th_w <= ACTIVE_TOL * s.signal_power_w]
    out["p"] = np.linalg.norm(s.signal_power_w * shortest(g, normals)) / scale
    # a: one-sided differences where a sits on a bound (truncation O(h) ~ 1e-7 relative)
    h, ga = 1e-7 * s.a_max, np.empty_like(a)
    for q, e in enumerate(np.eye(a.size)):
        hi, lo = min(a[q] + h, s.a_max), max(a[q] - h, 0.0)
        ga[q] = (rs(a=a + (hi - a[q]) * e) - rs(a=a - (a[q] - lo) * e)) / (hi - lo)
    normals = [2 * ef.ris_weight(lk, ef.incident(lk, t1), p) * a] if active else []
    normals += [-e for e, aq in zip(np.eye(a.size), a, strict=True)
                if aq <= s.a_max * ACTIVE_TOL]
    normals += [e for e, aq in zip(np.eye(a.size), a, strict=True)
                if aq >= s.a_max * (1 - ACTIVE_TOL)]
    out["a"] = np.linalg.norm(s.a_max * shortest(ga, normals)) / scale
    for name, theta in (("theta1", t1), ("theta2", t2)):
        g = _fd(lambda y, name=name: rs(**{name: y}), theta, 1e-6)
        rg = g - (g * theta.conj()).real * theta
        if name == "theta1" and active:
            c = _fd(lambda y: power(theta1=y), t1, 1e-6)
            rc = c - (c * t1.conj()).real * t1
            rg = rg - max(0.0, np.vdot(rc, rg).real / np.vdot(rc, rc).real) * rc
        out[name] = np.linalg.norm(rg) / scale
    return out


@pytest.mark.parametrize("fields", [{}, {"pt_fraction": 1 - 1e-6}])  # budget binds
def test_kkt_residual_small_at_the_solution_and_as_defined(scene, fields):
    s = Scenario(Q1=6, Q2=8, **fields)
    ch = channels(s)
    res = optimize(s, rng=np.random.default_rng(0), iters=30, channels=ch)
    assert set(res.kkt_blocks) == {"p", "a", "theta1", "theta2"}
    assert res.kkt_residual == max(res.kkt_blocks.values())
    want = _residual_by_definition(s, ch, res)
    for name, value in res.kkt_blocks.items():
        # the finite-difference gradients carry ~1e-7 relative error into the residual
        assert value == pytest.approx(want[name], abs=1e-5), name
    # a converged RMCG-AO point (the RCG stops at 1e-6 of its starting gradient norm)
    assert res.converged and res.kkt_residual < 1e-3


def test_kkt_residual_is_large_away_from_stationarity(scene, rng):
    s, ch = scene
    lk = ef.link(s, ch)
    blocks = kkt_blocks(s, lk, ("p", "a", "theta1", "theta2"), *random_point(s, rng))
    assert max(blocks.values()) > 0.1
