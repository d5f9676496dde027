"""Who works on this laptop, for the parts that divide the work (Akter & urval, Intervjuer)
and the one that marks her akter (Aktgranskning).

The name is kept in the auditor's own settings (``kvtui.user_settings``), one for every
review: the laptop and its user account are hers. In a review that does not list her name she
simply has no akter of her own.
"""

from __future__ import annotations

from collections.abc import Sequence

from kvtui.domain.assignment import granskare_called, next_auditor
from kvtui.user_settings import my_auditor_name, remember_auditor_name


def my_granskare(auditors: Sequence[str]) -> str:
    """The review's granskare who works here, as the review spells her name; "" when she has
    not said who she is or the review does not list her."""
    return granskare_called(auditors, my_auditor_name())


def choose_next_me(auditors: Sequence[str], me: str) -> tuple[str, str]:
    """Step who works here to the review's next granskare (after the last: no one) and
    remember it; the new name and what to tell her, in Swedish."""
    chosen = next_auditor(auditors, me)
    if not remember_auditor_name(chosen):
        return me, "Inställningen kunde inte sparas; försök igen."
    if chosen:
        return chosen, f"Du är {chosen} på den här datorn; dina akter visas först."
    return "", "Ingen granskare vald på den här datorn."
