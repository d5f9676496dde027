"""Keeping the garbage collector off what lives as long as the app.

Everything loaded to run kvtui (modules, classes, the ORM's mappings, the widgets of the first
workspace) stays for the whole run, yet every full collection walked all of it: in
Aktgranskning the full collections of a thousand answer keys took about 200 ms, each one
holding up a key by tens of milliseconds (about 40 ms in all once frozen). ``gc.freeze``
moves what is alive into a generation the collector never visits; objects made later are
collected as usual.

The price is that whatever is alive at that moment is kept, even once it is closed: the first
workspace opened, and any garbage not yet collected. So each moment freezes once per process,
which also keeps a process that builds many apps (the tests) from keeping every one of them.
"""

from __future__ import annotations

import gc

_settled: set[str] = set()


def settle(moment: str) -> None:
    """Freeze what is alive now, the first time ``moment`` is reached in this process."""
    if moment in _settled:
        return
    _settled.add(moment)
    gc.freeze()
