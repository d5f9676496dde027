"""The store's rules for free text: control characters out, then every personnummer masked,
before a text's first write.

The people in the files are children under secrecy law. Whatever way a text arrives (a dialog,
notes saved as they are typed, a command-line option, a template, a case-file list), the store
keeps it in two steps, in this order:

1. Control characters out (``kvtui.domain.safe_text.typed_text``). An escape character, a C1
   control or a direction override stored would reach the terminal (the app, ``kvtui show``),
   the report and the exports of everyone who later reads the review; a paste from a web page
   or a word processor can carry one unseen, and nothing the auditor writes has use for it.
   Taken out first, a number split by one is whole when it is looked for. (A case-file list
   holding one is refused instead, ``kvtui.domain.casefile_import``: the auditor can mend a
   file.)
2. Every personnummer or samordningsnummer found (``kvtui.domain.personnummer``: any written
   form, full-width digits, invisible characters) masked, "ÅÅMMDD-XXXX". The one exception is
   a number the auditor has confirmed is not a personnummer (a false alarm): ``as_typed``
   around the write names it, the write records the confirmation in ``false_alarm``, and from
   then on that number is stored as typed wherever it appears.

``Rule`` applies both, to a text, a JSON value or a row.

A confirmation is a change like any other: it is written to the hash-chained change log
(entity "false_alarm", action "create") with the number's digits, in the transaction of the
write that holds it. The digits are logged as they are because a number confirmed is by
definition not a personnummer, and the text that holds it is logged as typed anyway; only a
number that appears in the write and was named in ``as_typed`` is ever recorded. A
confirmation can be taken back (``kvtui.store.stored_idnumbers.withdraw_confirmation``): the
number is masked from then on, at once in every review that is not signed, and the withdrawal
is logged with the number masked.

Where the rules are applied, so that no write can leave them out:

- Every row written through the ORM: a ``before_flush`` listener on every session applies
  ``Rule`` to each free-text column of each new row and each changed free-text column of each
  changed row. A free-text column is every text column except keys and the machine values
  named in ``MACHINE_COLUMNS``: a new column is guarded unless someone says why it need not
  be.
- The writes past the ORM call ``Rule`` themselves: the change log (``changelog.append``),
  answers (``answers._write``), case files in bulk (``casefiles.add_case_files``, which also
  cleans references before comparing them: two that differ only by a control character are
  the same akt) and the masking of texts already stored (``kvtui.store.stored_idnumbers``).
- Texts stored before the rules: migration 0008 applies them in every review that is not
  signed, and reopening a signed review applies them to its new version
  (``signoff.reopen``); ``kvtui check`` counts what signed versions and the change log still
  hold (``kvtui.store.stored_idnumbers``).

Values that are used before they are written (a seed the sample is drawn with, a template the
review is built from, a name compared with another, a text that must not be empty) are taken
as the store will keep them first (``Rule.text``, ``safe_text.typed_text``); those the rule
must not alter get a refusal instead, before anything is drawn or signed from them: a
case-file reference, a sample's seed, a template (``refuse``,
``template_library.refuse_numbers``). Both look at the value with its control characters
taken out, as the store will see it.

One thing the store keeps that the rule cannot reach: the signed PDF (``sign_off.pdf``) is kept
byte for byte, and a PAdES signature embeds the signer's certificate, whose subject holds its
holder's personnummer when it is a Swedish e-ID such as BankID. Masking it would break the
signature, so kvtui keeps the file as signed and warns the auditor at signing
(``kvtui.release.flow.certificate_warning``); the certificate's name stored beside it
(``sign_off.certificate``) passes the rule like any text.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import String, TypeDecorator, event, inspect
from sqlalchemy.orm import Session

from kvtui.domain.json_texts import each_text
from kvtui.domain.personnummer import IdNumber, find_ids, mask_found, parse_id
from kvtui.domain.safe_text import first_unsafe, typed_text
from kvtui.store.bulk import driver, stored_value
from kvtui.store.errors import InvalidInput
from kvtui.store.log_chain import current_actor, write_entry
from kvtui.store.models import FalseAlarm, new_id, utcnow

if TYPE_CHECKING:
    from sqlalchemy import Connection, Table
    from sqlalchemy.orm import Mapper, UOWTransaction

#: Text columns that never hold free text, and why: the rule leaves them alone. Keys (primary
#: and foreign) are left alone without being named here.
MACHINE_COLUMNS: dict[str, str] = {
    "review.status": "a status from a fixed set",
    "review_section.dimension": "a quality dimension from a fixed set (template check)",
    "review_section.kind": "a section kind from a fixed set (template check)",
    "review_criterion.kind": "a criterion kind from a fixed set (template check)",
    "sample.method": "a sampling method from a fixed set",
    "sample_item.status": "active, replaced or excluded",
    "answer.value": "an answer from a fixed set (CHECK constraint)",
    "answer.computed_value": "an answer from a fixed set, computed",
    # The review's granskare are guarded where they are typed (review.auditors_json); these
    # name one of them as the review spells her (kvtui.store.assignments checks it; the app
    # gives save_answer the name from that list).
    "answer.answered_by": "a granskare's name, as the review lists it",
    "akt_assignment.auditor": "a granskare's name, as the review lists it",
    "interview_assignment.auditor": "a granskare's name, as the review lists it",
    "interview.form": "individual or group",
    "assessment.rating": "a level from a fixed set (CHECK constraint)",
    "factcheck_comment.response": "a response from a fixed set",
    "sign_off.content_json": "a copy of guarded texts, frozen with its hash",
    "sign_off.content_sha256": "a SHA-256 digest",
    "sign_off.pdf_sha256": "a SHA-256 digest",
    "sign_off.certificate_sha256": "a SHA-256 digest",
    "sign_off.log_hash": "a SHA-256 digest",
    "sign_off.records_sha256": "a SHA-256 digest",
    "sign_off.records_columns": "the names of the columns a digest covers",
    "factcheck_round.content_json": "a copy of guarded texts, frozen with its hash",
    "factcheck_round.content_sha256": "a SHA-256 digest",
    "factcheck_round.pdf_sha256": "a SHA-256 digest",
    "change_log.review_id": "a review's id",
    "change_log.entity": "a table's name",
    "change_log.entity_id": "a row's id",
    "change_log.action": "an action's name",
    "change_log.prev_hash": "a SHA-256 digest",
    "change_log.hash": "a SHA-256 digest",
    "false_alarm.digits": "a number the auditor confirmed is not a personnummer",
    "draft.key": "which dialog and record a draft belongs to, made of ids",
    "draft.review_id": "a review's id",
    "action_plan.unit_key": "the unit's names folded for comparison, made from them as "
                            "stored (masked)",
    "action_plan.matrix_json": "levels from a fixed set for the cells of the risk matrix",
    "plan_risk.source_review_id": "a review's id",
    "plan_risk.source_assessment_id": "a statement's id",
    "plan_risk.source_rating": "a level from a fixed set (CHECK constraint)",
    "risk_assessment.level": "a level from a fixed set (CHECK constraint)",
    "plan_action.status": "a status from a fixed set (CHECK constraint)",
    "followup_round.period": "a tertial, month or date in a fixed form",
    "action_followup.light": "a traffic light from a fixed set (CHECK constraint)",
    "plan_indicator.kind": "share or count (CHECK constraint)",
    "indicator_value.source_review_id": "a review's id",
    "indicator_value.source_criterion": "a criterion's code as its review stores it (guarded "
                                        "there)",
    "followup_signoff.period": "a tertial, month or date in a fixed form",
    "followup_signoff.content_json": "a copy of guarded texts, frozen with its hash",
    "followup_signoff.content_sha256": "a SHA-256 digest",
    "followup_signoff.pdf_sha256": "a SHA-256 digest",
    "followup_signoff.log_hash": "a SHA-256 digest",
    # The merge's bookkeeping (kvtui.store.merge): ids, sites, times, and copies of what the
    # change log and the review's rows hold, under the rule there.
    "merge_site.site": "a random site id",
    "merge_stamp.review_id": "a review's id",
    "merge_stamp.site": "a site id",
    "merge_stamp.actor": "the change log's actor of the change, copied (guarded there)",
    "merge_stamp.at": "a time in ISO form",
    "merge_conflict.review_id": "a review's id",
    "merge_conflict.entity": "a table's name",
    "merge_conflict.row_id": "a row's id",
    "merge_conflict.field": "a column's name",
    "merge_conflict.label_json": "labels made from the review's rows (guarded there)",
    "merge_conflict.value_a": "a copy of a value as a row of the review held it (guarded there)",
    "merge_conflict.value_b": "a copy of a value as a row of the review held it (guarded there)",
    "merge_conflict.site_a": "a site id",
    "merge_conflict.site_b": "a site id",
    "merge_conflict.actor_a": "the change log's actor of the change, copied (guarded there)",
    "merge_conflict.actor_b": "the change log's actor of the change, copied (guarded there)",
    "merge_conflict.at_a": "a time in ISO form",
    "merge_conflict.at_b": "a time in ISO form",
    "merge_conflict.resolved_at": "a time in ISO form",
    "merge_conflict.resolved_by": "the operating-system user, masked as the change log's actor",
    "merge_conflict.resolution": "a choice from a fixed set",
    "merge_conflict.resolved_value": "a copy of the value written, as the row holds it "
                                     "(guarded there)",
}

# Whole values that are machine tokens even inside free text or the change log: a row's id, a
# SHA-256 digest. A run of digits inside one is not a number anybody wrote.
_TOKEN = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|[0-9a-f]{64}")

_AS_TYPED: ContextVar[frozenset[str]] = ContextVar("kvtui_as_typed", default=frozenset())
_RECORD = (
    "INSERT OR IGNORE INTO false_alarm (id, created_at, updated_at, digits, actor)"
    " VALUES (?, ?, ?, ?, ?)"
)


# --- Finding ---------------------------------------------------------------------------------


# A value longer than this is not a number alone, however loosely spaced.
_WHOLE_AT_MOST = 40


def numbers_in(text: str) -> list[IdNumber]:
    """Every personnummer and samordningsnummer in ``text``, a whole value as well as free text
    (a value that is only a number may be spaced more loosely than free text allows)."""
    if len(text) <= _WHOLE_AT_MOST:
        whole = parse_id(text)
        if whole is not None:
            return [whole]
    return [] if _TOKEN.fullmatch(text) else find_ids(text)


def key_of(value: str) -> str | None:
    """The key (``IdNumber.key``) of the one number ``value`` is or holds, or None."""
    found = numbers_in(value)
    return found[0].key if len(found) == 1 else None


def numbers_to_mask(text: str, kept: Collection[str]) -> list[IdNumber]:
    """The numbers in ``text`` the rule masks when the numbers with keys ``kept`` are stored
    as typed: what a screen marks and asks about before saving."""
    return [number for number in numbers_in(text) if number.key not in kept]


# --- What stays as typed ---------------------------------------------------------------------


@contextlib.contextmanager
def as_typed(keys: Collection[str]) -> Iterator[None]:
    """Within the block, the numbers with these keys are the auditor's confirmed false alarms:
    a write that holds one stores it as typed and records the confirmation with it.

    Keys are ``IdNumber.key`` of numbers the auditor was shown; nothing else is affected.
    """
    token = _AS_TYPED.set(_AS_TYPED.get() | frozenset(keys))
    try:
        yield
    finally:
        _AS_TYPED.reset(token)


def confirmed(connection: Connection) -> frozenset[str]:
    """The keys of every number confirmed as not a personnummer in this store."""
    return frozenset(row[0] for row in driver(connection).execute(
        "SELECT digits FROM false_alarm"))


def confirmed_numbers(session: Session) -> frozenset[str]:
    """``confirmed`` through a session: what a screen need not ask about again."""
    return confirmed(session.connection())


class Rule:
    """The store's rules on one connection, for the values of one write.

    What may stay as typed (confirmed false alarms and those of ``as_typed``) is read only when
    a value holds a number, which few do.
    """

    def __init__(self, connection: Connection | None = None, *,
                 session: Session | None = None) -> None:
        self._connection = connection
        self._session = session
        self._confirmed: frozenset[str] | None = None
        self._recorded: set[str] = set()

    @classmethod
    def of(cls, session: Session) -> Rule:
        """The rule for writes through ``session`` (its connection is taken when needed)."""
        return cls(session=session)

    def _conn(self) -> Connection:
        if self._connection is None:
            assert self._session is not None
            self._connection = self._session.connection()
        return self._connection

    def kept(self) -> frozenset[str]:
        """Keys stored as typed: confirmed before, or confirmed in this write."""
        if self._confirmed is None:
            self._confirmed = confirmed(self._conn())
        return self._confirmed | _AS_TYPED.get()

    def to_mask(self, text: str) -> list[IdNumber]:
        """The numbers the rule masks in ``text`` once its control characters are out
        (positions refer to ``typed_text(text)``)."""
        found = numbers_in(typed_text(text))
        if not found:
            return []
        kept = self.kept()
        return [number for number in found if number.key not in kept]

    def text(self, text: str) -> str:
        """``text`` as the store keeps it: control characters out, every number masked but
        the confirmed ones."""
        text = typed_text(text)
        found = numbers_in(text)
        if not found:
            return text
        kept = self.kept()
        self._record({number.key for number in found} & kept)
        return mask_found(text, [number for number in found if number.key not in kept])

    def value(self, value: Any) -> Any:
        """A value of any JSON shape with the rule applied to every text in it, names too."""
        return each_text(value, self.text)

    def json(self, text: str) -> str:
        """JSON text with the rule applied to every text in it; unchanged when nothing in it
        changes (a text escaped as ``\\u0031`` or split by ``\\n`` is read decoded)."""
        return text if _plain_json(text) else _json_with(text, self.text)

    def column(self, kind: str, value: str) -> str:
        """A value of a free-text column of ``kind`` ("text" or "json", see
        ``free_text_columns``) as the store keeps it."""
        return self.json(value) if kind == "json" else self.text(value)

    def holds_number(self, kind: str, value: str) -> bool:
        """Whether a value of a free-text column holds a number the rule masks, once its
        control characters are out: what ``kvtui check`` counts where nothing can be
        rewritten."""
        if kind != "json":
            return bool(self.to_mask(value))
        cleaned = _json_with(value, typed_text)
        return self.json(cleaned) != cleaned

    def row(self, table: Table, values: dict[str, Any]) -> dict[str, Any]:
        """``values`` of a row of ``table`` with the rule applied to its free-text columns."""
        columns = free_text_columns(table)
        out = dict(values)
        for name, value in values.items():
            kind = columns.get(name)
            if kind is not None and isinstance(value, str) and value:
                out[name] = self.column(kind, value)
        return out

    def confirm(self, keys: Collection[str]) -> None:
        """Record the numbers with these keys as confirmed not to be personnummer, as a write
        holding them within ``as_typed`` does: for a text the store checks but does not write
        itself (a template imported, copied into the store when a review is made from it).
        The caller passes only numbers the auditor named that the text holds."""
        self._record(set(keys))

    def _record(self, keys: set[str]) -> None:
        """Record the confirmations made for this write, in its transaction, each with its
        entry in the change log (a number confirmed before is not recorded again)."""
        new = keys - self._recorded - (self._confirmed or frozenset())
        if not new:
            return
        connection = self._conn()
        now = stored_value(connection, FalseAlarm.__table__.c.created_at,  # type: ignore[attr-defined]
                           utcnow())
        actor = mask_found(current_actor(), numbers_in(current_actor()))
        self._recorded |= new
        for key in sorted(new):
            row_id = new_id()
            if driver(connection).execute(_RECORD, (row_id, now, now, key, actor)).rowcount:
                # The key itself is logged: confirmed, it is by definition no personnummer,
                # and the rule keeps it as typed (the actor passes the rule as in every entry).
                write_entry(connection, review_id=None, entity="false_alarm",
                            entity_id=row_id, action="create",
                            changes_json=json.dumps({"digits": key}, ensure_ascii=False,
                                                    sort_keys=True),
                            actor=Rule(connection).text(current_actor()))


def _plain_json(text: str) -> bool:
    """Whether JSON text certainly holds nothing the rule changes: no escape (which may hide a
    digit or a control character), no control character and no number."""
    return "\\" not in text and first_unsafe(text) < 0 and not numbers_in(text)


def _json_with(text: str, change: Callable[[str], str]) -> str:
    """JSON text with ``change`` applied to every text in it (``each_text``); unchanged when
    nothing changes. Text that is not JSON is changed as text."""
    try:
        decoded = json.loads(text)
    except ValueError:
        return change(text)
    changed = each_text(decoded, change)
    return text if changed == decoded else json.dumps(changed, ensure_ascii=False)


# --- Refusing what must not be altered -------------------------------------------------------


def refuse(rule: Rule, values: Mapping[str, str], what: str) -> None:
    """Refuse (InvalidInput, in Swedish) values holding a number the rule would mask.

    For values that masking would make wrong rather than safe (a seed the sample is drawn
    from, a template the review is built from) and for the command line, where nobody can be
    asked. ``values`` maps what to call each value in the message to the value; ``what`` says
    what the auditor should do.
    """
    problems = []
    for label, value in values.items():
        found = rule.to_mask(value)
        if found:
            shown = ", ".join(number.masked for number in found[:3])
            problems.append(f"{label} innehåller något som ser ut som ett "
                            f"{found[0].kind} ({shown}).")
    if problems:
        raise InvalidInput(" ".join(problems) + " kvtui sparar inga personnummer: " + what)


# --- The ORM's writes ------------------------------------------------------------------------


def free_text(table: str, columns: Iterable[tuple[str, bool]]) -> dict[str, str]:
    """The free-text columns among ``columns`` of ``table`` by name, each "text" or "json" (a
    ``…_json`` column holds JSON text). ``columns`` are (name, whether it is a text column and
    no key): a text column is free text unless ``MACHINE_COLUMNS`` names it."""
    return {name: "json" if name.endswith("_json") else "text" for name, text in columns
            if text and f"{table}.{name}" not in MACHINE_COLUMNS}


def free_text_columns(table: Table) -> dict[str, str]:
    """The free-text columns (``free_text``) of a table of the models."""
    def is_text(column: Any) -> bool:
        kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
        return (isinstance(kind, String) and not column.primary_key
                and not column.foreign_keys)

    return free_text(table.name, ((column.name, is_text(column)) for column in table.columns))


def _mapped_columns(mapper: Mapper[Any]) -> tuple[tuple[str, str], ...]:
    """(attribute, kind) of the free-text columns of a mapped class."""
    table = cast("Table", mapper.local_table)  # a model maps one table
    kinds = free_text_columns(table)
    return tuple((prop.key, kinds[prop.columns[0].name])
                 for prop in mapper.column_attrs if prop.columns[0].name in kinds)


def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    """Apply the rule to the free text of every row about to be written (new rows whole,
    changed rows in their changed columns), in the objects themselves, so the session shows
    what is stored."""
    rule: Rule | None = None
    for obj, new in [*((o, True) for o in session.new), *((o, False) for o in session.dirty)]:
        state = inspect(obj)
        for key, kind in _mapped_columns(state.mapper):
            if new:
                value = state.dict.get(key)
            else:
                added = state.attrs[key].history.added
                value = added[0] if added else None
            if not isinstance(value, str) or not value:
                continue
            rule = rule or Rule.of(session)
            guarded = rule.column(kind, value)
            if guarded != value:
                setattr(obj, key, guarded)


def install() -> None:
    """Apply the rule to every session's writes (once; ``Store.session`` calls it before it
    makes a session)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
