"""Every text in a value of JSON shape, names included, changed by one function.

The store keeps lists and small structures as JSON text (attributes, roles, legal references)
and logs changes as JSON: its rules for free text (``kvtui.store.idnumber_rule``) reach the
texts inside them through ``each_text``, and so does the cleaning of a case-file list before
its references and names are compared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


def each_text(value: Any, change: Callable[[str], str]) -> Any:
    """``value`` with ``change`` applied to every text in it, the names of objects too.

    Two names that ``change`` makes alike are both kept, the second as "namn (2)": nothing
    written is dropped. Tuples come back as lists, as JSON has them.
    """
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list | tuple):
        return [each_text(item, change) for item in value]
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for name, item in value.items():
            name = change(name) if isinstance(name, str) else name
            while name in out:
                name = f"{name} (2)"
            out[name] = each_text(item, change)
        return out
    return value


def texts_in(value: Any, *, names: bool = True) -> Iterator[str]:
    """Every text in ``value``, in order; the names of objects too unless ``names`` is false
    (words to search for: a log entry's "text" and "from" are no one's words)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from texts_in(item, names=names)
    elif isinstance(value, dict):
        for name, item in value.items():
            if names and isinstance(name, str):
                yield name
            yield from texts_in(item, names=names)
