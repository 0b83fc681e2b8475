import numpy as np
import pytest

from fastsec import demo
from fastsec.aauc import Scenario, draw


def test_feasible_point_satisfies_p1_constraints(rng):
    s = Scenario(N=16, K=5)
    for _ in range(5):
        d = draw(s, rng)
        R, w, v = demo.feasible_point(d)
        # eq. (11a): power budget; eq. (11b): no leak to user K in the multicast phase
        assert np.linalg.norm(v) ** 2 + np.linalg.norm(w) ** 2 <= 2 * s.pmax_w * (1 + 1e-12)
        assert abs(np.vdot(d.g[-1], v)) <= 1e-12 * np.linalg.norm(d.g[-1]) * np.linalg.norm(v)
        # eq. (11c)-(11d): R is supported by every helper and by user K
        rates = 0.5 * np.log2(1 + np.abs(d.g[:-1].conj() @ v) ** 2 / s.sigma2_w)
        rate_K = 0.5 * np.log2(1 + abs(np.vdot(d.h_K, w)) ** 2 / s.sigma2_w)
        assert R <= min(rates.min(), rate_K) * (1 + 1e-12)
        np.testing.assert_allclose(R, min(rates.min(), rate_K), rtol=1e-9)


def test_main_prints_table_and_writes_plot(tmp_path, capsys):
    out = tmp_path / "demo.png"
    assert demo.main(["--drops", "2", "--seed", "1", "--samples", "50", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "S_eq10" in text and len(text.splitlines()) == 6
    assert f"written to {out.resolve()};" in text  # the absolute path of the file
    assert out.stat().st_size > 1000


def test_main_rejects_bad_arguments():
    with pytest.raises(SystemExit):
        demo.main(["--drops", "0"])
