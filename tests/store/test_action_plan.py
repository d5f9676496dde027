"""The unit's action plan on a real store: one plan per unit, risks numbered per area, a risk
from a signed review's Gul or Röd statement, a risk's history across follow-up rounds, nothing
half-written on bad input, and the promises the tables keep against raw SQL."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session, select

from kvtui.domain.action_plan import ActionStatus, Change, IndicatorKind, TrafficLight, tertial
from kvtui.domain.risk_matrix import DEFAULT_MATRIX, parse_matrix
from kvtui.store.action_plan import (
    FirstGrade,
    Light,
    RoundGrade,
    Value,
    add_action,
    add_indicator,
    add_risk,
    add_risk_from_statement,
    assess_risk,
    create_plan,
    findings,
    open_round,
    record_followup,
    resolve_plan_id,
    set_action_status,
    set_matrix,
    update_action,
    update_risk,
)
from kvtui.store.changelog import count_entries, verify_chain
from kvtui.store.database import Store, open_store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.models import Assessment, Review
from kvtui.store.plan_export import export_plan
from kvtui.store.plan_view import list_plans, plan_view
from kvtui.store.signed_record import check_sign_offs
from tests.report.demo_file import demo_copy
from tests.signing import sign_review

PLAN_TABLES = ("action_plan", "plan_area", "plan_risk", "risk_assessment", "plan_action",
               "plan_activity", "followup_round", "action_followup", "plan_indicator",
               "indicator_value")
DECIDED = date(2026, 12, 1)


@pytest.fixture(scope="module")
def signed_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo review signed, in a store built once for this module."""
    path, review_id = demo_copy(tmp_path_factory.mktemp("signed"))
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            sign_review(session, review_id)
    finally:
        store.close()
    return path, review_id


@pytest.fixture
def signed(signed_file: tuple[Path, str], tmp_path: Path) -> Iterator[tuple[Store, str]]:
    """A fresh copy of the signed demo store, opened, and the review's id."""
    source, review_id = signed_file
    target = tmp_path / "kvtui.db"
    shutil.copyfile(source, target)
    store = open_store(target, backup=False)
    try:
        yield store, review_id
    finally:
        store.close()


def _unit_plan(session: Session, review_id: str) -> str:
    review = session.get(Review, review_id)
    assert review is not None
    return create_plan(session, unit=review.unit, municipality=review.municipality,
                       committee="Socialnämnden", decided_on=DECIDED)


def _counts(store: Store) -> dict[str, int]:
    with sqlite3.connect(store.path) as connection:
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in (*PLAN_TABLES, "change_log")}


def test_a_unit_has_one_plan_that_outlives_case_and_spacing(store: Store) -> None:
    with store.session() as session:
        plan_id = create_plan(session, unit="Barn och familjeenheten",
                              municipality="Sjövik kommun", decided_on=DECIDED)
        with pytest.raises(InvalidInput, match="har redan en åtgärdsplan"):
            create_plan(session, unit=" barn och  Familjeenheten", municipality="SJÖVIK kommun",
                        decided_on=date(2027, 1, 1))
        with pytest.raises(InvalidInput, match="Enheten saknas"):
            create_plan(session, unit="  ", decided_on=DECIDED)
        assert resolve_plan_id(session, "barn och familjeenheten") == plan_id
        assert resolve_plan_id(session, plan_id[:8]) == plan_id
        with pytest.raises(NotFound, match="Ingen åtgärdsplan"):
            resolve_plan_id(session, "Äldreomsorgen")
        [summary] = list_plans(session)
        assert (summary.unit, summary.title, summary.risks) == (
            "Barn och familjeenheten", "Åtgärdsplan Barn och familjeenheten", 0)


def test_risks_are_numbered_per_quality_area(store: Store) -> None:
    with store.session() as session:
        plan_id = create_plan(session, unit="Barn och familjeenheten", decided_on=DECIDED)
        add_risk(session, plan_id, area="1 Självbestämmande och integritet",
                 title="Barns delaktighet")
        add_risk(session, plan_id, area="5 Effektivitet", title="Verksamhetsuppföljning")
        add_risk(session, plan_id, area="effektivitet", title="Kontinuitet")
        add_risk(session, plan_id, area="Trygghet och säkerhet", title="Stöd och skydd")
        with pytest.raises(InvalidInput, match="Nummer 5 är redan kvalitetsområdet Effektivitet"):
            add_risk(session, plan_id, area="5 Tillgänglighet", title="x")
        with pytest.raises(InvalidInput, match="har nummer 1 i planen, inte 3"):
            add_risk(session, plan_id, area="3 Självbestämmande och integritet", title="x")
        with pytest.raises(InvalidInput, match="Risken saknas"):
            add_risk(session, plan_id, area="5 Effektivitet", title=" ")
        view = plan_view(session, plan_id)
    assert [(r.label, r.area_name, r.title) for r in view.risks] == [
        ("1.1", "Självbestämmande och integritet", "Barns delaktighet"),
        ("5.1", "Effektivitet", "Verksamhetsuppföljning"),
        ("5.2", "Effektivitet", "Kontinuitet"),
        ("6.1", "Trygghet och säkerhet", "Stöd och skydd"),
    ]


def test_a_risks_history_across_rounds(store: Store) -> None:
    """Röd at the risk analysis, lower within Röd at T1, Gul at T2: every assessment kept
    with its date, and each round says whether the risk went down since the previous one."""
    with store.session() as session:
        plan_id = create_plan(session, unit="Barn och familjeenheten", decided_on=DECIDED)
        add_risk(session, plan_id, area="5 Effektivitet", title="Kontinuitet",
                 first=FirstGrade(4, 3, date(2026, 11, 20), "Riskanalysen"))
        add_risk(session, plan_id, area="5 Effektivitet", title="Uppföljning",
                 first=FirstGrade(2, 2, date(2026, 11, 20)))
        record_followup(session, plan_id, tertial(2027, 1), held_on=date(2027, 5, 12),
                        grades=[RoundGrade("5.1", 3, 3, "Fler seniora socialsekreterare")])
        # A new matrix later does not rewrite the levels already given.
        set_matrix(session, plan_id, parse_matrix(
            DEFAULT_MATRIX.to_text().replace("3 × 3 = Röd", "3 × 3 = Gul")))
        assert assess_risk(session, plan_id, "5.2", 3, 2, assessed_on=date(2027, 6, 1)) == "gul"
        record_followup(session, plan_id, tertial(2027, 2), held_on=date(2027, 9, 14),
                        grades=[RoundGrade("5.1", 2, 4)])
        # Corrected in the same round: the round's assessment changes, no second one is added.
        record_followup(session, plan_id, tertial(2027, 2), grades=[RoundGrade("5.1", 2, 3)])
        view = plan_view(session, plan_id)
    risk = view.risk("5.1")
    assert risk is not None
    assert [(g.assessed_on, g.probability, g.severity, g.level, g.round_key)
            for g in risk.history] == [
        (date(2026, 11, 20), 4, 3, "rod", None),
        (date(2027, 5, 12), 3, 3, "rod", "2027-T1"),
        (date(2027, 9, 14), 2, 3, "gul", "2027-T2"),
    ]
    assert risk.history[0].comment == "Riskanalysen"
    at_t1 = {c.risk.label: c for c in view.changes_at("2027-T1")}
    assert at_t1["5.1"].change == Change.DOWN and at_t1["5.1"].now.level == "rod"
    assert at_t1["5.2"].change == Change.SAME
    at_t2 = {c.risk.label: c for c in view.changes_at("2027-T2")}
    assert (at_t2["5.1"].before.level, at_t2["5.1"].now.level) == ("rod", "gul")
    assert at_t2["5.2"].change == Change.UP  # assessed between the rounds: Gul 4 → Gul 6
    assert [c.risk.label for c in view.went_down_at("2027-T2")] == ["5.1"]
    assert view.matrix.level(3, 3) == "gul"
    assert view.summary_at("2027-T2") == [
        "Ingen risk kvarstår som röd, det vill säga som en kritisk, oacceptabel risk.",
        "1 risk har sänkts sedan förra uppföljningen.",
        "Risk 5.1 Kontinuitet har sänkts från Röd till Gul.",
        "Risk 5.2 Uppföljning har ökat inom Gul (4 → 6).",
    ]


def test_from_a_signed_reviews_red_statement_to_a_risk(signed: tuple[Store, str]) -> None:
    store, review_id = signed
    with store.session() as session:
        found = findings(session, review_id)
        assert {f.rating for f in found} == {"rod"}
        [red] = found
        assert red.statement.startswith("Verksamheten behöver upprätta genomförandeplaner")
        with pytest.raises(InvalidInput, match="har ingen åtgärdsplan ännu"):
            add_risk_from_statement(session, red.assessment_id)
        plan_id = _unit_plan(session, review_id)
        risk_id = add_risk_from_statement(session, red.assessment_id,
                                          first=FirstGrade(3, 4, DECIDED))
        with pytest.raises(InvalidInput, match="redan en risk"):
            add_risk_from_statement(session, red.assessment_id)
        green = session.exec(select(Assessment.id).where(Assessment.rating == "gron")).first()
        assert green is not None
        with pytest.raises(InvalidInput, match="inte bedömt Gul eller Röd"):
            add_risk_from_statement(session, green)
        other = create_plan(session, unit="Äldreomsorgen", decided_on=DECIDED)
        with pytest.raises(InvalidInput, match="planen gäller en annan enhet"):
            add_risk_from_statement(session, red.assessment_id, plan_id=other)
        view = plan_view(session, plan_id)
    [risk] = view.risks
    assert risk.id == risk_id
    assert (risk.label, risk.area_name, risk.title) == ("1.1", red.section_title, red.statement)
    assert risk.source is not None
    assert (risk.source.review_id, risk.source.version, risk.source.rating,
            risk.source.section) == (review_id, 1, "rod", red.section)
    assert risk.current is not None and risk.current.level == "rod"


def test_an_unsigned_review_gives_no_risks(tmp_path: Path) -> None:
    path, review_id = demo_copy(tmp_path)
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            red = session.exec(select(Assessment.id).where(Assessment.rating == "rod")).first()
            assert red is not None
            _unit_plan(session, review_id)
            assert findings(session, review_id) == []
            with pytest.raises(InvalidInput, match="inte signerad"):
                add_risk_from_statement(session, red)
    finally:
        store.close()


def test_actions_follow_up_and_an_indicator_from_the_reviews_criterion(
        signed: tuple[Store, str]) -> None:
    store, review_id = signed
    with store.session() as session:
        plan_id = _unit_plan(session, review_id)
        [red] = findings(session, review_id)
        add_risk_from_statement(session, red.assessment_id, area="2 Trygghet och säkerhet",
                                first=FirstGrade(3, 4, DECIDED))
        assert add_action(session, plan_id, "2.1", title="Upprätta genomförandeplaner",
                          responsible_role="gruppledare", deadline=date(2027, 4, 30),
                          activities=["Inventera akterna", "", "Följ upp varje månad"]) == 1
        assert add_indicator(session, plan_id, "2.1", name="Andel barn med genomförandeplan",
                             baseline=40.0) == 1
        assert add_indicator(session, plan_id, "2.1", name="Antal barn utan plan",
                             kind=IndicatorKind.COUNT) == 2
        opened = record_followup(
            session, plan_id, tertial(2027, 1), held_on=date(2027, 5, 10),
            lights=[Light("2.1", 1, TrafficLight.YELLOW, "Inventeringen är klar")],
            grades=[RoundGrade("2.1", 2, 3)],
            values=[Value("2.1", 1, review_id=review_id, criterion="f4"),
                    Value("2.1", 2, 12.0)], summary="Arbetet har kommit i gång.")
        assert opened
        # Again for the same round: the light changes, nothing is added twice.
        assert not record_followup(session, plan_id, tertial(2027, 1),
                                   lights=[Light("2.1", 1, TrafficLight.GREEN)])
        set_action_status(session, plan_id, "2.1", 1, ActionStatus.ONGOING)
        view = plan_view(session, plan_id)
        expected = session.connection().exec_driver_sql(
            "SELECT sum(a.value = 'ja'), sum(a.value IN ('ja', 'delvis', 'nej')) FROM answer a"
            " JOIN review_criterion c ON c.id = a.criterion_id WHERE c.code = 'F4'"
            " AND c.review_id = ?", (review_id,)).one()
    [risk] = view.risks
    [action] = risk.actions
    assert action.activities == ("Inventera akterna", "Följ upp varje månad")
    assert (action.status, action.responsible_role) == ("ongoing", "gruppledare")
    assert [(f.round_key, f.light, f.comment) for f in action.followups] == [
        ("2027-T1", "gron", "")]
    share, count = risk.indicators
    value = share.value_at("2027-T1")
    assert value is not None
    assert (value.source_yes, value.source_applicable) == tuple(expected)
    assert value.value == round(100 * expected[0] / expected[1], 1)
    assert (value.source_review_id, value.source_criterion) == (review_id, "F4")
    assert count.text_at("2027-T1") == "12"
    assert view.rounds[0].summary == "Arbetet har kommit i gång."
    assert [c.risk.label for c in view.went_down_at("2027-T1")] == ["2.1"]
    with store.session() as session:
        assert verify_chain(session).ok


@pytest.mark.parametrize("bad", ["deadline", "level", "share", "count", "period", "light",
                                 "criterion"])
def test_bad_input_leaves_the_store_as_it_was(store: Store, bad: str) -> None:
    with store.session() as session:
        plan_id = create_plan(session, unit="Barn och familjeenheten", decided_on=DECIDED)
        add_risk(session, plan_id, area="1 Självbestämmande och integritet",
                 title="Barns delaktighet", first=FirstGrade(3, 3, DECIDED))
        add_action(session, plan_id, "1.1", title="Säkerställa barns delaktighet")
        add_indicator(session, plan_id, "1.1", name="Andel barn som kommit till tals")
        add_indicator(session, plan_id, "1.1", name="Antal barn i heldygnsvård",
                      kind=IndicatorKind.COUNT)
        open_round(session, plan_id, tertial(2027, 1), held_on=date(2027, 5, 1))
    before = _counts(store)
    good_light = Light("1.1", 1, TrafficLight.GREEN, "Följer tidplanen")
    with store.session() as session, pytest.raises((InvalidInput, NotFound)) as refused:
        if bad == "deadline":
            add_action(session, plan_id, "1.1", title="x", deadline=date(2026, 11, 30),
                       activities=["a"])
        elif bad == "level":
            record_followup(session, plan_id, tertial(2027, 2), held_on=date(2027, 9, 1),
                            lights=[good_light], grades=[RoundGrade("1.1", 5, 2)])
        elif bad == "share":
            record_followup(session, plan_id, tertial(2027, 2), held_on=date(2027, 9, 1),
                            lights=[good_light], values=[Value("1.1", 1, 100.5)])
        elif bad == "count":
            record_followup(session, plan_id, tertial(2027, 1),
                            lights=[good_light], values=[Value("1.1", 2, -3.0)])
        elif bad == "period":
            record_followup(session, plan_id, tertial(2026, 3), held_on=date(2026, 11, 1),
                            lights=[good_light])
        elif bad == "light":
            record_followup(session, plan_id, tertial(2027, 1),
                            lights=[good_light, Light("1.1", 2, TrafficLight.RED)])
        else:
            record_followup(session, plan_id, tertial(2027, 1), lights=[good_light],
                            values=[Value("1.1", 1, review_id="ingen", criterion="F4")])
    message = str(refused.value)
    assert {"deadline": "före planens datum", "level": "Sannolikhet måste vara 1–4",
            "share": "mellan 0 och 100 %", "count": "helt tal", "period": "före planens datum",
            "light": "ingen åtgärd 2", "criterion": "Granskningen finns inte"}[bad] in message
    assert _counts(store) == before


def test_a_rounds_period_is_followed_up_once(store: Store) -> None:
    with store.session() as session:
        plan_id = create_plan(session, unit="Barn och familjeenheten", decided_on=DECIDED)
        open_round(session, plan_id, tertial(2027, 1), held_on=date(2027, 5, 1))
        with pytest.raises(InvalidInput, match="redan en uppföljning för Tertial 1 2027"):
            open_round(session, plan_id, tertial(2027, 1), held_on=date(2027, 5, 2))
        with pytest.raises(NotFound, match="ingen uppföljning för Tertial 2 2027"):
            record_followup(session, plan_id, tertial(2027, 2))
        with pytest.raises(InvalidInput, match="Tertial 1 2026 slutar före planens datum"):
            open_round(session, plan_id, tertial(2026, 1), held_on=date(2027, 5, 2))


def test_an_action_and_a_risk_are_edited_and_logged(store: Store) -> None:
    with store.session() as session:
        plan_id = create_plan(session, unit="Barn och familjeenheten", decided_on=DECIDED)
        add_risk(session, plan_id, area="5 Effektivitet", title="Kontinuitet")
        add_action(session, plan_id, "5.1", title="Rätt bemanning", deadline=date(2027, 4, 30),
                   activities=["Rekrytera seniora socialsekreterare"])
        start = count_entries(session)
        update_action(session, plan_id, "5.1", 1, responsible_role="enhetschef",
                      deadline=date(2027, 8, 31),
                      activities=["Rekrytera seniora socialsekreterare", "Ny gruppledare"])
        update_risk(session, plan_id, "5.1", description="Hög personalomsättning")
        update_risk(session, plan_id, "5.1", description="Hög personalomsättning")  # no-op
        with pytest.raises(InvalidInput, match="före planens datum"):
            update_action(session, plan_id, "5.1", 1, title="Annat", deadline=date(2026, 1, 1))
        with pytest.raises(InvalidInput, match="Åtgärden saknas"):
            update_action(session, plan_id, "5.1", 1, title=" ")
        assert count_entries(session) == start + 2
        update_action(session, plan_id, "5.1", 1, no_deadline=True)
        view = plan_view(session, plan_id)
    risk = view.risk("5.1")
    assert risk is not None and risk.description == "Hög personalomsättning"
    [action] = risk.actions
    assert (action.title, action.responsible_role, action.deadline) == (
        "Rätt bemanning", "enhetschef", None)
    assert action.activities == ("Rekrytera seniora socialsekreterare", "Ny gruppledare")


def test_the_committees_matrix_is_set_once_for_all_its_plans(store: Store) -> None:
    own = parse_matrix(DEFAULT_MATRIX.to_text().replace("2 × 4 = Röd", "2 × 4 = Gul"))
    with store.session() as session:
        first = create_plan(session, unit="Barn och familjeenheten", committee="Socialnämnden",
                            decided_on=DECIDED)
        second = create_plan(session, unit="Vuxenenheten", committee="socialnämnden ",
                             decided_on=DECIDED)
        other = create_plan(session, unit="Hemtjänsten", committee="Äldrenämnden",
                            decided_on=DECIDED)
        assert set_matrix(session, first, own) == ["2 × 4: Röd → Gul"]
        assert set_matrix(session, second, own) == []  # already the committee's
        later = create_plan(session, unit="Mottagningen", committee="Socialnämnden",
                            decided_on=DECIDED)
        levels = {plan_id: plan_view(session, plan_id).matrix.level(2, 4)
                  for plan_id in (first, second, other, later)}
    assert levels == {first: "gul", second: "gul", other: "rod", later: "gul"}


def test_export_for_the_units_own_reporting(store: Store) -> None:
    with store.session() as session:
        plan_id = create_plan(session, unit="Barn och familjeenheten", decided_on=DECIDED)
        add_risk(session, plan_id, area="1 Självbestämmande och integritet",
                 title="=HYPERLINK(\"x\")", first=FirstGrade(3, 3, DECIDED))
        add_action(session, plan_id, "1.1", title="Säkerställa barns delaktighet",
                   responsible_role="enhetschef", deadline=date(2027, 4, 30))
        add_indicator(session, plan_id, "1.1", name="Andel barn som kommit till tals",
                      baseline=10.0)
        record_followup(session, plan_id, tertial(2027, 1), held_on=date(2027, 5, 1),
                        lights=[Light("1.1", 1, TrafficLight.YELLOW)],
                        values=[Value("1.1", 1, 21.0)])
        xlsx = export_plan(session, plan_id, "xlsx")
        csv_text = export_plan(session, plan_id, "csv").decode("utf-8-sig")
        indicators = export_plan(session, plan_id, "csv", "indikatorer").decode("utf-8-sig")
        with pytest.raises(InvalidInput, match="Välj csv eller xlsx"):
            export_plan(session, plan_id, "pdf")
    path = store.path.parent / "plan.xlsx"
    path.write_bytes(xlsx)
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["Risker och åtgärder", "Indikatorer"]
    rows = list(book["Risker och åtgärder"].iter_rows(values_only=True))
    header, first = rows[0], rows[1]
    assert first[header.index("Risk nr")] == "1.1"
    assert first[header.index("Risk")] == "'=HYPERLINK(\"x\")"
    assert first[header.index("Risknivå")] == "Röd"
    assert first[header.index("Stoppljus T1 2027")] == "Gult – risk för försening"
    assert first[header.index("Ansvarig roll")] == "enhetschef"
    book.close()
    assert csv_text.splitlines()[0].startswith("Kvalitetsområde;Risk nr;Risk;")
    table = list(csv.reader(io.StringIO(csv_text), delimiter=";"))
    assert table[1][:3] == ["1 Självbestämmande och integritet", "1.1", "'=HYPERLINK(\"x\")"]
    assert list(csv.reader(io.StringIO(indicators), delimiter=";"))[1] == [
        "1.1", "'=HYPERLINK(\"x\")", "Andel barn som kommit till tals", "Andel (%)", "10 %",
        "21 %"]


def test_every_write_is_logged_in_the_chain(store: Store) -> None:
    with store.session() as session:
        start = count_entries(session)
        plan_id = create_plan(session, unit="Barn och familjeenheten", decided_on=DECIDED)
        add_risk(session, plan_id, area="1 Självbestämmande och integritet", title="Risk",
                 first=FirstGrade(3, 3, DECIDED))
        add_action(session, plan_id, "1.1", title="Åtgärd")
        record_followup(session, plan_id, tertial(2027, 1), held_on=date(2027, 5, 1),
                        lights=[Light("1.1", 1, TrafficLight.RED, "Försenad")])
        entities = [e for (e,) in session.connection().exec_driver_sql(
            "SELECT entity FROM change_log ORDER BY seq").all()][start:]
        assert verify_chain(session).ok
    assert entities == ["action_plan", "plan_area", "plan_risk", "risk_assessment",
                        "plan_action", "followup_round", "action_followup"]


@pytest.mark.parametrize(("table", "column", "value"), [
    ("risk_assessment", "probability", 5),
    ("risk_assessment", "severity", 0),
    ("risk_assessment", "level", "lila"),
    ("action_followup", "light", "blått"),
    ("indicator_value", "share", 100.5),
    ("indicator_value", "amount", -1),
    ("plan_action", "status", "klar"),
])
def test_raw_sql_cannot_break_the_plans_promises(store: Store, table: str, column: str,
                                                  value: object) -> None:
    """What the sqlite3 shell would try: a value the rules refuse, written past kvtui."""
    with store.session() as session:
        plan_id = create_plan(session, unit="Barn och familjeenheten", decided_on=DECIDED)
        add_risk(session, plan_id, area="1 Självbestämmande och integritet", title="Risk",
                 first=FirstGrade(3, 3, DECIDED))
        add_action(session, plan_id, "1.1", title="Åtgärd")
        add_indicator(session, plan_id, "1.1", name="Andel")
        add_indicator(session, plan_id, "1.1", name="Antal", kind=IndicatorKind.COUNT)
        record_followup(session, plan_id, tertial(2027, 1), held_on=date(2027, 5, 1),
                        lights=[Light("1.1", 1, TrafficLight.RED)],
                        values=[Value("1.1", 1, 50.0), Value("1.1", 2, 3.0)])
    connection = sqlite3.connect(store.path, isolation_level=None)
    try:
        before = connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            connection.execute(f"UPDATE {table} SET {column} = ?", (value,))
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            row = connection.execute(f"SELECT * FROM {table} LIMIT 1").fetchone()
            names = [d[0] for d in connection.execute(f"SELECT * FROM {table}").description]
            copy = dict(zip(names, row, strict=True)) | {"id": "raw", column: value}
            for unique in ("round_id", "number"):  # step around the UNIQUE keys
                if unique in copy and table != "risk_assessment":
                    copy[unique] = "x" if unique == "round_id" else 99
            connection.execute(
                f"INSERT INTO {table} ({', '.join(copy)}) VALUES "
                f"({', '.join('?' for _ in copy)})", list(copy.values()))
        assert connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() == before
    finally:
        connection.close()


def test_the_plan_is_not_part_of_the_signed_review(signed: tuple[Store, str]) -> None:
    """The plan's rows hang on no review, so a signed review's lock and row hash never
    reach them: a plan made after signing leaves the signed record as it was."""
    store, review_id = signed
    with store.session() as session:
        plan_id = _unit_plan(session, review_id)
        [red] = findings(session, review_id)
        add_risk_from_statement(session, red.assessment_id, first=FirstGrade(3, 4, DECIDED))
        add_action(session, plan_id, "1.1", title="Upprätta genomförandeplaner")
        review = session.get(Review, review_id)
        assert review is not None and review.status == "signed"
        assert [f.problems for f in check_sign_offs(session)] == [()]
    with sqlite3.connect(store.path) as connection:
        foreign = {row[2] for table in PLAN_TABLES
                   for row in connection.execute(f"PRAGMA foreign_key_list({table})")}
    assert foreign <= set(PLAN_TABLES)
