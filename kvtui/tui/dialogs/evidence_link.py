"""Länka underlag: which evidence a statement rests on, ticked in one list.

Everything the review has to cite is listed: the file review's criteria with their share Ja,
the interviews' observations and the documents read. Typing in the field at the top narrows
the list (every word must occur); the field has the keyboard when the dialog opens, and a
letter typed in the list goes to it too, so nothing typed is lost; Enter or ↓ moves to the
list, where space or Enter ticks and unticks; Ctrl+S saves the whole choice in one
transaction (``set_evidence``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from kvtui.domain.judgement import AssessmentView, EvidenceView, short_text
from kvtui.store.assessments import citing, review_sections, set_evidence
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.tui.dialogs.evidence_citing import CitingDialog
from kvtui.tui.dialogs.form import FormDialog

Pair = tuple[str, str]


def evidence_key(pair: Pair) -> str:
    """A selection value for a (kind, target id) pair."""
    return f"{pair[0]}:{pair[1]}"


def option_text(option: EvidenceView, shares: Mapping[str, str]) -> str:
    """One line for an option: kind, label and, for a criterion, its share Ja."""
    label = option.label
    if option.kind == "criterion":
        share = shares.get(label.split(" ", 1)[0])
        if share:
            label = f"{label} · {share} Ja"
    if option.kind == "observation":
        return label
    return f"{option.kind_label}: {label}"


def matches(text: str, query: str) -> bool:
    """Whether every word of ``query`` occurs in ``text`` (case-insensitively)."""
    folded = text.casefold()
    return all(word in folded for word in query.casefold().split())


class EvidenceDialog(FormDialog[AssessmentView]):
    """Choose the evidence of ``assessment`` among ``options``; dismisses with the statement
    as saved, or None on Escape.

    ``shares`` maps criterion codes to their share Ja ("62,5 %").
    """

    PROBLEM_ID = "evidence-problem"
    DRAFT_TITLE = "Underlag"
    # The search only filters the list; what is chosen is not typed text.
    NOT_TYPED_TEXT = frozenset({"evidence-filter"})

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara", id="evidence_link.save"),
        Binding("escape", "cancel", "Avbryt", id="evidence_link.cancel"),
        Binding("c", "citing", "Citeras av", id="evidence_link.citing"),
    ]

    def __init__(
        self,
        store: Store,
        review_id: str,
        assessment: AssessmentView,
        options: Sequence[EvidenceView],
        shares: Mapping[str, str],
    ) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._review_id = review_id
        self._assessment = assessment
        self._options = list(options)
        self._texts = {evidence_key((o.kind, o.target_id)): option_text(o, shares)
                       for o in self._options}
        self._chosen: list[str] = [evidence_key((e.kind, e.target_id))
                                   for e in assessment.evidence]

    def compose(self) -> ComposeResult:
        with Vertical(id="evidence-box", classes="dialog-box"):
            yield Static(f"Underlag för ”{short_text(self._assessment.statement, 56)}”",
                         classes="box-title", markup=False)
            yield Input(placeholder="Skriv för att söka bland underlagen …",
                        id="evidence-filter", compact=True)
            yield SelectionList[str](id="evidence-list", compact=True)
            yield Static("", id="evidence-count", markup=False)
            yield Static("", id="evidence-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#evidence-problem", Static).display = False
        self._fill("")
        # It says "Skriv för att söka": what is typed first goes there.
        self.query_one("#evidence-filter", Input).focus()

    # --- the list ------------------------------------------------------------------------------

    @property
    def chosen(self) -> list[Pair]:
        """The (kind, target id) pairs ticked so far, in the order they were ticked."""
        return [(key.split(":", 1)[0], key.split(":", 1)[1]) for key in self._chosen]

    def _fill(self, query: str) -> None:
        selections = self.query_one("#evidence-list", SelectionList)
        selections.clear_options()
        shown = [key for key, text in self._texts.items() if matches(text, query)]
        selections.add_options(
            Selection(self._prompt(key), key, key in self._chosen, id=key) for key in shown
        )
        if shown:
            selections.highlighted = 0
        self._count(len(shown))

    def _prompt(self, key: str) -> Text:
        """An option's line, marked "✓" when chosen: the tick is not shown by colour alone."""
        mark = "✓ " if key in self._chosen else "  "
        return Text(mark + self._texts[key], no_wrap=True, overflow="ellipsis")

    def _count(self, shown: int) -> None:
        total = len(self._texts)
        chosen = len(self._chosen)
        listed = "" if shown == total else f" · {shown} av {total} visas"
        self.query_one("#evidence-count", Static).update(
            f"{chosen} valda{listed}. Mellanslag väljer, Ctrl+S sparar."
        )

    @on(Input.Changed, "#evidence-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    @on(Input.Submitted, "#evidence-filter")
    def _to_list(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#evidence-list", SelectionList).focus()

    def on_key(self, event: events.Key) -> None:
        """↓ in the search field moves to the list; a letter typed in the list is a search."""
        search = self.query_one("#evidence-filter", Input)
        selections = self.query_one("#evidence-list", SelectionList)
        if self.focused is search and event.key == "down":
            event.stop()
            event.prevent_default()
            selections.focus()
        elif (self.focused is selections and event.is_printable and event.character
              and event.character not in " c"):  # space ticks, c is Citeras av
            event.stop()
            event.prevent_default()
            search.focus()
            search.insert_text_at_cursor(event.character)

    @on(SelectionList.SelectionToggled, "#evidence-list")
    def _toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        event.stop()
        key = event.selection.value
        if key in self._chosen:
            self._chosen.remove(key)
        else:
            self._chosen.append(key)
        event.selection_list.replace_option_prompt(key, self._prompt(key))
        self._count(event.selection_list.option_count)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Citeras av from the list (in the search field, c is a letter to type)."""
        if action == "citing":
            return self.focused is self.query_one("#evidence-list", SelectionList)
        return True

    def action_citing(self) -> None:
        """c: which statements cite the highlighted evidence (criteria too)."""
        selections = self.query_one("#evidence-list", SelectionList)
        option = selections.highlighted_option
        if option is None or option.id is None:
            return
        kind, target_id = option.id.split(":", 1)
        with self._store.session() as session:
            statements = citing(session, kind, target_id)
            headings = {s.id: s.heading for s in review_sections(session, self._review_id)}
        self.app.push_screen(CitingDialog(short_text(self._texts[option.id], 60), statements,
                                          headings, can_jump=False))

    # --- saving --------------------------------------------------------------------------------

    def action_save(self) -> None:
        """Save the choice, or show why it cannot be saved."""
        if self._refused_read_only():
            return
        try:
            with self._store.session() as session:
                saved = set_evidence(session, self._review_id, self._assessment.id, self.chosen)
        except (InvalidInput, NotFound) as error:
            self._show_problem(str(error))
            return
        self.dismiss(saved)
