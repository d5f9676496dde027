"""Citeras av: the statements that rest on one piece of evidence (a document, an observation).

Enter on a statement closes the dialog with it, so that the part can show it in Bedömningar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from kvtui.domain.judgement import AssessmentView
from kvtui.domain.plural import plural
from kvtui.tui.widgets.judgement_format import citing_prompt


def citing_summary(count: int, what: str, *, can_jump: bool = True) -> str:
    """"… citeras av 2 bedömningar." in Swedish, or that none cites it."""
    if count == 0:
        return f"Ingen bedömning hänvisar till {what}."
    jump = " Enter visar bedömningen." if can_jump else ""
    return (f"{what[:1].upper()}{what[1:]} citeras av "
            f"{plural(count, 'bedömning', 'bedömningar')}.{jump}")


class CitingDialog(ModalScreen[AssessmentView | None]):
    """Lists the statements citing ``what`` (e.g. "dokumentet Rutin för barnsamtal").

    ``headings`` maps section ids to their headings. Dismisses with the statement chosen by
    Enter (when ``can_jump``, the caller shows it), or None on Escape.
    """

    BINDINGS = [
        Binding("escape", "close", "Stäng", id="citing.close"),
    ]

    def __init__(
        self, what: str, assessments: Sequence[AssessmentView], headings: Mapping[str, str],
        *, can_jump: bool = True,
    ) -> None:
        super().__init__(classes="dialog")
        self._can_jump = can_jump
        self._what = what
        self._assessments = list(assessments)
        self._headings = dict(headings)

    def compose(self) -> ComposeResult:
        with Vertical(id="citing-box", classes="dialog-box"):
            yield Static("Citeras av", classes="box-title")
            yield Static(citing_summary(len(self._assessments), self._what,
                                        can_jump=self._can_jump),
                         id="citing-summary", markup=False)
            yield OptionList(
                *(Option(citing_prompt(a, self._headings), id=a.id) for a in self._assessments),
                id="citing-list",
            )
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#citing-list", OptionList)
        options.display = bool(self._assessments)
        if self._assessments:
            options.highlighted = 0
            options.focus()

    @property
    def shown(self) -> list[AssessmentView]:
        """The statements listed."""
        return list(self._assessments)

    @on(OptionList.OptionSelected, "#citing-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = next((a for a in self._assessments if a.id == event.option.id), None)
        self.dismiss(chosen)

    def action_close(self) -> None:
        """Close without going anywhere."""
        self.dismiss(None)
