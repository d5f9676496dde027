"""A signed follow-up round of an action plan on a real store: what the round recorded can no
longer change, neither through the store (a Swedish refusal naming the round) nor through raw
SQL as the sqlite3 shell would send it (UPDATE, DELETE, INSERT OR REPLACE, UPDATE OR REPLACE,
with foreign keys off and recursive triggers off or on). The risks, actions and indicators the
round names keep their numbers and their place, and still get new assessments and rounds."""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlmodel import select

import kvtui.store.migrations as migrations
from kvtui.domain.action_plan import TrafficLight
from kvtui.domain.plan_signoff import round_hash
from kvtui.store.action_plan import (
    Light,
    RoundGrade,
    Value,
    assess_risk,
    record_followup,
    update_action,
    update_risk,
)
from kvtui.store.database import Store, open_store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.models import ActionFollowup, PlanAction
from kvtui.store.plan_guards import one_transaction
from kvtui.store.plan_lock import (
    check_round_sign_offs,
    lock_round,
    round_record,
    round_sign_off,
    round_sign_offs,
)
from kvtui.store.plan_view import plan_view
from tests.store.plan_fixture import PDF_SHA, T1, T2, build_plan, sign


def _migration(name: str) -> ModuleType:
    script = Path(migrations.__file__).parent / "versions" / name
    spec = importlib.util.spec_from_file_location(script.stem, script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LOCK = _migration("0013_followup_signoff.py")
REFUSED = r"signed and locked|append-only|sign-off is for"


@pytest.fixture(scope="module")
def locked_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store with the plan and its round T1 2027 signed, built once for this module."""
    path = tmp_path_factory.mktemp("locked") / "kvtui.db"
    store = open_store(path, backup=False)
    try:
        with store.session() as session:
            plan_id = build_plan(session)
            sign(session, plan_id)
    finally:
        store.close()
    return path, plan_id


@pytest.fixture
def locked(locked_file: tuple[Path, str], tmp_path: Path) -> Iterator[tuple[Store, str]]:
    source, plan_id = locked_file
    target = tmp_path / "kvtui.db"
    shutil.copyfile(source, target)
    store = open_store(target, backup=False)
    try:
        yield store, plan_id
    finally:
        store.close()


def _shell(path: Path, *, recursive: bool = False) -> sqlite3.Connection:
    """A connection as the sqlite3 shell makes one: autocommit, foreign keys off."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute(f"PRAGMA recursive_triggers = {'ON' if recursive else 'OFF'}")
    return connection


def _dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as connection:
        return {table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=str)
                for table in ("action_plan", "plan_area", "plan_risk", "plan_action",
                              "plan_indicator", "followup_round", "action_followup",
                              "risk_assessment", "indicator_value", "followup_signoff")}


def _row(connection: sqlite3.Connection, table: str, where: str) -> dict[str, Any]:
    """The row's columns, and its rowid as "rowid"."""
    cursor = connection.execute(f"SELECT rowid, * FROM {table} WHERE {where} LIMIT 1")
    names = [d[0] for d in cursor.description]
    values = cursor.fetchone()
    assert values is not None, f"no {table} row where {where}"
    return dict(zip(names, values, strict=True))


def _insert(connection: sqlite3.Connection, verb: str, table: str, row: dict[str, Any]) -> None:
    connection.execute(f"{verb} INTO {table} ({', '.join(row)}) VALUES "
                       f"({', '.join('?' for _ in row)})", list(row.values()))


# The rows of the signed round, and a column each that a change would alter.
ROUND_ROWS = {
    "followup_round": ("period = '2027-T1'", "summary", "Allt är bra."),
    "action_followup": ("round_id = (SELECT round_id FROM followup_signoff)", "light", "gron"),
    "risk_assessment": ("round_id = (SELECT round_id FROM followup_signoff)", "probability", 1),
    "indicator_value": ("round_id = (SELECT round_id FROM followup_signoff)", "share", 99.0),
}


def test_the_signed_round_is_recorded_with_its_hash(locked: tuple[Store, str]) -> None:
    store, plan_id = locked
    with store.session() as session:
        record = round_record(session, plan_id, "T1 2027")
        [signed] = round_sign_offs(session, plan_id)
        assert round_sign_off(session, plan_id, T1) == signed
        assert round_sign_off(session, plan_id, "2027-T1") == signed
        assert check_round_sign_offs(session, plan_id) == []
    assert (signed.period, signed.signed_by, signed.role, signed.pdf_sha256) == (
        "2027-T1", "Åsa Öberg", "Nämndsekreterare", PDF_SHA)
    assert signed.content_sha256 == round_hash(record)
    assert [(x.risk, x.action, x.light) for x in record.lights] == [("1.1", 1, "gul")]
    assert [(x.risk, x.probability, x.severity) for x in record.assessments] == [("1.1", 2, 3)]
    assert [(x.risk, x.indicator, x.value) for x in record.values] == [("1.1", 1, 66.7)]
    assert record.summary == "Ingen risk kvarstår som röd."


@pytest.mark.parametrize("table", sorted(ROUND_ROWS))
@pytest.mark.parametrize("recursive", [False, True])
def test_raw_sql_cannot_change_what_the_round_recorded(locked: tuple[Store, str], table: str,
                                                       recursive: bool) -> None:
    store, _plan_id = locked
    before = _dump(store.path)
    where, column, other = ROUND_ROWS[table]
    with _shell(store.path, recursive=recursive) as connection:
        row = _row(connection, table, where)
        attacks = [
            lambda: connection.execute(f"UPDATE {table} SET {column} = ? WHERE {where}",
                                       (other,)),
            lambda: connection.execute(f"DELETE FROM {table} WHERE {where}"),
            # The same row again with another value: REPLACE deletes the signed one first.
            lambda: _insert(connection, "INSERT OR REPLACE", table, {**row, column: other}),
            lambda: _insert(connection, "REPLACE", table, {**row, column: other}),
            # A new id on the same rowid.
            lambda: _insert(connection, "INSERT OR REPLACE", table,
                            {**row, "id": "ny-rad", column: other}),
            # A new id and rowid on the same unique key, or a new id on the same rowid.
            lambda: _insert(connection, "INSERT OR REPLACE", table,
                            {**row, "id": "ny-rad", "rowid": 999, column: other}
                            if table != "risk_assessment" else {**row, "id": "ny-rad"}),
        ]
        for attack in attacks:
            with pytest.raises(sqlite3.IntegrityError, match=REFUSED):
                attack()
    assert _dump(store.path) == before


def test_nothing_new_goes_into_the_signed_round(locked: tuple[Store, str]) -> None:
    store, plan_id = locked
    before = _dump(store.path)
    with _shell(store.path) as connection:
        signed_round = connection.execute("SELECT round_id FROM followup_signoff").fetchone()[0]
        action = _row(connection, "plan_action", "number = 1")
        with pytest.raises(sqlite3.IntegrityError, match=REFUSED):
            # A second assessment of risk 1.2 in the signed round.
            connection.execute(
                "INSERT INTO risk_assessment (id, created_at, updated_at, risk_id, round_id,"
                " assessed_on, probability, severity, level, comment) SELECT 'ny', created_at,"
                " updated_at, id, ?, '2027-05-10', 1, 1, 'gron', '' FROM plan_risk"
                " WHERE number = 2", (signed_round,))
        with pytest.raises(sqlite3.IntegrityError, match=REFUSED):
            # An unsigned row moved into the signed round.
            connection.execute("UPDATE risk_assessment SET round_id = ? WHERE round_id IS NULL",
                               (signed_round,))
        # A light for the same action in another, unsigned round is fine.
        connection.execute(
            "INSERT INTO followup_round (id, created_at, updated_at, plan_id, period, held_on,"
            " summary) VALUES ('t2', '2027-09-01', '2027-09-01', ?, '2027-T2', '2027-09-10',"
            " '')", (plan_id,))
        connection.execute(
            "INSERT INTO action_followup (id, created_at, updated_at, round_id, action_id,"
            " light, comment) VALUES ('ljus', '2027-09-01', '2027-09-01', 't2', ?, 'gron',"
            " '')", (action["id"],))
        with pytest.raises(sqlite3.IntegrityError, match=REFUSED):
            # UPDATE OR REPLACE moving the unsigned round onto the signed round's period.
            connection.execute("UPDATE OR REPLACE followup_round SET period = '2027-T1'"
                               " WHERE id = 't2'")
        connection.execute("DELETE FROM action_followup WHERE id = 'ljus'")
        connection.execute("DELETE FROM followup_round WHERE id = 't2'")
    assert _dump(store.path) == before


# The records a signed round names: a row of each, and what identifies it.
NAMED = {
    "plan_action": ("number = 1", "number", 7),
    "plan_indicator": ("position = 0", "position", 7),
    "plan_risk": ("title = 'Barns delaktighet'", "number", 7),
    "plan_area": ("number = 1", "number", 7),
    "action_plan": ("1 = 1", "id", "annan"),
}


@pytest.mark.parametrize("table", sorted(NAMED))
@pytest.mark.parametrize("recursive", [False, True])
def test_what_the_round_names_keeps_its_number_and_place(locked: tuple[Store, str], table: str,
                                                         recursive: bool) -> None:
    store, _plan_id = locked
    before = _dump(store.path)
    where, column, other = NAMED[table]
    with _shell(store.path, recursive=recursive) as connection:
        row = _row(connection, table, where)
        attacks = [
            lambda: connection.execute(f"DELETE FROM {table} WHERE {where}"),
            lambda: connection.execute(f"UPDATE {table} SET {column} = ? WHERE {where}",
                                       (other,)),
            lambda: _insert(connection, "INSERT OR REPLACE", table, row),
            lambda: _insert(connection, "INSERT OR REPLACE", table, {**row, "id": "ny-rad"}),
        ]
        if LOCK.UNIQUE_KEYS[table]:
            attacks.append(lambda: _insert(connection, "INSERT OR REPLACE", table,
                                           {**row, "id": "ny-rad", "rowid": 999}))
        for attack in attacks:
            with pytest.raises(sqlite3.IntegrityError, match=REFUSED):
                attack()
    assert _dump(store.path) == before


def test_the_wording_of_what_the_round_names_may_still_change(
        locked: tuple[Store, str]) -> None:
    store, plan_id = locked
    with store.session() as session:
        signed = round_sign_offs(session, plan_id)[0].content_sha256
        update_risk(session, plan_id, "1.1", title="Barns delaktighet och inflytande")
        update_action(session, plan_id, "1.1", 1, title="Barnet kommer till tals",
                      activities=["Samtal enskilt"])
        # New assessments and a new round for the same risk, action and indicator.
        assess_risk(session, plan_id, "1.1", 2, 2, assessed_on=date(2027, 6, 1))
        record_followup(session, plan_id, T2, held_on=date(2027, 9, 10),
                        lights=[Light("1.1", 1, TrafficLight.GREEN)],
                        grades=[RoundGrade("1.1", 1, 3)], values=[Value("1.1", 1, value=80)])
        assert round_hash(round_record(session, plan_id, T1)) == signed
        assert check_round_sign_offs(session, plan_id) == []
        view = plan_view(session, plan_id)
    [risk] = [r for r in view.risks if r.label == "1.1"]
    assert [g.round_key for g in risk.history] == [None, "2027-T1", None, "2027-T2"]


def test_the_store_refuses_in_swedish_and_changes_nothing(locked: tuple[Store, str]) -> None:
    store, plan_id = locked
    before = _dump(store.path)
    with store.session() as session:
        for call in (
            lambda: record_followup(session, plan_id, T1, summary="Ny sammanfattning"),
            lambda: record_followup(session, plan_id, T1,
                                    lights=[Light("1.1", 1, TrafficLight.GREEN)]),
            lambda: record_followup(session, plan_id, T1, grades=[RoundGrade("1.2", 1, 1)]),
            lambda: record_followup(session, plan_id, T1, values=[Value("1.1", 1, value=1)]),
        ):
            with pytest.raises(InvalidInput, match="Uppföljningen Tertial 1 2027 är signerad "
                                                   "och låst"):
                call()
        with pytest.raises(InvalidInput, match=r"redan signerad och låst \(av Åsa Öberg"):
            sign(session, plan_id)
    assert _dump(store.path) == before


def test_signing_refuses_what_does_not_hold(store: Store) -> None:
    with store.session() as session:
        plan_id = build_plan(session)
        good = round_hash(round_record(session, plan_id, T1))

        def attempt(**given: Any) -> None:
            lock_round(session, plan_id, given.pop("ref", T1),
                       **{"signed_by": "Åsa Öberg", "role": "Nämndsekreterare",
                          "pdf_sha256": None, "content_hash": good, **given})

        for given, message in (
            ({"signed_by": "  "}, "Ange namnet"),
            ({"role": ""}, "Ange rollen"),
            ({"content_hash": "xyz"}, "Innehållets hash ska vara en SHA-256"),
            ({"pdf_sha256": "A" * 64}, "PDF-filens hash ska vara en SHA-256"),
            ({"content_hash": "0" * 64}, "har ändrats sedan rapporten togs fram"),
            ({"ref": "T3 2027"}, "ingen uppföljning för Tertial 3 2027"),
            ({"ref": "T9 2027"}, "tertial 1, 2 och 3"),
        ):
            with pytest.raises((InvalidInput, NotFound), match=message):
                attempt(**given)
        # A round that recorded nothing has nothing to sign.
        record_followup(session, plan_id, T2, held_on=date(2027, 9, 10))
        with pytest.raises(InvalidInput, match="har ingenting registrerat"):
            lock_round(session, plan_id, T2, signed_by="Åsa Öberg", role="Sekreterare",
                       pdf_sha256=None,
                       content_hash=round_hash(round_record(session, plan_id, T2)))
        assert round_sign_offs(session, plan_id) == []
        attempt()  # the round signed without a PDF
        [signed] = round_sign_offs(session, plan_id)
        assert signed.pdf_sha256 is None


def test_the_sign_off_itself_is_never_changed(locked: tuple[Store, str]) -> None:
    store, _plan_id = locked
    before = _dump(store.path)
    with _shell(store.path) as connection:
        row = _row(connection, "followup_signoff", "1 = 1")
        for attack in (
            lambda: connection.execute("UPDATE followup_signoff SET signed_by = 'Någon annan'"),
            lambda: connection.execute("DELETE FROM followup_signoff"),
            lambda: _insert(connection, "INSERT OR REPLACE", "followup_signoff",
                            {**row, "signed_by": "Någon annan"}),
            lambda: _insert(connection, "INSERT", "followup_signoff",
                            {**row, "id": "ny", "round_id": "ingen-runda"}),
        ):
            with pytest.raises(sqlite3.IntegrityError, match=REFUSED):
                attack()
    assert _dump(store.path) == before


def test_a_round_changed_behind_the_lock_is_found(locked: tuple[Store, str]) -> None:
    store, plan_id = locked
    with _shell(store.path) as connection:
        connection.execute("DROP TRIGGER indicator_value_locked_update")
        connection.execute("UPDATE indicator_value SET share = 99")
    with store.session() as session:
        assert check_round_sign_offs(session, plan_id) == [
            "uppföljningen Tertial 1 2027 har ändrats efter signeringen"]


def test_unique_keys_are_the_schemas(locked: tuple[Store, str]) -> None:
    """REPLACE deletes over every unique key: the triggers must know them all."""
    store, _plan_id = locked
    with sqlite3.connect(store.path) as connection:
        for table, keys in LOCK.UNIQUE_KEYS.items():
            found = set()
            for index in connection.execute(f"PRAGMA index_list({table})").fetchall():
                if index[2] and index[3] != "pk":
                    found.add(tuple(r[2] for r in connection.execute(
                        f"PRAGMA index_info({index[1]})")))
            assert found == set(keys), table
        names = {r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(LOCK.lock_triggers()) <= names


def test_the_trigger_is_the_last_guard_on_the_stores_own_connection(
        locked: tuple[Store, str]) -> None:
    """Foreign keys on, as kvtui opens the store: a write past the store's checks is refused
    by the trigger, in Swedish, and rolled back whole."""
    store, _plan_id = locked
    before = _dump(store.path)
    with store.session() as session:
        light = session.exec(select(ActionFollowup)).one()
        action = session.get(PlanAction, light.action_id)
        for row in (light, action):
            with pytest.raises(InvalidInput, match="Databasen vägrade ändringen"), \
                    one_transaction(session):
                session.delete(row)
    assert _dump(store.path) == before
