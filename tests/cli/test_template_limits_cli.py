"""``kvtui templates import`` and ``export`` refuse hostile templates in Swedish, never with a
traceback, and install nothing."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kvtui.cli.typer_app import app


def run(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def test_hostile_templates_are_refused_on_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "db" / "kvtui.db")
    cases = {
        "djup.toml": "x = " + "{a = " * 2000 + "1" + "}" * 2000 + "\n",
        "punkter.toml": ".".join(["a"] * 30_000) + " = 1\n",
        "tal.toml": "x = " + "9" * 6000 + "\n",
        "escape.toml": 'title = "\\u001b]0;titel\\u0007"\n',
        "stor.toml": "# " + "x" * 2_000_000 + "\n",
    }
    expected = {
        "djup.toml": "nästlade djupare än 16 nivåer",
        "punkter.toml": "en nyckel får ha högst 32 delar",
        "tal.toml": "talet är för stort",
        "escape.toml": "texten innehåller styrtecknet \\x1b",
        "stor.toml": "filen är större än 1 MB",
    }
    for name, text in cases.items():
        source = tmp_path / name
        source.write_text(text, encoding="utf-8")
        result = run("templates", "import", str(source), "--db", db)
        assert result.exit_code == 1, (name, result.output)
        assert f"Fel: {source}" in result.output and expected[name] in result.output, name
        assert "\x1b" not in result.output and "\x07" not in result.output
    listed = run("templates", "list", "--db", db)
    assert listed.exit_code == 0
    assert not any(name.removesuffix(".toml") in listed.output for name in cases)
