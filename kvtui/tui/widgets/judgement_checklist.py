"""A checklist whose ticked entries also carry a ✓ in their text, so that what is chosen does
not show by colour alone (roles of an interview, sections of an observation)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import on
from textual.widgets import SelectionList
from textual.widgets.selection_list import Selection

MARK = "✓ "
NO_MARK = "  "


def checklist_prompt(label: str, chosen: bool) -> Text:
    """An entry's line: the label after a ✓ when chosen, after two spaces otherwise."""
    return Text((MARK if chosen else NO_MARK) + label, no_wrap=True, overflow="ellipsis")


class CheckList(SelectionList[str]):
    """Entries (label, value, chosen); space or Enter ticks the highlighted one."""

    def __init__(self, entries: Iterable[tuple[str, str, bool]], *, id: str | None = None,
                 classes: str | None = None) -> None:
        entries = list(entries)
        super().__init__(
            *(Selection(checklist_prompt(label, chosen), value, chosen)
              for label, value, chosen in entries),
            id=id, classes=classes, compact=True,
        )
        self._labels = {value: label for label, value, _chosen in entries}

    @on(SelectionList.SelectedChanged)
    def _mark(self, event: SelectionList.SelectedChanged[str]) -> None:
        """Keep each entry's ✓ in step with its tick."""
        chosen = set(self.selected)
        for index, option in enumerate(self.options):
            value = option.value if isinstance(option, Selection) else None
            if value in self._labels:
                self.replace_option_prompt_at_index(
                    index, checklist_prompt(self._labels[value], value in chosen)
                )
