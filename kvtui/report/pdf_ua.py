"""The PDF/UA-1 parts of the report that ReportLab cannot write, added to its saved bytes.

``kvtui.report.tagging`` records, while ReportLab draws, which structure element each
marked-content sequence and each link annotation belongs to. Here that is written as the
structure tree (``StructTreeRoot`` with its ``ParentTree``, ``StructParent`` and
``Contents`` on every link), marks the document as tagged, asks viewers to show the title
rather than the file name, and adds the XMP metadata packet that declares PDF/UA-1
(``pdfuaid:part``) with the title, authors and language. The pages' own entries
(``StructParents``, ``Tabs``) ReportLab writes as it makes them
(``kvtui.report.document.ReportCanvas.showPage``). It runs once, before signing: a
signature covers the tagged file.

pikepdf reads the saved file (object numbers, the catalog and the links that gain
entries); everything is written as one incremental update in PDF syntax appended to
ReportLab's bytes, as signing appends its own. Making a thousand structure elements as
pikepdf objects and saving the file anew cost a quarter of the report's own time, and kept
the export above 1.5 times a plain ReportLab document (``bench/export.py``).

pikepdf is imported with this module, which only ``kvtui.report.document`` imports: the
command line's ``--help`` and the app's first frame never load it.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

import pikepdf

from kvtui.report.tagging import Annotation, Content, Element, Tagger

LANGUAGE = "sv-SE"


def tag_pdf(pdf: bytes, tagger: Tagger, *, language: str = LANGUAGE) -> bytes:
    """``pdf`` (as ReportLab saved it) with the structure ``tagger`` recorded.

    pikepdf reads the file's object numbers and the dictionaries that gain entries (the
    catalog, the link annotations); the structure tree itself, a thousand small
    dictionaries, is written as PDF text in one incremental update after ReportLab's bytes.
    Building it as pikepdf objects cost a quarter of the report's own time.
    """
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        writer = _TreeWriter(doc, tagger, int(doc.trailer.Size))
        tree = writer.write()
        root = doc.Root
        for key in ("/Lang", "/MarkInfo", "/StructTreeRoot", "/Metadata"):
            if key in root:
                del root[key]
        preferences = root.get("/ViewerPreferences")
        preferences_text = "<< /DisplayDocTitle true >>"
        if preferences is not None:
            preferences.DisplayDocTitle = True
            preferences_text = _dictionary(preferences) if preferences.is_indirect else _text(
                preferences)
            del root["/ViewerPreferences"]
        metadata = writer.number()
        writer.replace(root, f"/StructTreeRoot {tree} 0 R /MarkInfo << /Marked true >> "
                             f"/Lang {_string(language)} /ViewerPreferences {preferences_text} "
                             f"/Metadata {metadata} 0 R")
        xmp = _xmp(doc.docinfo, language).encode("utf-8")
        writer.objects.append((metadata, b"<< /Type /Metadata /Subtype /XML /Length %d >>\n"
                               b"stream\n%s\nendstream" % (len(xmp), xmp)))
        trailer = (f"/Root {root.objgen[0]} 0 R /Info {doc.trailer.Info.objgen[0]} 0 R "
                   f"/ID {_text(doc.trailer.ID)}")
    return _append(pdf, writer.objects, writer.next, trailer)


class _TreeWriter:
    """The recorded elements as numbered PDF objects (text), and the parent tree with them."""

    def __init__(self, doc: pikepdf.Pdf, tagger: Tagger, first: int) -> None:
        self.tagger = tagger
        self.next = first
        self.objects: list[tuple[int, bytes]] = []
        self.page_objects = [page.obj for page in doc.pages]
        self.pages = [page.objgen[0] for page in self.page_objects]
        self.annots: dict[int, list[pikepdf.Object]] = {
            index: list(self.page_objects[index].get("/Annots", []))
            for index in tagger.annotations}
        self.ids: dict[str, int] = {}  # element identifiers (a Note's ID)

    def number(self) -> int:
        """A new object number."""
        self.next += 1
        return self.next - 1

    def replace(self, obj: pikepdf.Object, extra: str) -> None:
        """A new version of an existing dictionary with ``extra`` entries."""
        text = _dictionary(obj).rstrip()
        assert text.endswith(">>")
        self.objects.append((obj.objgen[0], f"{text[:-2]} {extra} >>".encode("latin-1")))

    def write(self) -> int:
        """Every object of the tree; the tree root's number."""
        root = self.number()
        document = self._element(self.tagger.document, root)
        nums: list[str] = []
        for index in range(len(self.page_objects)):
            items = self.tagger.pages.get(index, [])
            array = self.number()
            self.objects.append((array, ("[" + " ".join(
                f"{element.number} 0 R" for element in items) + "]").encode()))
            nums.append(f"{index} {array} 0 R")
        key = len(self.pages)
        for page_index, entries in sorted(self.tagger.annotations.items()):
            for (element, record), annot in zip(entries, self.annots[page_index],
                                                strict=False):
                for name in ("/StructParent", "/Contents"):
                    if name in annot:
                        del annot[name]
                self.replace(annot, f"/StructParent {key} /Contents {_string(record.contents)}")
                nums.append(f"{key} {element.number} 0 R")
                key += 1
        parent_tree = self.number()
        self.objects.append((parent_tree, f"<< /Nums [{' '.join(nums)}] >>".encode()))
        tree = f"/ParentTree {parent_tree} 0 R /ParentTreeNextKey {key}"
        if self.ids:
            id_tree = self.number()
            names = " ".join(f"{_string(name)} {self.ids[name]} 0 R"
                             for name in sorted(self.ids))
            self.objects.append((id_tree, f"<< /Names [{names}] >>".encode()))
            tree += f" /IDTree {id_tree} 0 R"
        self.objects.append((root, f"<< /Type /StructTreeRoot /K {document} 0 R {tree} >>"
                             .encode()))
        return root

    def _element(self, element: Element, parent: int) -> int:
        """The element and everything under it (numbered in reading order); its number."""
        number = element.number = self.number()
        parts = [f"<< /Type /StructElem /S /{element.role} /P {parent} 0 R"]
        for key, value in element.entries.items():
            parts.append(f"/{key} {_string(value)}")
            if key == "ID":
                self.ids[value] = number
        if element.attributes:
            parts.append("/A <<" + " ".join(f"/{k} {_value(v)}"
                                            for k, v in element.attributes.items()) + ">>")
        page = -1
        kids: list[str] = []
        for kid in element.kids:
            if isinstance(kid, Element):
                kids.append(f"{self._element(kid, number)} 0 R")
            elif isinstance(kid, Content):
                if page < 0:
                    page = kid.page
                    parts.append(f"/Pg {self.pages[page]} 0 R")
                kids.append(str(kid.mcid) if kid.page == page else
                            f"<< /Type /MCR /Pg {self.pages[kid.page]} 0 R /MCID {kid.mcid} >>")
            elif isinstance(kid, Annotation):
                annots = self.annots[kid.page]
                if kid.index < len(annots):
                    kids.append(f"<< /Type /OBJR /Obj {annots[kid.index].objgen[0]} 0 R "
                                f"/Pg {self.pages[kid.page]} 0 R >>")
        parts.append(f"/K {kids[0]}" if len(kids) == 1 and kids[0].isdigit()
                     else f"/K [{' '.join(kids)}]")
        self.objects.append((number, (" ".join(parts) + " >>").encode("latin-1")))
        return number


def _text(obj: Any) -> str:
    """An object as PDF text; a dictionary's own entries, other objects by reference."""
    if isinstance(obj, bool):
        return "true" if obj else "false"
    if not isinstance(obj, pikepdf.Object):
        return str(obj)
    return bytes(obj.unparse()).decode("latin-1")


def _dictionary(obj: pikepdf.Object) -> str:
    """An indirect dictionary's own entries as PDF text, its values by reference."""
    return "<< " + " ".join(f"{key} {_text(obj.get(key))}" for key in obj.keys()) + " >>"  # noqa: SIM118


def _string(text: str) -> str:
    """A PDF text string: ASCII as it is, anything else UTF-16BE in hex."""
    if text.isascii() and text.isprintable():
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _value(value: Any) -> str:
    """An attribute's value as PDF text: names for words, arrays for lists."""
    if isinstance(value, str):
        return "/" + value
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(f"{float(v):.3f}" for v in value) + "]"
    return str(value)


def _append(pdf: bytes, objects: list[tuple[int, bytes]], size: int, trailer: str) -> bytes:
    """``pdf`` with ``objects`` appended as an incremental update (PDF 7.5.6)."""
    previous = int(pdf[pdf.rindex(b"startxref") + 9:].split()[0])
    chunks = [pdf if pdf.endswith(b"\n") else pdf + b"\n"]
    position = len(chunks[0])
    offsets: dict[int, int] = {}
    for number, body in objects:
        offsets[number] = position
        chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
        chunks.append(chunk)
        position += len(chunk)
    xref = position
    chunks.append(b"xref\n0 1\n0000000000 65535 f \n")
    chunks += [b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
               for number in sorted(offsets)]
    chunks.append((f"trailer\n<< /Size {size} {trailer} /Prev {previous} >>\n"
                   f"startxref\n{xref}\n%%EOF\n").encode("latin-1"))
    return b"".join(chunks)


def _xmp(info: pikepdf.Dictionary, language: str) -> str:
    """The XMP packet: the document information's entries, the language, PDF/UA-1."""

    def text(key: str) -> str:
        value = info.get(key)
        return escape(str(value)) if value is not None else ""

    creators = "".join(f"<rdf:li>{escape(name.strip())}</rdf:li>"
                       for name in str(info.get("/Author", "")).split(",") if name.strip())
    description = (f"<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{text('/Subject')}"
                   "</rdf:li></rdf:Alt></dc:description>" if text("/Subject") else "")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text("/Title")}</rdf:li></rdf:Alt>'
        f'</dc:title><dc:creator><rdf:Seq>{creators}</rdf:Seq></dc:creator>{description}'
        f'<dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>'
        f'<pdf:Keywords>{text("/Keywords")}</pdf:Keywords>'
        f'<pdf:Producer>{text("/Producer")}</pdf:Producer>'
        f'<xmp:CreatorTool>{text("/Creator")}</xmp:CreatorTool>'
        '<pdfuaid:part>1</pdfuaid:part>'
        '</rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>')
