"""Reading a store's write-ahead log (``-wal``) after an unclean stop, without SQLite.

Every transaction kvtui commits goes first into the ``-wal`` file beside the store; SQLite
copies it into the store file later (a checkpoint). A killed kvtui leaves the log behind, and
the next connection replays it. Deleting that file by hand silently throws those transactions
away, so after an unclean stop kvtui counts them and says so, before it opens the store.

The format is SQLite's (https://www.sqlite.org/fileformat2.html#walformat): a 32-byte header
with two salts and a checksum, then frames of a 24-byte header and one page. A frame is valid
while its salts equal the header's and the running checksum over the frames so far matches;
a frame whose "database size after commit" is not zero ends a transaction. SQLite replays the
valid frames up to the last such commit frame and ignores everything after.

The ``-shm`` file beside it says how many frames were already copied into the store file
(``nBackfill``); transactions that ended there or earlier are not counted as recovered. The
``-shm`` is only a hint (it is not synced to disk): it is used only when its two header copies
agree and name the same log (its salts), otherwise every committed frame counts.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

_MAGIC_LITTLE = 0x377F0682
_MAGIC_BIG = 0x377F0683
_WAL_VERSION = 3007000
_HEADER = 32
_FRAME_HEADER = 24
_MASK = 0xFFFFFFFF
# -shm: two copies of the 48-byte index header, then the checkpoint info (nBackfill first).
_SHM_HEADER = 48
_SHM_BACKFILL = 96


def _checksum(data: bytes, order: str, s0: int, s1: int) -> tuple[int, int]:
    """SQLite's WAL checksum over ``data`` (a multiple of 8 bytes), continuing from s0, s1."""
    for first, second in struct.iter_unpack(f"{order}II", data):
        s0 = (s0 + first + s1) & _MASK
        s1 = (s1 + second + s0) & _MASK
    return s0, s1


def wal_path(store: Path) -> Path:
    """The store's write-ahead log."""
    return store.with_name(store.name + "-wal")


def recovered_transactions(store: Path) -> int:
    """How many committed transactions the store's ``-wal`` holds that its file does not yet.

    Zero when there is no log, or it is empty or unreadable. Reads only.
    """
    try:
        data = wal_path(store).read_bytes()
    except OSError:
        return 0
    commits = _commit_frames(data)
    if not commits:
        return 0
    backfilled = _backfilled_frames(store, data)
    return sum(1 for frame in commits if frame > backfilled)


def _commit_frames(data: bytes) -> list[int]:
    """The numbers (from 1) of the valid commit frames of the log in ``data``."""
    if len(data) < _HEADER:
        return []
    magic, version, page_size = struct.unpack(">III", data[:12])
    if magic not in (_MAGIC_LITTLE, _MAGIC_BIG) or version != _WAL_VERSION:
        return []
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return []
    order = ">" if magic == _MAGIC_BIG else "<"
    salts = data[16:24]
    s0, s1 = _checksum(data[:24], order, 0, 0)
    if (s0, s1) != struct.unpack(">II", data[24:32]):
        return []
    commits: list[int] = []
    frame_size = _FRAME_HEADER + page_size
    offset = _HEADER
    number = 0
    while offset + frame_size <= len(data):
        header = data[offset:offset + _FRAME_HEADER]
        if header[8:16] != salts:
            break
        s0, s1 = _checksum(header[:8], order, s0, s1)
        s0, s1 = _checksum(data[offset + _FRAME_HEADER:offset + frame_size], order, s0, s1)
        if (s0, s1) != struct.unpack(">II", header[16:24]):
            break
        number += 1
        if struct.unpack(">I", header[4:8])[0] != 0:
            commits.append(number)
        offset += frame_size
    return commits


def _backfilled_frames(store: Path, wal: bytes) -> int:
    """Frames already copied into the store file, by the ``-shm`` when it describes this log."""
    try:
        with store.with_name(store.name + "-shm").open("rb") as handle:
            shm = handle.read(_SHM_BACKFILL + 4)
    except OSError:
        return 0
    if len(shm) < _SHM_BACKFILL + 4 or shm[:_SHM_HEADER] != shm[_SHM_HEADER:2 * _SHM_HEADER]:
        return 0
    native = "<" if sys.byteorder == "little" else ">"
    version = struct.unpack(f"{native}I", shm[:4])[0]
    initialised = shm[12]
    if version != _WAL_VERSION or not initialised or shm[32:40] != wal[16:24]:
        return 0
    return int(struct.unpack(f"{native}I", shm[_SHM_BACKFILL:_SHM_BACKFILL + 4])[0])
