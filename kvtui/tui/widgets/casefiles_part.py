"""The workspace part Akter & urval: the population of case files and the sample drawn from it.

Before the sample is drawn the auditor imports the unit's list (CSV or Excel) and corrects it
by hand; then she draws the sample, which fixes the population. Afterwards the part shows the
sample in drawn order and lets her replace an unusable akt or extend the sample. What may be
done when is the store's decision; the part only hides the keys that cannot apply and shows the
store's Swedish message when it refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.widgets import DataTable, Static

from kvtui.domain.assignment import MINE_MARK, AssignmentError, mine_first, next_auditor
from kvtui.domain.casefile_import import ImportResult
from kvtui.domain.filereview import ACTIVE, METHODS, STATUS_LABELS, SampledAkt, SampleInfo
from kvtui.domain.plural import plural
from kvtui.domain.sampling import (
    PopulationItem,
    SamplingError,
    allocation_line,
    describe_precision,
    sampled_allocation,
)
from kvtui.store.assignments import (
    Assignments,
    assign_akt,
    assign_evenly,
    assignments,
    review_auditors,
)
from kvtui.store.casefiles import CaseFileRow, FilePreview, list_case_files, remove_case_file
from kvtui.store.database import Store
from kvtui.store.errors import InvalidInput, NotFound
from kvtui.store.sampling import current_sample
from kvtui.tui.dialogs.casefile_edit import CaseFileDialog
from kvtui.tui.dialogs.import_file import ImportFileDialog
from kvtui.tui.dialogs.import_mapping import ImportMappingDialog
from kvtui.tui.dialogs.sample_change import (
    ExcludeAktDialog,
    ExtendSampleDialog,
    ReplaceAktDialog,
)
from kvtui.tui.dialogs.sample_draw import DrawSampleDialog
from kvtui.tui.key_guard import refuse
from kvtui.tui.widgets.assignment import choose_next_me, my_granskare
from kvtui.tui.widgets.part_base import WorkspacePart, cursor_key, move_cursor_to

POPULATION_ACTIONS = frozenset({"import", "add", "edit", "remove", "draw"})
SAMPLE_ACTIONS = frozenset({"replace", "exclude", "extend", "toggle_view", "assign",
                            "assign_evenly", "who_am_i"})
NEEDS_ROWS = frozenset({"edit", "remove", "draw"})


def attribute_names(rows: list[CaseFileRow]) -> list[str]:
    """Every attribute the population has, in the order they first appear."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row.attributes))
    return list(names)


def sample_lines(sample: SampleInfo, rows: list[CaseFileRow] | None = None) -> list[str]:
    """How the sample was drawn, what it holds and the precision it gives, in plain Swedish;
    for a stratified sample also what it reviews of each stratum of the population ``rows``."""
    method = METHODS.get(sample.method, sample.method)
    if sample.stratify_by:
        method += f" efter {sample.stratify_by}"
    reviewed = len(sample.active)
    replaced, excluded = len(sample.replaced), len(sample.excluded)
    population = plural(sample.population_size, "akt", "akter")
    counts = f"Frö {sample.seed} · {reviewed} av {population} granskas"
    if replaced:
        counts += f" · {plural(replaced, 'ersatt', 'ersatta')}"
    if excluded:
        counts += f" · {plural(excluded, 'utesluten', 'uteslutna')}"
    try:
        precision = describe_precision(sample.population_size, reviewed) + "."
    except SamplingError as error:
        precision = str(error)
    lines = [f"Urval: {method[:1].upper()}{method[1:]}", counts, precision]
    if sample.stratify_by and rows:
        shares = sampled_allocation(sample.stratify_by, (row.attributes for row in rows),
                                    (akt.attributes for akt in sample.active))
        lines.append(allocation_line(sample.stratify_by, shares))
    return lines


class CaseFilesPart(WorkspacePart):
    """Akter & urval: import and correct the population, draw, replace and extend the sample."""

    BINDINGS = [
        Binding("i", "import", "Importera", tooltip="Importera akter från CSV eller Excel",
                id="casefiles.import"),
        Binding("a", "add", "Lägg till akt", id="casefiles.add"),
        Binding("r", "edit", "Ändra", tooltip="Ändra akten (även Enter)", id="casefiles.edit"),
        Binding("x,delete", "remove", "Ta bort", tooltip="Ta bort akten (även Delete)",
                id="casefiles.remove"),
        Binding("u", "draw", "Dra urval", id="casefiles.draw"),
        Binding("e", "replace", "Ersätt akt", id="casefiles.replace"),
        Binding("minus", "exclude", "Uteslut akt", tooltip="Uteslut akten ur urvalet med skäl",
                id="casefiles.exclude"),
        Binding("plus", "extend", "Utöka urvalet", id="casefiles.extend"),
        Binding("v", "toggle_view", "Population/urval", id="casefiles.view"),
        Binding("g", "assign", "Granskare", tooltip="Ge akten till nästa granskare",
                id="casefiles.assign"),
        Binding("f", "assign_evenly", "Fördela", show=False,
                tooltip="Fördela akter utan granskare jämnt", id="casefiles.assign_evenly"),
        Binding("o", "who_am_i", "Jag är", show=False,
                tooltip="Välj vilken granskare som arbetar på den här datorn",
                id="casefiles.who_am_i"),
    ]

    def __init__(self, store: Store, review_id: str, *, id: str) -> None:
        super().__init__(store, review_id, id=id)
        self._rows: list[CaseFileRow] = []
        self._sample: SampleInfo | None = None
        self._showing_sample = True
        self._shown: object = None
        self._auditors: tuple[str, ...] = ()
        self._division = Assignments()
        self._me = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="casefiles-summary", markup=False)
        yield DataTable(id="casefiles-table", cursor_type="row", zebra_stripes=True)

    def focus(self, scroll_visible: bool = True) -> Self:
        """Entering the part (Enter in the workspace's list) puts the cursor in the table."""
        self.query_one("#casefiles-table", DataTable).focus(scroll_visible)
        return self

    # --- reading and showing ------------------------------------------------------------------

    @property
    def rows(self) -> list[CaseFileRow]:
        """The population as last read."""
        return self._rows

    @property
    def sample(self) -> SampleInfo | None:
        """The sample as last read, or None before it is drawn."""
        return self._sample

    @property
    def sample_view(self) -> bool:
        """Whether the table shows the sample (rather than the population)."""
        return self._sample is not None and self._showing_sample

    def reload(self, select: str | None = None) -> None:
        """Read the population and the sample again; keep the cursor on the same akt, or put it
        on ``select`` (a case file id)."""
        with self.store.session() as session:
            self._rows = list_case_files(session, self.review_id)
            self._sample = current_sample(session, self.review_id)
            self._auditors = review_auditors(session, self.review_id)
            self._division = assignments(session, self.review_id)
        self._me = my_granskare(self._auditors)
        self._show(select)
        self.refresh_bindings()

    def _show(self, select: str | None) -> None:
        self.query_one("#casefiles-summary", Static).update("\n".join(self._summary_lines()))
        table = self.query_one("#casefiles-table", DataTable)
        shown = (self.sample_view, self._rows, self._sample, self._division, self._me)
        if shown == self._shown and select is None:
            return  # unchanged: a 10,000-row table takes a second or two to fill
        self._shown = shown
        keep = select or cursor_key(table)
        table.clear(columns=True)
        if self.sample_view:
            self._fill_sample(table)
        else:
            self._fill_population(table)
        move_cursor_to(table, keep)  # the akt is gone: the cursor stays at the top

    def _summary_lines(self) -> list[str]:
        count = len(self._rows)
        if self._sample is not None and self._showing_sample:
            return sample_lines(self._sample, self._rows)
        if self._sample is not None:
            return [
                f"{plural(count, 'akt', 'akter')} i populationen. Urvalet är draget "
                f"({plural(len(self._sample.active), 'akt', 'akter')}), så akterna kan inte "
                "längre ändras.",
                "v visar urvalet.",
            ]
        if not count:
            return [
                "Inga akter ännu. Importera verksamhetens lista med akter (i) eller lägg till "
                "en akt för hand (a).",
            ]
        return [
            f"{plural(count, 'akt', 'akter')} i populationen · urvalet är inte draget.",
            "u drar urvalet; därefter kan akterna inte ändras.",
        ]

    def _fill_population(self, table: DataTable) -> None:
        names = attribute_names(self._rows)
        sampled = {akt.case_file_id for akt in self._sample.active} if self._sample else None
        table.add_column("Referens", key="reference")
        if sampled is not None:
            table.add_column("I urvalet", key="sampled")
        for index, name in enumerate(names):
            table.add_column(name, key=f"attribute-{index}")
        for row in self._rows:
            cells = [row.reference]
            if sampled is not None:
                cells.append("Ja" if row.id in sampled else "")
            cells += [row.attributes.get(name, "") for name in names]
            table.add_row(*cells, key=row.id)

    def _fill_sample(self, table: DataTable) -> None:
        sample = self._sample
        assert sample is not None
        table.add_column("Nr", key="position")
        table.add_column("Referens", key="reference")
        if sample.stratify_by:
            table.add_column(sample.stratify_by, key="stratum")
        divided = bool(self._division.akter)
        if divided:
            table.add_column("Granskare", key="auditor")
        table.add_column("Status", key="status")
        table.add_column("Orsak", key="reason")
        # Her own akter first (each marked), in drawn order, then the others'.
        by_id = {akt.case_file_id: akt for akt in sample.items}
        for case_file_id in mine_first(by_id, self._division.akter, self._me):
            akt = by_id[case_file_id]
            cells = [str(akt.position), akt.reference]
            if sample.stratify_by:
                cells.append(akt.attributes.get(sample.stratify_by, ""))
            if divided:
                owner = self._division.akter.get(case_file_id, "")
                cells.append(f"{MINE_MARK} {owner}" if owner and owner == self._me else owner)
            cells += [STATUS_LABELS.get(akt.status, akt.status), akt.replaced_reason]
            table.add_row(*cells, key=akt.case_file_id)

    # --- which keys apply -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Population keys until the sample is drawn, sample keys after; hidden otherwise."""
        if action in POPULATION_ACTIONS:
            if self._sample is not None:
                return False
            return None if action in NEEDS_ROWS and not self._rows else True
        if action in SAMPLE_ACTIONS:
            if self._sample is None:
                return False
            return (None if action in ("replace", "exclude") and not self.sample_view
                    else True)
        return True

    def _current_row(self) -> CaseFileRow | None:
        key = cursor_key(self.query_one("#casefiles-table", DataTable))
        return next((row for row in self._rows if row.id == key), None)

    def _current_akt(self) -> SampledAkt | None:
        if self._sample is None:
            return None
        key = cursor_key(self.query_one("#casefiles-table", DataTable))
        return next((akt for akt in self._sample.items if akt.case_file_id == key), None)


    # --- dividing the akter between the granskare ----------------------------------------------

    def action_assign(self) -> None:
        """g: the akt under the cursor to the review's next granskare (after the last: no
        one), so two presses at most reach either of two granskare."""
        akt = self._current_akt()
        if akt is None or akt.status != ACTIVE or not self.sample_view:
            refuse(self, "Välj en akt i urvalet först.")
            return
        if not self.writable():
            return
        try:
            auditor = next_auditor(self._auditors, self._division.akter.get(akt.case_file_id, ""))
            with self.store.session() as session:
                assign_akt(session, self.review_id, akt.case_file_id, auditor)
        except (AssignmentError, InvalidInput, NotFound) as error:
            refuse(self, str(error), severity="error", markup=False)
            return
        self._changed(select=akt.case_file_id)
        self.notify(f"Akten {akt.reference}: {auditor or 'ingen granskare'}.", timeout=3,
                    markup=False)

    def action_assign_evenly(self) -> None:
        """f: every akt of the sample that no granskare has yet, shared evenly."""
        if not self.writable():
            return
        try:
            with self.store.session() as session:
                given = assign_evenly(session, self.review_id)
        except (InvalidInput, NotFound) as error:
            refuse(self, str(error), severity="error", markup=False)
            return
        self._changed()
        if not any(given.values()):
            self.notify("Alla akter i urvalet har redan en granskare.", timeout=4)
            return
        self.notify("Fördelat: " + ", ".join(f"{name} {plural(count, 'akt', 'akter')}"
                                             for name, count in given.items()) + ".",
                    timeout=6, markup=False)

    def action_who_am_i(self) -> None:
        """o: which of the review's granskare works on this laptop (saved in her settings)."""
        if not self._auditors:
            refuse(self, "Granskningen har inga granskare. Lägg till dem under uppgifterna (e).")
            return
        self._me, message = choose_next_me(self._auditors, self._me)
        self._changed()
        self.notify(message, timeout=5, markup=False)

    def _changed(self, select: str | None = None) -> None:
        self.reload(select)
        self.post_message(self.Changed(self))

    # --- the population -------------------------------------------------------------------

    def action_import(self) -> None:
        """Importera: the file, then its reference column; the summary when done."""
        if not self.writable():
            return

        def imported(result: ImportResult | None) -> None:
            if result is not None:
                self._changed()
                self.notify(result.summary(), timeout=8, markup=False)

        def read(preview: FilePreview | None) -> None:
            if preview is not None:
                self.app.push_screen(
                    ImportMappingDialog(self.store, self.review_id, preview), imported
                )

        self.app.push_screen(ImportFileDialog(), read)

    def action_add(self) -> None:
        """Lägg till akt by hand."""
        if self.writable():
            self._edit(None)

    def action_edit(self) -> None:
        """Ändra the akt under the cursor."""
        row = self._current_row()
        if row is None:
            self.notify("Välj en akt i listan först.", severity="warning")
        elif self.writable():
            self._edit(row)

    def _edit(self, row: CaseFileRow | None) -> None:
        def saved(result: CaseFileRow | None) -> None:
            if result is not None:
                self._changed(select=result.id)
                verb = "ändrad" if row is not None else "tillagd"
                self.notify(f"Akten {result.reference} är {verb}.", timeout=3, markup=False)

        self.app.push_screen(
            CaseFileDialog(self.store, self.review_id, row, attribute_names(self._rows)), saved
        )

    @on(DataTable.RowSelected, "#casefiles-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self._sample is None:
            self.action_edit()

    def action_remove(self) -> None:
        """Ta bort the akt under the cursor, after asking."""
        row = self._current_row()
        if row is None:
            self.notify("Välj en akt i listan först.", severity="warning")
            return
        if not self.writable():
            return

        def done() -> None:
            self._changed()
            self.notify(f"Akten {row.reference} är borttagen.", timeout=3, markup=False)

        self.remove_after_asking(
            f"Ta bort akten {escape(row.reference)} ur populationen?",
            lambda session: remove_case_file(session, self.review_id, row.id),
            done,
        )

    # --- the sample ---------------------------------------------------------------------------

    def action_draw(self) -> None:
        """Dra urval: method, size, seed; the precision shown before drawing."""
        if not self._rows:
            self.notify("Populationen är tom: importera akterna först.", severity="warning")
            return
        if not self.writable():
            return

        def drawn(sample: SampleInfo | None) -> None:
            if sample is not None:
                self._showing_sample = True
                self._changed()
                self.notify(
                    f"Urvalet är draget: {plural(len(sample.active), 'akt', 'akter')} med "
                    f"fröet {sample.seed}.",
                    timeout=6,
                )

        self.app.push_screen(
            DrawSampleDialog(self.store, self.review_id, len(self._rows),
                             attribute_names(self._rows),
                             [PopulationItem(row.reference, row.attributes)
                              for row in self._rows]),
            drawn,
        )

    def action_replace(self) -> None:
        """Ersätt akt: the akt under the cursor, by the next in the seeded order."""
        self._set_aside(ReplaceAktDialog,
                        lambda akt, by: f"Akten {akt.reference} är ersatt av {by.reference}.")

    def action_exclude(self) -> None:
        """Uteslut akt: the akt under the cursor leaves the sample, with the reason."""
        self._set_aside(ExcludeAktDialog,
                        lambda akt, _done: f"Akten {akt.reference} är utesluten ur urvalet.")

    def _set_aside(
        self, dialog: type[ReplaceAktDialog | ExcludeAktDialog],
        told: Callable[[SampledAkt, SampledAkt], str],
    ) -> None:
        """An akt of the sample that cannot be reviewed, replaced or excluded with a reason."""
        akt = self._current_akt()
        if akt is None or akt.status != ACTIVE:
            self.notify("Välj en akt som ingår i urvalet.", severity="warning")
            return
        if not self.writable():
            return

        def changed(done: SampledAkt | None) -> None:
            if done is not None:
                self._changed(select=done.case_file_id)
                self.notify(told(akt, done), timeout=5, markup=False)

        self.app.push_screen(dialog(self.store, self.review_id, akt), changed)

    def action_extend(self) -> None:
        """Utöka urvalet with the next akter of the seeded order."""
        sample = self._sample
        if sample is None or not self.writable():
            return

        def extended(info: SampleInfo | None) -> None:
            if info is not None:
                self._showing_sample = True
                self._changed()
                added = len(info.items) - len(sample.items)
                self.notify(f"Urvalet är utökat med {plural(added, 'akt', 'akter')}.", timeout=4)

        self.app.push_screen(
            ExtendSampleDialog(self.store, self.review_id, sample.population_size,
                               len(sample.active)),
            extended,
        )

    def action_toggle_view(self) -> None:
        """Show the population or the sample."""
        self._showing_sample = not self._showing_sample
        self._show(None)
        self.refresh_bindings()
