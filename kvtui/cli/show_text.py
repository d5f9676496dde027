"""`kvtui show` as text: the parts of the work beyond the review's facts.

The command prints the review's facts, sections and criteria itself; these are the lines for
the sample's accounting, the interviews, the documents and the assessments, built from the
same document ``kvtui show --json`` prints (``kvtui.store.review_document.review_document``), so
that the two never disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kvtui.domain.filereview import ACTIVE, STATUS_LABELS
from kvtui.domain.judgement import FORMS, rating_label

NONE = "  (inga)"


def local_time(stored: str) -> str:
    """A time from the JSON document (ISO, UTC) as the laptop's local time: "2026-11-23 18.10"."""
    return datetime.fromisoformat(stored).astimezone().strftime("%Y-%m-%d %H.%M")


def sample_lines(sample: dict[str, Any] | None) -> list[str]:
    """The akter replaced or excluded, each with its reason."""
    if sample is None:
        return []
    set_aside = [item for item in sample["items"] if item["status"] != ACTIVE]
    if not set_aside:
        return []
    lines = ["", "Ersatta och uteslutna akter:"]
    for item in set_aside:
        status = STATUS_LABELS.get(item["status"], item["status"])
        by = f" av {item['replaced_by']}" if item.get("replaced_by") else ""
        lines.append(f"  {item['reference']}: {status.lower()}{by} – {item['replaced_reason']}")
    return lines


def interview_lines(interviews: list[dict[str, Any]]) -> list[str]:
    """Each interview: when, with whom (by role), how many, and its observations."""
    lines = ["", "Intervjuer:"]
    for interview in interviews:
        people = interview["participants"]
        form = FORMS.get(interview["form"], interview["form"])
        roles = ", ".join(interview["roles"]) or "roll saknas"
        lines.append(f"  {interview['held_on'] or '–'}  {roles} "
                     f"({people} {'person' if people == 1 else 'personer'}, {form})")
        lines += [f"    • {observation['text']}" for observation in interview["observations"]]
    return lines if interviews else [*lines, NONE]


def document_lines(documents: list[dict[str, Any]]) -> list[str]:
    """Each document read: title, kind, date and who provided it."""
    lines = ["", "Dokument:"]
    for document in documents:
        facts = [document["kind"], document["dated"] or "",
                 f"från {document['provided_by']}" if document["provided_by"] else ""]
        shown = ", ".join(fact for fact in facts if fact)
        lines.append(f"  {document['title']}" + (f" ({shown})" if shown else ""))
    return lines if documents else [*lines, NONE]


def assessment_lines(sections: list[dict[str, Any]]) -> list[str]:
    """Each statement under its section: level, wording, and how much evidence it cites."""
    lines = ["", "Bedömningar:"]
    for section in sections:
        if not section["assessments"]:
            continue
        lines.append(f"  {section['number']} {section['title']}".rstrip())
        for assessment in section["assessments"]:
            evidence = len(assessment["evidence"])
            summary = ", i sammanfattningen" if assessment["in_summary"] else ""
            lines.append(f"    [{rating_label(assessment['rating'])}] "
                         f"{assessment['statement']} (underlag: {evidence}{summary})")
    return lines if len(lines) > 2 else [*lines, NONE]


def work_lines(document: dict[str, Any]) -> list[str]:
    """Everything ``kvtui show`` prints after the criteria."""
    return [*sample_lines(document["sample"]), *interview_lines(document["interviews"]),
            *document_lines(document["documents"]),
            *assessment_lines(document["sections"])]
