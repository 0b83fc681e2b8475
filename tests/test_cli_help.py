"""`fastsec ... --help` reads as written: no literal `%%`, every command listed."""

import pytest

from fastsec import cli

COMMANDS = ["list", "run", "show", "plot", "report"]


@pytest.mark.parametrize("argv", [[], *([c] for c in COMMANDS)])
def test_help_has_no_literal_percent_signs(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([*argv, "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "%%" not in text and "%(" not in text
    if not argv:
        assert all(c in text for c in COMMANDS)
    if argv == ["plot"]:
        assert "95% confidence" in text and ".png, .pdf or .svg" in text
