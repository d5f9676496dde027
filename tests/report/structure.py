"""Walking a tagged PDF's structure tree and content streams with pikepdf, for the tests of
every tagged report (the review's and the action plan's follow-up): the elements in reading
order, an element's children of a role, an element's own marked content, and the text shown
outside tagged content or an artifact."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pikepdf

TEXT_SHOWING = {"Tj", "TJ", "'", '"'}


def elements(node: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """Every structure element under ``node``, in reading order."""
    if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") != "/StructElem":
        return
    yield node
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None
                else []):
        yield from elements(kid)


def tree(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """The document's structure elements in reading order."""
    return list(elements(pdf.Root.StructTreeRoot.K))


def children(element: pikepdf.Dictionary, role: str) -> list[pikepdf.Dictionary]:
    """The element's children of ``role`` ("/TR")."""
    kids = element.get("/K")
    kids = kids if isinstance(kids, pikepdf.Array) else [kids]
    return [k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/S") == role]


def mcids(element: pikepdf.Dictionary) -> list[tuple[tuple[int, int], int]]:
    """(page object, MCID) of an element's own marked content."""
    kids = element.get("/K")
    kids = kids if isinstance(kids, pikepdf.Array) else [kids]
    found = []
    for kid in kids:
        if isinstance(kid, int):
            found.append((element.Pg.objgen, int(kid)))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            found.append((kid.Pg.objgen, int(kid.MCID)))
    return found


def unmarked_text(pdf: pikepdf.Pdf, stream: pikepdf.Object, resources: pikepdf.Object,
                  marked: list[int], seen: set[tuple[int, int]]) -> int:
    """Text-showing operators outside tagged content and artifacts, in ``stream`` and the
    forms it paints there; the MCIDs it marks are appended to ``marked``."""
    stack: list[bool] = []  # for each open sequence: is it tagged content or an artifact?
    count = 0
    for operands, operator in pikepdf.parse_content_stream(stream):
        op = str(operator)
        if op == "BDC":
            props = operands[1]
            tagged = isinstance(props, pikepdf.Dictionary) and "/MCID" in props
            if tagged:
                marked.append(int(props.MCID))
            stack.append(tagged or operands[0] == "/Artifact")
        elif op == "BMC":
            stack.append(operands[0] == "/Artifact")
        elif op == "EMC":
            stack.pop()
        elif op in TEXT_SHOWING and not any(stack):
            count += 1
        elif op == "Do" and not any(stack):
            xobject = resources.XObject[operands[0]]
            if xobject.Subtype == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                count += unmarked_text(pdf, xobject, xobject.get("/Resources", resources),
                                       [], seen)
    assert stack == []
    return count


def assert_all_text_tagged(pdf_bytes: bytes) -> None:
    """Every text is tagged content or an artifact, every page's MCIDs are numbered from 0
    once each, and each is in the tree and in the parent tree under its element."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        root = pdf.Root.StructTreeRoot
        nums = root.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        referenced = {mark for element in tree(pdf) for mark in mcids(element)}
        for page in pdf.pages:
            marked: list[int] = []
            assert unmarked_text(pdf, page.obj, page.Resources, marked, set()) == 0
            assert sorted(marked) == list(range(len(marked)))  # each once, from 0
            array = parents[int(page.obj.StructParents)]
            assert len(array) == len(marked)
            for mcid in marked:
                element = array[mcid]
                assert (page.obj.objgen, mcid) in mcids(element)
                assert (page.obj.objgen, mcid) in referenced
        assert int(root.ParentTreeNextKey) == max(parents) + 1
