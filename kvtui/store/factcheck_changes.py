"""What has changed in the report since the last draft went to the unit: the content frozen in
its fact-check round compared with the content now (a read model: it writes nothing)."""

from __future__ import annotations

from sqlmodel import Session

from kvtui.domain.signoff import ContentChange, FactCheckRoundView, compare_content
from kvtui.store.factcheck import frozen_content, latest_round
from kvtui.store.report_data import current_content


def changes_since_factcheck(
    session: Session, review_id: str
) -> tuple[FactCheckRoundView, list[ContentChange]] | None:
    """The last draft sent and what has changed in the report since; None if none was sent."""
    last = latest_round(session, review_id)
    if last is None:
        return None
    current = current_content(session, review_id)
    return last, compare_content(frozen_content(session, last.id), current.content)


def changed_since_sent(session: Session, review_id: str, section_label: str | None) -> bool:
    """Whether the report has changed since the last draft was sent: in the section labelled
    ``section_label`` ("3.1 Utredning"), or anywhere for None (a comment on the whole
    report). True when no draft was sent, as there is nothing to compare with."""
    found = changes_since_factcheck(session, review_id)
    if found is None:
        return True
    _sent, changes = found
    return any(section_label is None or change.where == section_label for change in changes)
