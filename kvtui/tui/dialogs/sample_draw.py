"""Dra urval: method, size, stratification and seed, with the precision shown while typing.

Before anything is drawn the dialog says what precision the size gives, for a stratified
sample how many akter each stratum gets ("familjehem 17 av 55"), and plans the size with one
of two planners: for a wanted precision, what size it needs (``kvtui.domain.sampling``), or,
for an attribute test, what size shows that fewer than a tolerable share of the akter have a
deficiency (``kvtui.domain.attribute_sampling``). Enter in a planner's field takes its size
into Storlek. The store draws and records the sample; its Swedish refusal is shown in the
dialog.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, Static

from kvtui.domain.attribute_sampling import (
    CONFIDENCES,
    AttributePlan,
    describe_attribute_plan,
    format_percent,
    plan_attribute_sample,
)
from kvtui.domain.filereview import SampleInfo
from kvtui.domain.plural import plural
from kvtui.domain.sample_input import SIZE_HELP, parse_percent, parse_points, parse_size
from kvtui.domain.sampling import (
    PopulationItem,
    SamplingError,
    allocation_line,
    describe_precision,
    planned_allocation,
    sample_size,
    size_for_half_width,
)
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.sampling import draw_sample
from kvtui.tui.dialogs.confirm import ConfirmDialog
from kvtui.tui.dialogs.form import FormDialog
from kvtui.tui.widgets.select import Select

METHOD_CHOICES: tuple[tuple[str, str], ...] = (
    ("Obundet slumpmässigt", "simple"),
    ("Stratifierat", "stratified"),
    ("Systematiskt", "systematic"),
)
PLANNER_CHOICES: tuple[tuple[str, str], ...] = (
    ("Önskad precision", "precision"),
    ("Tolerabel avvikelse", "attribute"),
)
CONFIDENCE_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (format_percent(confidence), str(int(confidence * 100)))
    for confidence in sorted(CONFIDENCES, reverse=True))
ATTRIBUTE_HELP = ("Skriv den tolerabla avvikelsen (och den förväntade), så visas hur många "
                  "akter som räcker för att visa att färre än så har bristen.")


class DrawSampleDialog(FormDialog[SampleInfo]):
    """Draws the review's sample; dismisses with it, or None. Asks before drawing, because the
    population is fixed from then on."""

    PROBLEM_ID = "sample-problem"
    DRAFT_TITLE = "Dra urval"

    BINDINGS = [
        Binding("ctrl+s", "draw", "Dra urvalet", id="sample_draw.draw"),
        Binding("escape", "cancel", "Avbryt", id="sample_draw.cancel"),
    ]

    def __init__(
        self, store: Store, review_id: str, population_size: int,
        attribute_names: Sequence[str], population: Sequence[PopulationItem] = (),
    ) -> None:
        super().__init__(classes="dialog")
        self._store = store
        self._review_id = review_id
        self._population = population_size
        self._attributes = list(attribute_names)
        self._items = population  # the akter with their attributes, for the allocation shown

    def compose(self) -> ComposeResult:
        with Vertical(id="sample-draw-box", classes="dialog-box"):
            yield Static(f"Dra urval ur {plural(self._population, 'akt', 'akter')}",
                         classes="box-title")
            with VerticalScroll(id="sample-draw-fields", can_focus=False):
                with Horizontal(classes="dialog-row"):
                    yield Label("Metod", classes="dialog-label")
                    yield Select(METHOD_CHOICES, value="simple", allow_blank=False,
                                 compact=True, id="sample-method")
                with Horizontal(classes="dialog-row", id="sample-stratify-row"):
                    yield Label("Dela in efter", classes="dialog-label")
                    yield Select(
                        [(name, name) for name in self._attributes],
                        prompt="Välj uppgift" if self._attributes else "Akterna har inga uppgifter",
                        compact=True,
                        id="sample-stratify",
                    )
                with Horizontal(classes="dialog-row"):
                    yield Label("Storlek", classes="dialog-label")
                    yield Input(placeholder="antal (13) eller andel (30 %)", id="sample-size",
                                compact=True, classes="dialog-input")
                yield Static("", id="sample-precision", classes="dialog-note", markup=False)
                yield Static("", id="sample-allocation", classes="dialog-note", markup=False)
                with Horizontal(classes="dialog-row"):
                    yield Label("Frö", classes="dialog-label")
                    yield Input(placeholder="tomt = ett nytt frö väljs", id="sample-seed",
                                compact=True, classes="dialog-input")
                with Horizontal(classes="dialog-row"):
                    yield Label("Planera efter", classes="dialog-label")
                    yield Select(PLANNER_CHOICES, value="precision", allow_blank=False,
                                 compact=True, id="sample-planner")
                with Horizontal(classes="dialog-row precision-plan"):
                    yield Label("Önskad precision", classes="dialog-label")
                    yield Input(placeholder="± procentenheter, t.ex. 15", id="sample-wanted",
                                compact=True, classes="dialog-input")
                yield Static("", id="sample-needed", classes="dialog-note precision-plan",
                             markup=False)
                with Horizontal(classes="dialog-row attribute-plan"):
                    yield Label("Tolerabel (%)", classes="dialog-label")
                    yield Input(placeholder="t.ex. 5", id="sample-tolerable",
                                compact=True, classes="dialog-input")
                with Horizontal(classes="dialog-row attribute-plan"):
                    yield Label("Förväntad (%)", classes="dialog-label")
                    yield Input(placeholder="t.ex. 1 (tomt = 0)", id="sample-expected",
                                compact=True, classes="dialog-input")
                with Horizontal(classes="dialog-row attribute-plan"):
                    yield Label("Säkerhet", classes="dialog-label")
                    yield Select(CONFIDENCE_CHOICES, value="95", allow_blank=False,
                                 compact=True, id="sample-confidence")
                yield Static("", id="sample-attribute", classes="dialog-note attribute-plan",
                             markup=False)
            yield Static("", id="sample-problem", classes="dialog-problems", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sample-problem", Static).display = False
        self.query_one("#sample-stratify-row").display = False
        self._update_precision()
        self._update_allocation()
        self._update_needed()
        self._planner_changed()
        self.query_one("#sample-method", Select).focus()

    # --- live hints --------------------------------------------------------------------------

    def _method(self) -> str:
        value = self.query_one("#sample-method", Select).value
        return value if isinstance(value, str) else "simple"

    def _stratify_by(self) -> str | None:
        if self._method() != "stratified":
            return None
        value = self.query_one("#sample-stratify", Select).value
        return value if isinstance(value, str) else None

    @on(Select.Changed, "#sample-method")
    def _method_changed(self) -> None:
        self.query_one("#sample-stratify-row").display = self._method() == "stratified"
        self._update_allocation()
        self._show_problem("")

    @on(Input.Changed, "#sample-size")
    def _update_precision(self) -> None:
        note = self.query_one("#sample-precision", Static)
        text = self.query_one("#sample-size", Input).value
        if not text.strip():
            note.update(SIZE_HELP)
            return
        try:
            size, fraction = parse_size(text)
            n = sample_size(self._population, size, fraction)
            note.update(describe_precision(self._population, n) + ".")
        except (ValueError, SamplingError) as error:
            note.update(str(error))

    @on(Input.Changed, "#sample-size")
    @on(Select.Changed, "#sample-stratify")
    def _update_allocation(self) -> None:
        """For a stratified sample, what each stratum gets of the size typed."""
        note = self.query_one("#sample-allocation", Static)
        by = self._stratify_by()
        note.display = self._method() == "stratified" and bool(self._items)
        if not note.display:
            return
        if by is None:
            note.update("Välj uppgiften att dela in efter, så visas hur många akter varje "
                        "grupp får.")
            return
        try:
            size, fraction = parse_size(self.query_one("#sample-size", Input).value)
            n = sample_size(self._population, size, fraction)
        except (ValueError, SamplingError):
            note.update(f"Fördelningen per {by} visas när storleken är angiven.")
            return
        try:
            shares = planned_allocation(self._items, by, n)
        except SamplingError as error:
            note.update(str(error))
            return
        note.update(allocation_line(by, shares))

    @on(Input.Changed, "#sample-wanted")
    def _update_needed(self) -> None:
        note = self.query_one("#sample-needed", Static)
        try:
            points = parse_points(self.query_one("#sample-wanted", Input).value)
            if points is None:
                note.update("Skriv en önskad precision så visas hur många akter den kräver.")
                return
            n = size_for_half_width(self._population, points / 100)
            note.update(f"Kräver {plural(n, 'akt', 'akter')}: "
                        f"{describe_precision(self._population, n)}. "
                        "Enter för över antalet till Storlek.")
        except (ValueError, SamplingError) as error:
            note.update(str(error))

    @on(Input.Submitted, "#sample-wanted")
    def _use_needed(self) -> None:
        try:
            points = parse_points(self.query_one("#sample-wanted", Input).value)
            if points is None:
                return
            n = size_for_half_width(self._population, points / 100)
        except (ValueError, SamplingError):
            return
        size = self.query_one("#sample-size", Input)
        size.value = str(n)
        size.focus()

    @on(Select.Changed, "#sample-planner")
    def _planner_changed(self) -> None:
        """Show the chosen planner's fields; the other's keep what was typed in them."""
        attribute = self.query_one("#sample-planner", Select).value == "attribute"
        for widget in self.query(".precision-plan"):
            widget.display = not attribute
        for widget in self.query(".attribute-plan"):
            widget.display = attribute
        self._update_attribute()

    def _attribute_plan(self) -> AttributePlan | None:
        """The attribute plan for what is typed, None while the tolerable rate is empty;
        ValueError or SamplingError with the Swedish reason when it cannot be planned."""
        tolerable = self.query_one("#sample-tolerable", Input).value
        if not tolerable.strip():
            return None
        expected = self.query_one("#sample-expected", Input).value
        confidence = self.query_one("#sample-confidence", Select).value
        return plan_attribute_sample(
            parse_percent(tolerable, "Tolerabel avvikelse"),
            parse_percent(expected, "Förväntad avvikelse") if expected.strip() else 0,
            Fraction(int(confidence) if isinstance(confidence, str) else 95, 100),
            self._population,
        )

    @on(Input.Changed, "#sample-tolerable, #sample-expected")
    @on(Select.Changed, "#sample-confidence")
    def _update_attribute(self) -> None:
        note = self.query_one("#sample-attribute", Static)
        try:
            plan = self._attribute_plan()
            text = ATTRIBUTE_HELP if plan is None else (
                f"{describe_attribute_plan(plan)}. Enter för över antalet till Storlek.")
        except (ValueError, SamplingError) as error:
            text = str(error)
        note.update(text)
        if note.display:  # at 80×24 the note is below the fields: bring it into view
            self.call_after_refresh(note.scroll_visible, animate=False)

    @on(Input.Submitted, "#sample-tolerable, #sample-expected")
    def _use_attribute(self) -> None:
        """Enter: the planned size into Storlek; nothing changes when it cannot be planned."""
        try:
            plan = self._attribute_plan()
        except (ValueError, SamplingError):
            return
        if plan is None:
            return
        size = self.query_one("#sample-size", Input)
        size.value = str(plan.size)
        size.focus()

    @on(Input.Submitted, "#sample-size, #sample-seed")
    def _submitted(self) -> None:
        self.action_draw()

    # --- drawing -----------------------------------------------------------------------------

    def action_save(self) -> None:
        """Spara, when asked on Esc: draw the sample."""
        self.action_draw()

    def action_draw(self) -> None:
        """Check what can be checked here, ask, then draw."""
        if self._store.read_only:
            self._show_problem("Databasen är öppnad skrivskyddad; urvalet kan inte dras.")
            return
        try:
            size, fraction = parse_size(self.query_one("#sample-size", Input).value)
            n = sample_size(self._population, size, fraction)
        except (ValueError, SamplingError) as error:
            self._show_problem(str(error))
            return
        self._show_problem("")
        method, stratify_by = self._method(), self._stratify_by()
        seed = self.query_one("#sample-seed", Input).value.strip()

        def answered(yes: bool | None) -> None:
            if yes:
                self._draw(method, size, fraction, stratify_by, seed)

        self.app.push_screen(
            ConfirmDialog(
                f"Dra urvalet nu ({n} av {plural(self._population, 'akt', 'akter')})? Efter "
                "dragningen kan akterna inte längre ändras; urvalet kan utökas och akter "
                "ersättas."
            ),
            answered,
        )

    def _draw(self, method: str, size: int | None, fraction: float | None,
              stratify_by: str | None, seed: str) -> None:
        try:
            with self._store.session() as session:
                info = draw_sample(session, self._review_id, method=method, size=size,
                                   fraction=fraction, stratify_by=stratify_by,
                                   seed=seed or None)
        except (InvalidInput, NotFound) as error:
            self._show_problem(str(error))
            return
        self.dismiss(info)
