"""Checks an .xlsx file before openpyxl reads it, so that a hostile workbook costs little.

An .xlsx is a zip of XML parts, and openpyxl trusts both. It unpacks whatever size the zip
declares, keeps every shared string in memory, keeps every element of a worksheet it has no use
for, keeps the attributes of every formatted row, pads each row out to its last cell and fills
the gap up to a row's number with empty rows. So a file of a few hundred kilobytes can ask for
gigabytes (a zip bomb, a row of a million cells, a row numbered 10¹²) or declare XML entities
(billion laughs, external entities).

``check_workbook`` therefore reads the zip's directory itself and streams every part through
expat, counting as it goes and stopping at the first limit passed, before openpyxl sees the
file. Memory stays bounded by the limits below, not by the file. The limits are far above what
Excel writes for a list of case files; the row, column and cell limits of the list itself are
the importer's business (``kvtui.domain.import_limits``).

What the check refuses:

- a zip whose directory is missing, too big, or has too many entries; a part that would unpack
  to more than ``MAX_PART_BYTES`` (``MAX_SHARED_STRINGS_BYTES`` for the shared strings) or a
  package to more than ``MAX_UNPACKED_BYTES``. Declared sizes may lie: zipfile stops a part at
  its declared size and then finds the checksum wrong, and every part is read here.
- XML with a document type declaration (the only place entities are declared), nesting deeper
  than ``MAX_DEPTH``, a single tag or text of more than ``MAX_TOKEN_BYTES``, or more nodes
  (elements and attributes) than openpyxl can hold: ``MAX_UNIT_NODES`` inside one row or one
  shared string, and in the whole package ``MAX_KEPT_NODES`` of the nodes openpyxl keeps, of
  which at most ``MAX_OBJECT_NODES`` in parts it turns into Python objects (styles, the
  workbook, relationships), which cost it several times as much.
- a worksheet with a row or cell outside Excel's grid, or whose rows padded to their last cell
  hold more than ``MAX_PADDED_CELLS`` cells; more than ``MAX_SHARED_STRINGS`` shared strings.
- a part that is not well-formed XML, unless its name says it is binary (an image).
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from pyexpat import ExpatError, ParserCreate

from kvtui.domain.import_limits import megabytes, thousands

LZMAError: type[Exception]
try:
    from lzma import LZMAError
except ImportError:  # Python without lzma: zipfile then refuses such parts as unsupported
    LZMAError = zlib.error

MAX_ENTRIES = 5_000
MAX_DIRECTORY_BYTES = 1024 * 1024
MAX_PART_BYTES = 128 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 64
MAX_TOKEN_BYTES = 1024 * 1024
MAX_KEPT_NODES = 1_000_000
MAX_OBJECT_NODES = 400_000
MAX_UNIT_NODES = 200_000
MAX_SHARED_STRINGS = 500_000
MAX_PADDED_CELLS = 5_000_000
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384

_CHUNK = 64 * 1024
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_WORKSHEET = f"{_MAIN} worksheet"
_SHARED_STRING_TABLE = f"{_MAIN} sst"
_ROW = f"{_MAIN} row"
_CELL = f"{_MAIN} c"
_STRING = f"{_MAIN} si"
_CONTENT_TYPES = "[Content_Types].xml"
_SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
# Parts that are not XML in a workbook: pictures, printer settings, embedded objects, macros,
# and VML drawings, which Excel writes as HTML-like text that is often not well-formed.
_BINARY_SUFFIXES = frozenset((
    ".bin", ".bmp", ".emf", ".gif", ".jpeg", ".jpg", ".png", ".tif", ".tiff", ".wdp", ".wmf",
    ".vml", ".xlsx", ".xlsm", ".xlsb", ".xls", ".docx", ".doc", ".pptx", ".ppt", ".sldx",
))
_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_ROW_NUMBER = re.compile(r"([0-9]{1,7})(?:\.0*)?")  # openpyxl also reads "5.0"
# What a damaged or unsupported compressed part raises while it is read: a wrong checksum,
# broken deflate, bzip2 or lzma data, an encrypted part, an unknown compression method.
_DAMAGED = (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError, struct.error, zlib.error, LZMAError)
_END_OF_DIRECTORY = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")


_TOO_MANY_PARTS = f"Den består av fler än {thousands(MAX_ENTRIES)} delar."
_TOO_MUCH = ("Den har fler rader, texter och formateringar tillsammans än kvtui läser ur en "
             "arbetsbok.")
_TOO_MANY_STRINGS = f"Den har fler än {thousands(MAX_SHARED_STRINGS)} olika texter."
_TOO_WIDE = "Dess rader sträcker sig över fler celler än kvtui läser."


class WorkbookRefused(ValueError):
    """The file is not a workbook kvtui will read; ``reason`` says why in Swedish, or is ""
    for a file that is simply malformed."""

    def __init__(self, reason: str = "") -> None:
        self.reason = reason
        super().__init__(reason or "malformed workbook")


def check_workbook(data: bytes) -> None:
    """Raise WorkbookRefused unless openpyxl can read ``data`` within the limits above."""
    _check_directory(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _DAMAGED:
        raise WorkbookRefused() from None
    with archive:
        entries = archive.infolist()
        _check_sizes(entries)
        names = {entry.filename for entry in entries}
        if _CONTENT_TYPES not in names:
            raise WorkbookRefused()
        # The content types first: they say which part holds the shared strings, as openpyxl
        # finds it.
        scan = _Scan()
        _scan_part(archive, archive.getinfo(_CONTENT_TYPES), scan)
        shared_strings = {
            name.lstrip("/") for name, kind in scan.overrides.items()
            if kind == _SHARED_STRINGS_TYPE
        }
        for entry in entries:
            if entry.filename in shared_strings and entry.file_size > MAX_SHARED_STRINGS_BYTES:
                raise WorkbookRefused(
                    f"Dess delade texter packas upp till mer än "
                    f"{megabytes(MAX_SHARED_STRINGS_BYTES)}."
                )
        for entry in entries:
            if entry.filename != _CONTENT_TYPES and not entry.is_dir():
                _scan_part(archive, entry, scan)


def _check_directory(data: bytes) -> None:
    """Refuse a zip whose central directory is large before zipfile reads all of it."""
    end = len(data) - _END_OF_DIRECTORY.size
    if end < 0:
        raise WorkbookRefused()
    if not (data.startswith(b"PK\x05\x06", end) and data[-2:] == b"\x00\x00"):
        end = data.rfind(b"PK\x05\x06", max(0, end - 0xFFFF), end + 1)
        if end < 0:
            raise WorkbookRefused()
    _, _, _, _, entries, size, offset, _ = _END_OF_DIRECTORY.unpack_from(data, end)
    if entries == 0xFFFF or size == 0xFFFFFFFF or offset == 0xFFFFFFFF:
        locator = end - _ZIP64_LOCATOR.size
        if locator < 0 or not data.startswith(b"PK\x06\x07", locator):
            raise WorkbookRefused()
        _, _, record, _ = _ZIP64_LOCATOR.unpack_from(data, locator)
        if record + _ZIP64_END.size > len(data) or not data.startswith(b"PK\x06\x06", record):
            raise WorkbookRefused()
        fields = _ZIP64_END.unpack_from(data, record)
        entries, size = fields[7], fields[8]
    if entries > MAX_ENTRIES or size > MAX_DIRECTORY_BYTES:
        raise WorkbookRefused(_TOO_MANY_PARTS)


def _check_sizes(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_ENTRIES:
        raise WorkbookRefused(_TOO_MANY_PARTS)
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > MAX_PART_BYTES or total > MAX_UNPACKED_BYTES:
            raise WorkbookRefused(
                f"Uppackad blir den mer än {megabytes(MAX_UNPACKED_BYTES)}, eller en del av den "
                f"mer än {megabytes(MAX_PART_BYTES)}."
            )


class _Scan:
    """Counters for the XML parts of a package, fed by expat's callbacks; raises
    WorkbookRefused at a limit.

    A node is an element or an attribute. Rows and shared strings are the units openpyxl
    clears once it has read them: their contents count towards ``MAX_UNIT_NODES`` each, and
    the unit itself (and a row's formatting attributes, which openpyxl keeps) towards the
    package's ``MAX_KEPT_NODES`` like every node outside a unit. A part whose root is neither
    a worksheet nor the shared strings also counts towards ``MAX_OBJECT_NODES``.
    """

    def __init__(self) -> None:
        self.kept = 0
        self.objects = 0
        self.shared_strings = 0
        self.overrides: dict[str, str] = {}
        self.begin_part()

    def begin_part(self) -> None:
        """Start counting a new part; the package's totals carry on."""
        self.depth = 0
        self.events = 0
        self.in_objects = False  # whether this part becomes Python objects in openpyxl
        self.unit_depth = 0  # depth of the row or shared string being read, 0 outside one
        self.unit_nodes = 0
        self.row = 0
        self.reference: str | None = None  # of the row's last cell with one
        self.unnamed = 0  # cells after that one, which openpyxl places one after another
        self.padded = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.events += 1
        self.depth += 1
        if self.unit_depth:
            self.unit_nodes += 1 + len(attributes)
            if name == _CELL:
                # openpyxl pads a row to its last cell's column; only that one needs reading.
                self.reference = attributes.get("r")
                self.unnamed = 0 if self.reference is not None else self.unnamed + 1
            if self.unit_nodes > MAX_UNIT_NODES or self.depth > MAX_DEPTH:
                raise WorkbookRefused()
            return
        if self.depth > MAX_DEPTH:
            raise WorkbookRefused()
        if self.depth == 1:
            self.in_objects = name not in (_WORKSHEET, _SHARED_STRING_TABLE)
        if name == _ROW:
            self._row(attributes)
        elif name == _STRING:
            self.shared_strings += 1
            if self.shared_strings > MAX_SHARED_STRINGS:
                raise WorkbookRefused(_TOO_MANY_STRINGS)
            self.kept += 1
            self.unit_depth, self.unit_nodes = self.depth, 0
        else:
            nodes = 1 + len(attributes)
            self.kept += nodes
            if self.in_objects:
                self.objects += nodes
                if self.objects > MAX_OBJECT_NODES:
                    raise WorkbookRefused(_TOO_MUCH)
            if name.endswith(" Override") and "PartName" in attributes:
                self.overrides[attributes["PartName"]] = attributes.get("ContentType", "")
        if self.kept > MAX_KEPT_NODES:
            raise WorkbookRefused(_TOO_MUCH)

    def end(self, name: str) -> None:
        if self.depth == self.unit_depth:
            self.unit_depth = 0
            if name == _ROW:
                self.padded += self._last_column()
                if self.padded > MAX_PADDED_CELLS:
                    raise WorkbookRefused(_TOO_WIDE)
        self.depth -= 1

    def _row(self, attributes: dict[str, str]) -> None:
        """As openpyxl numbers rows: by ``r``, else one after the last."""
        number = attributes.get("r")
        if number is None:
            self.row += 1
        else:
            match = _ROW_NUMBER.fullmatch(number)
            if match is None:
                raise WorkbookRefused()
            self.row = int(match.group(1))
        if not 1 <= self.row <= EXCEL_ROWS:
            raise WorkbookRefused()
        kept = [key for key in attributes if key not in ("r", "spans") and " " not in key]
        self.kept += 1 + len(kept)
        self.reference, self.unnamed = None, 0
        self.unit_depth, self.unit_nodes = self.depth, 0

    def _last_column(self) -> int:
        """The column of the row's last cell, as openpyxl places cells: by ``r``, else one
        after the cell before."""
        column = 0
        if self.reference is not None:
            match = _CELL_REFERENCE.fullmatch(self.reference)
            if match is None or not 1 <= int(match.group(2)) <= EXCEL_ROWS:
                raise WorkbookRefused()
            for letter in match.group(1).upper():
                column = column * 26 + ord(letter) - ord("A") + 1
        column += self.unnamed
        if column > EXCEL_COLUMNS:
            raise WorkbookRefused()
        return column


def _refuse_doctype(*_: object) -> None:
    raise WorkbookRefused()


def _scan_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, scan: _Scan) -> None:
    """Stream one part through expat, counting with ``scan``; binary parts end at the first
    error."""
    scan.begin_part()
    parser = ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    binary = posixpath.splitext(entry.filename)[1].lower() in _BINARY_SUFFIXES
    read = 0
    quiet_since = 0  # bytes fed since expat last reported an element
    try:
        with archive.open(entry) as part:
            while chunk := part.read(_CHUNK):
                read += len(chunk)
                if read > entry.file_size:
                    raise WorkbookRefused()
                before = scan.events
                parser.Parse(chunk, False)
                quiet_since = quiet_since + len(chunk) if scan.events == before else 0
                if quiet_since > MAX_TOKEN_BYTES:
                    raise WorkbookRefused()
            if read:
                parser.Parse(b"", True)
    except ExpatError:
        if not binary:
            raise WorkbookRefused() from None
    except WorkbookRefused:
        raise
    except _DAMAGED:
        raise WorkbookRefused() from None
