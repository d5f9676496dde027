"""Which widget shows each part of the workspace."""

from __future__ import annotations

from textual.widget import Widget

from kvtui.store.database import Store
from kvtui.tui.parts import Part
from kvtui.tui.widgets.casefiles_part import CaseFilesPart
from kvtui.tui.widgets.filereview_part import FileReviewPart
from kvtui.tui.widgets.part_note import PartNote

_WORKING = {"casefiles": CaseFilesPart, "filereview": FileReviewPart}


def part_widget(part: Part, store: Store, review_id: str) -> Widget:
    """The widget for a part: a working part, or a note on what the part will hold."""
    factory = _WORKING.get(part.id)
    if factory is None:
        return PartNote(part)
    return factory(store, review_id, id=part.widget_id)
