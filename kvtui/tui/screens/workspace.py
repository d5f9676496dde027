"""A review's workspace: one part per stage of the work, chosen by 1–8 or from the list."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Header, OptionList, Static
from textual.widgets.option_list import Option

from kvtui.domain.plural import plural
from kvtui.domain.reviews import ReviewDetail
from kvtui.store.database import Store
from kvtui.store.errors import NotFound
from kvtui.store.review_detail import review_detail
from kvtui.tui.key_guard import GuardedScreen, KeyGuard
from kvtui.tui.messages import JumpTo, OpenPlan
from kvtui.tui.part_widgets import part_widget
from kvtui.tui.parts import PARTS, part_by_id
from kvtui.tui.screens.conflicts import ConflictsScreen
from kvtui.tui.screens.new_review import ReviewFormScreen
from kvtui.tui.widgets.key_footer import KeyFooter
from kvtui.tui.widgets.overview import ReviewOverview
from kvtui.tui.widgets.part_base import WorkspacePart

_PART_KEYS = Binding.Group("Del", compact=True)


class WorkspaceScreen(Screen[None], GuardedScreen):
    """Everything about one review; Escape goes back to Granskningar.

    The screen reads the review once and after each change, and hands it down to the part
    widgets; the parts never read each other.
    """

    # Below 100 columns the part list gives its room to the part (keys 1–8 still choose one).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    BINDINGS = [
        *(
            Binding(
                part.key,
                f"show_part('{part.id}')",
                part.title,
                group=_PART_KEYS,
                id=f"workspace.part.{part.id}",
            )
            for part in PARTS
        ),
        Binding("e", "edit", "Redigera", tooltip="Redigera uppgifter", id="workspace.edit"),
        # Not in the footer, which the parts' own keys fill at 80 columns: Hjälp (F1) and the
        # palette (Ctrl+P) name it.
        Binding("p", "plan", "Åtgärdsplan", show=False,
                tooltip="Åtgärdsplanen för granskningens enhet", id="workspace.plan"),
        Binding("k", "conflicts", "Konflikter", show=False,
                tooltip="Konflikter från en sammanslagning", id="workspace.conflicts"),
        Binding("r", "reload", "Uppdatera", show=False, id="workspace.reload"),
        Binding("escape", "back", "Tillbaka", id="workspace.back"),
    ]

    def __init__(self, store: Store, review_id: str) -> None:
        super().__init__()
        self._store = store
        self._review_id = review_id
        self._detail: ReviewDetail | None = None
        self.key_guard = KeyGuard(self, self._is_command)

    def _is_command(self, key: str) -> bool:
        """Whether ``key`` does something where the keyboard is now."""
        active = self.active_bindings.get(key)
        return active is not None and active.enabled

    @property
    def review_id(self) -> str:
        """The full id of the review shown."""
        return self._review_id

    @property
    def detail(self) -> ReviewDetail | None:
        """The review as last read from the store."""
        return self._detail

    @property
    def current_part(self) -> str:
        """The id of the part on show (see ``kvtui.tui.parts``)."""
        current = self.query_one("#part-content", ContentSwitcher).current or ""
        return current.removeprefix("part-")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="review-bar")
        with Horizontal(id="workspace"):
            yield OptionList(
                *(Option(f"{part.key} {part.title}", id=part.id) for part in PARTS),
                id="part-list",
            )
            with ContentSwitcher(id="part-content", initial=PARTS[0].widget_id):
                yield ReviewOverview(id=PARTS[0].widget_id)
                for part in PARTS[1:]:
                    yield part_widget(part, self._store, self._review_id)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#part-list", OptionList).highlighted = 0
        self.query_one("#part-list", OptionList).focus()
        self.reload()

    def reload(self) -> None:
        """Read the review again and show it; back to Granskningar if it is gone."""
        try:
            with self._store.session() as session:
                detail = review_detail(session, self._review_id)
        except NotFound as error:
            self.notify(str(error), severity="error", markup=False)
            self.dismiss(None)
            return
        self._detail = detail
        summary = detail.summary
        self._show_title()
        bar = Text.assemble((summary.title, "bold"), "  ·  ", summary.status_label)
        if detail.open_conflicts:
            bar.append("  ·  ")
            bar.append(plural(detail.open_conflicts, "öppen konflikt", "öppna konflikter")
                       + " (k)", style="bold reverse")
        self.query_one("#review-bar", Static).update(bar)
        self.query_one(ReviewOverview).detail = detail

    def _show_title(self) -> None:
        """The header names the review and the part shown (the part list may be only keys)."""
        if self._detail is not None:
            part = part_by_id(self.current_part)
            self.sub_title = f"Granskning {self._detail.summary.short_id} · {part.title}"

    def show_part(self, part_id: str) -> None:
        """Bring a part to the front and mark it in the list."""
        part = part_by_id(part_id)
        switcher = self.query_one("#part-content", ContentSwitcher)
        if switcher.current != part.widget_id:
            switcher.current = part.widget_id
            widget = switcher.get_child_by_id(part.widget_id)
            if isinstance(widget, WorkspacePart):
                widget.reload()
            elif widget is self.query_one(ReviewOverview):
                self.reload()  # Översikt shows counts that the other parts change
            self._keep_focus_visible(switcher)
            self._show_title()
        options = self.query_one("#part-list", OptionList)
        index = options.get_option_index(part.id)
        if options.highlighted != index:
            options.highlighted = index

    def _keep_focus_visible(self, switcher: ContentSwitcher) -> None:
        """Keys typed inside a part must never reach a part that is no longer shown: when the
        keyboard was in the part just hidden, it moves into the part now shown."""
        focused = self.focused
        content = switcher.visible_content
        if focused is None or content is None or switcher not in focused.ancestors:
            return
        if content is focused or content in focused.ancestors:
            return
        target = content if content.focusable else next(
            (widget for widget in content.query("*") if widget.focusable), None
        )
        if target is None:
            self.query_one("#part-list", OptionList).focus()
        else:
            target.focus()

    def action_show_part(self, part_id: str) -> None:
        """Keys 1–8: the part, with the keyboard in it, so that its own keys work at once.
        Should the key turn out to be the first of a text typed into a list, the guard comes
        back here."""
        previous, focused = self.current_part, self.focused
        self.show_part(part_id)
        self._focus_part()
        if part_id != previous:
            self.key_guard.switched(lambda: self._return_to(previous, focused),
                                    part_by_id(part_id).key)

    def _focus_part(self) -> None:
        """The keyboard into the part on show at once, not after the keys already typed: its
        first widget that takes keys now, then the one the part itself chooses (Översikt
        scrolls with the arrows); the list of parts when the part takes no keys."""
        content = self.query_one("#part-content", ContentSwitcher).visible_content
        first = None if content is None else next(
            (widget for widget in self.focus_chain
             if widget is content or content in widget.ancestors), None)
        if content is None or first is None:
            self.set_focus(self.query_one("#part-list", OptionList))
            return
        self.set_focus(first)
        content.focus()

    def _return_to(self, part_id: str, focused: Widget | None) -> None:
        self.show_part(part_id)
        if focused is not None and focused.is_attached:
            self.set_focus(focused)
            # Again after the focus the part left behind asked for, which is still on its way.
            self.call_later(self.set_focus, focused)
        else:
            self._focus_part()

    @on(WorkspacePart.Changed)
    def _part_changed(self, event: WorkspacePart.Changed) -> None:
        """A part wrote to the store: refresh the review bar and Översikt, and the part on
        show when the change came from another (a draft sent in the background while the
        auditor moved on to Rapport)."""
        self.reload()
        switcher = self.query_one("#part-content", ContentSwitcher)
        shown = switcher.get_child_by_id(switcher.current) if switcher.current else None
        if isinstance(shown, WorkspacePart) and shown is not event.part:
            shown.reload()

    @on(JumpTo)
    def _jump_to(self, message: JumpTo) -> None:
        """A search hit, or a statement chosen under Citeras av: its part comes to the front (as
        its key would) and shows the record; a part without records just takes the keyboard."""
        message.stop()
        target = message.target
        self.show_part(target.part)
        switcher = self.query_one("#part-content", ContentSwitcher)
        part = switcher.get_child_by_id(part_by_id(target.part).widget_id)
        if isinstance(part, WorkspacePart):
            part.show_target(target)
        else:
            part.focus()

    @on(OptionList.OptionHighlighted, "#part-list")
    def _part_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # A highlight the list has moved on from since (a part key undone by the key guard)
        # must not bring its part back.
        if event.option.id is not None and event.option_index == event.option_list.highlighted:
            self.show_part(event.option.id)

    @on(OptionList.OptionSelected, "#part-list")
    def _part_selected(self, event: OptionList.OptionSelected) -> None:
        # Enter on a part: move into it, so arrow keys scroll its content.
        if event.option.id is not None:
            self.show_part(event.option.id)
            content = self.query_one("#part-content", ContentSwitcher).visible_content
            if content is not None:
                content.focus()

    def action_edit(self) -> None:
        """Redigera uppgifter: the same form as Ny granskning, filled in."""
        if self._detail is None:
            return
        if self._store.read_only:
            self.notify("Databasen är öppnad skrivskyddad; uppgifterna kan inte ändras.",
                        severity="warning")
            return

        def edited(review_id: str | None) -> None:
            if review_id is not None:
                self.reload()
                self.notify("Uppgifterna är sparade.", timeout=3)

        self.app.push_screen(ReviewFormScreen(self._store, self._detail), edited)

    def action_plan(self) -> None:
        """The action plan of the review's unit."""
        self.post_message(OpenPlan(self._review_id))

    def action_conflicts(self) -> None:
        """Konflikter: settle what a merge left open; the review is read again after."""
        self.app.push_screen(ConflictsScreen(self._store, self._review_id),
                             lambda _result: self.reload())

    def action_reload(self) -> None:
        """Read the review again from the store."""
        self.reload()

    def action_back(self) -> None:
        """Back to Granskningar."""
        self.dismiss(None)
