"""Jumping to a record in the review's workspace: from a search hit, or from "Citeras av".

A ``JumpTarget`` names the part and the record; ``jump`` brings the part to the front (as its
key would), hands it the target and puts the keyboard in it. A part that can show a record
implements ``show_target``; any other part is simply shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from textual.screen import Screen
from textual.widget import Widget


@dataclass(frozen=True)
class JumpTarget:
    """Where to go: a part id (``kvtui.tui.parts``) and the record to select there."""

    part: str
    interview_id: str = ""
    observation_id: str = ""
    document_id: str = ""
    section_id: str = ""
    assessment_id: str = ""
    case_file_id: str = ""
    criterion_id: str = ""


@runtime_checkable
class ShowsTargets(Protocol):
    """A part that can select a record named by a ``JumpTarget``."""

    def show_target(self, target: JumpTarget) -> None:
        """Select the record and put the keyboard on it."""


def jump(screen: Screen[Any], target: JumpTarget) -> bool:
    """Show ``target`` in the workspace ``screen``; False when ``screen`` is no workspace."""
    from kvtui.tui.screens.workspace import WorkspaceScreen
    from kvtui.tui.widgets.filereview_part import FileReviewPart

    if not isinstance(screen, WorkspaceScreen):
        return False
    screen.show_part(target.part)
    part = screen.query_one(f"#part-{target.part}", Widget)
    if isinstance(part, ShowsTargets):
        part.show_target(target)
    elif isinstance(part, FileReviewPart) and target.case_file_id:
        part.reload()
        part.akt_view.jump_to(target.case_file_id, target.criterion_id or None)
        part.focus()
    else:
        part.focus()
    return True


def takes_focus(part: Widget) -> bool:
    """Whether a part just brought to the front should take the keyboard.

    A part key pressed inside another part leaves the keyboard on a widget about to be hidden
    (and then nowhere): the new part takes it, so its keys work at once. From the workspace's
    list of parts the list keeps it (Enter or Tab moves into the part), as in every part.
    """
    focused = part.screen.focused
    if focused is None:
        return True
    if focused.id == "part-list":
        return False
    return part not in focused.ancestors
