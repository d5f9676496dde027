"""Citera iakttagelse: the interviews' observations in one list, one chosen for the text.

The section text quotes an observation by its stable id (``[citat: ID]``), which nobody
should have to type: this dialog lists every observation by interview date, role and its
first words, narrowed by what is typed in the field at the top (every word must occur), and
Enter returns the chosen one's id to the text. The search field only filters, so Escape
closes at once: nothing typed there is text to keep.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from kvtui.domain.section_text import QuotedObservation
from kvtui.tui.dialogs.evidence_link import matches

HINT = ("Iakttagelsen skrivs i rapporten med intervjuns roll och datum, aldrig med namn. "
        "Enter infogar den där markören står.")


class QuoteDialog(ModalScreen[str | None]):
    """Choose one of ``observations``; dismisses with its id, or None on Escape."""

    BINDINGS = [
        Binding("escape", "close", "Avbryt", id="quote_pick.close"),
    ]

    def __init__(self, observations: Sequence[QuotedObservation]) -> None:
        super().__init__(classes="dialog")
        self._observations = list(observations)

    def compose(self) -> ComposeResult:
        with Vertical(id="quote-box", classes="dialog-box"):
            yield Static("Citera iakttagelse", classes="box-title")
            yield Input(placeholder="Skriv för att söka bland iakttagelserna …",
                        id="quote-filter", compact=True)
            yield OptionList(id="quote-list", compact=True)
            yield Static(HINT, id="quote-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#quote-filter", Input).focus()

    @property
    def shown(self) -> list[str]:
        """The ids of the observations listed now, in order."""
        options = self.query_one("#quote-list", OptionList)
        return [options.get_option_at_index(i).id or "" for i in range(options.option_count)]

    def _fill(self, query: str) -> None:
        options = self.query_one("#quote-list", OptionList)
        options.clear_options()
        options.add_options(Option(o.label, id=o.id) for o in self._observations
                            if matches(f"{o.label} {o.sentence}", query))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#quote-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    @on(Input.Submitted, "#quote-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in the search field takes the first observation listed."""
        event.stop()
        shown = self.shown
        if shown:
            self.dismiss(shown[0])

    def on_key(self, event: events.Key) -> None:
        """↓ in the search field moves to the list; a letter typed in the list is a search."""
        search = self.query_one("#quote-filter", Input)
        options = self.query_one("#quote-list", OptionList)
        if self.focused is search and event.key == "down":
            event.stop()
            event.prevent_default()
            options.focus()
        elif self.focused is options and event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            search.focus()
            search.insert_text_at_cursor(event.character)

    @on(OptionList.OptionSelected, "#quote-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        """Back to the text without a quote."""
        self.dismiss(None)
