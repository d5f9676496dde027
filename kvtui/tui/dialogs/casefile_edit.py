"""Lägg till akt / Ändra akt: a case file's reference and attributes, typed by hand.

The store decides what may be saved (no personnummer, no duplicate, nothing after the sample
is drawn); its Swedish message is shown in the dialog and the auditor corrects it in place.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, Static

from kvtui.store.casefiles import CaseFileRow, add_case_file, update_case_file
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.tui.dialogs.form import FormDialog
from kvtui.tui.format import shorten

LABEL_WIDTH = 16


class CaseFileDialog(FormDialog[CaseFileRow]):
    """Adds an akt (no ``row``) or changes one; dismisses with the saved akt, or None.

    One field per attribute the population already has, and a pair of fields for a new one.
    Enter in any field or Ctrl+S saves.
    """

    PROBLEM_ID = "casefile-problem"
    DRAFT_TITLE = "Akt"

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="casefile.save"),
        Binding("escape", "cancel", "Avbryt", id="casefile.cancel"),
    ]

    def __init__(
        self, store: Store, review_id: str, row: CaseFileRow | None,
        attribute_names: Sequence[str],
    ) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._review_id = review_id
        self._row = row
        names = list(attribute_names)
        for name in row.attributes if row else ():
            if name not in names:
                names.append(name)
        self._names = names

    def draft_subject(self) -> str:
        """The akt changed, or "ny"."""
        return self._row.id if self._row else "ny"

    def compose(self) -> ComposeResult:
        title = f"Ändra akt {self._row.reference}" if self._row else "Lägg till akt"
        with Vertical(id="casefile-box", classes="dialog-box"):
            yield Static(title, classes="box-title", markup=False)
            with VerticalScroll(id="casefile-fields", can_focus=False):
                with Horizontal(classes="dialog-row"):
                    yield Label("Referens", classes="dialog-label")
                    yield Input(
                        self._row.reference if self._row else "",
                        placeholder="aktnummer eller pseudonym, aldrig personnummer",
                        id="casefile-reference",
                        compact=True,
                        classes="dialog-input",
                    )
                for index, name in enumerate(self._names):
                    with Horizontal(classes="dialog-row"):
                        yield Label(shorten(name, LABEL_WIDTH - 1), classes="dialog-label",
                                    markup=False)
                        yield Input(
                            self._row.attributes.get(name, "") if self._row else "",
                            id=f"casefile-attribute-{index}",
                            compact=True,
                            classes="dialog-input casefile-attribute",
                        )
                with Horizontal(classes="dialog-row"):
                    yield Label("Ny uppgift", classes="dialog-label")
                    yield Input(placeholder="namn, t.ex. placeringsform", id="casefile-new-name",
                                compact=True, classes="dialog-input")
                    yield Input(placeholder="värde", id="casefile-new-value", compact=True,
                                classes="dialog-input")
            yield Static("", id="casefile-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#casefile-problem", Static).display = False
        self.query_one("#casefile-reference", Input).focus()

    def _attributes(self) -> dict[str, str]:
        attributes = {
            name: self.query_one(f"#casefile-attribute-{index}", Input).value
            for index, name in enumerate(self._names)
        }
        new_name = self.query_one("#casefile-new-name", Input).value.strip()
        new_value = self.query_one("#casefile-new-value", Input).value
        if new_name or new_value.strip():
            if new_name in attributes:
                raise InvalidInput(f"Uppgiften '{new_name}' finns redan; fyll i den ovanför.")
            attributes[new_name] = new_value
        return attributes

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save the akt, or show why the store refuses it."""
        if self._refused_read_only():
            return
        reference = self.query_one("#casefile-reference", Input).value
        try:
            attributes = self._attributes()
            with self._store.session() as session:
                if self._row is None:
                    saved = add_case_file(session, self._review_id, reference, attributes)
                else:
                    saved = update_case_file(session, self._review_id, self._row.id, reference,
                                             attributes)
        except (InvalidInput, NotFound) as error:
            self._show_problem(str(error))
            return
        self.dismiss(saved)
