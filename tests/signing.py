"""Signing a review off in tests, the way kvtui does it (the store refuses a bare status change)."""

from __future__ import annotations

from sqlmodel import Session

from kvtui.store.report_data import current_content
from kvtui.store.signoff import plan_signoff, record_signoff

TEST_PDF = b"%PDF-1.7\n% bytes standing in for the signed report\n%%EOF\n"


def sign_review(session: Session, review_id: str, pdf: bytes = TEST_PDF) -> None:
    """Sign the review off (locking it) with a stand-in PDF."""
    plan = plan_signoff(session, review_id, current_content(session, review_id),
                        name="Karin Ekdahl", role="Granskare")
    record_signoff(session, plan, current_content(session, plan.review_id), pdf)
