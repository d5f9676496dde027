"""Changing a drawn sample: Ersätt akt and Uteslut akt (with the reason), Utöka urvalet.

Both take the next akter of the seeded order, as the store decides; the dialogs only ask and
show the store's Swedish refusal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from kvtui.domain.filereview import SampledAkt, SampleInfo
from kvtui.domain.plural import plural
from kvtui.domain.sampling import SamplingError, describe_precision
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.sampling import exclude_akt, extend_sample, replace_akt
from kvtui.tui.dialogs.unsaved import TextDialog

if TYPE_CHECKING:
    from sqlmodel import Session

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


class _AktReasonDialog(_SampleDialog[SampledAkt]):
    """One akt and the reason it cannot be reviewed; dismisses with the akt the store gives."""

    TITLE = ""
    TEXT = ""
    KIND = ""

    def __init__(self, store: Store, review_id: str, akt: SampledAkt) -> None:
        super().__init__(store, review_id)
        self._akt = akt

    def draft_subject(self) -> str:
        """The akt the reason is for."""
        return self._akt.case_file_id

    def compose(self) -> ComposeResult:
        with Vertical(id=f"sample-{self.KIND}-box", classes="dialog-box"):
            yield Static(f"{self.TITLE} {self._akt.reference}", classes="box-title",
                         markup=False)
            yield Static(self.TEXT, classes="dialog-text")
            with Horizontal(classes="dialog-row"):
                yield Label("Orsak", classes="dialog-label")
                yield Input(placeholder="varför akten inte kan granskas",
                            id=f"{self.KIND}-reason", compact=True, classes="dialog-input")
            yield Static("", id=f"{self.KIND}-problem", classes="dialog-problems",
                         markup=False)
        yield Footer()

    def _store_change(self, session: Session, reason: str) -> SampledAkt:
        raise NotImplementedError

    def action_save(self) -> None:
        """Change the sample with the reason given, or show the store's refusal."""
        if self._store.read_only:
            self._show_problem("Databasen är öppnad skrivskyddad; inget kan ändras.")
            return
        reason = self.query_one(f"#{self.KIND}-reason", Input).value
        try:
            with self._store.session() as session:
                changed = self._store_change(session, reason)
        except (InvalidInput, NotFound) as error:
            self._show_problem(str(error))
            return
        self.dismiss(changed)


class ReplaceAktDialog(_AktReasonDialog):
    """Replaces an akt that cannot be reviewed; dismisses with the akt that replaces it."""

    TITLE = DRAFT_TITLE = "Ersätt akt"
    KIND = "replace"
    TEXT = ("Akten ersätts av nästa akt i urvalsordningen (i ett stratifierat urval från "
            "samma stratum). Ersätt bara en akt som mallen inte kan tillämpas på; saknas "
            "ett dokument är svaret Nej, inte en ersättning.")

    def _store_change(self, session: Session, reason: str) -> SampledAkt:
        return replace_akt(session, self._review_id, self._akt.case_file_id, reason)


class ExcludeAktDialog(_AktReasonDialog):
    """Excludes an akt that cannot be reviewed, without a replacement; dismisses with it."""

    TITLE = DRAFT_TITLE = "Uteslut akt"
    KIND = "exclude"
    TEXT = ("Akten utesluts ur urvalet utan ersättning, så att urvalet som granskas blir en "
            "akt mindre. Skälet och akten står i rapportens Metod och bilaga. Kan akten "
            "ersättas av nästa i urvalsordningen, välj hellre Ersätt akt (e).")

    def _store_change(self, session: Session, reason: str) -> SampledAkt:
        return exclude_akt(session, self._review_id, self._akt.case_file_id, reason)


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
                f"Urvalet har {plural(self._reviewed, 'akt', 'akter')} av {self._population}. "
                "De nya akterna är nästa i urvalsordningen, med samma frö.",
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
