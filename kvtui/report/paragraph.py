"""ReportLab's Paragraph, remembering its lines for the width it last broke them for.

A frame, a ``KeepTogether`` around it and the footnote area each ask the same paragraph for
its size at the same width; ReportLab breaks the lines anew at every such ``wrap``, which is
where most of a paragraph's cost lies. A paragraph's lines depend only on the width (its
text and style do not change once made), so a second ``wrap`` at that width gives back the
first answer. ``bench/export.py``'s goal (1.5 times a plain ReportLab document) is why.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import paragraph as reportlab_paragraph


class Paragraph(reportlab_paragraph.Paragraph):
    """A paragraph that breaks its lines once per width."""

    _kv_wrapped: float | None = None  # the width the lines in ``blPara`` were broken for

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """As ReportLab's, without breaking the lines again for the same width."""
        if availWidth == self._kv_wrapped:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._kv_wrapped = availWidth if hasattr(self, "blPara") else None
        return size

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """As ReportLab's; splitting may change the fragments, so the lines are broken anew
        if this paragraph is asked again."""
        self._kv_wrapped = None
        return list(super().split(availWidth, availHeight))
