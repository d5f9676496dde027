"""`kvtui search REVIEW QUERY [--json]` on the demo review."""

from __future__ import annotations

import json

import pytest

from tests.cli.invoke import run


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    db = str(tmp_path_factory.mktemp("search") / "db" / "kvtui.db")
    created = run("demo", "--no-open", "--db", db)
    assert created.exit_code == 0, created.output
    return db, created.output.strip()


def test_search_json(demo) -> None:
    db, review = demo
    result = run("search", review, "genomförandeplan", "--json", "--db", db)
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["query"] == "genomförandeplan"
    kinds = {hit["kind"] for hit in found["hits"]}
    assert {"assessment", "document", "section_text"} <= kinds
    red = next(h for h in found["hits"] if h["kind"] == "assessment")
    assert red["label"] == "5.4 Social dokumentation" and "«genomförandeplaner»" in red["snippet"]
    assert red["kind_label"] == "Bedömning"


def test_search_text_and_no_hits(demo) -> None:
    db, review = demo
    result = run("search", review, "LEX sar", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Iakttagelse: 2026-10-07 (socialsekreterare)" in result.output
    assert "«lex» «Sarah»" in result.output
    none = run("search", review, "far", "--db", db)
    assert none.exit_code == 0 and "Inga träffar för ”far”." in none.output


def test_search_bad_input(demo) -> None:
    db, review = demo
    empty = run("search", review, '" *', "--db", db)
    assert empty.exit_code == 1 and "Ange minst ett ord" in empty.output
    unknown = run("search", "ffffffff", "stöd", "--db", db)
    assert unknown.exit_code == 1 and "Ingen granskning har id" in unknown.output
    assert run("search", "--help").exit_code == 0
