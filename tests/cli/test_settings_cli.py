"""`kvtui settings`: the committee's name and the logo on the report's cover, shown, set and
removed; every bad file refused in Swedish with the settings left exactly as they were."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest
from PIL import Image

from kvtui.domain.look import MAX_LOGO_BYTES
from kvtui.paths import data_dir, settings_path
from tests.cli.invoke import run

SVG_LOGO = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100">'
            '<rect width="300" height="100" fill="#1a4c8b"/>'
            '<circle cx="50" cy="50" r="35" fill="#f2c21b"/></svg>')


def image_bytes(size: tuple[int, int] = (400, 160), kind: str = "PNG") -> bytes:
    """An invented logo: a blue field with a yellow square."""
    image = Image.new("RGB", size, (26, 76, 139))
    image.paste((242, 194, 27), (10, 10, min(size[0], 60), min(size[1], 60)))
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def state() -> tuple[bytes | None, list[str]]:
    """The settings file's bytes and what the data folder holds: all a refusal must keep."""
    folder = data_dir()
    file = settings_path()
    names = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    return (file.read_bytes() if file.exists() else None), names


def settings() -> dict[str, str]:
    return json.loads(settings_path().read_text(encoding="utf-8"))


def test_without_arguments_it_shows_that_nothing_is_set() -> None:
    result = run("settings")
    assert result.exit_code == 0, result.output
    assert "Nämndens namn: (inte angivet)" in result.output
    assert "Logotyp:       ingen" in result.output
    assert not settings_path().exists()  # showing writes nothing


def test_set_show_and_remove(tmp_path: Path) -> None:
    original = write(tmp_path / "Loggor #1 ?% åäö" / "kommun vapen.png", image_bytes())
    result = run("settings", "--logo", str(original), "--committee", "  Socialnämnden  ")
    assert result.exit_code == 0, result.output
    assert "Logotypen är sparad." in result.output
    assert "Nämndens namn är sparat: Socialnämnden" in result.output
    saved = settings()
    copy = data_dir() / saved["logo_file"]
    assert copy.read_bytes() == original.read_bytes()
    assert copy.suffix == ".png"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert saved["logo_source"] == str(original)
    assert saved["committee"] == "Socialnämnden"

    original.unlink()  # the copy is what the cover uses
    shown = run("settings")
    assert shown.exit_code == 0
    assert "Nämndens namn: Socialnämnden" in shown.output
    assert f"PNG {copy}, vald från {original}" in shown.output
    assert "Varning" not in shown.output

    svg = write(tmp_path / "vapen.svg", SVG_LOGO)
    assert run("settings", "--logo", str(svg)).exit_code == 0
    assert not copy.exists()  # the earlier copy goes once the new one is in place
    assert settings()["logo_file"].endswith(".svg")

    removed = run("settings", "--remove-logo", "--committee", "")
    assert removed.exit_code == 0, removed.output
    assert "Logotypen är borttagen." in removed.output
    assert "Nämndens namn är borttaget." in removed.output
    assert settings() == {}
    assert [p.name for p in data_dir().iterdir()] == [settings_path().name]
    again = run("settings", "--remove-logo")
    assert again.exit_code == 0 and "Ingen logotyp var vald." in again.output


def test_a_jpeg_is_accepted(tmp_path: Path) -> None:
    jpeg = write(tmp_path / "logo.JPG", image_bytes(kind="JPEG"))
    result = run("settings", "--logo", str(jpeg))
    assert result.exit_code == 0, result.output
    assert settings()["logo_file"].endswith(".jpeg")
    assert "JPEG " in result.output


def _bad_files(tmp_path: Path) -> list[tuple[str, str]]:
    """(path as typed, what the message must say) for every file that is no logo."""
    cut = image_bytes(kind="JPEG")
    huge = write(tmp_path / "stor.png", b"")
    with huge.open("wb") as handle:  # over the limit without building a real image
        handle.write(image_bytes()[:64] + b"\0" * MAX_LOGO_BYTES)
    return [
        (str(tmp_path / "finns inte #? %å.png"), "finns inte"),
        (str(write(tmp_path / "tom.png", b"")), "Filen är tom"),
        (str(write(tmp_path / "text.png", "Detta är ingen bild.\n")), "ingen bild"),
        (str(write(tmp_path / "låtsas.png", b"\x89PNG\r\n\x1a\n" + b"skrap" * 20)),
         "kunde inte läsas som PNG"),
        (str(write(tmp_path / "avklippt.jpg", cut[: len(cut) // 2])),
         "kunde inte läsas som JPEG"),
        (str(write(tmp_path / "trasig.svg", "<svg xmlns='http://www.w3.org/2000/svg'>")),
         "ingen storlek"),
        (str(write(tmp_path / "html.svg", "<html><body>svg</body></html>")), "ingen bild"),
        (str(huge), "högst 5 MB"),
        (str(write(tmp_path / "bred.png", image_bytes((8001, 1000)))),
         "högst 8000 bildpunkter"),
        (str(write(tmp_path / "smal.png", image_bytes((2100, 100)))), "för smal"),
        (str(tmp_path), "är en mapp"),
        ("", "Ange sökvägen"),
    ]


def test_every_bad_logo_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    good = write(tmp_path / "bra.png", image_bytes())
    assert run("settings", "--logo", str(good), "--committee", "Socialnämnden").exit_code == 0
    before = state()
    for typed, says in _bad_files(tmp_path / "dåliga"):
        result = run("settings", "--logo", typed, "--committee", "Annan nämnd")
        assert result.exit_code == 1, (typed, result.output)
        assert result.output.startswith("Fel: "), result.output
        assert says in result.output, (typed, result.output)
        assert "Inställningarna är oförändrade." in result.output
        assert state() == before, typed


def test_bad_committee_names_and_options(tmp_path: Path) -> None:
    good = write(tmp_path / "bra.png", image_bytes())
    for args, says in [
        (("--committee", "x" * 121), "för långt"),
        (("--committee", "Social\x1bnämnden"), "inte kan skrivas ut"),
        (("--logo", str(good), "--remove-logo"), "antingen --logo eller --remove-logo"),
        (("--logo", str(good), "--committee", "\x07"), "inte kan skrivas ut"),
    ]:
        result = run("settings", *args)
        assert result.exit_code == 1, result.output
        assert says in result.output
        assert state() == (None, [])  # the logo given with a bad name is not kept either


def test_a_data_folder_that_cannot_be_written_is_said(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = write(tmp_path / "en fil", b"")
    monkeypatch.setenv("KVTUI_DATA", str(blocked / "data"))  # its parent is a file
    good = write(tmp_path / "bra.png", image_bytes())
    result = run("settings", "--logo", str(good))
    assert result.exit_code == 1
    assert "Inställningen kunde inte sparas" in result.output
    result = run("settings", "--committee", "Socialnämnden")
    assert result.exit_code == 1
    assert "Inställningen kunde inte sparas" in result.output


def test_a_stored_logo_that_went_bad_is_shown_with_a_warning(tmp_path: Path) -> None:
    good = write(tmp_path / "bra.png", image_bytes())
    assert run("settings", "--logo", str(good)).exit_code == 0
    copy = data_dir() / settings()["logo_file"]
    copy.write_text("inte längre en bild", encoding="utf-8")
    result = run("settings")
    assert result.exit_code == 0
    assert "Varning: logotypen kan inte användas" in result.output
    copy.unlink()
    assert "finns inte" in run("settings").output
