import numpy as np
import pytest
from numpy.testing import assert_allclose

from fastsec import units


def test_dbm_watts_known_values():
    assert units.dbm_to_watts(30.0) == pytest.approx(1.0, rel=1e-15)
    assert units.dbm_to_watts(-80.0) == pytest.approx(1e-11, rel=1e-14)
    assert units.watts_to_dbm(1e-3) == pytest.approx(0.0, abs=1e-12)


def test_db_linear_known_values():
    assert units.db_to_linear(-40.0) == pytest.approx(1e-4, rel=1e-14)
    assert units.linear_to_db(1000.0) == pytest.approx(30.0, rel=1e-15)


def test_round_trips_on_arrays(rng):
    x_dbm = rng.uniform(-150, 60, size=100)
    assert_allclose(units.watts_to_dbm(units.dbm_to_watts(x_dbm)), x_dbm, rtol=1e-13)
    x_db = rng.uniform(-100, 100, size=100)
    assert_allclose(units.linear_to_db(units.db_to_linear(x_db)), x_db, rtol=1e-13, atol=1e-12)


def test_zero_watts_is_minus_infinity_dbm():
    assert units.watts_to_dbm(0.0) == -np.inf


@pytest.mark.parametrize("bad", [-1.0, np.nan])
def test_negative_or_nan_power_rejected(bad):
    with pytest.raises(ValueError, match="p_w"):
        units.watts_to_dbm(bad)
    with pytest.raises(ValueError, match="x must be"):
        units.linear_to_db(bad)
