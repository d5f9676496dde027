"""The action plan's choice fields: a risk's grade on the matrix and an action's traffic light.

Both are chosen by keys, never typed as text, so that a grade outside 1–4 or an unknown colour
cannot be entered at all: a grade field takes 1–4 for the axis under its cursor (← → move
between sannolikhet and allvarlighetsgrad) and shows the level the plan's matrix gives at once;
a light field takes g, u, r (grönt, gult, rött) or 0 for none. Every other key that would write
text is refused with a message, so it never lands in a neighbouring text field either.

The level and the light are always written as their word on their colour, never colour alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from kvtui.domain.action_plan import TRAFFIC_LIGHT_MEANINGS, TRAFFIC_LIGHTS, TrafficLight
from kvtui.domain.risk_matrix import (
    PROBABILITY_LABELS,
    SCALE,
    SEVERITY_LABELS,
    RiskMatrix,
    level_label,
)
from kvtui.tui.key_guard import is_typing
from kvtui.tui.widgets.judgement_format import RATING_STYLES

AXES = ("Sannolikhet", "Allvarlighetsgrad")
GRADE_KEYS = "Välj 1–4 med sifferknapparna; ← → byter mellan sannolikhet och allvarlighetsgrad."
LIGHT_KEYS = "Välj stoppljus med g (grönt), u (gult), r (rött) eller 0 (inget)."
_LIGHT_BY_KEY = {"g": TrafficLight.GREEN, "u": TrafficLight.YELLOW, "r": TrafficLight.RED}
#: A run of refused keys (a word typed into the wrong field) is told about once.
REFUSAL_QUIET_SECONDS = 2.0


class _Refusing(Widget):
    """Says once per run of keys that a key cannot be chosen here."""

    _last_refusal = 0.0

    def refuse_key(self, event: events.Key, keys: str) -> None:
        """Tell which keys work here, unless just told."""
        now = time.monotonic()
        if now - self._last_refusal > REFUSAL_QUIET_SECONDS:
            self.notify(f"{event.character or event.key!s} går inte att välja här. {keys}",
                        severity="warning", timeout=4, markup=False)
        self._last_refusal = now


def level_text(level: str, *, width: int = 4) -> Text:
    """A level's word on its colour ("Röd")."""
    return Text(f"{level_label(level):<{width}}" if width else f" {level_label(level)} ",
                style=RATING_STYLES.get(level, ""))


def light_text(light: str, *, long: bool = False) -> Text:
    """A traffic light's word on its colour ("Gult"), with its meaning when ``long``."""
    if light not in TRAFFIC_LIGHTS:
        return Text("–", style="dim")
    word = TRAFFIC_LIGHTS[light]
    text = Text(f"{word:<5}", style=RATING_STYLES.get(light, ""))
    if long:
        text.append(f" {TRAFFIC_LIGHT_MEANINGS[light]}")
    return text


class GradeField(_Refusing, can_focus=True):
    """Sannolikhet × allvarlighetsgrad chosen by keys, with the resulting level shown live.

    ``compact`` shows it on one line (a row of the follow-up); otherwise each axis has its
    line with its word, and a third line gives the level. A field may start without a grade
    (``None``): then nothing is chosen until both axes have a value.
    """

    DEFAULT_CSS = """
    GradeField { height: auto; width: 1fr; }
    GradeField:focus { background: $accent 35%; }
    """

    BINDINGS = [
        Binding("left", "axis(0)", "Sannolikhet", show=False, id="grade.probability"),
        Binding("right", "axis(1)", "Allvarlighetsgrad", show=False, id="grade.severity"),
    ]

    probability: reactive[int | None] = reactive(None)
    severity: reactive[int | None] = reactive(None)
    axis: reactive[int] = reactive(0)

    @dataclass
    class Changed(Message):
        """The grade changed."""

        field: GradeField

        @property
        def control(self) -> GradeField:
            """The field that changed."""
            return self.field

    def __init__(self, matrix: RiskMatrix, probability: int | None = None,
                 severity: int | None = None, *, compact: bool = False,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self._matrix = matrix
        self._compact = compact
        self.set_reactive(GradeField.probability, probability)
        self.set_reactive(GradeField.severity, severity)

    @property
    def grade(self) -> tuple[int, int] | None:
        """(sannolikhet, allvarlighetsgrad), or None while either is not chosen."""
        if self.probability is None or self.severity is None:
            return None
        return self.probability, self.severity

    @property
    def level(self) -> str | None:
        """The level the plan's matrix gives the grade, or None."""
        grade = self.grade
        return None if grade is None else str(self._matrix.level(*grade))

    def set_grade(self, probability: int, severity: int) -> None:
        """Choose both axes (1–4 each)."""
        if probability in SCALE and severity in SCALE:
            self.probability, self.severity = probability, severity
            self.post_message(self.Changed(self))

    def clear(self) -> None:
        """Nothing chosen."""
        self.probability, self.severity, self.axis = None, None, 0
        self.post_message(self.Changed(self))

    def action_axis(self, axis: int) -> None:
        """← →: the axis the next digit sets."""
        self.axis = axis

    def on_key(self, event: events.Key) -> None:
        """1–4 sets the axis under the cursor and moves on; any other typing is refused."""
        if event.key.startswith("ctrl+") or not is_typing(event) or event.key == "enter":
            return
        event.stop()
        event.prevent_default()
        if event.character is not None and event.character.isdigit() and \
                int(event.character) in SCALE:
            value = int(event.character)
            if self.axis == 0:
                self.probability = value
            else:
                self.severity = value
            self.axis = 1 - self.axis
            self.post_message(self.Changed(self))
            return
        self.refuse_key(event, GRADE_KEYS)

    def _value(self, axis: int, value: int | None, labels: dict[int, str]) -> Text:
        text = f"{value} {labels[value]}" if value is not None else "–"
        if self._compact:
            text = str(value) if value is not None else "–"
        style = "reverse" if self.has_focus and self.axis == axis else "bold"
        return Text(f" {text} ", style=style)

    def render(self) -> Text:
        level = self.level
        grade = self.grade
        result = Text()
        if self._compact:
            result.append("S")
            result.append_text(self._value(0, self.probability, PROBABILITY_LABELS))
            result.append("× A")
            result.append_text(self._value(1, self.severity, SEVERITY_LABELS))
            if grade is not None and level is not None:
                result.append(f"= {grade[0] * grade[1]:>2} ")
                result.append_text(level_text(level))
            return result
        result.append(f"{AXES[0]:<19}")
        result.append_text(self._value(0, self.probability, PROBABILITY_LABELS))
        result.append("\n")
        result.append(f"{AXES[1]:<19}")
        result.append_text(self._value(1, self.severity, SEVERITY_LABELS))
        result.append(f"\n{'Nivå':<19}")
        if grade is not None and level is not None:
            result.append_text(level_text(level, width=0))
            result.append(f" ({grade[0]} × {grade[1]} = {grade[0] * grade[1]})")
        else:
            result.append(" välj båda", style="dim")
        return result


class LightField(_Refusing, can_focus=True):
    """An action's traffic light at a round: g, u, r or 0 (none)."""

    DEFAULT_CSS = """
    LightField { height: 1; width: 26; }
    LightField:focus { background: $accent 35%; }
    """

    light: reactive[str] = reactive("")

    def __init__(self, light: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(LightField.light, light)

    def on_key(self, event: events.Key) -> None:
        """g, u, r choose; 0 or Backspace clears; other typing is refused."""
        if event.key.startswith("ctrl+") or not is_typing(event) or event.key == "enter":
            return
        event.stop()
        event.prevent_default()
        character = (event.character or "").casefold()
        if character in _LIGHT_BY_KEY:
            self.light = str(_LIGHT_BY_KEY[character])
        elif character == "0" or event.key == "backspace":
            self.light = ""
        else:
            self.refuse_key(event, LIGHT_KEYS)

    def render(self) -> Text:
        if not self.light:
            return Text("– inget (g/u/r)", style="dim")
        return light_text(self.light, long=True)
