"""The follow-up report of an action plan as a PDF: drafted, final, or final and signed.

It is laid out by the review report's own document template (``ReportDocTemplate``): the
same A4 pages, cover without header or footer, header with the report's title, footer with
municipality, committee and "Sida X (Y)", the same "UTKAST" mark on every page of a draft,
and the same tagging (PDF/UA-1, Lang sv-SE, the title in the XMP) written before signing.
A final is signed as the review's is (``kvtui.report.signature.sign_pdf``, PAdES, a visible
stamp in ``SIGNATURE_BOX`` on the sign-off page). Locking the signed round in the store is
the caller's next step (``kvtui plan report`` calls the store's lock once the file is
written).

The report is made from the plan as read (``kvtui.domain.plan_data.PlanView``) and never
reads the store.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from kvtui.domain.plan_data import PlanView
from kvtui.report.document import PageFurniture, RenderedReport, ReportCanvas, ReportDocTemplate
from kvtui.report.pdf_ua import tag_pdf
from kvtui.report.plan_outline import chosen_round, report_title
from kvtui.report.plan_story import Signer, build_plan_story
from kvtui.report.signature import sign_pdf
from kvtui.report.styles import make_styles

SIGN_REASON = "Uppföljningen av åtgärdsplanen är fastställd"


def plan_furniture(plan: PlanView, title: str, *, draft: bool, today: date) -> PageFurniture:
    """Header, footer and mark of a follow-up report."""
    return PageFurniture(
        header_left=title,
        header_right=f"Utkast {today.isoformat()}" if draft else "Slutlig version",
        footer_left=" · ".join(part for part in (plan.municipality, plan.committee, plan.unit)
                               if part),
        draft_date=today.isoformat() if draft else None,
        draft_text="UTKAST",  # a follow-up is not sent for fact-checking
    )


def render_plan_report(plan: PlanView, round_key: str | None = None, *, draft: bool,
                       signer: Signer | None = None, today: date | None = None
                       ) -> RenderedReport:
    """The follow-up report of the round of period ``round_key`` (the latest when None) as PDF
    bytes: a draft with the UTKAST mark, or a final (with the sign-off page when ``signer``
    is given; sign the bytes with ``sign_plan_report``).

    ``PlanReportError`` (Swedish message) for a plan without risks or rounds, or a period
    the plan has not followed up."""
    round_ = chosen_round(plan, round_key)
    day = today or date.today()
    title = report_title(plan, round_)
    styles = make_styles()
    story = build_plan_story(plan, round_, styles, draft=draft, signer=signer)
    buffer = io.BytesIO()
    doc = ReportDocTemplate(
        buffer, plan_furniture(plan, title, draft=draft, today=day), styles,
        title=title + (" (utkast)" if draft else ""),
        author=plan.committee or plan.unit,
        subject=" – ".join(part for part in ("Uppföljning av åtgärdsplan", plan.unit,
                                             plan.municipality) if part),
        keywords=["uppföljning av åtgärdsplan", round_.key, "utkast" if draft else "slutlig"],
        creator="kvtui",
    )
    doc.build(story, canvasmaker=ReportCanvas)
    return RenderedReport(tag_pdf(buffer.getvalue(), doc.canv.kv_tags), doc.canv.kv_total)


def sign_plan_report(pdf: bytes, p12: Path, passphrase: bytes | None, signer: Signer) -> bytes:
    """A final follow-up report signed with the certificate in ``p12`` (PAdES, visible stamp
    on its last page); ``SigningError`` (Swedish message) when it cannot be."""
    return sign_pdf(pdf, p12, passphrase, signer_name=signer.name, role=signer.role,
                    reason=SIGN_REASON)
