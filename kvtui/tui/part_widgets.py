"""Which widget shows each part of the workspace."""

from __future__ import annotations

from textual.widget import Widget

from kvtui.store.database import Store
from kvtui.tui.parts import Part
from kvtui.tui.widgets.assessments_part import AssessmentsPart
from kvtui.tui.widgets.casefiles_part import CaseFilesPart
from kvtui.tui.widgets.documents_part import DocumentsPart
from kvtui.tui.widgets.factcheck_part import FactCheckPart
from kvtui.tui.widgets.filereview_akt import AktView
from kvtui.tui.widgets.filereview_list import CriteriaList
from kvtui.tui.widgets.filereview_part import FileReviewPart
from kvtui.tui.widgets.interviews_part import InterviewsPart
from kvtui.tui.widgets.overview import ReviewOverview
from kvtui.tui.widgets.part_base import WorkspacePart
from kvtui.tui.widgets.report_part import ReportPart

_WORKING: dict[str, type[WorkspacePart]] = {
    "casefiles": CaseFilesPart,
    "filereview": FileReviewPart,
    "interviews": InterviewsPart,
    "documents": DocumentsPart,
    "assessments": AssessmentsPart,
    "factcheck": FactCheckPart,
    "report": ReportPart,
}


def part_widget(part: Part, store: Store, review_id: str) -> WorkspacePart:
    """The widget for a part that reads and writes the store (every part but Översikt)."""
    return _WORKING[part.id](store, review_id, id=part.widget_id)


# The widgets whose keys each part offers, for the help screen.
PART_KEY_SOURCES: dict[str, tuple[type[Widget], ...]] = {
    **{part_id: (factory,) for part_id, factory in _WORKING.items()},
    "filereview": (FileReviewPart, AktView, CriteriaList),
    "overview": (ReviewOverview,),
}
