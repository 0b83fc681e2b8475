import math

import numpy as np
import pytest

from fastsec.aauc import Scenario


def test_section_vii_defaults_in_linear_units():
    s = Scenario()
    assert (s.N, s.K) == (100, 10)
    assert s.sco_iters == 1000  # a safeguard cap: SCA runs to its tolerance (the figures: I = 20)
    assert s.pmax_w == pytest.approx(1.0, rel=1e-14)  # 30 dBm
    assert s.sigma2_w == pytest.approx(1e-11, rel=1e-14)  # -80 dBm
    assert s.rho0 == pytest.approx(1e-4, rel=1e-14)  # -40 dB
    assert s.kr == pytest.approx(1000.0, rel=1e-14)  # 30 dB
    assert Scenario(rayleigh=True).kr == 0.0


@pytest.mark.parametrize(
    ("field", "value", "exc", "match"),
    [
        ("N", 1, ValueError, r"N must be in \[2, inf\]"),
        ("K", 1, ValueError, r"K must be in \[2, inf\]"),
        ("N", 10.0, TypeError, "N must be an integer"),
        ("K", True, TypeError, "K must be an integer"),
        ("alpha", 0.0, ValueError, r"alpha must be in \(0"),
        ("alpha", -2.0, ValueError, "alpha"),
        ("kr_db", math.inf, ValueError, "kr_db must be finite"),
        ("kr_db", math.nan, ValueError, "kr_db must be finite"),
        ("lam", 1.5, ValueError, r"lam must be in \[0, 1\]"),
        ("lam", -0.1, ValueError, r"lam must be in \[0, 1\]"),
        ("pmax_dbm", math.nan, ValueError, "pmax_dbm"),
        ("pmax_dbm", "30", TypeError, "pmax_dbm must be a real number"),
        ("d_min_m", 0.0, ValueError, "d_min_m"),
        ("d_max_m", 50.0, ValueError, r"d_max_m must be in \[100"),
        ("common_distance_m", -1.0, ValueError, "common_distance_m"),
        ("placement", "above", ValueError, "placement must be one of"),
        ("beta_rad", np.pi / 2, ValueError, "beta_rad"),
        ("rayleigh", 1, TypeError, "rayleigh must be a bool"),
        ("sco_iters", 0, ValueError, "sco_iters"),
    ],
)
def test_bad_values_name_field_and_range(field, value, exc, match):
    with pytest.raises(exc, match=match):
        Scenario(**{field: value})
