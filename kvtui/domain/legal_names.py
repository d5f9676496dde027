"""Which laws a review's legal references cite, by the full names the report uses.

A reference is written short in a template ("20 kap. 1 § SoL (2025:400)", "11 § LVU"); the
Metod names the laws behind them in full, and only those actually cited for the review's
period, since a review of the second half of 2025 cites the new socialtjänstlag and one of the
first half the old.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# (pattern in a reference's text, the law's full name), in the order the Metod names them.
# A short name without an SFS number means the older law (the templates' own convention).
_LAWS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bSoL\s*\(?\s*(?:SFS\s*)?2025:400\b"), "socialtjänstlagen (2025:400)"),
    (re.compile(r"\bSoL\b(?!\s*\(?\s*(?:SFS\s*)?2025:400)"), "socialtjänstlagen (2001:453)"),
    (re.compile(r"\bSoF\s*\(?\s*(?:SFS\s*)?2025:468\b"), "socialtjänstförordningen (2025:468)"),
    (re.compile(r"\bSoF\b(?!\s*\(?\s*(?:SFS\s*)?2025:468)"),
     "socialtjänstförordningen (2001:937)"),
    (re.compile(r"\bLVU\b"), "lagen (1990:52) med särskilda bestämmelser om vård av unga"),
    (re.compile(r"\bFB\b|föräldrabalk", re.IGNORECASE), "föräldrabalken (1949:381)"),
)


def cited_laws(texts: Iterable[str]) -> tuple[str, ...]:
    """The full names of the laws the reference texts cite, each once, in a fixed order."""
    joined = "\n".join(texts)
    return tuple(name for pattern, name in _LAWS if pattern.search(joined))
