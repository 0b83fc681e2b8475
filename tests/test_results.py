"""Result objects of both papers: shared core names, short reprs, to_dict (issue 16)."""

import json

import numpy as np
import pytest

from fastsec import aauc, oam
from fastsec._results import CORE

TYPES = {"method": str, "secrecy_rate": float, "objective": float, "iterations": int,
         "converged": bool, "seconds": float, "solver": str}


@pytest.fixture(scope="module")
def aauc_result():
    drop = aauc.draw(aauc.Scenario(N=100, K=20), np.random.default_rng(3))
    return aauc.solve(drop, "closed_form")


@pytest.fixture(scope="module")
def oam_result():
    return oam.optimize(oam.Scenario(Q1=8, Q2=8), "proposed", rng=np.random.default_rng(3),
                        iters=2)


@pytest.fixture(params=["aauc", "oam"])
def result(request, aauc_result, oam_result):
    return {"aauc": aauc_result, "oam": oam_result}[request.param]


def test_both_papers_results_share_the_core_names(result):
    for name in CORE:
        value = getattr(result, name)
        assert isinstance(value, TYPES[name]), (name, value)
    assert np.isfinite(result.secrecy_rate) and result.seconds >= 0


def test_repr_is_short_and_shows_the_core_values(result):
    text = repr(result)
    assert len(text) <= 400, len(text)
    assert "ndarray" not in text and "array(" not in text
    for name in CORE:
        assert f"{name}=" in text
    assert f"{result.secrecy_rate:.6g}" in text


def test_oam_secrecy_rate_is_r_s_at_the_returned_point(oam_result):
    r = oam_result
    again = oam.secrecy_rate(r.scenario, oam.channels(r.scenario), r.p, r.a, r.theta1, r.theta2)
    # the same model at the same point: agreement to rounding (1e-12 relative)
    np.testing.assert_allclose(r.secrecy_rate, again.R_s, rtol=1e-12)
    assert r.objective == r.secrecy_rate and "scheme='proposed'" in repr(r)


def test_to_dict_is_json_and_round_trips_the_arrays(aauc_result, oam_result):
    a = json.loads(json.dumps(aauc_result.to_dict()))
    v = np.asarray(a["v"]["real"]) + 1j * np.asarray(a["v"]["imag"])
    np.testing.assert_array_equal(v, aauc_result.v)
    np.testing.assert_array_equal(a["history"], aauc_result.history)
    assert {name: a[name] for name in CORE} == {name: getattr(aauc_result, name)
                                                 for name in CORE}
    o = json.loads(json.dumps(oam_result.to_dict()))
    theta = np.asarray(o["theta1"]["real"]) + 1j * np.asarray(o["theta1"]["imag"])
    np.testing.assert_array_equal(theta, oam_result.theta1)
    assert o["secrecy_rate"] == oam_result.secrecy_rate == o["rates"]["R_s"]
    assert o["scenario"]["Q1"] == 8 and o["scheme"] == "proposed"
