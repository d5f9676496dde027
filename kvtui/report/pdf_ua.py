"""The PDF/UA-1 parts of the report that ReportLab cannot write, added to its saved bytes.

``kvtui.report.tagging`` records, while ReportLab draws, which structure element each
marked-content sequence and each link annotation belongs to. Here pikepdf writes that as the
structure tree (``StructTreeRoot`` with its ``ParentTree``, ``StructParents`` on every page,
``StructParent`` and ``Contents`` on every link), marks the document as tagged, asks viewers
to show the title rather than the file name, orders each page's tab stops by its structure,
and adds the XMP metadata packet that declares PDF/UA-1 (``pdfuaid:part``) with the title,
authors and language. It runs once, before signing: a signature covers the tagged file.

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
    """``pdf`` (as ReportLab saved it) with the structure ``tagger`` recorded."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        writer = _TreeWriter(doc, tagger)
        root = doc.Root
        root.StructTreeRoot = writer.write()
        root.MarkInfo = pikepdf.Dictionary(Marked=True)
        root.Lang = pikepdf.String(language)
        preferences = root.get("/ViewerPreferences", pikepdf.Dictionary())
        preferences.DisplayDocTitle = True
        root.ViewerPreferences = preferences
        metadata = pikepdf.Stream(doc, _xmp(doc.docinfo, language).encode("utf-8"))
        metadata.Type = pikepdf.Name.Metadata
        metadata.Subtype = pikepdf.Name.XML
        root.Metadata = doc.make_indirect(metadata)
        out = io.BytesIO()
        doc.save(out, compress_streams=True, fix_metadata_version=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


class _TreeWriter:
    """Turns the recorded elements into PDF objects, and the parent tree with them."""

    def __init__(self, doc: pikepdf.Pdf, tagger: Tagger) -> None:
        self.doc = doc
        self.tagger = tagger
        self.pages = [page.obj for page in doc.pages]
        self.made: dict[int, pikepdf.Dictionary] = {}
        self.ids: dict[str, pikepdf.Dictionary] = {}  # element identifiers (a Note's ID)

    def write(self) -> pikepdf.Dictionary:
        root = self.doc.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
        root.K = self._element(self.tagger.document, root)
        nums: list[Any] = []
        for index, page in enumerate(self.pages):
            page.StructParents = index
            page.Tabs = pikepdf.Name.S
            items = self.tagger.pages.get(index, [])
            nums += [index, self.doc.make_indirect(
                pikepdf.Array([self.made[id(element)] for element in items]))]
        key = len(self.pages)
        for page_index, entries in sorted(self.tagger.annotations.items()):
            annots = self.pages[page_index].get("/Annots")
            if annots is None:
                continue
            for (element, record), annot in zip(entries, annots, strict=False):
                annot.StructParent = key
                annot.Contents = pikepdf.String(record.contents)
                nums += [key, self.made[id(element)]]
                key += 1
        root.ParentTree = self.doc.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
        root.ParentTreeNextKey = key
        if self.ids:
            root.IDTree = self.doc.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(
                [item for name in sorted(self.ids) for item in
                 (pikepdf.String(name), self.ids[name])])))
        return root

    def _element(self, element: Element, parent: pikepdf.Dictionary) -> pikepdf.Dictionary:
        made = self.doc.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name("/" + element.role), P=parent))
        self.made[id(element)] = made
        for key, value in element.entries.items():
            made[f"/{key}"] = pikepdf.String(value)
        if "ID" in element.entries:
            self.ids[element.entries["ID"]] = made
        if element.attributes:
            made.A = pikepdf.Dictionary({f"/{k}": _value(v)
                                         for k, v in element.attributes.items()})
        page = next((kid.page for kid in element.kids if isinstance(kid, Content)), None)
        if page is not None:
            made.Pg = self.pages[page]
        kids: list[Any] = []
        for kid in element.kids:
            if isinstance(kid, Element):
                kids.append(self._element(kid, made))
            elif isinstance(kid, Content):
                kids.append(kid.mcid if kid.page == page else pikepdf.Dictionary(
                    Type=pikepdf.Name.MCR, Pg=self.pages[kid.page], MCID=kid.mcid))
            elif isinstance(kid, Annotation):
                annots = self.pages[kid.page].get("/Annots")
                if annots is not None and kid.index < len(annots):
                    kids.append(pikepdf.Dictionary(Type=pikepdf.Name.OBJR,
                                                   Obj=annots[kid.index],
                                                   Pg=self.pages[kid.page]))
        made.K = kids[0] if len(kids) == 1 and isinstance(kids[0], int) else pikepdf.Array(kids)
        return made


def _value(value: Any) -> Any:
    """An attribute's value as a PDF object: names for words, arrays for lists."""
    if isinstance(value, str):
        return pikepdf.Name("/" + value)
    if isinstance(value, (list, tuple)):
        return pikepdf.Array([float(v) for v in value])
    return value


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
