"""Messages posted up the widget tree: to the app, which owns the screen stack, and to the
review's workspace, which owns its parts.

A part or a screen says where the auditor wants to go; the one that owns the place goes there.
So nothing below the workspace needs to know the workspace, or any part but its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenReview(Message):
    """Open this review's workspace (on top of Granskningar, replacing any open review)."""

    review_id: str


@dataclass
class OpenPlan(Message):
    """Show the action plan of this review's unit (offering to create one if it has none)."""

    review_id: str


@dataclass(frozen=True)
class JumpTarget:
    """A record in the review's workspace: a part id (``kvtui.tui.parts``) and the record to
    select there; the fields a part does not show are left empty."""

    part: str
    interview_id: str = ""
    observation_id: str = ""
    document_id: str = ""
    section_id: str = ""
    assessment_id: str = ""
    case_file_id: str = ""
    criterion_id: str = ""


@dataclass
class JumpTo(Message):
    """Show ``target`` in the workspace: its part comes to the front (as its key would), selects
    the record and takes the keyboard. Posted for a search hit and for a statement chosen under
    Citeras av; the workspace handles it."""

    target: JumpTarget
