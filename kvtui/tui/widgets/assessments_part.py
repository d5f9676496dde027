"""The workspace part Bedömningar (key 6): the report's sections, their texts and statements.

On the left the template's report sections as a numbered tree (chapters with their quality
dimension); on the right the chosen section's text, saved as the auditor types, and its
statements of judgement. With a statement highlighted one key rates it (g Grön, u Gul, r Röd,
0 none), s chooses whether it goes into the summary table, l links its evidence (criteria of
the file review, interview observations, documents). Colour is never the only carrier: the
level is written as a word on its colour.

The text is plain, with three markups for the auditor's own structure
(``kvtui.domain.section_text``): a line "# Rubrik" is a sub-heading, "[fotnot: text]" a
footnote, and Ctrl+O inserts a quoted interview observation chosen from a list
("[citat: id]"; the report writes it out by role and date). Ctrl+T shows the text as the
report will read it, with what is wrong in its markup. Both are Ctrl keys, so they work in
the text and never take a letter typed there.

Sections that kvtui fills in itself (Sammanfattning, Syfte, Metod, Referenser) are shown in the
tree, dimmed, with a note on where their content comes from.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Self

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kvtui.domain.judgement import (
    RATING_KEYS,
    AssessmentView,
    InterviewView,
    SectionView,
    rating_label,
    short_text,
)
from kvtui.domain.plural import noun, plural
from kvtui.domain.section_kinds import SectionKind, section_kind, text_only, written
from kvtui.domain.section_text import (
    has_subsections,
    parse_section_text,
    plain_lines,
    quotable,
    quote_markup,
    text_problems,
)
from kvtui.domain.statistics import format_share
from kvtui.store.assessments import (
    delete_assessment,
    evidence_options,
    move_assessment,
    review_sections,
    set_in_summary,
    set_rating,
    set_section_text,
)
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.interviews import list_interviews
from kvtui.store.results import review_results
from kvtui.tui.dialogs.assessment_edit import AssessmentDialog
from kvtui.tui.dialogs.evidence_link import EvidenceDialog
from kvtui.tui.dialogs.quote_pick import QuoteDialog
from kvtui.tui.dialogs.text_preview import TextPreviewDialog
from kvtui.tui.format import shorten
from kvtui.tui.key_guard import refuse
from kvtui.tui.messages import JumpTarget
from kvtui.tui.widgets.judgement_editor import AutoSaveEditor, EditorArea, Saver
from kvtui.tui.widgets.judgement_format import (
    section_prompt,
    statement_prompt,
    with_dividers,
)
from kvtui.tui.widgets.part_base import WorkspacePart, takes_focus

TREE_WIDTH = 21  # the tree's 24 columns less its border and scrollbar
TEXT_TITLE = "Text"
TEXT_PLACEHOLDER = ("Avsnittets text. Sparas medan du skriver. Tom rad = nytt stycke. "
                    "# Rubrik = underrubrik. [fotnot: text] = fotnot. Ctrl+O citerar en "
                    "iakttagelse, Ctrl+T förhandsvisar.")
NO_STATEMENTS = "Inga bedömningar i avsnittet. Tryck a för att skriva en."

_LEVEL_KEYS = Binding.Group("Nivå", compact=True)
_MOVE_KEYS = Binding.Group("Flytta", compact=True)
_QUOTE_TIP = "Citera en iakttagelse i texten"
_PREVIEW_TIP = "Visa texten som rapporten skriver den"
STATEMENT_ACTIONS = frozenset({"edit", "remove", "rate", "toggle_summary", "link", "move"})


def evidence_line(assessment: AssessmentView) -> str:
    """The statement's evidence in one paragraph: "Underlag: F4 …; Intervju …"."""
    if not assessment.evidence:
        return "Underlag: inget ännu. Tryck l för att länka kriterier, iakttagelser, dokument."
    parts = []
    for evidence in assessment.evidence:
        label = evidence.label if evidence.kind != "document" else f"Dokument {evidence.label}"
        parts.append(short_text(label, 60))
    return "Underlag: " + "; ".join(parts)


class AssessmentsPart(WorkspacePart):
    """Bedömningar: section texts saved as typed; statements rated with one key each."""

    LOCKED_MESSAGE = "Granskningen är signerad och låst; bedömningarna kan inte ändras."

    BINDINGS = [
        Binding("a", "add", "Ny bedömning", id="assessments.add"),
        Binding("e", "edit", "Ändra", id="assessments.edit"),
        *(Binding(key, f"rate('{rating}')", rating_label(rating), group=_LEVEL_KEYS,
                  id=f"assessments.rate.{rating or 'ingen'}")
          for key, rating in RATING_KEYS.items()),
        Binding("s", "toggle_summary", "Sammanfattning", id="assessments.summary"),
        Binding("l,b", "link", "Underlag", tooltip="Länka underlag", id="assessments.link"),
        Binding("x,delete", "remove", "Ta bort", id="assessments.remove"),
        Binding("ctrl+up,left_square_bracket", "move(-1)", "Upp", group=_MOVE_KEYS,
                show=False, id="assessments.move_up"),
        Binding("ctrl+down,right_square_bracket", "move(1)", "Ned", group=_MOVE_KEYS,
                show=False, id="assessments.move_down"),
        # Ctrl keys, so that they work inside the text and never take a letter from it. Each
        # twice: shown in the footer while the text has the keyboard, hidden elsewhere (where
        # Ctrl+O says to go into the text), so that the list's footer keeps its keys.
        Binding("ctrl+o", "insert_quote(True)", "Citat", tooltip=_QUOTE_TIP,
                id="assessments.quote"),
        Binding("ctrl+o", "insert_quote(False)", "Citat", tooltip=_QUOTE_TIP, show=False,
                id="assessments.quote_outside"),
        Binding("ctrl+t", "preview(True)", "Förhandsvisa", tooltip=_PREVIEW_TIP,
                id="assessments.preview"),
        Binding("ctrl+t", "preview(False)", "Förhandsvisa", tooltip=_PREVIEW_TIP, show=False,
                id="assessments.preview_outside"),
    ]

    def __init__(self, store: Store, review_id: str, *, id: str) -> None:
        super().__init__(store, review_id, id=id)
        self._sections: list[SectionView] = []
        self._shown_id: str | None = None
        self._shares: dict[str, str] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="assessments-layout"):
            yield OptionList(id="assessments-sections")
            with Vertical(id="assessments-main"):
                yield Static("", id="assessments-heading", markup=False)
                yield Static("", id="assessments-note", markup=False)
                yield AutoSaveEditor(TEXT_TITLE, id="section-text",
                                     placeholder=TEXT_PLACEHOLDER)
                statements = OptionList(id="assessments-statements")
                statements.border_title = "Bedömningar"
                yield statements
                yield Static("", id="assessments-evidence", markup=False)

    def focus(self, scroll_visible: bool = True) -> Self:
        """Entering the part puts the cursor in the tree of sections."""
        self.section_list.focus(scroll_visible)
        return self

    # --- what is on show -----------------------------------------------------------------------

    @property
    def section_list(self) -> OptionList:
        """The report's sections."""
        return self.query_one("#assessments-sections", OptionList)

    @property
    def statement_list(self) -> OptionList:
        """The chosen section's statements."""
        return self.query_one("#assessments-statements", OptionList)

    @property
    def text_editor(self) -> AutoSaveEditor:
        """The chosen section's text."""
        return self.query_one("#section-text", AutoSaveEditor)

    @property
    def sections(self) -> list[SectionView]:
        """The sections as last read, in report order."""
        return self._sections

    @property
    def current_section(self) -> SectionView | None:
        """The section highlighted in the tree."""
        option = self.section_list.highlighted_option
        if option is None:
            return None
        return next((s for s in self._sections if s.id == option.id), None)

    @property
    def current_assessment(self) -> AssessmentView | None:
        """The statement highlighted in the list."""
        section = self.current_section
        option = self.statement_list.highlighted_option
        if section is None or option is None:
            return None
        return next((a for a in section.assessments if a.id == option.id), None)

    def reload(self, section: str | None = None, assessment: str | None = None) -> None:
        """Read the sections again; keep the section and statement on show, or show
        ``section`` and ``assessment`` (ids)."""
        try:
            with self.store.session() as session:
                self._sections = review_sections(session, self.review_id)
                self.read_status(session)
        except NotFound as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._shares = None  # read again when the evidence dialog opens
        tree = self.section_list
        current = self.current_section
        keep = section or (current.id if current else None)
        if keep is None:
            keep = next((s.id for s in self._sections if written(s.kind)), None)
        tree.clear_options()
        tree.add_options(Option(self._tree_prompt(s), id=s.id) for s in self._sections)
        ids = [s.id for s in self._sections]
        if keep in ids:
            tree.highlighted = ids.index(keep)
        self._show_section(assessment)
        self.refresh_bindings()
        if takes_focus(self):
            self.focus()

    @staticmethod
    def _tree_prompt(section: SectionView) -> Text:
        indent = max(section.level - 1, 0) * 2
        count = len(section.assessments)
        room = TREE_WIDTH - indent - len(section.number) - 1 - (len(f" ({count})") if count else 0)
        return section_prompt(replace(section, title=shorten(section.title, room)))

    def _show_section(self, assessment: str | None = None) -> None:
        """Heading, text and statements of the section highlighted in the tree."""
        section = self.current_section
        heading = self.query_one("#assessments-heading", Static)
        note = self.query_one("#assessments-note", Static)
        editor = self.text_editor
        statements = self.statement_list
        evidence = self.query_one("#assessments-evidence", Static)
        if section is None:
            heading.update("Mallen har inga avsnitt.")
            for widget in (note, editor, statements, evidence):
                widget.display = False
            editor.load("", None)
            self._shown_id = None
            return
        quality = f" · {section.quality}" if section.quality else ""
        heading.update(f"{section.heading}{quality}")
        writes = written(section.kind)
        only_text = text_only(section.kind)
        note.display = not writes
        editor.display = writes or only_text
        statements.display = evidence.display = writes
        if not writes:
            note.update(section_kind(section.kind).note + self._summary_count(section))
            if only_text:
                if section.id != self._shown_id or editor.saved_text != section.text:
                    editor.load(section.text, None if self._locked
                                else self._text_saver(section.id, section.text),
                                title=f"{TEXT_TITLE} · {section.number or section.title}")
            else:
                editor.load("", None)
            self._shown_id = section.id
            statements.clear_options()
            return
        if section.id != self._shown_id or editor.saved_text != section.text:
            editor.load(section.text,
                        None if self._locked else self._text_saver(section.id, section.text),
                        title=f"{TEXT_TITLE} · {section.number or section.title}")
        self._shown_id = section.id
        keep = assessment
        if keep is None and statements.highlighted_option is not None:
            keep = statements.highlighted_option.id
        statements.clear_options()
        statements.add_options(with_dividers(Option(statement_prompt(a), id=a.id)
                                             for a in section.assessments))
        count = len(section.assessments)
        statements.border_title = f"Bedömningar ({count})" if count else "Bedömningar"
        ids = [a.id for a in section.assessments]
        if ids:
            statements.highlighted = ids.index(keep) if keep in ids else 0
        self._show_evidence()

    def _summary_count(self, section: SectionView) -> str:
        if section.kind != SectionKind.SUMMARY:
            return ""
        chosen = [a for s in self._sections for a in s.assessments if a.in_summary]
        if not chosen:
            return "\n\nIngen bedömning är vald till sammanfattningen ännu."
        lines = [f"\n\n{plural(len(chosen), 'bedömning', 'bedömningar')} "
                 f"{noun(len(chosen), 'är vald', 'är valda')} till sammanfattningen:"]
        lines += [f"{rating_label(a.rating) if a.rating else 'Ingen nivå'}: "
                  f"{short_text(a.statement, 70)}" for a in chosen]
        return "\n".join(lines)

    def _show_evidence(self) -> None:
        evidence = self.query_one("#assessments-evidence", Static)
        assessment = self.current_assessment
        section = self.current_section
        if assessment is None:
            evidence.update(NO_STATEMENTS if section is not None and not section.assessments
                            else "")
            return
        evidence.update(evidence_line(assessment))

    def _text_saver(self, section_id: str, loaded: str) -> Saver:
        was_empty = [not loaded.strip()]

        def save(text: str) -> None:
            with self.store.session() as session:
                set_section_text(session, self.review_id, section_id, text)
            self._sections = [
                replace(s, text=text) if s.id == section_id else s
                for s in self._sections
            ]
            empty = not text.strip()
            if empty != was_empty[0]:  # only then does "what is missing" change
                was_empty[0] = empty
                self.post_message(self.Changed(self))

        return save

    @on(OptionList.OptionHighlighted, "#assessments-sections")
    def _section_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id != self._shown_id:
            self._show_section()
            self.refresh_bindings()

    @on(OptionList.OptionSelected, "#assessments-sections")
    def _section_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a section: into its text."""
        event.stop()
        section = self.current_section
        if section is not None and written(section.kind):
            self.text_editor.focus()

    @on(OptionList.OptionHighlighted, "#assessments-statements")
    def _statement_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_evidence()

    @on(OptionList.OptionSelected, "#assessments-statements")
    def _statement_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_edit()

    @on(EditorArea.Leave)
    def _leave_text(self, event: EditorArea.Leave) -> None:
        event.stop()
        self.section_list.focus()

    def show_target(self, target: JumpTarget) -> None:
        """Show a section (and statement), from a search hit or "Citeras av"."""
        self.reload(section=target.section_id or None,
                    assessment=target.assessment_id or None)
        section = self.current_section
        if target.assessment_id and self.current_assessment is not None:
            self.statement_list.focus()
        elif section is not None and written(section.kind) and target.section_id:
            self.text_editor.focus()
        else:
            self.section_list.focus()

    # --- which keys apply -------------------------------------------------------------------

    def _zone(self) -> str:
        focused: Widget | None = self.screen.focused
        if focused is self.section_list:
            return "tree"
        if focused is self.statement_list:
            return "statements"
        if focused is self.text_editor.area:
            return "text"
        return ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Statement keys among the statements; Ny bedömning also in the tree; none of them
        while the text has the keyboard (there they are letters to type). An action that
        applies but has nothing to act on says so itself, so that its key never falls
        through to the workspace's key of the same letter (r, e)."""
        zone = self._zone()
        if action in ("insert_quote", "preview"):
            return parameters[:1] == (zone == "text",)
        if action in STATEMENT_ACTIONS:
            return zone == "statements"
        if action == "add":
            return zone in ("tree", "statements")
        return True


    # --- the text's quotes and preview ------------------------------------------------------

    def _interviews(self) -> list[InterviewView] | None:
        try:
            with self.store.session() as session:
                return list_interviews(session, self.review_id)
        except NotFound as error:
            self.notify(str(error), severity="error", markup=False)
            return None

    def action_insert_quote(self, _in_text: bool = True) -> None:
        """Ctrl+O in the text: choose an interview observation; its reference goes in where
        the cursor is (the report writes it out by role and date)."""
        section = self.current_section
        if section is None or not written(section.kind):
            refuse(self, "Citat skrivs i rapportens textavsnitt (4–6); välj ett sådant.")
            return
        if self._zone() != "text":
            refuse(self, "Gå in i texten (Enter) och tryck Ctrl+O där citatet ska stå.")
            return
        if not self.writable():
            return
        interviews = self._interviews()
        if interviews is None:
            return
        observations = list(quotable(interviews).values())
        if not observations:
            refuse(self, "Granskningen har inga iakttagelser att citera ännu. Skriv dem "
                   "under Intervjuer (5).")
            return
        area = self.text_editor.area
        where = area.cursor_location

        def chosen(observation_id: str | None) -> None:
            area.focus()
            if observation_id is None:
                return
            area.move_cursor(where)
            area.insert(quote_markup(observation_id))
            self.text_editor.flush()
            self.notify("Citatet är infogat; Ctrl+T visar hur rapporten skriver det.",
                        timeout=4)

        self.app.push_screen(QuoteDialog(observations), chosen)

    def action_preview(self, _in_text: bool = True) -> None:
        """Ctrl+T: the section's text as the report will read it, with what is wrong."""
        section = self.current_section
        if section is None or not written(section.kind):
            refuse(self, "Välj ett textavsnitt (4–6) att förhandsvisa.")
            return
        interviews = self._interviews()
        if interviews is None:
            return
        text = self.text_editor.text
        quotes = quotable(interviews)
        lines = plain_lines(parse_section_text(text), section.number,
                            has_subsections=has_subsections(section, self._sections),
                            quotes=quotes)
        problems = text_problems(text, set(quotes))
        focused = self.screen.focused

        def closed(_none: None) -> None:
            if focused is not None and focused.is_attached:
                focused.focus()

        self.app.push_screen(TextPreviewDialog(section.heading, lines, problems), closed)

    def _selected(self) -> AssessmentView | None:
        assessment = self.current_assessment
        if assessment is None:
            refuse(self, "Välj en bedömning i listan först.")
        return assessment

    def _changed(self, assessment: str | None = None) -> None:
        self.reload(assessment=assessment)
        self.post_message(self.Changed(self))

    # --- statements -----------------------------------------------------------------------------

    def action_add(self) -> None:
        """Ny bedömning in the section on show."""
        section = self.current_section
        if section is None or not written(section.kind):
            refuse(self, "Bedömningar skrivs i rapportens textavsnitt (4–6); välj ett sådant.")
            return
        if self.writable():
            self._edit(section, None)

    def action_edit(self) -> None:
        """Ändra the highlighted statement."""
        section = self.current_section
        assessment = self._selected()
        if section is not None and assessment is not None and self.writable():
            self._edit(section, assessment)

    def _edit(self, section: SectionView, assessment: AssessmentView | None) -> None:
        def saved(result: AssessmentView | None) -> None:
            if result is not None:
                self._changed(assessment=result.id)
                verb = "ändrad" if assessment is not None else "tillagd"
                self.notify(f"Bedömningen är {verb}.", timeout=3)
                self.statement_list.focus()

        self.text_editor.flush()
        self.app.push_screen(
            AssessmentDialog(self.store, self.review_id, section.id, section.heading,
                             assessment),
            saved,
        )

    def action_rate(self, rating: str) -> None:
        """g / u / r / 0: the highlighted statement's quality level."""
        assessment = self._selected()
        if assessment is None or not self.writable():
            return
        if assessment.rating == rating:
            return
        try:
            with self.store.session() as session:
                set_rating(session, self.review_id, assessment.id, rating)
        except (InvalidInput, NotFound) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._changed(assessment=assessment.id)

    def action_toggle_summary(self) -> None:
        """s: the highlighted statement into the summary table, or out of it."""
        assessment = self._selected()
        if assessment is None or not self.writable():
            return
        try:
            with self.store.session() as session:
                set_in_summary(session, self.review_id, assessment.id, not assessment.in_summary)
        except (InvalidInput, NotFound) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._changed(assessment=assessment.id)
        self.notify("Bedömningen står i sammanfattningen." if not assessment.in_summary
                    else "Bedömningen står inte längre i sammanfattningen.", timeout=3)

    def action_move(self, offset: int) -> None:
        """Ctrl+↑ / Ctrl+↓ or [ / ]: move the statement within its section."""
        assessment = self._selected()
        if assessment is None or not self.writable():
            return
        try:
            with self.store.session() as session:
                move_assessment(session, self.review_id, assessment.id, offset)
        except (InvalidInput, NotFound) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._changed(assessment=assessment.id)

    def action_remove(self) -> None:
        """Ta bort the highlighted statement, after asking."""
        assessment = self._selected()
        if assessment is None or not self.writable():
            return

        def done() -> None:
            self._changed()
            self.notify("Bedömningen är borttagen.", timeout=3)

        quoted = escape(short_text(assessment.statement, 70))
        self.remove_after_asking(
            f"Ta bort bedömningen ”{quoted}” med dess länkar till underlag?",
            lambda session: delete_assessment(session, self.review_id, assessment.id),
            done,
        )

    def _criterion_shares(self) -> dict[str, str]:
        """Share Ja per criterion code (its headline, as the results view shows it), read when
        first needed after a reload."""
        if self._shares is None:
            with self.store.session() as session:
                results = review_results(session, self.review_id)
            self._shares = {} if results is None else {
                row.code: format_share(row.headline.share) for row in results.rows
                if row.headline.share is not None
            }
        return self._shares

    def action_link(self) -> None:
        """l / b: Länka underlag to the highlighted statement."""
        assessment = self._selected()
        if assessment is None or not self.writable():
            return
        try:
            with self.store.session() as session:
                options = evidence_options(session, self.review_id)
            shares = self._criterion_shares()
        except (InvalidInput, NotFound) as error:
            self.notify(str(error), severity="error", markup=False)
            return
        if not options:
            refuse(self, "Granskningen har inga kriterier, iakttagelser eller dokument att "
                   "länka ännu.")
            return

        def saved(result: AssessmentView | None) -> None:
            if result is not None:
                self._changed(assessment=result.id)
                count = len(result.evidence)
                self.notify(f"Bedömningen har {count} underlag.", timeout=3)
                self.statement_list.focus()

        self.app.push_screen(
            EvidenceDialog(self.store, self.review_id, assessment, options, shares), saved
        )
