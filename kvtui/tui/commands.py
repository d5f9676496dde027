"""The command palette (Ctrl+P): every action kvtui has, found by typing part of its name.

Keys are quick once learnt; the palette is how an auditor finds an action she has not learnt
yet, so everything the keys do is here too, in the same Swedish words.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape
from textual.screen import ModalScreen

from kvtui.store.database import Store
from kvtui.store.review_detail import list_reviews
from kvtui.tui.parts import PARTS
from kvtui.tui.screens.reviews import ReviewsScreen
from kvtui.tui.widgets.overview import ReviewOverview

if TYPE_CHECKING:
    from kvtui.tui.screens.workspace import WorkspaceScreen


class PaletteApp(Protocol):
    """What the palette needs of the app (``KvtuiApp`` has it): its store and the actions
    offered everywhere. The app loads this module, so the module names no app class."""

    store: Store

    def action_help(self) -> None: ...
    async def action_quit(self) -> None: ...
    def action_new_review(self) -> None: ...
    def open_review(self, review_id: str) -> None: ...
    def action_search(self) -> None: ...
    def action_backup_now(self) -> None: ...
    def action_settings(self) -> None: ...


@dataclass(frozen=True)
class Command:
    """One entry of the palette."""

    name: str
    help: str
    run: Callable[[], Any]


def _workspace_commands(screen: WorkspaceScreen) -> list[Command]:
    commands = [
        Command(part.title, f"Visa delen {part.title} ({part.key})",
                partial(screen.show_part, part.id))
        for part in PARTS
    ]
    commands += [
        Command("Redigera uppgifter", "Ändra titel, enhet, period, syfte … (e)",
                screen.action_edit),
        Command("Åtgärdsplan", "Åtgärdsplanen för granskningens enhet (p)", screen.action_plan),
        Command("Jämförelse med föregående granskning",
                "Ta med eller ta bort avsnittet i rapporten (j i Översikt)",
                partial(_toggle_comparison, screen)),
        Command("Konflikter", "Konflikter från en sammanslagning av två granskares kopior (k)",
                screen.action_conflicts),
        Command("Tillbaka till Granskningar", "Stäng granskningen (Esc)", screen.action_back),
    ]
    return commands


def _toggle_comparison(screen: WorkspaceScreen) -> None:
    """Översikt's j, from wherever the palette was opened in the workspace."""
    screen.show_part("overview")
    screen.query_one(ReviewOverview).action_toggle_comparison()


def _plan_commands(screen: object) -> list[Command]:
    """The action plan's keys as commands, when the plan is on show. Its module is looked
    up, not imported, as the workspace's is."""
    plan = sys.modules.get("kvtui.tui.screens.plan")
    if plan is None or not isinstance(screen, plan.PlanScreen):
        return []
    return [Command(f"Åtgärdsplan: {binding.description}",
                    f"{binding.tooltip or binding.description} ({binding.key})",
                    partial(screen.call_later, screen.run_action, binding.action))
            for binding in plan.PlanScreen.BINDINGS
            if isinstance(binding, Binding) and binding.key != "escape"]


def _workspace_on_show(screen: object) -> WorkspaceScreen | None:
    """``screen`` when it is a review's workspace. Its module is looked up, not imported: if it
    was never loaded no review is open, and loading it would hold up the palette's opening."""
    workspace = sys.modules.get("kvtui.tui.screens.workspace")
    if workspace is not None and isinstance(screen, workspace.WorkspaceScreen):
        return screen
    return None


def palette_commands(app: PaletteApp, screen: object) -> list[Command]:
    """The commands that make sense on ``screen``, the screen the palette was opened from.

    Over a form or a dialog only Hjälp and Avsluta are offered, so that choosing a command
    never throws away what is being typed.
    """
    common = [
        Command("Hjälp", "Alla tangenter (F1)", app.action_help),
        Command("Avsluta", "Stäng kvtui (Ctrl+Q)", app.action_quit),
    ]
    if isinstance(screen, ModalScreen):
        return common
    commands = [Command("Ny granskning", "Skapa en granskning från en mall (n)",
                        app.action_new_review)]
    with app.store.session() as session:
        reviews = list_reviews(session)
    commands += [
        Command(
            f"Öppna granskning {review.title}",
            " · ".join(part for part in (review.short_id, review.unit, review.status_label)
                       if part),
            partial(app.open_review, review.id),
        )
        for review in reviews
    ]
    workspace = _workspace_on_show(screen)
    if workspace is not None:
        commands += _workspace_commands(workspace)
        commands.append(Command("Sök i granskningen",
                                "Sök i anteckningar, iakttagelser, dokument, texter och "
                                "bedömningar (Ctrl+F)", app.action_search))
    commands += _plan_commands(screen)
    if isinstance(screen, ReviewsScreen):
        commands.append(Command("Uppdatera listan", "Läs granskningarna på nytt (r)",
                                screen.action_refresh))
        commands.append(Command("Ny granskning utifrån …", "En ny granskning av samma enhet "
                                "utifrån den valda, ett år senare (f)", screen.action_new_from))
        commands.append(Command("Åtgärdsplan", "Åtgärdsplanen för den valda granskningens "
                                "enhet (p)", screen.action_plan))
        commands.append(Command("Exportera paket", "Den valda granskningen i en krypterad fil "
                                "till en annan granskare (x)", screen.action_export_bundle))
        commands.append(Command("Importera paket", "En granskning från en annan granskares "
                                "paket (m)", screen.action_import_bundle))
        commands.append(Command("Arkivet", "Enhetens granskningar i arkivet, skrivskyddat (a)",
                                screen.action_archive))
        commands.append(Command("Skicka till arkivet", "Den valda granskningen till arkivet "
                                "(u)", screen.action_push_archive))
    commands.append(Command("Inställningar", "Nämndens namn och logotyp på rapportens omslag "
                            "(i i Granskningar)", app.action_settings))
    commands.append(Command("Säkerhetskopiera nu",
                            "Gör en kontrollerad säkerhetskopia av databasen",
                            app.action_backup_now))
    return commands + common


class KvtuiCommands(Provider):
    """Offers ``palette_commands`` to Textual's command palette."""

    async def startup(self) -> None:
        """Read the commands once per opening of the palette, while it is drawn."""
        self._commands = palette_commands(cast(PaletteApp, self.app), self.screen)

    async def discover(self) -> Hits:
        """All commands, in a sensible order, before anything is typed."""
        for command in self._commands:
            # The palette reads names and help as markup; review titles are the auditor's text.
            yield DiscoveryHit(
                escape(command.name), command.run, text=command.name, help=escape(command.help)
            )

    async def search(self, query: str) -> Hits:
        """Commands whose names match what is typed, best first."""
        matcher = self.matcher(query)
        for command in self._commands:
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.name),
                    command.run,
                    text=command.name,
                    help=escape(command.help),
                )
