"""Custom studies: presets, --set overrides, --sweep and `fastsec show` (issues 11 and 16)."""

import dataclasses
import json
import math

import numpy as np
import pytest

from fastsec import aauc, cli, oam
from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.experiments import registry, run, seeding
from fastsec.experiments.custom import coerce, customise, describe

OAM_STUDIES = [n for n in registry.names() if n.startswith("oam-")]


def _main(capsys, *argv):
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", OAM_STUDIES)
@pytest.mark.parametrize("preset", sorted(oam.PRESETS))
def test_a_preset_changes_exactly_its_fields_and_keeps_the_draws(name, preset):
    plain = registry.get(name)
    custom = customise(plain, preset)
    assert custom.name == plain.name and custom.methods == plain.methods
    assert custom.sweep == plain.sweep and custom.preset == preset
    for point, x in enumerate(plain.sweep.values[:2]):
        rng_a, rng_b = (seeding.drop_rng(0, name, point, 0) for _ in range(2))
        a, b = plain.draw(x, rng_a), custom.draw(x, rng_b)
        (s_a, key_a), (s_b, key_b) = (a[0], b[0]) if isinstance(a[0], tuple) else (a, b)
        assert key_a == key_b  # common random numbers: the same starts
        swept = set(plain.params.get("fields", ()))
        expected = {k: v for k, v in oam.PRESETS[preset].items() if k not in swept}
        assert dataclasses.replace(s_a, **expected) == s_b


def test_no_preset_leaves_the_study_unchanged():
    study = registry.get("oam-fig3")
    assert customise(study) is study and customise(study, None, {}, None) is study


def test_preset_errors_name_the_allowed_ones():
    with pytest.raises(ParameterError, match="allowed: none"):
        customise(registry.get("aauc-fig3a"), "paper")
    with pytest.raises(ParameterError, match=r"preset must be one of \["):
        customise(registry.get("oam-fig3"), "no-such-preset")


def test_overrides_are_coerced_and_validated():
    study = customise(registry.get("aauc-fig3b"), overrides={"K": "2", "rayleigh": "true",
                                                                   "placement": "off_angle"})
    assert study.overrides == {"K": 2, "rayleigh": True, "placement": "off_angle"}
    drop, _ = study.draw(20.0, np.random.default_rng(0))
    assert (drop.scenario.K, drop.scenario.N, drop.scenario.rayleigh) == (2, 20, True)
    assert "K = 2" in study.plot.title
    with pytest.raises(ParameterError, match="not a field of .*; fields: N, K"):
        customise(registry.get("aauc-fig3b"), overrides={"k": 2})
    with pytest.raises(ParameterTypeError, match="K must be a int"):
        customise(registry.get("aauc-fig3b"), overrides={"K": 2.5})
    with pytest.raises(ParameterError, match="K"):  # the Scenario's own range check: K >= 1
        customise(registry.get("aauc-fig3b"), overrides={"K": 0})
    with pytest.raises(ParameterError, match="is swept"):
        customise(registry.get("aauc-fig3b"), overrides={"N": 50})


@pytest.mark.parametrize(("value", "expected"), [
    ("40", 40), (40.0, 40), ("(0, 0, 30)", (0.0, 0.0, 30.0)), ("none", None)])
def test_coerce_follows_the_field_type(value, expected):
    field = {40: "Q1", (0.0, 0.0, 30.0): "u_b_m", None: "ris1_shape"}[expected]
    assert coerce(oam.Scenario, field, value) == expected


def test_sweep_of_its_own_name_keeps_the_fields_and_a_new_field_replaces_them():
    same = customise(registry.get("oam-fig3"), sweep={"Q": "10,20"})
    assert same.sweep.values == (10.0, 20.0) == same.sweep.quick
    s, _ = same.draw(20.0, np.random.default_rng(0))
    assert (s.Q1, s.Q2) == (20, 20) and isinstance(s.Q1, int)
    new = customise(registry.get("aauc-fig3a"), sweep={"N": [20, 40]})
    assert (new.sweep.name, new.sweep.values, new.params["fields"]) == ("N", (20.0, 40.0), ["N"])
    assert new.plot.x_label == "N"
    drop, _ = new.draw(40.0, np.random.default_rng(0))
    # kr_db was the swept field: it falls back to the Scenario default, N is now swept
    assert (drop.scenario.N, drop.scenario.kr_db) == (40, aauc.Scenario().kr_db)
    db = customise(registry.get("oam-fig3"), sweep={"sigma_b2_dbm": [-50, -30]})
    assert (db.sweep.unit, db.plot.x_label) == ("dBm", "sigma_b2_dbm (dBm)")


@pytest.mark.parametrize(("sweep", "match"), [
    ({"N": "20,x"}, "N must be a int"),
    ({"placement": "1,2"}, "must be finite numbers|must be a str"),
    ({"N": []}, "non-empty"),
    ({"N": "1,20"}, "N"),  # Scenario rejects N = 1 < K at that point, before any work
    ({"nope": "1"}, "not a field"),
])
def test_bad_sweeps_fail_before_any_work(sweep, match):
    with pytest.raises((ParameterError, ParameterTypeError), match=match):
        customise(registry.get("aauc-fig3a"), sweep=sweep)


def test_a_non_field_sweep_takes_only_new_values():
    fig7 = customise(registry.get("oam-fig7"), sweep={"SNR": "0,30"})
    assert fig7.sweep.values == (0.0, 30.0)
    with pytest.raises(ParameterError, match="not a scenario field"):
        customise(registry.get("oam-fig7"), sweep={"rho": "0.5"})


def test_custom_run_records_its_settings_and_resumes_only_the_same(tmp_path):
    kw = {"drops": 1, "workers": 1, "out": tmp_path, "overrides": {"K": 2},
          "sweep": {"N": [8, 12]}}
    table = run("aauc-fig3b", **kw)
    assert table["error"].isna().all(), table["error"].dropna().tolist()
    assert sorted(set(table["x"])) == [8.0, 12.0]
    meta = json.loads((tmp_path / "meta.json").read_text())
    assert meta["overrides"] == {"K": 2} and meta["preset"] is None
    assert meta["sweep"]["name"] == "N" and meta["sweep"]["values"] == [8.0, 12.0]
    assert meta["params"]["settings"]["K"] == 2
    again = run("aauc-fig3b", **kw)  # resumes: nothing left to do, same rows
    np.testing.assert_array_equal(again["secrecy_rate"], table["secrecy_rate"])
    with pytest.raises(ParameterError, match="differs in .*overrides"):
        run("aauc-fig3b", **(kw | {"overrides": {"K": 3}}))
    with pytest.raises(ParameterError, match="differs in sweep"):
        run("aauc-fig3b", **(kw | {"sweep": {"N": [8, 16]}}))


def test_cli_set_sweep_preset_and_show(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = _main(capsys, "run", "aauc-fig3b", "--set", "K=2", "--sweep", "N=8",
                           "--drops", "1", "--workers", "1")
    assert code == 0, err
    (results,) = (tmp_path / "results").iterdir()
    assert results.name.startswith("aauc-fig3b-custom-")
    assert json.loads((results / "meta.json").read_text())["overrides"] == {"K": 2}
    for argv, match in [(["--preset", "paper"], "allowed: none"),
                        (["--set", "K"], "FIELD=VALUE"),
                        (["--set", "k=2"], "not a field"),
                        (["--sweep", "kr_db=a"], "kr_db must be a float")]:
        code, _, err = _main(capsys, "run", "aauc-fig3b", *argv)
        assert code == 2 and match in err, err
    code, _, err = _main(capsys, "run", "oam-fig3", "--preset", "no-such")
    assert code == 2 and all(p in err for p in oam.PRESETS), err
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == [results.name]
    code, out, _ = _main(capsys, "show", "oam-fig4", "--set", "rho=0.5")
    assert code == 0
    study = registry.get("oam-fig4")
    for text in ["p_total_dbm = swept", "rho = 0.5 *", "Q1 = 40 *", "drops per point: 20",
                 *study.methods, *oam.PRESETS]:
        assert text in out, text


def test_describe_lists_every_scenario_field():
    text = describe(registry.get("aauc-fig5a"))
    for f in dataclasses.fields(aauc.Scenario):
        assert f"  {f.name} = " in text
    assert "K [" not in text and "sweep: K (sets K) = 20, 100; --quick: 20" in text


@pytest.mark.slow
def test_literal_link_budget_collapses_bobs_rate_to_the_index_bits(tmp_path):
    # PAPERS.md: at σ² = −20 dBm with β = 1 Bob's SINR is about −40 dB, so R_B ≈ log2 G.
    literal = {"sigma_b2_dbm": -20.0, "sigma_e2_dbm": -20.0,
               **{f.name: 1.0 for f in dataclasses.fields(oam.Scenario)
                  if f.name.startswith("beta_")}}
    table = run("oam-fig5", quick=True, drops=1, workers=1, out=tmp_path, overrides=literal)
    assert table["error"].isna().all(), table["error"].dropna().tolist()
    assert json.loads((tmp_path / "meta.json").read_text())["overrides"] == literal
    proposed = table[table["method"] == "proposed"]
    s = oam.Scenario(**literal)
    g_bits = math.log2(oam.sn_pair_count(s.N, s.N_A, s.N_s, s.N_z))
    np.testing.assert_allclose(proposed["R_B"], g_bits, atol=0.05)
