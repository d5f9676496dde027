"""Malformed and hostile case-file lists, for the import's tests and ``bench/fuzz_import.py``.

Workbooks are written part by part (``build_xlsx``), so that a test can put any XML in any part:
an entity bomb in the shared strings, a row numbered past Excel's last, a zip whose directory
lies about sizes. ``hostile_files`` makes the named attacks; ``mutations`` makes seeded random
damage to valid files (flipped bytes, cuts, broken XML, foreign encodings, control characters).
Every file is named so that a failure says which one; all data is invented.
"""

from __future__ import annotations

import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from io import BytesIO

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

HEADER = ("Referens", "Placeringsform", "Lagrum")
PLACEMENTS = ("familjehem", "jourhem", "nätverkshem", "HVB")


def population(rows: int = 12) -> list[tuple[str, str, str]]:
    """An invented population: references FV-0001 … and two attributes."""
    return [(f"FV-{index:04d}", PLACEMENTS[index % 4], "LVU" if index % 3 == 0 else "SoL")
            for index in range(1, rows + 1)]


def good_csv(rows: int = 12, encoding: str = "cp1252") -> bytes:
    """A valid list as Swedish Excel saves it: semicolons, CR LF, Windows-1252."""
    lines = [";".join(HEADER), *(";".join(row) for row in population(rows))]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def column_letters(index: int) -> str:
    """Excel's name of the column at 0-based ``index``: A, B, …, Z, AA, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def inline_row(number: int, values: tuple[str, ...]) -> str:
    """One <row> of inline strings."""
    cells = "".join(
        f'<c r="{column_letters(column)}{number}" t="inlineStr"><is><t>{_escape(value)}</t>'
        "</is></c>"
        for column, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows: list[str], before: str = "", after: str = "") -> str:
    """A worksheet part holding the given <row> elements."""
    return (f'{DECLARATION}<worksheet xmlns="{MAIN}">{before}<sheetData>{"".join(rows)}'
            f"</sheetData>{after}</worksheet>")


def good_sheet(rows: int = 12) -> str:
    """The population as a worksheet of inline strings."""
    return sheet_xml([inline_row(1, HEADER)] + [
        inline_row(number, values) for number, values in enumerate(population(rows), start=2)
    ])


def shared_strings_xml(strings: list[str], *, raw: bool = False) -> str:
    """A shared-strings part; ``raw`` puts the strings in unescaped (to inject markup)."""
    items = "".join(f"<si><t>{text if raw else _escape(text)}</t></si>" for text in strings)
    return (f'{DECLARATION}<sst xmlns="{MAIN}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{items}</sst>')


def shared_sheet(rows: list[tuple[int, ...]]) -> str:
    """A worksheet whose cells are indexes into the shared strings."""
    built = []
    for number, indexes in enumerate(rows, start=1):
        cells = "".join(f'<c r="{column_letters(column)}{number}" t="s"><v>{index}</v></c>'
                        for column, index in enumerate(indexes))
        built.append(f'<row r="{number}">{cells}</row>')
    return sheet_xml(built)


def build_xlsx(
    sheet: str | None = None, *, shared_strings: str | None = None,
    sheet_name: str = "Akter", extra: dict[str, bytes] | None = None,
    replace: dict[str, bytes] | None = None, compression: int = zipfile.ZIP_DEFLATED,
    more_sheets: Sequence[tuple[str, str]] = (),
) -> bytes:
    """A workbook of one sheet, and of ``more_sheets`` (name, worksheet XML) after it, written
    part by part; ``replace`` swaps a part's bytes."""
    sheets = [(sheet_name, sheet if sheet is not None else good_sheet()), *more_sheets]
    overrides = [("/xl/workbook.xml", _BOOK_TYPE)] + [
        (f"/xl/worksheets/sheet{number}.xml", _SHEET_TYPE)
        for number in range(1, len(sheets) + 1)]
    relations = [(f"rId{number}", "worksheet", f"worksheets/sheet{number}.xml")
                 for number in range(1, len(sheets) + 1)]
    if shared_strings is not None:
        overrides.append(("/xl/sharedStrings.xml", _STRINGS_TYPE))
        relations.append(("rIdStrings", "sharedStrings", "sharedStrings.xml"))
    parts = {
        "[Content_Types].xml": (
            f'{DECLARATION}<Types xmlns="{_TYPES}">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>'
                      for name, kind in overrides)
            + "</Types>"
        ),
        "_rels/.rels": (
            f'{DECLARATION}<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
            f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{_DOC_RELS}"><sheets>'
            + "".join(f'<sheet name="{_escape(name)}" sheetId="{number}" r:id="rId{number}"/>'
                      for number, (name, _) in enumerate(sheets, start=1))
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{DECLARATION}<Relationships xmlns="{_RELS}">'
            + "".join(f'<Relationship Id="{rid}" Type="{_DOC_RELS}/{kind}" Target="{target}"/>'
                      for rid, kind, target in relations)
            + "</Relationships>"
        ),
        **{f"xl/worksheets/sheet{number}.xml": xml
           for number, (_, xml) in enumerate(sheets, start=1)},
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    data = {name: text.encode("utf-8") for name, text in parts.items()}
    data.update(extra or {})
    data.update(replace or {})
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in data.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def many_sheets(count: int, *, list_on: int | None = None) -> bytes:
    """A workbook of ``count`` empty sheets, Blad1 …, but for the population on sheet number
    ``list_on`` (counted from 1) when given."""
    sheets = [(f"Blad{number}", good_sheet() if number == list_on else sheet_xml([]))
              for number in range(1, count + 1)]
    return build_xlsx(sheets[0][1], sheet_name=sheets[0][0], more_sheets=sheets[1:])


def good_xlsx(rows: int = 12) -> bytes:
    """A valid workbook of the population, as openpyxl writes one (shared strings, styles)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Akter"
    sheet.append(HEADER)
    for row in population(rows):
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Zip surgery -------------------------------------------------------------------------------


def _directory(data: bytes) -> tuple[int, int, int]:
    """(offset of the end record, offset of the central directory, number of entries)."""
    end = data.rfind(b"PK\x05\x06")
    entries, _, offset = struct.unpack_from("<HLL", data, end + 10)
    return end, offset, entries


def set_declared_size(data: bytes, part: str, size: int) -> bytes:
    """The zip with ``part``'s uncompressed size changed in both headers (a lying size)."""
    buffer = bytearray(data)
    _, position, entries = _directory(data)
    for _ in range(entries):
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", buffer,
                                                                        position + 28)
        name = bytes(buffer[position + 46: position + 46 + name_length]).decode()
        if name == part:
            struct.pack_into("<L", buffer, position + 24, size)
            local = struct.unpack_from("<L", buffer, position + 42)[0]
            struct.pack_into("<L", buffer, local + 22, size)
        position += 46 + name_length + extra_length + comment_length
    return bytes(buffer)


def set_entry_count(data: bytes, count: int) -> bytes:
    """The zip with its end record claiming ``count`` entries."""
    buffer = bytearray(data)
    end, _, _ = _directory(data)
    struct.pack_into("<HH", buffer, end + 8, count, count)
    return bytes(buffer)


def as_zip64(data: bytes, entries: int | None = None) -> bytes:
    """The zip with a Zip64 end record (as a writer of large archives leaves), claiming
    ``entries`` entries (by default the true number)."""
    end, offset, count = _directory(data)
    count = count if entries is None else entries
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count,
                         end - offset, offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    final = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF,
                        0xFFFFFFFF, 0)
    return data[:end] + record + locator + final


@cache
def deflated_zeros(megabytes: int) -> tuple[bytes, int]:
    """A raw deflate stream that unpacks to ``megabytes`` MiB of zeros (about 1 KB per MB),
    and the CRC-32 of those zeros."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(1024 * 1024)
    stream = b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    return stream, crc


def zip_bomb(megabytes: int, *, part: str = "xl/worksheets/sheet1.xml",
             declared: int | None = None) -> bytes:
    """A workbook whose ``part`` unpacks to ``megabytes`` MiB of zeros; ``declared`` sets the
    size its headers claim (by default the true one)."""
    stream, crc = deflated_zeros(megabytes)
    size = megabytes * 1024 * 1024
    data = build_xlsx(shared_sheet([(0,), (1,)]), shared_strings=shared_strings_xml(["a", "b"]),
                      compression=zipfile.ZIP_STORED)
    return _splice(data, part, stream, crc, size if declared is None else declared)


def _splice(data: bytes, part: str, stream: bytes, crc: int, size: int) -> bytes:
    """Rewrite the zip with ``part`` holding a raw deflate ``stream`` declared as ``size``."""
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    central = []
    for info in source.infolist():
        name = info.filename.encode()
        if info.filename == part:
            body, method, checksum, unpacked = stream, 8, crc, size
        else:
            body = source.read(info)
            method, checksum, unpacked = 0, zlib.crc32(body), len(body)
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, checksum,
                              len(body), unpacked, len(name), 0))
        out.write(name)
        out.write(body)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0,
                                   checksum, len(body), unpacked, len(name), 0, 0, 0, 0, 0,
                                   offset) + name)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                          out.tell() - start, start, 0))
    return out.getvalue()


# --- The named attacks -------------------------------------------------------------------------

XXE_FILE = "/etc/hostname"


def hostile_files() -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of every named attack on the workbook and CSV readers."""
    good = good_xlsx()
    yield "inte-en-zip.xlsx", b"Referens;Lagrum\r\nFV-1;SoL\r\n"
    yield "tom.xlsx", b""
    yield "bara-zip-huvud.xlsx", b"PK\x03\x04" + bytes(40)
    yield "avklippt.xlsx", good[: len(good) // 2]
    yield "utan-slutpost.xlsx", good[:-22]
    flipped = bytearray(good)
    start = good.find(b"xl/worksheets/sheet1.xml") + 40
    flipped[start] ^= 0xFF
    yield "fel-kontrollsumma.xlsx", bytes(flipped)
    yield "trasig-xml.xlsx", build_xlsx(good_sheet()[:-40])
    yield "trasig-delad-text.xlsx", build_xlsx(
        shared_sheet([(0, 1)]), shared_strings=shared_strings_xml(["Referens", "<b>"], raw=True))
    yield "xxe.xlsx", build_xlsx(shared_sheet([(0,), (1,)]), shared_strings=(
        f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file://{XXE_FILE}">]>'
        f'<sst xmlns="{MAIN}"><si><t>Referens</t></si><si><t>&xxe;</t></si></sst>'))
    yield "xxe-i-blad.xlsx", build_xlsx(
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://{XXE_FILE}">]>'
        + good_sheet().removeprefix(DECLARATION).replace("FV-0001", "&xxe;"))
    lol = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    yield "miljard-skratt.xlsx", build_xlsx(shared_sheet([(0,), (1,)]), shared_strings=(
        f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol0 "lol">{lol}]>'
        f'<sst xmlns="{MAIN}"><si><t>Referens</t></si><si><t>&lol9;</t></si></sst>'))
    yield "delad-text-utanfor.xlsx", build_xlsx(
        shared_sheet([(0, 1), (2, 99)]), shared_strings=shared_strings_xml(["Referens", "Lagrum",
                                                                            "FV-1"]))
    yield "delad-text-negativ.xlsx", build_xlsx(
        shared_sheet([(0,), (-5,)]), shared_strings=shared_strings_xml(["Referens"]))
    yield "delad-text-inget-tal.xlsx", build_xlsx(
        sheet_xml(['<row r="1"><c r="A1" t="s"><v>noll</v></c></row>']),
        shared_strings=shared_strings_xml(["Referens"]))
    yield "utan-delade-texter.xlsx", build_xlsx(shared_sheet([(0,), (1,)]))
    yield "rad-utanfor-excel.xlsx", build_xlsx(sheet_xml(
        [inline_row(1, HEADER), '<row r="99999999999"><c t="inlineStr"><is><t>FV-1</t></is>'
         "</c></row>"]))
    yield "rad-nummer-text.xlsx", build_xlsx(sheet_xml(
        [inline_row(1, HEADER), '<row r="två"><c t="inlineStr"><is><t>FV-1</t></is></c></row>']))
    yield "sista-raden.xlsx", build_xlsx(sheet_xml(
        [inline_row(1, HEADER), inline_row(2, ("FV-1", "jourhem", "SoL")),
         '<row r="1048576"><c r="A1048576" s="0"/></row>']))
    yield "cell-utanfor-excel.xlsx", build_xlsx(sheet_xml(
        [inline_row(1, HEADER), '<row r="2"><c r="ZZZ2" t="inlineStr"><is><t>x</t></is></c>'
         "</row>"]))
    yield "sista-kolumnen.xlsx", build_xlsx(sheet_xml(
        [inline_row(1, HEADER)] + [f'<row r="{n}"><c r="XFD{n}"/></row>' for n in range(2, 400)]))
    yield "bred-rad.xlsx", build_xlsx(sheet_xml(
        [inline_row(1, HEADER), '<row r="2">' + "<c/>" * 300_000 + "</row>"]))
    yield "stor-dimension.xlsx", build_xlsx(good_sheet().replace(
        "<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>'))
    yield "manga-element.xlsx", build_xlsx(sheet_xml(
        [inline_row(1, HEADER)], after="<x/>" * 1_200_000))
    yield "djup-nastling.xlsx", build_xlsx(sheet_xml(
        [inline_row(1, HEADER)], after="<x>" * 5000 + "</x>" * 5000))
    yield "lang-tagg.xlsx", build_xlsx(sheet_xml(
        [inline_row(1, HEADER)], after="<x " + " ".join(f"a{n}=''" for n in range(300_000))
        + "/>"))
    yield "lang-text.xlsx", build_xlsx(sheet_xml(
        [inline_row(1, HEADER), inline_row(2, ("FV-1", "x" * 2_000_000, "SoL"))]))
    yield "lang-kommentar.xlsx", build_xlsx(sheet_xml(
        [inline_row(1, HEADER)], after="<!--" + "-" * 10 + "x" * 2_000_000 + "-->"))
    yield "okand-kodning.xlsx", build_xlsx(good_sheet().replace('encoding="UTF-8"',
                                                                'encoding="EBCDIC-037"'))
    yield "utf16-blad.xlsx", build_xlsx(replace={"xl/worksheets/sheet1.xml": good_sheet()
                                                 .replace("UTF-8", "UTF-16").encode("utf-16")})
    yield "escape-kod-delad.xlsx", build_xlsx(shared_sheet([(0, 1), (2, 3)]),
                                              shared_strings=shared_strings_xml(
        ["Referens", "Lagrum", "FV-1", "SoL_x001B_[2J"]))
    yield "styrtecken-i-blad.xlsx", build_xlsx(sheet_xml(
        [inline_row(1, HEADER), inline_row(2, ("FV-1", "jourhem\u009b31m", "SoL"))]))
    yield "riktning-i-blad.xlsx", build_xlsx(sheet_xml(
        [inline_row(1, HEADER), inline_row(2, ("FV-\u202e321", "jourhem", "SoL"))]))
    yield "styrtecken-bladnamn.xlsx", build_xlsx(sheet_name="Akter\u202e\u009b2J")
    yield "manga-delar.xlsx", build_xlsx(extra={f"xl/media/bild{n}.png": b"\x89PNG"
                                                for n in range(6000)},
                                         compression=zipfile.ZIP_STORED)
    yield "manga-tomma-blad.xlsx", many_sheets(400)
    yield "lista-efter-manga-tomma-blad.xlsx", many_sheets(400, list_on=400)
    yield "ljuger-om-antal.xlsx", set_entry_count(good, 60_000)
    yield "ljuger-om-storlek.xlsx", set_declared_size(good, "xl/worksheets/sheet1.xml", 100)
    yield "zipbomb.xlsx", zip_bomb(300)
    yield "zipbomb-liten-storlek.xlsx", zip_bomb(300, declared=4096)
    yield "zipbomb-delade-texter.xlsx", zip_bomb(300, part="xl/sharedStrings.xml")
    yield "zipbomb-delade-texter-40.xlsx", zip_bomb(40, part="xl/sharedStrings.xml")
    yield "krypterad.xlsx", _flag_encrypted(good)
    yield "okand-komprimering.xlsx", _compression_method(good, 99)
    yield "inget-arbetsbok.xlsx", build_xlsx(replace={"xl/workbook.xml": b"<workbook/>"})
    yield "saknar-blad.xlsx", _without(good, "xl/worksheets/sheet1.xml")
    yield "saknar-typer.xlsx", _without(good, "[Content_Types].xml")
    yield "doctype-i-typer.xlsx", build_xlsx(replace={"[Content_Types].xml": (
        b'<?xml version="1.0"?><!DOCTYPE Types SYSTEM "http://example.invalid/t.dtd">'
        + build_xlsx_part(build_xlsx(), "[Content_Types].xml").split(b"?>", 1)[1])})
    yield from hostile_csv()


def build_xlsx_part(data: bytes, part: str) -> bytes:
    """One part's bytes from a workbook."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return archive.read(part)


def _without(data: bytes, part: str) -> bytes:
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != part:
                archive.writestr(info.filename, source.read(info))
    return out.getvalue()


def _flag_encrypted(data: bytes) -> bytes:
    """Every entry marked as encrypted (general-purpose flag bit 0)."""
    buffer = bytearray(data)
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        buffer[position + 8] |= 1
        position += 4
    return bytes(buffer)


def _compression_method(data: bytes, method: int) -> bytes:
    """Every entry claiming a compression method zipfile does not know."""
    buffer = bytearray(data)
    for signature, offset in ((b"PK\x01\x02", 10), (b"PK\x03\x04", 8)):
        position = 0
        while (position := data.find(signature, position)) >= 0:
            struct.pack_into("<H", buffer, position + offset, method)
            position += 4
    return bytes(buffer)


def hostile_csv() -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of the named attacks on the CSV reader."""
    good = good_csv()
    yield "nul.csv", good.replace(b"jourhem", b"jour\x00hem", 1)
    yield "escape.csv", good.replace(b"jourhem", b"jour\x1b[2Jhem", 1)
    yield "escape-i-rubrik.csv", good.replace(b"Lagrum", b"Lag\x1b[31mrum", 1)
    yield "c1.csv", good.decode("cp1252").replace("SoL", "So\u009bL", 1).encode("utf-8")
    yield "del.csv", good.replace(b"SoL", b"So\x7fL", 1)
    yield "riktning.csv", good.decode("cp1252").replace("FV-0001", "FV-\u202e1000").encode(
        "utf-8")
    yield "radseparator.csv", good.decode("cp1252").replace("jourhem", "jour\u2028hem").encode(
        "utf-8")
    yield "backsteg.csv", good.replace(b"FV-0002", b"FV-0002\x08\x08\x08\x08\x08\x08\x08BoU")
    yield "vagnretur-mitt-i.csv", good.replace(b"jourhem", b'"jour\rhem"', 1)
    yield "odefinierad-cp1252.csv", good.replace(b"jourhem", b"jour\x81hem", 1)
    yield "blandad-kodning.csv", good + "FV-9999;nätverkshem;SoL\r\n".encode()
    yield "utf16-utan-bom.csv", good.decode("cp1252").encode("utf-16-le")
    yield "utf16-trasig.csv", b"\xff\xfe" + good.decode("cp1252").encode("utf-16-le")[:-1]
    yield "utf32.csv", good.decode("cp1252").encode("utf-32")
    yield "oavslutat-citat.csv", good.replace(b"jourhem", b'"jourhem', 1)
    yield "citat-efter-citat.csv", good.replace(b"jourhem", b'"jour"hem', 1)
    yield "lang-rad.csv", b"Referens;Lagrum\r\nFV-1;" + b"x" * 200_000 + b"\r\n"
    yield "langt-falt-citerat.csv", b'Referens;Lagrum\r\nFV-1;"' + b"x" * 40_000 + b'"\r\n'
    yield "manga-kolumner.csv", (";".join(f"K{n}" for n in range(300)) + "\r\n").encode()
    yield "bara-skiljetecken.csv", b"Referens;" + b";" * 2_100_000 + b"\r\n"
    yield "manga-rader.csv", b"Referens\r\n" + b"".join(b"FV-%d\r\n" % n for n in range(100_001))
    yield "bara-radbrytningar.csv", b"Referens\r\n" + b"\n" * 300_000
    yield "manga-falt.csv", b"Referens;A;B;C;D;E;F;G;H;I;J\r\n" + b"".join(
        b"FV-%d;a;b;c;d;e;f;g;h;i;j\r\n" % n for n in range(95_000))
    yield "gammal-excel.csv", b"\xd0\xcf\x11\xe0" + bytes(100)
    yield "zip-som-csv.csv", good_xlsx()
    yield "bara-bom.csv", b"\xef\xbb\xbf"
    yield "bara-blanksteg.csv", b"   \r\n\t\r\n"
    yield "sep-rad-utan-data.csv", b"sep=;\r\n"
    yield "sep-okant.csv", b"sep=|\r\nReferens|Lagrum\r\nFV-1|SoL\r\n"
    yield "rubrik-utan-akter.csv", b"Referens;Lagrum\r\n"
    yield "dubbla-rubriker.csv", b"Referens;Referens\r\nFV-1;FV-2\r\n"
    yield "excel-tal.csv", b"Referens;Lagrum\r\n1,91212E+11;SoL\r\n"


# --- Random damage ---------------------------------------------------------------------------

Mutation = Callable[[random.Random], tuple[str, bytes]]

_CONTROL = [chr(code) for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F,
                                   *range(0x80, 0xA0), 0x202E, 0x2066, 0x200F, 0x2028)]
_MARKUP = ["<", ">", "&", "<row>", "</row>", "<c>", "</c>", '<c r="A0">', "<v>", "</v>",
           '<c t="s"><v>999999</v></c>', '<row r="0">', "<!--", "]]>", "&#0;", "&#x1b;",
           "&unknown;", '<?xml version="1.0"?>', "<!DOCTYPE x>", "\x00", "\udcff"]


def _flip(data: bytes, rng: random.Random, count: int) -> bytes:
    buffer = bytearray(data)
    for _ in range(count):
        position = rng.randrange(len(buffer))
        buffer[position] = rng.randrange(256)
    return bytes(buffer)


def _mutate_text(text: str, rng: random.Random) -> str:
    """Text with a random cut, insertion or swap: broken XML, a stray control character."""
    kind = rng.randrange(4)
    position = rng.randrange(len(text) + 1)
    if kind == 0:
        return text[:position] + text[position + rng.randrange(1, 40):]
    if kind == 1:
        return text[:position] + rng.choice(_MARKUP) + text[position:]
    if kind == 2:
        return text[:position] + rng.choice(_CONTROL) + text[position:]
    other = rng.randrange(len(text) + 1)
    low, high = sorted((position, other))
    return text[:low] + text[high:] + text[low:high]


def _rezip_with(data: bytes, part: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename,
                             content if info.filename == part else source.read(info))
    return out.getvalue()


def mutations(seed: int, count: int) -> Iterator[tuple[str, bytes]]:
    """``count`` randomly damaged files, half workbooks and half CSV, the same for a seed."""
    rng = random.Random(seed)
    xlsx = good_xlsx()
    csv_files = {"cp1252": good_csv(), "utf-8-sig": good_csv(encoding="utf-8-sig")}
    with zipfile.ZipFile(BytesIO(xlsx)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    for number in range(count):
        kind = rng.randrange(7)
        if kind == 0:
            data = _flip(xlsx, rng, rng.randrange(1, 6))
            yield f"slump-{number:03d}-bytevandad.xlsx", data
        elif kind == 1:
            yield f"slump-{number:03d}-avklippt.xlsx", xlsx[: rng.randrange(len(xlsx))]
        elif kind in (2, 3):
            part = rng.choice(sorted(parts))
            text = parts[part].decode("utf-8")
            for _ in range(rng.randrange(1, 4)):
                text = _mutate_text(text, rng)
            content = text.encode("utf-8", "surrogatepass")
            name = part.rsplit("/", 1)[-1].replace("[", "").replace("]", "")
            yield f"slump-{number:03d}-xml-{name}.xlsx", _rezip_with(xlsx, part, content)
        elif kind == 4:
            encoding = rng.choice(sorted(csv_files))
            yield f"slump-{number:03d}-bytevandad.csv", _flip(csv_files[encoding], rng,
                                                              rng.randrange(1, 8))
        elif kind == 5:
            text = good_csv().decode("cp1252")
            for _ in range(rng.randrange(1, 4)):
                text = _mutate_text(text, rng)
            encoding = rng.choice(["utf-8", "cp1252", "utf-16", "latin-1", "utf-8-sig"])
            data = text.encode(encoding, "replace" if encoding != "utf-8" else "surrogatepass")
            yield f"slump-{number:03d}-text-{encoding}.csv", data
        else:
            data = good_csv()
            cut = rng.randrange(len(data))
            yield f"slump-{number:03d}-avklippt.csv", data[:cut]


# --- The largest files within the limits ------------------------------------------------------


def large_files() -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of the heaviest files kvtui still reads, or refuses only late: each
    pushes one limit of ``kvtui.domain.import_limits`` or ``kvtui.domain.workbook_check`` to its
    edge. Made one at a time, as they are large (``LARGE_FILES`` makes one by name)."""
    for name, make in LARGE_FILES.items():
        yield name, make()


def _largest_csv() -> bytes:
    """As many fields as allowed, ten columns, in Windows-1252."""
    columns = 10
    lines = [";".join(["Referens", *(f"Uppgift {n}" for n in range(1, columns))])]
    lines += [";".join([f"FV-{row:06d}", *(f"värde {row % 97} {n}" for n in range(1, columns))])
              for row in range(1, _largest_rows(columns) + 1)]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _largest_rows(columns: int) -> int:
    from kvtui.domain.import_limits import MAX_CELLS, MAX_ROWS

    return min(MAX_ROWS, MAX_CELLS // columns - 1)


def _wide_characters_csv() -> bytes:
    """A file as large as allowed whose every field is as long as allowed and holds a
    character outside the Basic Multilingual Plane, so that each string Python makes of it
    takes four bytes a character."""
    from kvtui.domain.import_limits import MAX_FIELD_CHARS, MAX_FILE_BYTES

    wide = "\U0001f600" + "x" * (MAX_FIELD_CHARS - 1)
    row_bytes = len(f"FV-000000;{wide};{wide}\r\n".encode())
    count = (MAX_FILE_BYTES - 100) // row_bytes
    return ("Referens;A;B\r\n" + "".join(
        f"FV-{row:06d};{wide};{wide}\r\n" for row in range(count))).encode()


def _most_strings() -> str:
    """A shared-strings part with as many strings as allowed, each with a four-byte character,
    as large as allowed; the first three are the header."""
    from kvtui.domain.workbook_check import MAX_SHARED_STRINGS, MAX_SHARED_STRINGS_BYTES

    length = (MAX_SHARED_STRINGS_BYTES - 2**20) // MAX_SHARED_STRINGS - len("<si><t></t></si>")
    strings = [f"\U0001f600{index:07d}".ljust(length - 10, "x")
               for index in range(MAX_SHARED_STRINGS - 1)]
    strings[:3] = list(HEADER)
    return shared_strings_xml(strings)


def _most_formatting() -> bytes:
    """A styles part with as many number formats as allowed: openpyxl makes an object of
    each."""
    from kvtui.domain.workbook_check import MAX_OBJECT_NODES

    formats = (MAX_OBJECT_NODES - 1000) // 3
    return (f'{DECLARATION}<styleSheet xmlns="{MAIN}"><numFmts count="{formats}">' + "".join(
        f'<numFmt numFmtId="{164 + n}" formatCode="yyyy-mm-dd;@{n}"/>' for n in range(formats))
        + "</numFmts></styleSheet>").encode()


def _most_kept_nodes() -> bytes:
    from kvtui.domain.workbook_check import MAX_KEPT_NODES

    loose = '<x a="1" b="2" c="3"/>' * ((MAX_KEPT_NODES - 100) // 4)
    return build_xlsx(sheet_xml(
        [inline_row(1, HEADER), inline_row(2, ("FV-1", "jourhem", "SoL"))], after=loose))


def _most_formatted_rows() -> bytes:
    from kvtui.domain.workbook_check import MAX_KEPT_NODES

    return build_xlsx(sheet_xml(
        [inline_row(1, HEADER), inline_row(2, ("FV-1", "jourhem", "SoL"))]
        + [f'<row r="{n}" ht="15" customHeight="1"/>'
           for n in range(3, (MAX_KEPT_NODES - 100) // 6)]))


def _everything_at_once() -> bytes:
    """The shared strings, the formatting and formatted rows all at their edge together."""
    from kvtui.domain.workbook_check import MAX_KEPT_NODES, MAX_OBJECT_NODES, MAX_SHARED_STRINGS

    rest = (MAX_KEPT_NODES - MAX_SHARED_STRINGS - MAX_OBJECT_NODES) // 3 - 10
    return build_xlsx(sheet_xml(
        [inline_row(1, HEADER), '<row r="2"><c t="s"><v>3</v></c><c t="s"><v>4</v></c></row>']
        + [f'<row r="{n}" ht="15"/>' for n in range(3, rest)]),
        shared_strings=_most_strings(), extra={"xl/styles.xml": _most_formatting()})


def _widest_row() -> bytes:
    from kvtui.domain.import_limits import MAX_COLUMNS

    header = inline_row(1, ("Referens", *(f"K{n}" for n in range(1, MAX_COLUMNS))))
    return build_xlsx(sheet_xml([
        header, '<row r="2"><c t="inlineStr"><is><t>FV-1</t></is></c>' + "<c/>" * 16_000
        + "</row>"]))


def _large_sheet() -> bytes:
    """A sheet of some hundred megabytes, read until the row limit stops it."""
    cells = "".join(f'<c r="{column_letters(n)}{{0}}"><v>{n}</v></c>' for n in range(5))
    return build_xlsx(sheet_xml(
        [inline_row(1, HEADER)] + [f'<row r="{n}">{cells.format(n)}</row>'
                                   for n in range(2, 700_000)]))


def _most_parts() -> bytes:
    from kvtui.domain.workbook_check import MAX_ENTRIES

    return build_xlsx(extra={f"xl/media/bild{n}.png": b"\x89PNG"
                             for n in range(MAX_ENTRIES - 10)}, compression=zipfile.ZIP_STORED)


def _most_sheets() -> bytes:
    """As many empty sheets as the parts allowed hold, the population on the last."""
    from kvtui.domain.workbook_check import MAX_ENTRIES

    count = MAX_ENTRIES - 10
    return many_sheets(count, list_on=count)


LARGE_FILES: dict[str, Callable[[], bytes]] = {
    "storsta-csv.csv": _largest_csv,
    "storsta-csv-breda-tecken.csv": _wide_characters_csv,
    "storsta-xlsx.xlsx": lambda: _largest_workbook(_largest_rows(10), 10),
    "delade-texter-max.xlsx": lambda: build_xlsx(shared_sheet([(0, 1, 2), (3, 4, 5)]),
                                                 shared_strings=_most_strings()),
    "bevarade-noder-max.xlsx": _most_kept_nodes,
    "formaterade-rader-max.xlsx": _most_formatted_rows,
    "formatering-max.xlsx": lambda: build_xlsx(extra={"xl/styles.xml": _most_formatting()}),
    "kombination-max.xlsx": _everything_at_once,
    "bred-rad-max.xlsx": _widest_row,
    "stort-blad.xlsx": _large_sheet,
    "manga-delar-max.xlsx": _most_parts,
    "manga-blad-max.xlsx": _most_sheets,
    "zipbomb-1gb.xlsx": lambda: zip_bomb(1024),
    "zipbomb-1gb-ljuger.xlsx": lambda: zip_bomb(1024, declared=100_000_000),
}


def _largest_workbook(rows: int, columns: int) -> bytes:
    """A workbook of ``rows`` case files under a header, as openpyxl writes one."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Akter")
    sheet.append(["Referens", *(f"Uppgift {n}" for n in range(1, columns))])
    for row in range(1, rows + 1):
        sheet.append([f"FV-{row:06d}", *(f"värde {row % 97} {n}" for n in range(1, columns))])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
