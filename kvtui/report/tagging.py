"""The report's logical structure, recorded while ReportLab draws it.

Open-source ReportLab writes no tags, so the report tags what it draws itself (PDF/UA-1):

- The canvas (``kvtui.report.document.ReportCanvas``) carries a ``Tagger``. The document's
  frames hand every flowable they draw to ``Tagger.framed``, which wraps the drawing in a
  marked-content sequence (``/P <</MCID n>> BDC … EMC``) under a structure element chosen by
  the flowable's type (``role_of``): a heading becomes H1–H3 (never skipping a level), a
  bullet paragraph an LI with its bullet as Lbl and its text as LBody inside one L, a
  ReportLab ``Table`` a Table of TR rows with TH (scoped) and TD cells, a container
  (``KeepInFrame``) its children one by one, a rule an artifact, anything else a P. So a
  flowable added later is tagged as a paragraph without anyone doing anything.
- A flowable that knows better says so with ``kv_role`` (a role for the whole flowable, with
  ``kv_alt()`` for a Figure's alternative text), or with ``kv_role = SELF`` and tags its own
  parts through ``tagger_of(canvas)`` as it draws (the appendix's ``ResultsGroup``).
- What is not content (running header and footer, page numbers, rules, fills, the draft
  mark, table headers repeated on a new page) is an ``/Artifact`` sequence.
- Nothing here touches the PDF file: the recorded elements, which marked-content sequence of
  which page belongs to which element, and which link annotation belongs to which Link,
  are written as the structure tree by ``kvtui.report.pdf_ua`` after ReportLab has saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from reportlab.platypus import Paragraph, Table
from reportlab.platypus.flowables import (
    CondPageBreak,
    HRFlowable,
    Image,
    KeepInFrame,
    Spacer,
)

from kvtui.domain.report_outline import HeadingNesting

SELF = "self"  # a flowable's ``kv_role`` when it tags its own parts
ARTIFACT = "Artifact"
HEADING_STYLES = {"h1": 1, "h2": 2, "h3": 3, "toc_title": 1, "cover_title": 1}
AnyTable = TypeVar("AnyTable", bound=Table)


class Content(NamedTuple):
    """A marked-content sequence: page (0-based) and its MCID there."""

    page: int
    mcid: int


@dataclass(eq=False, slots=True)
class Annotation:
    """A link annotation: page, its place among the page's annotations, its description."""

    page: int
    index: int
    contents: str


@dataclass(eq=False, slots=True)
class Element:
    """A structure element: role, parent, children in reading order, entries (Alt, T, ID,
    ActualText, Lang) and attributes (``A``: owner and values, e.g. Table and Scope)."""

    role: str
    parent: Element | None
    kids: list[Element | Content | Annotation] = field(default_factory=list)
    entries: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    number: int = 0  # its object number, once written (``kvtui.report.pdf_ua``)

    def add(self, role: str, **entries: str) -> Element:
        """A new child element at the end."""
        child = Element(role, self, entries=dict(entries))
        self.kids.append(child)
        return child


def pdf_text(text: str) -> str:
    """A text string for a content stream's property list (UTF-16BE in hex)."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def role_of(flowable: Any) -> str | None:
    """The role a flowable's drawing gets; None for what draws nothing."""
    role = getattr(flowable, "kv_role", None)
    if role is not None:
        return str(role)
    if isinstance(flowable, (Spacer, CondPageBreak)):
        return None
    if isinstance(flowable, HRFlowable):
        return ARTIFACT
    if isinstance(flowable, KeepInFrame):
        return "Container"
    if isinstance(flowable, Table):
        return "Table"
    if isinstance(flowable, Image):
        return "Figure" if hasattr(flowable, "kv_alt") else ARTIFACT
    if isinstance(flowable, Paragraph):
        if getattr(flowable, "bulletText", None) or getattr(flowable.style, "bulletText", None):
            return "LI"
        if flowable.style.name in HEADING_STYLES:
            return "H"
    return "P"


def table_headers(table: AnyTable, rows: int = 0, columns: int = 0) -> AnyTable:
    """Say which rows (from the top) and columns (from the left) of ``table`` are headers:
    cells there are tagged TH with the scope Column or Row. Without it, a table's repeated
    rows (``repeatRows``), or else its first row, are its header."""
    table.kv_headers = (rows, columns)  # type: ignore[attr-defined]
    return table


class TaggedTable(Table):
    """A ReportLab table whose parts, when it is split over pages, know the table they came
    from (``kv_origin``), so that they are tagged as one Table element."""

    kv_origin: Table | None = None

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """ReportLab's parts, each marked with the table they belong to."""
        parts = list(super().split(availWidth, availHeight))
        for part in parts:
            if isinstance(part, TaggedTable):
                part.kv_origin = self.kv_origin or self
        return parts


class Tagger:
    """Records structure elements and marked content while a canvas draws the report."""

    def __init__(self, canvas: Any) -> None:
        self.canvas = canvas
        self.document = Element("Document", None)
        self.pages: dict[int, list[Element]] = {}  # page → MCID → element
        self.annotations: dict[int, list[tuple[Element, Annotation]]] = {}
        self.destinations: dict[str, str] = {}  # link target → what a link there says
        self.notes: dict[int, Element] = {}  # footnote number → element that cites it
        self.last: Element | None = None  # the last block element drawn
        self._group: Element | None = None  # an open L or TOC
        self._headings = HeadingNesting()  # the levels of the headings drawn so far
        self._link: Element | None = None
        self._switch: Callable[[], None] | None = None
        self._table: Element | None = None  # the last Table, which later parts continue
        self._table_origin: Any = None  # the table the last Table element was drawn from

    # --- marked content ----------------------------------------------------------------------

    @property
    def page(self) -> int:
        """The page being drawn, from 0."""
        return int(self.canvas.getPageNumber()) - 1

    def begin(self, element: Element, code: list[str] | None = None) -> None:
        """Start content of ``element`` (on the canvas, or in a text object's ``code``)."""
        page = self.page
        items = self.pages.setdefault(page, [])
        element.kids.append(Content(page, len(items)))
        (self.canvas._code if code is None else code).append(
            f"/{element.role} <</MCID {len(items)}>> BDC")
        items.append(element)

    def end(self, code: list[str] | None = None) -> None:
        """End the innermost marked-content sequence."""
        (self.canvas._code if code is None else code).append("EMC")

    def artifact(self, code: list[str] | None = None, kind: str = "") -> None:
        """Start an artifact; ``kind`` is a pagination artifact's subtype (Header, Footer)."""
        (self.canvas._code if code is None else code).append(
            f"/Artifact <</Type /Pagination /Subtype /{kind}>> BDC" if kind
            else "/Artifact BMC")

    def span(self, actual_text: str, code: list[str] | None = None) -> None:
        """Start a span read as ``actual_text`` (inside an element's content)."""
        (self.canvas._code if code is None else code).append(
            f"/Span <</ActualText {pdf_text(actual_text)}>> BDC")

    def text_drawn(self) -> None:
        """The canvas drew a text object: a bullet's label is done, its body begins."""
        switch, self._switch = self._switch, None
        if switch is not None:
            switch()

    # --- elements ----------------------------------------------------------------------------

    def block(self, role: str, **entries: str) -> Element:
        """A block element at the document's level (or in the open list or contents)."""
        if role in ("LI", "TOCI"):
            group = "L" if role == "LI" else "TOC"
            if self._group is None or self._group.role != group:
                self._group = self.document.add(group)
            element = self._group.add(role, **entries)
        else:
            self._group = None
            element = self.document.add(role, **entries)
        self.last = element
        return element

    def heading(self, level: int, text: str) -> Element:
        """A heading one level below the nearest heading before it of a higher style level,
        so that the tagged levels follow the real nesting and never skip one."""
        return self.block(f"H{min(6, self._headings.level(level))}", T=text)

    def table(self, *, new: bool) -> Element:
        """A new Table element, or the one the previous part of the same table opened."""
        if new or self._table is None or self._table.parent is None:
            self._table = self.block("Table")
        else:
            self._group = None
        return self._table

    def annotation(self, destination: str, contents: str) -> str:
        """A link annotation is added to this page: put it in the structure; its text."""
        described = self.destinations.get(destination, "")
        contents = contents or described or "Länk"
        page = self.annotations.setdefault(self.page, [])
        record = Annotation(self.page, len(page), contents)
        link = self._link
        if link is None:
            parent = self.last or self.document
            if destination.startswith("kvnote"):  # a footnote's marker (``note_marker``)
                parent = parent.add("Reference")
            link = parent.add("Link")
        link.kids.append(record)
        page.append((link, record))
        return contents

    # --- drawing ------------------------------------------------------------------------------

    def framed(self, flowable: Any, add: Callable[[], Any]) -> Any:
        """Run ``add`` (a frame adding ``flowable``), tagging the flowable if it is drawn.

        The frame decides only after wrapping whether the flowable fits; so the flowable's
        ``drawOn`` is wrapped for the duration, and only a flowable really drawn gets tags."""
        had = "drawOn" in vars(flowable)
        original = flowable.drawOn

        def draw_on(*args: Any, **kwargs: Any) -> None:
            self.draw(flowable, lambda: original(*args, **kwargs), args)

        flowable.drawOn = draw_on
        try:
            return add()
        finally:
            if had:
                flowable.drawOn = original
            else:
                del flowable.drawOn

    def draw(self, flowable: Any, draw: Callable[[], None], args: tuple[Any, ...] = ()
             ) -> None:
        """Draw ``flowable`` inside the marked content its role asks for."""
        target = getattr(flowable, "kv_inner", flowable)
        role = role_of(target)
        if role is None or role == SELF:
            draw()
        elif role == ARTIFACT:
            self.artifact()
            draw()
            self.end()
        elif role == "Container":
            self._container(target, draw)
        elif role == "Table":
            self._draw_table(target, draw)
        elif role == "LI":
            item = self.block("LI")
            label, body = item.add("Lbl"), item.add("LBody")
            self.begin(label)

            def to_body() -> None:
                self.end()
                self.begin(body)

            self._switch = to_body
            draw()
            if self._switch is not None:  # no bullet drawn (a paragraph's later part)
                self._switch = None
                item.kids.remove(label)
                self.end()
                self.begin(body)
            self.end()
        elif role == "TOCI":
            link = self.block("TOCI").add("Link")
            self._link = link
            self.begin(link)
            draw()
            self.end()
            self._link = None
        else:
            if role == "H":
                element = self.heading(HEADING_STYLES.get(target.style.name, 1),
                                       target.getPlainText())
            else:
                element = self.block(role)
            alt = getattr(target, "kv_alt", None)
            if callable(alt):
                element.entries["Alt"] = alt()
            size = _size(target)
            if role == "Figure" and len(args) >= 3 and size is not None:
                x0, y0 = self.canvas.absolutePosition(args[1], args[2])
                x1, y1 = self.canvas.absolutePosition(args[1] + size[0], args[2] + size[1])
                element.attributes = {"O": "Layout", "BBox": [x0, y0, x1, y1]}
            self.begin(element)
            draw()
            self.end()
            if role == "H":
                self.last = None

    def _container(self, container: Any, draw: Callable[[], None]) -> None:
        """Each flowable of a container (``KeepInFrame``) tagged as if in a frame."""
        content = list(getattr(container, "_content", []))
        hooked: list[Any] = []

        def hook(child: Any) -> None:
            original = child.drawOn

            def draw_on(*args: Any, **kwargs: Any) -> None:
                self.draw(child, lambda: original(*args, **kwargs), args)

            child.drawOn = draw_on
            hooked.append(child)

        for child in content:
            if "drawOn" not in vars(child):
                hook(child)
        try:
            draw()
        finally:
            for child in hooked:
                del child.drawOn

    def _draw_table(self, table: Any, draw: Callable[[], None]) -> None:
        """A ReportLab Table: rows and cells through the table's drawing callbacks."""
        repeat = table.repeatRows
        repeated = repeat if isinstance(repeat, int) else len(repeat)
        rows, columns = getattr(table, "kv_headers", (repeated or 1, 0))
        # A later part of a split table (``TaggedTable``) continues the Table element its
        # first part opened; its copy of the repeated header rows is an artifact, and
        # without repeated rows its first row is a body row.
        origin = getattr(table, "kv_origin", None) or table
        continued = origin is self._table_origin
        element = self.table(new=not continued)
        self._table_origin = origin
        if continued and not repeated:
            rows = 0
        state: dict[str, Element | None] = {"row": None}
        spans = getattr(table, "_spanRanges", None) or {}

        def callback(_table: Any, event: str, *info: Any) -> None:
            if event in ("startBG", "startLines"):
                self.artifact()
            elif event in ("endBG", "endLines"):
                self.end()
            elif event == "startRow":
                row = info[0]
                state["row"] = None if continued and row < repeated else element.add("TR")
            elif event == "startCell":
                row, column = info[0], info[1]
                tr = state["row"]
                if tr is None:
                    self.artifact()
                    return
                header = row < rows or column < columns
                cell = tr.add("TH" if header else "TD")
                scope = "Column" if row < rows else "Row"
                cell.attributes = {"O": "Table", "Scope": scope} if header else {}
                span = spans.get((column, row))
                if span is not None and span[2] > span[0]:
                    cell.attributes = {**cell.attributes, "O": "Table",
                                       "ColSpan": span[2] - span[0] + 1}
                self.begin(cell)
            elif event == "endCell":
                self.end()

        previous = table._renderCB
        table._renderCB = callback
        try:
            draw()
        finally:
            table._renderCB = previous


def _size(flowable: Any) -> tuple[float, float] | None:
    """A drawn flowable's width and height (an Image keeps them as drawWidth/drawHeight)."""
    for names in (("drawWidth", "drawHeight"), ("width", "height")):
        try:
            return float(getattr(flowable, names[0])), float(getattr(flowable, names[1]))
        except (AttributeError, TypeError, ValueError):
            continue
    return None


class NullTagger(Tagger):
    """A tagger that writes nothing, for a flowable drawn on a plain canvas."""

    def begin(self, element: Element, code: list[str] | None = None) -> None:
        """Nothing."""

    def end(self, code: list[str] | None = None) -> None:
        """Nothing."""

    def artifact(self, code: list[str] | None = None, kind: str = "") -> None:
        """Nothing."""

    def span(self, actual_text: str, code: list[str] | None = None) -> None:
        """Nothing."""


def tagger_of(canvas: Any) -> Tagger:
    """The canvas's tagger, or one that writes nothing."""
    tagger = getattr(canvas, "kv_tags", None)
    return tagger if isinstance(tagger, Tagger) else NullTagger(canvas)
