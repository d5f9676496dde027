"""Textual's Select with its own key in Swedish.

An open Select shows its one key in the footer, worded by Textual: "esc Dismiss menu"; an
empty one without a prompt of its own says "Select". The
list it opens is a widget of Textual's that has no public name and no way to word its
keys, so this Select composes a subclass of it whose Escape says "Stäng listan". Textual is
pinned to one version (pyproject.toml); `tests/tui/test_swedish_screens.py` opens a Select
and reads the footer, so a new version that moves the class fails there, not in the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, TypeVar

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Select as TextualSelect
from textual.widgets._select import SelectCurrent, SelectOverlay

CLOSE_LIST = "Stäng listan"


class _SwedishOverlay(SelectOverlay):
    """The list an open Select shows."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", CLOSE_LIST)]


SelectType = TypeVar("SelectType")


class Select(TextualSelect[SelectType]):
    """``textual.widgets.Select`` whose keys and prompt are worded in Swedish."""

    def __init__(self, options: Iterable[tuple[RenderableType, SelectType]], *,
                 prompt: str = "Välj", **settings: Any) -> None:
        super().__init__(options, prompt=prompt, **settings)

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield _SwedishOverlay(type_to_search=self._type_to_search).data_bind(
            compact=TextualSelect.compact
        )
