"""The matrix: every sampled akt × every criterion, J/D/N/E in colour.

A sample can hold 3,000 akter, more than a DataTable should hold and far more than it can
redraw quickly, so the matrix is a ``MatrixGrid`` that reads the akter a page
(``PAGE_SIZE`` akter) at a time from the store, one query per page
(``kvtui.store.matrix.matrix_page``), and draws only the lines on screen. Enter on a cell posts
``MatrixView.Jump`` so the part shows that akt and criterion.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from kvtui.domain.filereview import CriterionView
from kvtui.store.database import Store
from kvtui.store.matrix import MatrixRow, matrix_page, matrix_size
from kvtui.tui.widgets.matrix_grid import MatrixGrid

PAGE_SIZE = 50
LEGEND = "J Ja · D Delvis · N Nej · E Ej aktuellt · – obesvarat"


class MatrixView(Vertical):
    """The matrix of the review's sample; ``open`` shows it around an akt."""

    BINDINGS = [Binding("escape", "close", "Till akten", id="matrix.close")]

    @dataclass
    class Jump(Message):
        """Show this akt in the one-at-a-time view, on this criterion (None: the first)."""

        case_file_id: str
        criterion_id: str | None

    class Closed(Message):
        """Back to the one-at-a-time view, on the same akt."""

    def __init__(self, store: Store, review_id: str, *, id: str) -> None:
        super().__init__(id=id)
        self.store = store
        self.review_id = review_id
        self._criteria: list[CriterionView] = []
        self._akt_count = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="matrix-title", markup=False)
        yield MatrixGrid(self._page, id="matrix-grid")

    @property
    def grid(self) -> MatrixGrid:
        """The grid of akter × criteria."""
        return self.query_one(MatrixGrid)

    @property
    def akt_count(self) -> int:
        """How many akter the matrix has."""
        return self._akt_count

    def _page(self, offset: int, limit: int) -> list[MatrixRow]:
        """One page of akter with their answers: one query."""
        with self.store.session() as session:
            return matrix_page(session, self.review_id, offset, limit)

    def open(self, criteria: list[CriterionView], index: int, criterion_index: int) -> None:
        """Show the matrix with the cursor on akt ``index`` (0-based) and its criterion."""
        self._criteria = list(criteria)
        with self.store.session() as session:
            self._akt_count = matrix_size(session, self.review_id)
        self.grid.reset([view.code for view in criteria], self._akt_count, PAGE_SIZE, index,
                        criterion_index + 1)
        self._show_title()

    def reload(self) -> None:
        """Read the answers again, the cursor where it was."""
        with self.store.session() as session:
            self._akt_count = matrix_size(session, self.review_id)
        self.grid.invalidate(self._akt_count)
        self._show_title()

    def _show_title(self) -> None:
        grid = self.grid
        if self._akt_count == 0:
            text = "Urvalet har inga akter."
        else:
            where = f"Akt {grid.cursor_row + 1} av {self._akt_count}"
            column = grid.cursor_column
            if 1 <= column <= len(self._criteria):
                where += f", {self._criteria[column - 1].code}"
            text = f"{where}. {LEGEND}"
        self.query_one("#matrix-title", Static).update(text, layout=False)

    @on(MatrixGrid.Moved)
    def _moved(self, event: MatrixGrid.Moved) -> None:
        event.stop()
        self._show_title()

    @on(MatrixGrid.Selected)
    def _selected(self, event: MatrixGrid.Selected) -> None:
        event.stop()
        found = self.grid.row(event.row)
        if found is None:
            return
        criterion = (self._criteria[event.column - 1].id
                     if 1 <= event.column <= len(self._criteria) else None)
        self.post_message(self.Jump(found[1], criterion))

    def focus_table(self) -> None:
        """Put the keyboard in the matrix."""
        self.grid.focus()

    def action_close(self) -> None:
        """Esc: back to the akt."""
        self.post_message(self.Closed())
