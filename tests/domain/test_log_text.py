"""The change log's names and values in Swedish, and counts with their noun in number."""

from __future__ import annotations

import re
from pathlib import Path

from kvtui.domain.log_text import ACTIONS, ENTITIES, changes_text, event_text, value_text
from kvtui.domain.plural import noun, plural
from kvtui.store.criteria import REFERENCE_ACTIONS
from kvtui.store.models import UnansweredComment

PACKAGE = Path(__file__).resolve().parents[2] / "kvtui"


def _written(word: str) -> set[str]:
    """Every `entity="…"` or `action="…"` the code writes to the log."""
    found: set[str] = set()
    for path in (PACKAGE / "store").rglob("*.py"):
        found |= set(re.findall(rf'\b{word}="([a-z_]+)"', path.read_text(encoding="utf-8")))
    return found


def test_every_entity_and_action_written_has_a_word() -> None:
    # Also those the store names through a table or a model rather than a literal.
    entities = _written("entity") | {UnansweredComment.__tablename__}
    actions = _written("action") | set(REFERENCE_ACTIONS)
    assert {"answer", "review", "sign_off"} <= entities
    assert {"create", "update", "delete", "sign"} <= actions
    assert entities - set(ENTITIES) == set()
    assert actions - set(ACTIONS) == set()


def test_status_change_reads_as_the_app_names_it() -> None:
    assert changes_text({"status": ["fieldwork", "fact_check"]}) == (
        "status: Pågående → Faktagranskning")
    assert event_text("answer", "create") == "svar/ny"


def test_values_in_words() -> None:
    assert changes_text({"in_summary": True, "rating": "gron", "form": "group"}) == (
        "i sammanfattningen: ja; kvalitetsnivå: Grön; form: grupp")
    assert changes_text({"rating": ["", "rod"]}) == "kvalitetsnivå: ingen → Röd"
    assert changes_text({"value": [None, "ej_aktuellt"]}) == "svar: – → Ej aktuellt"
    # A list field of two items is the items, not a change from one to the other.
    assert changes_text({"sections": ["4.2", "5.1"]}) == "avsnitt: 4.2, 5.1"
    assert changes_text({"roles": [["enhetschef"], ["enhetschef", "gruppledare"]]}) == (
        "roller: enhetschef → enhetschef, gruppledare")
    assert value_text("text", "a" * 60) == "a" * 39 + "…"
    assert value_text("text", "rad ett\nrad två") == "rad ett rad två"


def test_an_unknown_name_is_shown_as_stored() -> None:
    assert event_text("something_new", "frobnicate") == "something_new/frobnicate"
    assert changes_text({"new_field": "x"}) == "new_field: x"


def test_plural() -> None:
    assert plural(1, "iakttagelse", "iakttagelser") == "1 iakttagelse"
    assert plural(0, "iakttagelse", "iakttagelser") == "0 iakttagelser"
    assert plural(2, "akt", "akter") == "2 akter"
    assert noun(1, "är vald", "är valda") == "är vald"
