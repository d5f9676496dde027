"""The risk matrix: every cell of the default, the seed's legend kept, and a committee's own
matrix refused while incomplete or wrong, with the cells named in Swedish."""

from __future__ import annotations

import pytest

from kvtui.domain.risk_matrix import (
    CELLS,
    DEFAULT_MATRIX,
    PROBABILITY_LABELS,
    SEVERITY_LABELS,
    MatrixError,
    checked_cell,
    grade_problem,
    matrix_from_json,
    matrix_of,
    parse_matrix,
    worst,
)
from kvtui.domain.vocabulary import Rating

G, Y, R = Rating.GREEN, Rating.YELLOW, Rating.RED

# Every cell of the default, written out by hand: (sannolikhet, allvarlighetsgrad) → level.
EXPECTED = {
    (4, 1): Y, (4, 2): R, (4, 3): R, (4, 4): R,
    (3, 1): G, (3, 2): Y, (3, 3): R, (3, 4): R,
    (2, 1): G, (2, 2): Y, (2, 3): Y, (2, 4): R,
    (1, 1): G, (1, 2): G, (1, 3): G, (1, 4): Y,
}


def test_the_labels_are_those_of_the_follow_up_reports() -> None:
    assert PROBABILITY_LABELS == {1: "Osannolik", 2: "Mindre sannolik", 3: "Möjlig",
                                  4: "Sannolik"}
    assert SEVERITY_LABELS == {1: "Mindre", 2: "Måttlig", 3: "Betydlig", 4: "Hög"}


@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c[0]}x{c[1]}")
def test_every_cell_of_the_default(cell: tuple[int, int]) -> None:
    assert DEFAULT_MATRIX.level(*cell) == EXPECTED[cell]


def test_the_default_keeps_the_legend_and_fills_its_gaps_upwards() -> None:
    """Grön 1–3, Gul 4–6, Röd 9–12 as the legend says; 8 and 16, which it leaves out, Röd;
    and no cell milder than a cell with a smaller product."""
    by_product: dict[int, set[Rating]] = {}
    for (p, s), level in DEFAULT_MATRIX.cells.items():
        by_product.setdefault(p * s, set()).add(level)
    assert {n: by_product[n] for n in (1, 2, 3)} == {1: {G}, 2: {G}, 3: {G}}
    assert {n: by_product[n] for n in (4, 6)} == {4: {Y}, 6: {Y}}
    assert {n: by_product[n] for n in (8, 9, 12, 16)} == {8: {R}, 9: {R}, 12: {R}, 16: {R}}
    rank = {G: 0, Y: 1, R: 2}
    for a in CELLS:
        for b in CELLS:
            if a[0] * a[1] < b[0] * b[1]:
                assert rank[DEFAULT_MATRIX.cells[a]] <= rank[DEFAULT_MATRIX.cells[b]]


def test_rows_print_as_the_report_does() -> None:
    rows = DEFAULT_MATRIX.rows()
    assert [p for p, _cells in rows] == [4, 3, 2, 1]
    assert [product for product, _level in rows[0][1]] == [4, 8, 12, 16]
    assert [product for product, _level in rows[3][1]] == [1, 2, 3, 4]


def test_a_committees_own_matrix_round_trips_through_its_file_and_the_store() -> None:
    text = DEFAULT_MATRIX.to_text().replace("2 × 4 = Röd", "2 × 4 = Gul").replace(
        "4 × 2 = Röd", "4x2: gul")
    own = parse_matrix(text)
    assert own.level(2, 4) == Y and own.level(4, 2) == Y
    assert not own.is_default
    assert parse_matrix(own.to_text()) == own
    assert matrix_from_json(own.to_json()) == own
    assert matrix_from_json("") == DEFAULT_MATRIX


def test_an_incomplete_matrix_is_refused_with_every_missing_cell_named() -> None:
    lines = [line for line in DEFAULT_MATRIX.to_text().splitlines()
             if not line.startswith(("2 × 4", "4 × 4"))]
    with pytest.raises(MatrixError) as refused:
        parse_matrix("\n".join(lines))
    message = str(refused.value)
    assert "ofullständig: 2 rutor saknar nivå" in message
    assert "sannolikhet 2 Mindre sannolik × allvarlighetsgrad 4 Hög" in message
    assert "sannolikhet 4 Sannolik × allvarlighetsgrad 4 Hög" in message
    assert "sannolikhet 3" not in message


def test_an_empty_matrix_names_all_sixteen_cells() -> None:
    with pytest.raises(MatrixError, match="16 rutor saknar nivå") as refused:
        matrix_of({})
    assert all(f"sannolikhet {p} " in str(refused.value) for p in (1, 2, 3, 4))


@pytest.mark.parametrize(("line", "words"), [
    ("2 × 4 = Blå", "okänd nivå 'Blå'"),
    ("5 × 1 = Röd", "måste vara 1–4"),
    ("0 × 1 = Grön", "måste vara 1–4"),
    ("2 och 4 är röd", "skriv rutan som"),
    ("1 × 1 = Röd", "har redan en annan nivå"),
])
def test_a_wrong_line_is_refused_with_its_number(line: str, words: str) -> None:
    text = DEFAULT_MATRIX.to_text() + line + "\n"
    with pytest.raises(MatrixError, match=words) as refused:
        parse_matrix(text)
    assert f"rad {len(text.splitlines())}" in str(refused.value)


def test_a_level_outside_the_three_is_refused_by_cell() -> None:
    levels: dict[tuple[int, int], str] = {cell: str(level)
                                          for cell, level in DEFAULT_MATRIX.cells.items()}
    levels[3, 3] = "orange"
    with pytest.raises(MatrixError, match="sannolikhet 3 Möjlig × allvarlighetsgrad 3 "
                       "Betydlig: 'orange'"):
        matrix_of(levels)


@pytest.mark.parametrize("bad", [0, 5, -1, 2.5, "2", True, None])
def test_a_grade_outside_one_to_four_is_refused(bad: object) -> None:
    assert grade_problem(bad, "sannolikhet") is not None
    with pytest.raises(MatrixError, match="1–4"):
        checked_cell(bad, 2)
    with pytest.raises(MatrixError, match="Allvarlighetsgrad måste vara 1–4"):
        DEFAULT_MATRIX.level(2, bad)  # type: ignore[arg-type]


def test_a_damaged_stored_matrix_is_said_so() -> None:
    for text in ("{", "[]", '{"1x1": "gron"}', '{"ax1": "gron"}'):
        with pytest.raises(MatrixError):
            matrix_from_json(text)


def test_worst() -> None:
    assert worst(["gron", "rod", "gul"]) == R
    assert worst([]) is None
