"""The kinds of report section, each described once: its name, whether a report may have it
more than once, whether the auditor writes it, and where kvtui takes it from when she does not.

Templates check a section's kind here, the Bedömningar part tells the auditor how a section
she does not write is filled, and the report and the Rapport part each keep one table from
kind to how it is printed or counted (``SECTION_PARTS`` in ``kvtui.report.story``,
``SECTION_LINES`` in ``kvtui.tui.widgets.report_part``), which tests check cover every kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SectionKind(StrEnum):
    """What a report section holds."""

    SUMMARY = "summary"
    PURPOSE = "purpose"
    METHOD = "method"
    TEXT = "text"
    REFERENCES = "references"


@dataclass(frozen=True)
class SectionKindInfo:
    """Everything the domain knows about one kind of section.

    ``written``: the auditor writes its text and rated statements (and a report needs them);
    otherwise kvtui fills it, as ``note`` tells her in Bedömningar. ``once``: a report has at
    most one. ``own_page``: it starts a new page unless it is the first part of the body.
    """

    kind: str  # a SectionKind, or the unknown kind's own name
    label: str
    written: bool
    once: bool
    own_page: bool
    note: str = ""


OTHER_KIND_NOTE = "Avsnittet fylls i av kvtui; det har ingen egen text eller bedömningar."

SECTION_KINDS: dict[str, SectionKindInfo] = {
    info.kind: info for info in (
        SectionKindInfo(
            SectionKind.SUMMARY, "Sammanfattning", written=False, once=True, own_page=True,
            note="Sammanfattningen byggs av kvtui: en tabell med de bedömningar du har valt "
                 "till sammanfattningen (s på en bedömning), med deras kvalitetsnivå, och "
                 "förklaringen av nivåerna Grön, Gul och Röd."),
        SectionKindInfo(
            SectionKind.PURPOSE, "Syfte", written=False, once=True, own_page=True,
            note="Syftet skrivs i granskningens uppgifter: e i arbetsytans lista till vänster "
                 "(Redigera uppgifter)."),
        SectionKindInfo(
            SectionKind.METHOD, "Metod", written=False, once=True, own_page=False,
            note="Metodtexten skriver kvtui utifrån urvalet, intervjuerna och dokumenten; den "
                 "kan ändras innan rapporten exporteras."),
        SectionKindInfo(
            SectionKind.TEXT, "Avsnitt", written=True, once=False, own_page=False),
        SectionKindInfo(
            SectionKind.REFERENCES, "Referenser", written=False, once=True, own_page=False,
            note="Referenserna är dokumenten i delen Dokument (5), i bokstavsordning."),
    )
}


#: kvtui's own section comparing the review with the one it was started from
#: (``kvtui.domain.year_over_year``): added by kvtui, never by a template, so not a
#: ``SectionKind``. The auditor may write a text for it; it has no rated statements.
COMPARISON_KIND = "comparison"
COMPARISON_INFO = SectionKindInfo(
    COMPARISON_KIND, "Jämförelse", written=False, once=True, own_page=False,
    note="Tabellen och diagrammet som jämför andelen Ja per kriterium med den föregående "
         "granskningen skriver kvtui. Texten nedan står före tabellen i rapporten; lämna den "
         "tom om tabellen räcker. Avsnittet tas bort ur rapporten under Översikt (j).")


def section_kind(kind: str) -> SectionKindInfo:
    """The description of a kind. A kind kvtui does not know (a store changed by hand) is
    named by itself and treated as filled by kvtui, so nothing asks the auditor to write it."""
    found = SECTION_KINDS.get(kind)
    if found is not None:
        return found
    if kind == COMPARISON_KIND:
        return COMPARISON_INFO
    return SectionKindInfo(kind, kind, written=False, once=False, own_page=False,
                           note=OTHER_KIND_NOTE)


def text_only(kind: str) -> bool:
    """Whether the auditor writes a text for a section of this kind but no statements."""
    return kind == COMPARISON_KIND


def written(kind: str) -> bool:
    """Whether the auditor writes a section of this kind (text and rated statements)."""
    return section_kind(kind).written
