"""The follow-up report of an action plan, as ReportLab flowables, in the shape of the
committees' own follow-ups ("Uppföljning av åtgärdsplan … tertial 2").

Cover; Sammanfattning (the round's own summary, what the plan says of the risks at this
round, the risks lowered or raised named, a table of how many risks stand at each level now
and stood there last time, and a figure of those counts from the risk analysis through each
round, ``kvtui.report.plan_chart``); Bakgrund; the risk matrix as a table (sannolikhet rows from
4 down, allvarlighetsgrad columns, each cell on its level's colour with its product, its
level's name and the risks assessed there) with the legends of the levels and the traffic
lights; then one part per quality area: a table of its risks with their level, their
actions and each action's traffic light and comment at the round, and a table of its
indicators with their values per round. A signed final ends with the sign-off page, which
keeps ``SIGNATURE_BOX`` free for the visible signature.

The typography, the page furniture and the tagging are the review report's
(``kvtui.report.document``, ``styles``, ``tagging``): headings are H1–H3 in order, every
table is a Table whose first row (and, where rows are labelled, first column) are scoped
TH cells, and a colour never says anything alone: every coloured cell also says Grön, Gul
or Röd (Grönt, Gult, Rött for a light) in words.

Choices recorded here:

- A risk with several actions takes one row per action; its number and text stand in the
  first row, and its later rows say "2.1 (forts.)" so that every row names its risk.
- An area's indicators are one table after its risks, with the baseline and the values of
  the last four rounds up to this one ("–" where nothing was recorded, "u.s." when the round
  recorded that it was not measured).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    KeepTogether,
    PageBreak,
    Spacer,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from kvtui.domain.method_text import swedish_date
from kvtui.domain.plan_data import ActionView, PlanView, RiskChange, RoundView
from kvtui.domain.risk_matrix import level_label
from kvtui.report.flowables import (
    Heading,
    SignatureSpace,
    TocItem,
    heading_guard,
    markup,
    text_flowables,
)
from kvtui.report.fonts import BOLD, REGULAR
from kvtui.report.paragraph import Paragraph
from kvtui.report.plan_chart import LevelHistoryChart
from kvtui.report.plan_outline import (
    AREAS_TITLE,
    BACKGROUND_TITLE,
    DRAFT_NOTICE,
    KICKER,
    LIGHTS_INTRO,
    MATRIX_INTRO,
    MATRIX_TITLE,
    NO_ACTION,
    SIGNOFF_TITLE,
    SUMMARY_TITLE,
    UNSIGNED_NOTICE,
    AreaRows,
    action_lines,
    areas,
    background,
    cover_facts,
    indicator_columns,
    indicator_row,
    legend_lines,
    level_counts,
    level_history,
    level_words,
    light_legend,
    light_words,
    matrix_axes,
    previous_round,
    report_status,
    report_title,
    unbroken_period,
)
from kvtui.report.signature import SIGNATURE_BOX
from kvtui.report.story import SIGNATURE_CAPTION, grouped_hash, signed_time
from kvtui.report.styles import (
    BOTTOM_MARGIN,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    HEADER_FILL,
    LEVEL_COLOURS,
    MUTED,
    PRIMARY,
    RULE,
    ZEBRA,
    Styles,
)
from kvtui.report.tagging import TaggedTable as Table
from kvtui.report.tagging import table_headers

HASH_NOTE = ("Kontrollsumman är ett digitalt fingeravtryck av uppföljningens innehåll så som "
             "det fastställdes: ändras ett enda tecken blir summan en annan.")


@dataclass(frozen=True)
class Signer:
    """Who signs a final, in which role, when, and the round's content hash when the store
    gives one (printed on the sign-off page)."""

    name: str
    role: str
    signed_at: datetime
    content_sha256: str = ""


def _style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A table style whose cells default to the embedded font (Table's own default is
    Helvetica, which would not be embedded)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])


def _coloured(style: ParagraphStyle, colour: Any, name: str) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}_{name}", parent=style, textColor=colour)


HEAD_COMMANDS: list[tuple[Any, ...]] = [
    ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
    ("FONTNAME", (0, 0), (-1, 0), BOLD),
    ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
    ("FONTSIZE", (0, 0), (-1, -1), 8.8),
    ("LEADING", (0, 0), (-1, -1), 11.4),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("TOPPADDING", (0, 0), (-1, -1), 4),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
]


class _PlanBuilder:
    """Builds the story of one round's report."""

    def __init__(self, plan: PlanView, round_: RoundView, styles: Styles, *, draft: bool,
                 signer: Signer | None) -> None:
        self.plan = plan
        self.round = round_
        self.styles = styles
        self.draft = draft
        self.signer = None if draft else signer
        self.width = FRAME_WIDTH
        self.changes = plan.changes_at(round_.key)
        self.before = previous_round(plan, round_)
        self.anchors = 0
        self.title = report_title(plan, round_)

    # --- helpers -----------------------------------------------------------------------------

    def heading(self, text: str, level: int) -> list[Flowable]:
        """A heading (0 chapter, 1 section, 2 below) kept off the foot of a page; chapters
        and sections are bookmarked."""
        style = (self.styles.h1, self.styles.h2, self.styles.h3)[min(level, 2)]
        item = None
        if level <= 1:
            self.anchors += 1
            item = TocItem(f"h{self.anchors}", text, level)
        guard = (110.0, 90.0, 70.0)[min(level, 2)]
        return [heading_guard(guard), Heading(markup(text), style, item=item, level=level)]

    def cell(self, text: str, *, bold: bool = False, colour: Any = None,
             small: bool = False) -> Paragraph:
        """A table cell's paragraph of plain text."""
        style = self.styles.cell_sub if small else self.styles.cell
        if colour is not None:
            style = _coloured(style, colour, str(colour))
        body = markup(text)
        return Paragraph(f"<b>{body}</b>" if bold else body, style)

    def head(self, text: str) -> Paragraph:
        """A header cell: bold white on the header's blue."""
        return Paragraph(f"<b>{markup(text)}</b>",
                         _coloured(self.styles.cell, colors.white, "head"))

    def level_cell(self, level: str, name: str, line: str = "") -> Paragraph:
        """A level's name in bold (and a smaller line under it) in the level's text colour."""
        colour = LEVEL_COLOURS[level][1] if level in LEVEL_COLOURS else colors.black
        text = f"<b>{markup(name)}</b>"
        if line:
            text += f"<br/><font size=\"7.6\">{markup(line)}</font>"
        return Paragraph(text, _coloured(self.styles.cell, colour, f"level{level}"))

    @staticmethod
    def fill(level: str, column: int, row: int, last_column: int | None = None
             ) -> list[tuple[Any, ...]]:
        """The level's colour behind a cell (or a run of cells in the row)."""
        if level not in LEVEL_COLOURS:
            return []
        end = column if last_column is None else last_column
        return [("BACKGROUND", (column, row), (end, row), LEVEL_COLOURS[level][0])]

    # --- the parts -----------------------------------------------------------------------------

    def cover(self) -> list[Flowable]:
        """The cover, shrunk to one page whatever the lengths of its texts."""
        s, plan = self.styles, self.plan
        content: list[Flowable] = []
        if plan.municipality:
            content.append(Paragraph(markup(plan.municipality), s.cover_org))
        if plan.committee:
            content.append(Paragraph(markup(plan.committee), s.cover_committee))
        content += [Spacer(1, 62 * mm), Paragraph(KICKER, s.cover_kicker),
                    Paragraph(markup(unbroken_period(self.title)), s.cover_title)]
        content.append(Paragraph(markup(self.round.period.span), s.cover_unit))
        content += [Spacer(1, 8 * mm), HRFlowable(width="100%", thickness=1.2, color=PRIMARY,
                                                   spaceBefore=0, spaceAfter=8)]
        status = report_status(draft=self.draft, signed=self.signer is not None)
        rows = [[Paragraph(markup(label), s.cover_label),
                 Paragraph(markup(value), s.cover_value)]
                for label, value in cover_facts(plan, self.round, status)]
        table = table_headers(Table(rows, colWidths=[42 * mm, self.width - 42 * mm],
                                    hAlign="LEFT"), columns=1)
        table.setStyle(_style([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]))
        content.append(table)
        if self.draft or self.signer is None:
            content += [Spacer(1, 9 * mm), Paragraph(
                markup(DRAFT_NOTICE if self.draft else UNSIGNED_NOTICE), s.cover_notice)]
        return [KeepInFrame(self.width, FRAME_HEIGHT, content, mode="shrink"), PageBreak()]

    def summary(self) -> list[Flowable]:
        """Sammanfattning: the round's own text, the plan's lines on the risks, the count
        per level now and last time."""
        s = self.styles
        story = self.heading(SUMMARY_TITLE, 0)
        story += text_flowables(self.round.summary, s.body, s.bullet)
        lines = self.plan.summary_at(self.round.key)
        if lines:
            story.append(Paragraph(markup(" ".join(lines[:2])), s.body))
            story += [Paragraph(markup(line), s.bullet, bulletText="•") for line in lines[2:]]
        story.append(heading_guard(120))
        story.append(Paragraph("Risker per nivå", s.caption))
        story.append(self.count_table())
        steps = level_history(self.plan, self.round)
        if len(steps) > 1:
            chart = LevelHistoryChart(steps, self.width)
            story.append(KeepTogether([Paragraph(markup(
                "Figur 1. Antal risker per nivå vid varje uppföljning"), s.caption), chart]))
        return story

    def count_table(self) -> Table:
        """How many risks stand at each level now and stood there at the previous round."""
        before = (f"Förra uppföljningen ({self.before.period.short_label})" if self.before
                  else "Före första uppföljningen")
        now = f"Denna uppföljning ({self.round.period.short_label})"
        data: list[list[Any]] = [[self.head("Risknivå"), self.head(before), self.head(now)]]
        commands: list[tuple[Any, ...]] = []
        for row, count in enumerate(level_counts(self.changes), start=1):
            data.append([self.level_cell(count.level, count.label), str(count.before),
                         str(count.now)])
            commands += self.fill(count.level, 0, row)
        data.append([self.cell("Totalt", bold=True), str(len(self.changes)),
                     str(len(self.changes))])
        width = 34 * mm
        table = table_headers(Table(data, colWidths=[width, 52 * mm, 52 * mm], hAlign="LEFT"),
                              rows=1, columns=1)
        table.setStyle(_style([*HEAD_COMMANDS, ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                               ("RIGHTPADDING", (1, 1), (-1, -1), 10),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.6, colors.white),
                               ("LINEBELOW", (1, 1), (-1, -2), 0.4, RULE),
                               ("LINEABOVE", (0, -1), (-1, -1), 0.8, PRIMARY),
                               *commands]))
        return table

    def background(self) -> list[Flowable]:
        """Bakgrund, from the plan's own data."""
        story = self.heading(BACKGROUND_TITLE, 0)
        return story + [Paragraph(markup(text), self.styles.body)
                        for text in background(self.plan, self.round)]

    def matrix(self) -> list[Flowable]:
        """The matrix as a table with the legends of the levels and the traffic lights."""
        s = self.styles
        story = self.heading(MATRIX_TITLE, 0)
        story.append(Paragraph(markup(MATRIX_INTRO), s.body))
        if not self.plan.matrix.is_default:
            story.append(Paragraph("Matrisen är nämndens egen: nivån i varje ruta är den "
                                   "som nämnden har beslutat.", s.body))
        cells = self.plan.cells_at(self.round.key)
        columns, rows = matrix_axes()
        centred = ParagraphStyle("matrix_cell", parent=s.cell, alignment=TA_CENTER)
        data: list[list[Any]] = [["", self.head("Allvarlighetsgrad"), "", "", ""],
                                 [self.head("Sannolikhet"), *(self.head(c) for c in columns)]]
        commands: list[tuple[Any, ...]] = [("SPAN", (1, 0), (4, 0))]
        for row, (probability, line) in enumerate(self.plan.matrix.rows(), start=2):
            out: list[Any] = [self.cell(rows[row - 2], bold=True)]
            for column, (product, level) in enumerate(line, start=1):
                risks = cells.get((probability, column), [])
                label = ", ".join(risks) if risks else ""
                colour = LEVEL_COLOURS[level][1]
                text = (f"<font size=\"12\"><b>{product}</b></font><br/>"
                        f"{markup(level_label(level))}")
                if label:
                    text += f"<br/><b>Risk {markup(label)}</b>"
                out.append(Paragraph(text, _coloured(centred, colour, f"m{level}")))
                commands += self.fill(level, column, row)
            data.append(out)
        side = 40 * mm
        cell_width = (self.width - side) / 4
        table = table_headers(Table(data, colWidths=[side, *[cell_width] * 4],
                                    rowHeights=[None, None, *[17 * mm] * 4], hAlign="LEFT"),
                              rows=2, columns=1)
        table.setStyle(_style([*HEAD_COMMANDS, ("BACKGROUND", (0, 0), (-1, 1), HEADER_FILL),
                               ("BACKGROUND", (0, 0), (0, 0), colors.white),
                               ("VALIGN", (0, 2), (-1, -1), "MIDDLE"),
                               ("ALIGN", (1, 2), (-1, -1), "CENTER"),
                               ("BACKGROUND", (0, 2), (0, -1), ZEBRA),
                               ("GRID", (0, 0), (-1, -1), 1.2, colors.white),
                               *commands]))
        story.append(heading_guard(170))
        story.append(Paragraph("Riskmatris: sannolikhet × allvarlighetsgrad", s.caption))
        story.append(table)
        story.append(KeepTogether([Paragraph("Risknivåer", s.caption), self.legend(),
                                   Paragraph("Stoppljus", s.caption), self.light_legend(),
                                   Paragraph(markup(LIGHTS_INTRO), s.note)]))
        return story

    def legend(self) -> Table:
        """Grön, Gul, Röd: what each means and which products of this plan's matrix it
        covers."""
        data: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = []
        for row, (level, name, meaning) in enumerate(legend_lines(self.plan)):
            data.append([self.level_cell(level, name), self.cell(meaning)])
            commands += self.fill(level, 0, row)
        return self._legend_table(data, commands)

    def light_legend(self) -> Table:
        """Grönt, Gult, Rött and what each says of the time plan."""
        data: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = []
        for row, (light, name, meaning) in enumerate(light_legend()):
            data.append([self.level_cell(light, name), self.cell(meaning)])
            commands += self.fill(light, 0, row)
        return self._legend_table(data, commands)

    def _legend_table(self, data: list[list[Any]], commands: list[tuple[Any, ...]]) -> Table:
        table = table_headers(Table(data, colWidths=[28 * mm, self.width - 28 * mm],
                                    hAlign="LEFT"), columns=1)
        table.setStyle(_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), 4),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                               ("LEFTPADDING", (0, 0), (0, -1), 6),
                               ("LEFTPADDING", (1, 0), (1, -1), 8),
                               ("LINEBELOW", (0, 0), (0, -1), 2, colors.white),
                               *commands]))
        return table

    def areas(self) -> list[Flowable]:
        """A part per quality area: its risks and actions, then its indicators."""
        s = self.styles
        story: list[Flowable] = [PageBreak(), *self.heading(AREAS_TITLE, 0),
                                 Paragraph(markup(LIGHTS_INTRO), s.body)]
        for area in areas(self.changes):
            story += self.heading(area.heading, 1)
            story.append(self.risk_table(area))
            indicators = self.indicator_table(area)
            if indicators is not None:
                story += [heading_guard(80),
                          Paragraph(markup(f"Indikatorer, {area.heading}"), s.caption),
                          indicators]
        return story

    def risk_table(self, area: AreaRows) -> Table:
        """Risk, its level, each action and the action's light and comment at the round."""
        s = self.styles
        light_head = f"Stoppljus {self.round.period.short_label}"
        data: list[list[Any]] = [[self.head("Risk"), self.head("Risknivå"),
                                  self.head("Åtgärd"), self.head(light_head)]]
        commands: list[tuple[Any, ...]] = []
        for change in area.changes:
            risk = change.risk
            first_row = len(data)
            for index, action in enumerate(risk.actions or (None,)):
                row = len(data)
                if index == 0:
                    risk_text = f"<b>{markup(risk.label)}</b> {markup(risk.title)}"
                    if risk.description:
                        risk_text += f"<br/><font size=\"8\">{markup(risk.description)}</font>"
                    risk_cell: Any = Paragraph(risk_text, s.cell)
                    level_cell: Any = self.level_words_cell(change)
                else:
                    risk_cell = self.cell(f"{risk.label} (forts.)", colour=MUTED, small=True)
                    level_cell = ""
                level = change.now.level if change.now else ""
                commands += self.fill(level, 1, row)
                if action is None:
                    data.append([risk_cell, level_cell, self.cell(NO_ACTION, colour=MUTED),
                                 self.cell("–")])
                    continue
                data.append([risk_cell, level_cell, self.action_cell(action),
                             self.light_cell(action, row, commands)])
            commands.append(("LINEBELOW", (0, len(data) - 1), (-1, len(data) - 1), 0.6, RULE))
            if len(data) - 1 > first_row:
                commands.append(("LINEBELOW", (2, first_row), (-1, len(data) - 2), 0.3,
                                 ZEBRA))
        widths = [40 * mm, 24 * mm, 0.0, 44 * mm]
        widths[2] = self.width - sum(widths)
        table = table_headers(Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT",
                                    splitInRow=1),
                              rows=1, columns=1)
        table.setStyle(_style([*HEAD_COMMANDS, *commands]))
        return table

    def level_words_cell(self, change: RiskChange) -> Paragraph:
        """The risk's level at the round, its cell and how it moved since last time."""
        name, cell, moved = level_words(change)
        line = f"{cell}<br/>{moved}" if moved else cell
        colour = (LEVEL_COLOURS[change.now.level][1] if change.now
                  and change.now.level in LEVEL_COLOURS else colors.black)
        text = f"<b>{markup(name)}</b>" + (f"<br/><font size=\"7.6\">{line}</font>"
                                           if line else "")
        return Paragraph(text, _coloured(self.styles.cell, colour, f"risk{colour}"))

    def action_cell(self, action: ActionView) -> list[Flowable]:
        """The action's heading, its description, its activities as a list, its status,
        role and deadline."""
        s = self.styles
        heading, description, activities, facts = action_lines(action)
        text = f"<b>{markup(heading)}</b>"
        if description:
            text += f"<br/>{markup(description)}"
        parts: list[Flowable] = [Paragraph(text, s.cell)]
        bullet = ParagraphStyle("cell_bullet", parent=s.cell, leftIndent=9, bulletIndent=1)
        parts += [Paragraph(markup(activity), bullet, bulletText="–")
                  for activity in activities]
        parts.append(self.cell(facts, colour=MUTED, small=True))
        return parts

    def light_cell(self, action: ActionView, row: int, commands: list[tuple[Any, ...]]
                   ) -> Paragraph:
        """The light in words with a bar of its colour at the cell's left, what it means,
        and the round's comment."""
        light, word, meaning, comment = light_words(action, self.round.key)
        if light in LEVEL_COLOURS:
            commands.append(("LINEBEFORE", (3, row), (3, row), 5, LEVEL_COLOURS[light][0]))
            commands.append(("LEFTPADDING", (3, row), (3, row), 8))
        text = f"<b>{markup(word)}</b>"
        if meaning:
            text += f" – {markup(meaning)}"
        if comment:
            text += f"<br/>{markup(comment)}"
        return Paragraph(text, self.styles.cell)

    def indicator_table(self, area: AreaRows) -> Table | None:
        """The area's indicators: risk, name, baseline and the values per round."""
        rounds = indicator_columns(self.plan, self.round)
        data: list[list[Any]] = [[self.head("Risk"), self.head("Indikator"),
                                  self.head("Ingångs\u00advärde"),
                                  *(self.head(r.period.short_label) for r in rounds)]]
        for change in area.changes:
            for indicator in change.risk.indicators:
                data.append([self.cell(change.risk.label, bold=True), self.cell(indicator.name),
                             *indicator_row(indicator, rounds)])
        if len(data) == 1:
            return None
        value = 20 * mm
        widths = [13 * mm, 0.0, *[value] * (1 + len(rounds))]
        widths[1] = self.width - sum(widths)
        table = table_headers(Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT",
                                    splitInRow=1),
                              rows=1, columns=1)
        table.setStyle(_style([*HEAD_COMMANDS, ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                               ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
                               *[("BACKGROUND", (0, r), (-1, r), ZEBRA)
                                 for r in range(2, len(data), 2)]]))
        return table

    def signoff_page(self) -> list[Flowable]:
        """Signering: who fastställde the follow-up, when; the box for the signature."""
        signer, s = self.signer, self.styles
        if signer is None:
            return []
        rows: list[tuple[str, Any]] = [
            ("Rapport", unbroken_period(self.title)),
            ("Uppföljning", f"{self.round.period.label}, gjord "
                            f"{swedish_date(self.round.held_on)}"),
            ("Signerad av", signer.name + (f", {signer.role}" if signer.role else "")),
            ("Tidpunkt", signed_time(signer.signed_at)),
        ]
        if signer.content_sha256:
            rows.append(("Kontrollsumma (SHA-256)",
                         Paragraph(grouped_hash(signer.content_sha256), s.digest)))
        data = [[Paragraph(markup(label), s.fact_label),
                 value if isinstance(value, Flowable) else Paragraph(markup(value),
                                                                     s.fact_value)]
                for label, value in rows]
        table = table_headers(Table(data, colWidths=[48 * mm, self.width - 48 * mm],
                                    hAlign="LEFT"), columns=1)
        table.setStyle(_style([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 4),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                               ("LINEABOVE", (0, 0), (-1, 0), 1.0, PRIMARY),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE)]))
        content: list[Flowable] = [
            Paragraph(markup(f"Uppföljningen för {self.round.period.span} är fastställd och "
                             "signerad. Uppgifterna nedan visar vem som har fastställt den "
                             "och när."), s.body),
            Spacer(1, 4), table]
        if signer.content_sha256:
            content += [Spacer(1, 8), Paragraph(markup(HASH_NOTE), s.small)]
        caption = Paragraph(markup(SIGNATURE_CAPTION), s.small)
        box_top = float(SIGNATURE_BOX[3])
        caption_room = caption.wrap(self.width, FRAME_HEIGHT)[1] + 6 + 12
        heading_room = s.h1.leading + s.h1.spaceBefore + s.h1.spaceAfter + 6
        room = FRAME_HEIGHT - (box_top - BOTTOM_MARGIN) - caption_room - heading_room
        return [PageBreak(), *self.heading(SIGNOFF_TITLE, 0),
                KeepInFrame(self.width, room, content, mode="shrink"),
                SignatureSpace(caption, box_top)]

    def story(self) -> list[Flowable]:
        """The whole report in order."""
        return [*self.cover(), *self.summary(), Spacer(1, 6), *self.background(),
                PageBreak(), *self.matrix(), *self.areas(), *self.signoff_page()]


def build_plan_story(plan: PlanView, round_: RoundView, styles: Styles, *, draft: bool,
                     signer: Signer | None = None) -> list[Flowable]:
    """Cover, summary, background, matrix, the areas and (signed) the sign-off page."""
    return _PlanBuilder(plan, round_, styles, draft=draft, signer=signer).story()
