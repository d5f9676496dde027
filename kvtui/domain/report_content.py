"""The report's content as one plain dict: what a fact-check freezes and a sign-off signs.

Built from ``ReportData`` so that it holds exactly what the report prints (texts, statements
with their colours, the Metod, interviews as the report shows them, documents, the file
review's figures), not the store's internal ids or the export date. Its hash is taken by
``kvtui.domain.signoff.content_hash``. Byte for byte what it was: a signed review's stored
hash is checked against it (``kvtui check``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kvtui.domain.filereview import EXCLUDED
from kvtui.domain.report_data import ReportData
from kvtui.domain.section_kinds import COMPARISON_KIND
from kvtui.domain.signoff import content_hash


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def report_content(data: ReportData) -> dict[str, Any]:
    """The content of the report of ``data``, JSON-able and independent of the day."""
    results: list[dict[str, Any]] = []
    if data.results is not None:
        for row in data.results.rows:
            counts = row.result.counts
            results.append({
                "code": row.code, "n": counts.n, "ja": counts.ja, "delvis": counts.delvis,
                "nej": counts.nej, "ej_aktuellt": counts.ej_aktuellt,
                "share": row.result.share, "low": row.result.low, "high": row.result.high,
            })
    return {
        "review": {
            "title": data.title, "unit": data.unit, "municipality": data.municipality,
            "committee": data.committee, "diary_number": data.diary_number,
            "auditors": list(data.auditors), "period_start": _iso(data.period_start),
            "period_end": _iso(data.period_end), "purpose": data.purpose, "scope": data.scope,
            "version": data.version,
            "template": f"{data.template_title} {data.template_version}".strip(),
        },
        "method": data.method_text,
        "sections": [
            {
                "number": section.number, "title": section.title, "kind": section.kind,
                "text": section.text,
                "assessments": [
                    {"statement": a.statement, "rating": a.rating, "in_summary": a.in_summary,
                     "evidence": [e.label for e in a.evidence]}
                    for a in section.assessments
                ],
            }
            for section in data.sections
        ],
        "interviews": [
            {"held_on": _iso(i.held_on), "roles": list(i.roles),
             "participants": i.participants, "form": i.form,
             "observations": [o.text for o in i.observations]}
            for i in data.interviews
        ],
        "documents": [
            {"title": d.title, "kind": d.kind, "dated": _iso(d.dated),
             "provided_by": d.provided_by}
            for d in data.documents
        ],
        "sample": None if data.sample is None else {
            "method": data.sample.method, "seed": data.sample.seed,
            "population_size": data.sample.population_size,
            "sample_size": data.sample.sample_size, "stratify_by": data.sample.stratify_by,
            "replaced": data.sample.replaced,
            # Only when akter were excluded, so that the content of reports signed before
            # exclusions existed keeps its hash.
            **({"excluded": [[a.reference, a.replaced_reason] for a in data.sample.set_aside
                             if a.status == EXCLUDED]} if data.sample.excluded else {}),
        },
        "results": results,
        # Only with the comparison's section, so that the content of every other report keeps
        # its hash. The earlier review is named, not its figures: they are that review's own,
        # covered by its own sign-off, and a copy of this review moved to a store without it
        # must still match what was signed.
        **({"compared_with": data.previous_review_id}
           if any(s.kind == COMPARISON_KIND for s in data.sections) else {}),
    }


@dataclass(frozen=True)
class ReportContent:
    """A report's content with its hash, as a fact-check round or a sign-off freezes it."""

    content: dict[str, Any]
    sha256: str

    @classmethod
    def of(cls, data: ReportData) -> ReportContent:
        """The content of the report of ``data`` and its hash."""
        content = report_content(data)
        return cls(content, content_hash(content))
