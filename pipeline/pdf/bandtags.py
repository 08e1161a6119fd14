"""Band tags: the personalization band's place in the base's structure tree, and the objects a copy replaces.

The band text is a `P`, first in the reading order; the QR code is a `Figure` (its `Alt` gives the address)
inside a `Link` that also holds a link annotation over the code, second. The base carries placeholders; each
copy's incremental update (update.stamp) replaces the Figure and the annotation with its own address, as
`figure_object` and `link_object` write them.
"""

from __future__ import annotations

from dataclasses import dataclass

PLACEHOLDER = "https://example.invalid/"  # the base's own address, replaced in every copy


@dataclass(frozen=True)
class QrTags:
    """The QR code's Figure and link annotation in a saved base: their numbers, and what surrounds them."""

    figure: int  # object number of the Figure element
    annotation: int  # object number of the Link annotation
    link: int  # object number of the Link element holding both
    page: int  # object number of the page
    mcid: int  # the QR drawing's marked-content id
    key: int  # the annotation's /StructParent
    rect: tuple[float, float, float, float]  # x0, y0, x1, y1 (pt, y upwards)


def tag_band(doc, page) -> int:
    """A /P structure element for the band text, first in the document's reading order; returns its MCID,
    or -1 when the page is not tagged."""
    import pikepdf

    found = _places(doc, page)
    if found is None:
        return -1
    document, marks = found
    mcid = len(marks)
    element = doc.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name("/StructElem"),
            S=pikepdf.Name("/P"),
            P=document,
            Pg=page.obj,
            K=pikepdf.Array([mcid]),
        )
    )
    marks.append(element)
    document.K = pikepdf.Array([element] + _kids(document))
    return mcid


def tag_qr(doc, page, box: tuple[float, float, float, float]) -> None:
    """The QR code as a Figure in a Link with its annotation over `box` (x0, top, x1, bottom in pt), second
    in the reading order (after the band text), with the placeholder address. The page must be tagged."""
    import pikepdf

    document, marks = _places(doc, page)
    tree = doc.Root.StructTreeRoot
    x0, top, x1, bottom = box
    rect = pikepdf.Array([x0, bottom, x1, top])
    nums = tree.ParentTree.Nums
    key = max(int(nums[i]) for i in range(0, len(nums), 2)) + 1
    annotation = doc.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name("/Annot"),
            Subtype=pikepdf.Name("/Link"),
            Rect=rect,
            BS=pikepdf.Dictionary(W=0),
            F=4,
            P=page.obj,
            StructParent=key,
            Contents=pikepdf.String(alt(PLACEHOLDER)),
            A=pikepdf.Dictionary(
                Type=pikepdf.Name("/Action"), S=pikepdf.Name("/URI"), URI=pikepdf.String(PLACEHOLDER)
            ),
        )
    )
    link = doc.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name("/StructElem"), S=pikepdf.Name("/Link"), P=document, Pg=page.obj)
    )
    figure = doc.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name("/StructElem"),
            S=pikepdf.Name("/Figure"),
            P=link,
            Pg=page.obj,
            K=pikepdf.Array([len(marks)]),
            Alt=pikepdf.String(alt(PLACEHOLDER)),
            A=pikepdf.Dictionary(O=pikepdf.Name("/Layout"), BBox=rect),
        )
    )
    objr = doc.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name("/OBJR"), Obj=annotation, Pg=page.obj))
    link.K = pikepdf.Array([figure, objr])
    marks.append(figure)
    nums.extend([key, link])
    kids = _kids(document)
    document.K = pikepdf.Array(kids[:1] + [link] + kids[1:])
    if "/Annots" not in page.obj:
        page.obj.Annots = pikepdf.Array()
    page.obj.Annots.append(annotation)


def find_qr(doc) -> QrTags | None:
    """Where tag_qr's objects are in a saved base (saving renumbers them), or None without them."""
    import pikepdf

    tree = doc.Root.get("/StructTreeRoot")
    if tree is None:
        return None
    top = tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
    kids = _kids(top)
    link = kids[1] if len(kids) > 1 else None
    if link is None or link.get("/S") != "/Link" or len(link.K) != 2:
        return None
    figure, objr = link.K[0], link.K[1]
    annotation = objr.Obj
    return QrTags(
        figure.objgen[0],
        annotation.objgen[0],
        link.objgen[0],
        figure.Pg.objgen[0],
        int(figure.K[0]),
        int(annotation.StructParent),
        tuple(float(v) for v in annotation.Rect),
    )


def alt(url: str) -> str:
    """What the QR code is, for a listener (its Figure's Alt and its link's /Contents)."""
    return f"QR code: the full briefing at {url}"


def figure_object(qr: QrTags, url: str) -> str:
    """The Figure element of one copy, as the text of a PDF dictionary."""
    box = " ".join(f"{v:g}" for v in qr.rect)
    return (
        f"<</Type/StructElem/S/Figure/P {qr.link} 0 R/Pg {qr.page} 0 R/K[{qr.mcid}]"
        f"/A<</O/Layout/BBox[{box}]>>/Alt {text_string(alt(url))}>>"
    )


def link_object(qr: QrTags, url: str) -> str:
    """The link annotation of one copy, as the text of a PDF dictionary."""
    box = " ".join(f"{v:g}" for v in qr.rect)
    return (
        f"<</Type/Annot/Subtype/Link/Rect[{box}]/BS<</W 0>>/F 4/P {qr.page} 0 R/StructParent {qr.key}"
        f"/Contents {text_string(alt(url))}/A<</Type/Action/S/URI/URI {uri_string(url)}>>>>"
    )


def text_string(text: str) -> str:
    """A PDF text string: UTF-16BE with its byte-order mark, in hex (any character, one line)."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def uri_string(url: str) -> str:
    """A URI as a PDF string: 7-bit ASCII, with parentheses and backslashes escaped."""
    from urllib.parse import quote

    ascii_url = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    return "(" + ascii_url.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _places(doc, page):
    """(the Document element, the page's ParentTree array) of a tagged page, or None."""
    import pikepdf

    tree = doc.Root.get("/StructTreeRoot")
    if tree is None or "/StructParents" not in page.obj:
        return None
    kids = tree.K if isinstance(tree.K, pikepdf.Array) else pikepdf.Array([tree.K])
    document = kids[0] if len(kids) and kids[0].get("/S") == "/Document" else tree
    key = int(page.obj.StructParents)
    nums = tree.ParentTree.Nums
    marks = next(nums[i + 1] for i in range(0, len(nums), 2) if int(nums[i]) == key)
    return document, marks


def _kids(element) -> list:
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]
