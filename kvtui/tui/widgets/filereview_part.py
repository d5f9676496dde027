"""The workspace part Aktgranskning (key 3): the sampled akter one at a time, a matrix of all
akter × criteria (m) and the results per criterion (s); l sets the legal reference of the
criterion at hand for this review (added, changed or confirmed, logged by the store).

The part reads the sample and the criteria each time it is shown (``reload``) and hands them
down to its three views; the views post messages up (``MatrixView.Jump``, ``…Closed``) and
never reach into one another.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import OptionList, Static

from kvtui.domain.assignment import mine_first
from kvtui.domain.filereview import CriterionView
from kvtui.store.answers import applicability_day, review_criteria
from kvtui.store.assignments import assignments, review_auditors
from kvtui.store.criteria import MISSING, REFERENCE_ACTIONS, set_reference
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.idnumber_rule import as_typed
from kvtui.store.matrix import answered_per_akt
from kvtui.store.sampling import current_sample
from kvtui.tui.dialogs.answer_text import AnswerTextDialog
from kvtui.tui.messages import JumpTarget
from kvtui.tui.widgets.assignment import my_granskare
from kvtui.tui.widgets.filereview_akt import AktView
from kvtui.tui.widgets.idnumber_guard import TypedText
from kvtui.tui.widgets.matrix import MatrixView
from kvtui.tui.widgets.part_base import WorkspacePart
from kvtui.tui.widgets.results import ResultsView

NO_SAMPLE = "Inget urval är draget. Dra ett under Akter & urval (tangent 2)."
NO_CRITERIA = "Granskningens mall har inga kriterier för aktgranskning."
PART_ID = "filereview"

_VIEWS = {"akt": "fr-akt", "matrix": "fr-matrix", "results": "fr-results"}


class FileReviewPart(WorkspacePart):
    """Aktgranskning: answer the criteria of each sampled akt, one key per answer."""

    BINDINGS = [
        Binding("m", "toggle_view('matrix')", "Matris", tooltip="Alla akter × kriterier",
                id="filereview.matrix"),
        Binding("s", "toggle_view('results')", "Resultat", tooltip="Resultat per kriterium",
                id="filereview.results"),
        Binding("l", "reference", "Lagrum", tooltip="Kriteriets lagrum i granskningen",
                id="filereview.reference"),
    ]

    def __init__(self, store: Store, review_id: str, *, id: str) -> None:
        super().__init__(store, review_id, id=id)
        self._criteria: list[CriterionView] = []
        self._ready = False
        self._current = "fr-empty"

    def compose(self) -> ComposeResult:
        # The views are the part's own children, one shown at a time, rather than children of
        # a ContentSwitcher: every answering key travels up through each container on its way
        # to its binding, and every frame draws each container again.
        views: list[Widget] = [
            Static(NO_SAMPLE, id="fr-empty", classes="part-text"),
            AktView(self.store, self.review_id, id="fr-akt"),
            MatrixView(self.store, self.review_id, id="fr-matrix"),
            ResultsView(self.store, self.review_id, id="fr-results"),
        ]
        for view in views:
            view.add_class("fr-view")
            view.display = view.id == self._current
        yield from views

    def _switch(self, widget_id: str) -> None:
        """Show the view with ``widget_id`` and hide the others."""
        if widget_id == self._current:
            return
        self._current = widget_id
        for view in self.query_children(".fr-view"):
            view.display = view.id == widget_id

    # --- what is on show -----------------------------------------------------------------------

    @property
    def akt_view(self) -> AktView:
        """The one-at-a-time view."""
        return self.query_one(AktView)

    @property
    def matrix_view(self) -> MatrixView:
        """The matrix."""
        return self.query_one(MatrixView)

    @property
    def results_view(self) -> ResultsView:
        """The results table."""
        return self.query_one(ResultsView)

    @property
    def current_view(self) -> str:
        """"akt", "matrix", "results", or "" while there is nothing to review."""
        return next((name for name, widget_id in _VIEWS.items() if widget_id == self._current),
                    "")

    def reload(self) -> None:
        """Read the sample, the criteria and the answer counts again and show them."""
        empty = self.query_one("#fr-empty", Static)
        try:
            with self.store.session() as session:
                sample = current_sample(session, self.review_id)
                criteria = review_criteria(session, self.review_id) if sample else []
                answered = answered_per_akt(session, self.review_id) if sample else {}
                day = applicability_day(session, self.review_id)
                division = assignments(session, self.review_id)
                me = my_granskare(review_auditors(session, self.review_id))
        except NotFound as error:
            empty.update(str(error))
            self._switch("fr-empty")
            self._ready = False
            return
        if sample is None or not sample.active or not criteria:
            empty.update(NO_SAMPLE if sample is None or not sample.active else NO_CRITERIA)
            self._switch("fr-empty")
            self._ready = False
            self.refresh_bindings()
            return
        self._criteria = criteria
        self._ready = True
        # Her own akter first, in drawn order, then the others'.
        by_id = {akt.case_file_id: akt for akt in sample.active}
        akter = [by_id[case_file_id] for case_file_id in mine_first(by_id, division.akter, me)]
        self.akt_view.set_division(division.akter, me)
        self.akt_view.load(akter, criteria, answered, day)
        view = self.current_view
        if view == "matrix":
            self.matrix_view.reload()
        elif view == "results":
            self.results_view.reload()
        else:
            self._switch(_VIEWS["akt"])
        self.refresh_bindings()
        if self._takes_focus():
            self.focus()

    def _takes_focus(self) -> bool:
        """Whether showing the part should move the keyboard into it.

        Pressing 3 means "work in Aktgranskning", so the keys j/d/n/e must answer at once. But
        while the auditor walks the workspace's list of parts with the arrow keys, the list
        keeps the keyboard: the list then already marks this part when it is shown.
        """
        focused = self.screen.focused
        if isinstance(focused, OptionList) and focused.id == "part-list":
            option = focused.highlighted_option
            return option is None or option.id != PART_ID
        return focused is None or self not in focused.ancestors

    def focus(self, scroll_visible: bool = True) -> FileReviewPart:
        """The part itself takes no keys: focus goes to the table of the view on show."""
        view = self.current_view
        if view == "akt":
            self.akt_view.focus_table()
        elif view == "matrix":
            self.matrix_view.focus_table()
        elif view == "results":
            self.results_view.focus_table()
        return self

    def show_target(self, target: JumpTarget) -> None:
        """An answer's comment, from a search hit: its akt and criterion, read afresh."""
        if target.case_file_id:
            self.reload()
            self.akt_view.jump_to(target.case_file_id, target.criterion_id or None)
        self.focus()

    # --- switching views -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Matris, Resultat and Lagrum only when there is a sample to show."""
        if action in ("toggle_view", "reference"):
            return self._ready
        return True

    def _show(self, view: str) -> None:
        self._switch(_VIEWS[view])
        self.focus()

    def action_toggle_view(self, view: str) -> None:
        """m / s: the matrix or the results; the same key again goes back to the akt."""
        if not self._ready:
            return
        if self.current_view == view:
            self._show("akt")
            return
        if view == "matrix":
            akt = self.akt_view
            criterion = akt.current_criterion
            index = self._criteria.index(criterion) if criterion in self._criteria else 0
            self.matrix_view.open(self._criteria, akt.akt_index, index)
        else:
            self.results_view.reload()
        self._show(view)

    @on(MatrixView.Jump)
    def _jump(self, event: MatrixView.Jump) -> None:
        event.stop()
        self.akt_view.jump_to(event.case_file_id, event.criterion_id)
        self._show("akt")

    @on(MatrixView.Closed)
    @on(ResultsView.Closed)
    def _view_closed(self, event: MatrixView.Closed | ResultsView.Closed) -> None:
        event.stop()
        self._show("akt")

    # --- the criterion's legal reference -------------------------------------------------------

    def _criterion_at_hand(self) -> CriterionView | None:
        """The criterion under the cursor in the akt, or in the results table."""
        if self.current_view == "results":
            results = self.results_view.results
            row = self.results_view.table.cursor_row
            if results is None or not 0 <= row < len(results.rows):
                return None
            code = results.rows[row].code
            return next((view for view in self._criteria if view.code == code), None)
        return self.akt_view.current_criterion

    def action_reference(self) -> None:
        """l: add, change or confirm the criterion's legal reference for this review."""
        view = self._criterion_at_hand()
        if view is None or not self._ready:
            return
        if self.store.read_only:
            self.notify("Databasen är öppnad skrivskyddad; lagrummet kan inte ändras.",
                        severity="warning")
            return
        now = view.reference or MISSING
        prompt = (f"{view.criterion.question}\nNu: {now}.\nGäller bara den här granskningen; "
                  "mallen ändras inte." + (" Enter med samma text bekräftar lagrummet."
                                            if view.reference else ""))

        def written(text: TypedText | None) -> None:
            if text is None:
                return
            try:
                with as_typed(text.not_ids), self.store.session() as session:
                    action = set_reference(session, self.review_id, view.code, text.text)
            except (InvalidInput, NotFound) as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.notify(f"{REFERENCE_ACTIONS[action]} för {view.code}.", timeout=3,
                        markup=False)
            self.reload()
            if self.current_view == "results":
                self.results_view.reload()
            self.post_message(self.Changed(self))

        self.app.push_screen(
            AnswerTextDialog(f"{view.code} Lagrum för granskningsperioden", prompt,
                             initial=view.reference or "",
                             placeholder="t.ex. 20 kap. 1 § SoL (2025:400)", required=True,
                             required_message="Skriv lagrummet, t.ex. 20 kap. 1 § SoL "
                                              "(2025:400)."),
            written,
        )
