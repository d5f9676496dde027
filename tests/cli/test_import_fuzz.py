"""Hostile and damaged case-file lists through the real ``kvtui import-akter`` and through the
app's import dialog (``preview_file``): every one is refused or read cleanly and soon, a refusal
names the file and leaves the store as it was, and nothing raw reaches the terminal.
``bench/fuzz_import.py`` runs the same with hundreds of files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.import_fuzz import FuzzRun, Outcome
from tests.hostile_files import XXE_FILE, good_csv, good_xlsx, hostile_files, mutations

NOT_A_WORKBOOK = "Filen kan inte läsas som en Excel-arbetsbok"
# Malformed workbooks: each gets the one message, naming the file.
MALFORMED = {
    "inte-en-zip.xlsx", "tom.xlsx", "bara-zip-huvud.xlsx", "avklippt.xlsx",
    "utan-slutpost.xlsx", "fel-kontrollsumma.xlsx", "trasig-xml.xlsx", "trasig-delad-text.xlsx",
    "xxe.xlsx", "xxe-i-blad.xlsx", "miljard-skratt.xlsx", "delad-text-utanfor.xlsx",
    "delad-text-inget-tal.xlsx", "utan-delade-texter.xlsx", "rad-utanfor-excel.xlsx",
    "rad-nummer-text.xlsx", "cell-utanfor-excel.xlsx", "sista-kolumnen.xlsx", "bred-rad.xlsx",
    "manga-element.xlsx", "djup-nastling.xlsx", "lang-tagg.xlsx", "lang-text.xlsx",
    "lang-kommentar.xlsx", "okand-kodning.xlsx", "manga-delar.xlsx", "ljuger-om-antal.xlsx",
    "ljuger-om-storlek.xlsx", "zipbomb.xlsx", "zipbomb-liten-storlek.xlsx",
    "zipbomb-delade-texter.xlsx", "zipbomb-delade-texter-40.xlsx", "krypterad.xlsx",
    "okand-komprimering.xlsx", "saknar-typer.xlsx", "doctype-i-typer.xlsx",
    "inget-arbetsbok.xlsx", "saknar-blad.xlsx",
}
FULL_OF_EMPTY_SHEETS = ("manga-tomma-blad.xlsx", "lista-efter-manga-tomma-blad.xlsx")
# Files that are fine to import as they are.
ACCEPTED = {"sista-raden.xlsx", "stor-dimension.xlsx", "utf16-blad.xlsx",
            "escape-kod-delad.xlsx", "styrtecken-bladnamn.xlsx", "vagnretur-mitt-i.csv"}


# Every file through both ways in, once for the module: long.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> FuzzRun:
    return FuzzRun(tmp_path_factory.mktemp("fuzz"), in_process=True)


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return dict(hostile_files())


@pytest.fixture(scope="module")
def named(fuzz: FuzzRun, files: dict[str, bytes]) -> dict[str, Outcome]:
    return {name: fuzz.run(name, data) for name, data in files.items()}


@pytest.fixture(scope="module")
def previewed(fuzz: FuzzRun, files: dict[str, bytes]) -> dict[str, Outcome]:
    return {name: fuzz.preview(name, data) for name, data in files.items()}


def test_every_named_attack_ends_cleanly(named: dict[str, Outcome]) -> None:
    assert len(named) >= 75
    assert [outcome.describe() for outcome in named.values() if outcome.faults] == []


@pytest.mark.timeout(600)
def test_every_named_attack_ends_cleanly_in_the_import_dialog(
    previewed: dict[str, Outcome],
) -> None:
    """The app's way in reads a workbook's sheets until one has a list: no file may make that
    slow, raise, or show raw characters."""
    assert len(previewed) >= 75
    assert [outcome.describe() for outcome in previewed.values() if outcome.faults] == []


def test_malformed_workbooks_get_the_one_message_with_the_file_name(
    named: dict[str, Outcome], previewed: dict[str, Outcome],
) -> None:
    for name in MALFORMED:
        assert named[name].exit_code == 1, name
        assert f"Fel: {name}: {NOT_A_WORKBOOK} (.xlsx)." in named[name].output, name
        assert previewed[name].output.startswith(f"{name}: {NOT_A_WORKBOOK} (.xlsx)."), name


def test_a_workbook_of_empty_sheets_is_refused_soon(
    named: dict[str, Outcome], previewed: dict[str, Outcome],
) -> None:
    """400 empty sheets (a list on the last one or not): the dialog and the command line
    look at the first 20 and say so (how soon: ``bench/refusals.py``)."""
    for name in FULL_OF_EMPTY_SHEETS:
        refusal = (f"{name}: De 20 första av arbetsbokens 400 blad är tomma. Flytta listan med "
                   "akter till det första bladet och försök igen.")
        assert previewed[name].output == refusal, name
        assert f"Fel: {refusal}" in named[name].output, name


def test_only_harmless_files_are_imported(named: dict[str, Outcome]) -> None:
    assert {name for name, outcome in named.items() if outcome.accepted} == ACCEPTED


def test_external_entity_is_never_read(named: dict[str, Outcome]) -> None:
    secret = Path(XXE_FILE).read_text(encoding="utf-8").strip() if Path(XXE_FILE).exists() else ""
    for name in ("xxe.xlsx", "xxe-i-blad.xlsx"):
        assert NOT_A_WORKBOOK in named[name].output
        if secret:
            assert secret not in named[name].output


def test_limits_are_named_in_swedish(named: dict[str, Outcome]) -> None:
    assert "(.xlsx). Den har inga kalkylblad. Öppna den i Excel" in named[
        "saknar-blad.xlsx"].output
    assert "Den består av fler än 5\u00a0000 delar." in named["manga-delar.xlsx"].output
    assert "Uppackad blir den mer än 256 MB" in named["zipbomb.xlsx"].output
    assert "delade texter packas upp till mer än 32 MB" in named[
        "zipbomb-delade-texter-40.xlsx"].output
    assert "100\u00a0001 rader under rubrikraden; kvtui läser högst 100\u00a0000 akter" in named[
        "manga-rader.csv"].output
    assert "fler än 100\u00a0000 rader" in named["bara-radbrytningar.csv"].output
    assert "Filen har 300 kolumner; kvtui läser högst 200." in named["manga-kolumner.csv"].output
    assert "1\u00a0045\u00a0011 fält (rader × kolumner)" in named["manga-falt.csv"].output
    assert "fler än 1\u00a0000\u00a0000 fält" in named["bara-skiljetecken.csv"].output
    assert "rad 2, fält 'Lagrum': Fältet har 40\u00a0000 tecken" in named[
        "langt-falt-citerat.csv"].output


def test_control_characters_are_refused_and_shown_escaped(named: dict[str, Outcome]) -> None:
    expected = {
        "escape.csv": "rad 2, fält 'Placeringsform': Fältet innehåller styrtecknet \\x1b",
        "escape-i-rubrik.csv": "rad 1, fält 'Lag\\x1b[31mrum': Rubriken innehåller "
                               "styrtecknet \\x1b",
        "c1.csv": "Fältet innehåller styrtecknet \\x9b",
        "del.csv": "Fältet innehåller styrtecknet \\x7f",
        "riktning.csv": "fält 'Referens': Fältet innehåller riktningstecknet \\u202e",
        "radseparator.csv": "Fältet innehåller radbrytningstecknet \\u2028",
        "backsteg.csv": "rad 3, fält 'Referens': Fältet innehåller styrtecknet \\x08",
        "styrtecken-i-blad.xlsx": "rad 2, fält 'Placeringsform': Fältet innehåller "
                                  "styrtecknet \\x9b",
        "riktning-i-blad.xlsx": "fält 'Referens': Fältet innehåller riktningstecknet \\u202e",
    }
    for name, words in expected.items():
        assert named[name].exit_code == 1, name
        assert words in named[name].output, (name, named[name].output)


def test_sheet_name_with_control_characters_is_shown_escaped(
    named: dict[str, Outcome],
) -> None:
    assert "(blad 'Akter\\u202e\\x9b2J')" in named["styrtecken-bladnamn.xlsx"].output


def test_random_damage_ends_cleanly(fuzz: FuzzRun) -> None:
    damaged = list(mutations(seed=2026, count=40))
    for run in (fuzz.run, fuzz.preview):
        outcomes = [run(name, data) for name, data in damaged]
        assert [outcome.describe() for outcome in outcomes if outcome.faults] == []
        assert sum(outcome.accepted for outcome in outcomes) < len(outcomes)


def test_good_files_still_import(fuzz: FuzzRun) -> None:
    for name, data in (("akter.csv", good_csv()), ("akter.xlsx", good_xlsx())):
        outcome = fuzz.run(name, data)
        assert outcome.accepted and not outcome.faults, outcome.describe()
        assert "Läste 12 akter" in outcome.output


def test_in_its_own_process_too(tmp_path: Path, files: dict[str, bytes]) -> None:
    """The real command line in a process of its own, as a user runs it: a workbook that
    unpacks to far more than it weighs and a CSV with formulas (every named attack goes
    through the same command in-process above)."""
    run = FuzzRun(tmp_path)
    for name in ("zipbomb.xlsx", "escape.csv"):
        for outcome in (run.run(name, files[name]), run.preview(name, files[name])):
            assert not outcome.faults, outcome.describe()
            assert 0 < outcome.peak_kb < 500 * 1024


def test_json_output_escapes_what_the_terminal_must_not_see(
    tmp_path: Path, files: dict[str, bytes],
) -> None:
    """--json writes C1 controls and direction marks as \\u escapes, still valid JSON."""
    run = FuzzRun(tmp_path, in_process=True)
    path = tmp_path / "Akter\u202e.xlsx"
    path.write_bytes(files["styrtecken-bladnamn.xlsx"])
    from typer.testing import CliRunner

    from kvtui.cli.typer_app import app

    result = CliRunner().invoke(app, ["import-akter", run.review_id, str(path), "--id-column",
                                      "Referens", "--json", "--db", str(run.db)])
    assert result.exit_code == 0, result.output
    assert "\u202e" not in result.output and "\\u202e" in result.output
    assert json.loads(result.output)["source"] == "Akter\u202e.xlsx"
