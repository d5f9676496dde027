"""Changing a drawn sample: Ersätt akt (with the reason) and Utöka urvalet.

Both take the next akter of the seeded order, as the store decides; the dialogs only ask and
show the store's Swedish refusal.
"""

from __future__ import annotations

from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from kvtui.domain.filereview import SampledAkt, SampleInfo
from kvtui.domain.sampling import SamplingError, describe_precision
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.sampling import extend_sample, replace_akt
from kvtui.tui.dialogs.unsaved import TextDialog

ResultT = TypeVar("ResultT")


class _SampleDialog(TextDialog[ResultT]):
    """A title, a text, one field and a line for the store's refusal."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="sample_change.save"),
        Binding("escape", "cancel", "Avbryt", id="sample_change.cancel"),
    ]

    def __init__(self, store: Store, review_id: str) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._review_id = review_id

    def _show_problem(self, text: str) -> None:
        problem = self.query_one(".dialog-problems", Static)
        problem.update(text)
        problem.display = bool(text)

    def on_mount(self) -> None:
        self._show_problem("")
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Ask the store; close on success."""


class ReplaceAktDialog(_SampleDialog[SampledAkt]):
    """Replaces an akt that cannot be reviewed; dismisses with the akt that replaces it."""

    DRAFT_TITLE = "Ersätt akt"

    def __init__(self, store: Store, review_id: str, akt: SampledAkt) -> None:
        super().__init__(store, review_id)
        self._akt = akt

    def draft_subject(self) -> str:
        """The akt to be replaced."""
        return self._akt.case_file_id

    def compose(self) -> ComposeResult:
        with Vertical(id="sample-replace-box", classes="dialog-box"):
            yield Static(f"Ersätt akt {self._akt.reference}", classes="box-title", markup=False)
            yield Static(
                "Akten ersätts av nästa akt i urvalsordningen (i ett stratifierat urval från "
                "samma stratum). Ersätt bara en akt som mallen inte kan tillämpas på; saknas "
                "ett dokument är svaret Nej, inte en ersättning.",
                classes="dialog-text",
            )
            with Horizontal(classes="dialog-row"):
                yield Label("Orsak", classes="dialog-label")
                yield Input(placeholder="varför akten inte kan granskas", id="replace-reason",
                            compact=True, classes="dialog-input")
            yield Static("", id="replace-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def action_save(self) -> None:
        """Replace the akt with the reason given."""
        if self._store.read_only:
            self._show_problem("Databasen är öppnad skrivskyddad; inget kan ändras.")
            return
        reason = self.query_one("#replace-reason", Input).value
        try:
            with self._store.session() as session:
                replacement = replace_akt(session, self._review_id, self._akt.case_file_id,
                                          reason)
        except (InvalidInput, NotFound) as error:
            self._show_problem(str(error))
            return
        self.dismiss(replacement)


class ExtendSampleDialog(_SampleDialog[SampleInfo]):
    """Adds akter to the sample; dismisses with the extended sample."""

    DRAFT_TITLE = "Utöka urvalet"

    def __init__(self, store: Store, review_id: str, population_size: int, reviewed: int) -> None:
        super().__init__(store, review_id)
        self._population = population_size
        self._reviewed = reviewed

    def compose(self) -> ComposeResult:
        with Vertical(id="sample-extend-box", classes="dialog-box"):
            yield Static("Utöka urvalet", classes="box-title")
            yield Static(
                f"Urvalet har {self._reviewed} akter av {self._population}. De nya akterna är "
                "nästa i urvalsordningen, med samma frö.",
                classes="dialog-text",
            )
            with Horizontal(classes="dialog-row"):
                yield Label("Lägg till", classes="dialog-label")
                yield Input(placeholder="antal akter", id="extend-count", compact=True,
                            classes="dialog-input")
            yield Static("", id="extend-precision", classes="dialog-note", markup=False)
            yield Static("", id="extend-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self._update_precision()

    def _count(self) -> int:
        text = self.query_one("#extend-count", Input).value.strip()
        if not text.isdigit():
            raise ValueError("Ange hur många akter som ska läggas till, som ett heltal.")
        return int(text)

    @on(Input.Changed, "#extend-count")
    def _update_precision(self) -> None:
        note = self.query_one("#extend-precision", Static)
        try:
            total = self._reviewed + self._count()
            note.update(f"Sedan: {describe_precision(self._population, total)}.")
        except (ValueError, SamplingError) as error:
            note.update(str(error))

    def action_save(self) -> None:
        """Extend the sample by the number given."""
        if self._store.read_only:
            self._show_problem("Databasen är öppnad skrivskyddad; inget kan ändras.")
            return
        try:
            add = self._count()
            with self._store.session() as session:
                info = extend_sample(session, self._review_id, add)
        except (ValueError, InvalidInput, NotFound) as error:
            self._show_problem(str(error))
            return
        self.dismiss(info)
