"""Tagged merge: the pages of tagged PDFs in one file, each page's structure kept (print file, packets).

pikepdf copies pages without their structure tree, and a merge that drops it leaves the result untagged. Here
every page keeps its elements, in page order, under one Document; ParentTree keys, element IDs and the
headers of table cells are renumbered so that nothing collides. The first PDF of a stamped base brings the
base's page; every further copy of that base gets a page of its own that shares the base's content streams
and resources (each page costs its band and its elements only), with its elements cloned, the band stream
its own, and the QR code's Figure and link annotation giving its own address (bandtags).

    merged = Merged(frame)            # the catalog (language, XMP, viewer preferences) of `frame`, no pages
    merged.add(data)                  # a PDF's pages, or a stamped copy's (sharing its base with the others)
    merged.close()                    # the ParentTree written
    merged.pdf                        # a pikepdf.Pdf: add bookmarks, then save it
    merged.release()                  # the sources closed
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from pipeline.pdf.bandtags import alt
from pipeline.pdf.update import copy_address, read_update


@dataclass
class _Template:
    """A base's page in the merged PDF, as its first copy brought it, read once into what a clone needs."""

    page: object  # pikepdf.Page
    elements: list  # every element below the page's top-level ones, in document order
    parents: list[int]  # for each, the index of its parent (-1: the Document)
    kids: list[
        list
    ]  # for each, its kids: int (an MCID), ("element", index), ("annotation", index), or an MCR
    marks: list  # the page's ParentTree array: MCID -> element index (or None)
    annotations: list  # the page's annotations
    held: dict[int, int]  # annotation index -> index of the element that holds it
    ids: list[int]  # elements with an /ID or whose attributes name /Headers
    qr: tuple[int, int] | None  # (Figure element index, annotation index) of the QR code's link

    @classmethod
    def read(cls, page, top_kids: list, marks) -> _Template:
        import pikepdf

        annotations = list(page.obj.get("/Annots", []))
        by_annotation = {a.objgen: i for i, a in enumerate(annotations)}
        elements, parents, kids, held, ids = [], [], [], {}, []
        index: dict = {}
        stack = [(kid, -1) for kid in reversed(top_kids)]
        while stack:
            element, parent = stack.pop()
            at = len(elements)
            index[element.objgen] = at
            elements.append(element)
            parents.append(parent)
            if "/ID" in element or "/A" in element:
                ids.append(at)
            own = []
            for kid in _kids(element):
                if not isinstance(kid, pikepdf.Dictionary):
                    own.append(int(kid))
                elif kid.get("/Type") == "/OBJR":
                    number = by_annotation.get(kid.Obj.objgen)
                    if number is not None:
                        own.append(("annotation", number))
                        held[number] = at
                elif kid.get("/Type") == "/MCR":
                    own.append(kid)
                else:
                    own.append(("element", kid.objgen))
            kids.append(own)
            stack.extend(
                (kid, at)
                for kid in reversed(_kids(element))
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid
            )
        kids = [
            [("element", index[k[1]]) if isinstance(k, tuple) and k[0] == "element" else k for k in own]
            for own in kids
        ]
        mark_list = [index.get(m.objgen) if isinstance(m, pikepdf.Dictionary) else None for m in marks]
        qr = None
        top = [i for i, p in enumerate(parents) if p == -1]
        if len(top) > 1 and str(elements[top[1]].get("/S")) == "/Link":
            link = kids[top[1]]
            figure = [k[1] for k in link if isinstance(k, tuple) and k[0] == "element"]
            annotation = [k[1] for k in link if isinstance(k, tuple) and k[0] == "annotation"]
            if figure and annotation:
                qr = (figure[0], annotation[0])
        return cls(page, elements, parents, kids, mark_list, annotations, held, ids, qr)


class Merged:
    """A tagged PDF being put together from the pages of others (see the module's docstring)."""

    def __init__(self, frame: bytes):
        import pikepdf

        self.pdf = pikepdf.open(io.BytesIO(frame))
        self._open: list = []
        pdf = self.pdf
        del pdf.pages[:]
        for key in ("/Outlines", "/Names", "/Dests", "/OpenAction", "/PageLabels"):
            if key in pdf.Root:
                del pdf.Root[key]
        self.top = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, K=pikepdf.Array())
        )
        self.root = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructTreeRoot,
                K=pikepdf.Array([self.top]),
                ParentTree=pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array())),
            )
        )
        self.top.P = self.root
        pdf.Root.StructTreeRoot = self.root
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
        self.nums: list[tuple[int, object]] = []  # ParentTree entries
        self.next_key = 0
        self.ids: set[str] = set()  # element IDs in use
        self.suffixes: dict[str, int] = {}  # the last suffix given to an ID
        self.templates: dict[str, _Template] = {}  # by the sha256 of a base

    def add(self, data: bytes) -> None:
        """Every page of one PDF, at the end; a stamped copy of a base seen before shares that base's page."""
        split = read_update(data)
        digest = hashlib.sha256(split.base).hexdigest() if split else ""
        if split and digest in self.templates:
            self._clone(self.templates[digest], split)
            return
        first = len(self.pdf.pages)
        kids = self._copy(data)
        if split and len(self.pdf.pages) == first + 1 and "/StructParents" in self.pdf.pages[first].obj:
            page = self.pdf.pages[first]
            marks = next(value for key, value in self.nums if key == int(page.obj.StructParents))
            self.templates[digest] = _Template.read(page, kids, marks)

    def close(self) -> None:
        """Write the ParentTree (before saving)."""
        import pikepdf

        flat: list = []
        for key, value in sorted(self.nums, key=lambda pair: pair[0]):
            flat += [key, value]
        self.root.ParentTree.Nums = pikepdf.Array(flat)
        self.root.ParentTreeNextKey = self.next_key

    def release(self) -> None:
        """Close the source PDFs (after saving)."""
        for source in self._open:
            source.close()
        self._open.clear()

    def _key(self, holder, name: str) -> int:
        """The next ParentTree key, given to `holder` (a page's /StructParents, an annotation's
        /StructParent)."""
        key = self.next_key
        self.next_key += 1
        holder[name] = key
        return key

    # -- a PDF's own pages, copied ---------------------------------------------------------------------------

    def _copy(self, data: bytes) -> list:
        """Append every page of a PDF with its elements; the top-level elements added."""
        import pikepdf

        source = pikepdf.open(io.BytesIO(data))
        self._open.append(source)
        tree = source.Root.get("/StructTreeRoot")
        old = dict(pikepdf.NumberTree(tree.ParentTree).items()) if tree is not None else {}
        keys: dict[int, int] = {}
        for page in source.pages:
            self.pdf.pages.append(page)
            copied = self.pdf.pages[-1].obj
            was = int(copied.get("/StructParents", -1))
            if was in old:
                keys[was] = self._key(copied, "/StructParents")
            for annotation in copied.get("/Annots", []):
                was = int(annotation.get("/StructParent", -1))
                if was in old:
                    keys[was] = self._key(annotation, "/StructParent")
        if tree is None:
            return []
        for key, new in keys.items():
            value = old[key] if old[key].is_indirect else source.make_indirect(old[key])
            self.nums.append((new, self.pdf.copy_foreign(value)))
        top = _kids(tree)[0] if _kids(tree) and _kids(tree)[0].get("/S") == "/Document" else tree
        added = _kids(self.pdf.copy_foreign(top)) if top.is_indirect else []
        for kid in added:
            kid.P = self.top
            self.top.K.append(kid)
            self._unique_ids(kid)
        return added

    # -- a further copy of a base: its page and elements cloned ------------------------------------------

    def _clone(self, template: _Template, split) -> None:
        import pikepdf

        pdf = self.pdf
        skip = ("/Contents", "/Annots", "/StructParents", "/Parent")
        page = pdf.make_indirect(
            pikepdf.Dictionary({k: v for k, v in template.page.obj.items() if k not in skip})
        )
        band = pikepdf.Stream(pdf, b"")
        band.write(split.band, filter=pikepdf.Name.FlateDecode)
        page.Contents = pikepdf.Array([pdf.make_indirect(band)] + list(template.page.obj.Contents)[1:])
        pdf.pages.append(pikepdf.Page(page))
        page = pdf.pages[-1].obj
        key = self._key(page, "/StructParents")
        annotations = []
        for annotation in template.annotations:
            copy = pdf.make_indirect(pikepdf.Dictionary(annotation))
            copy.P = page
            annotations.append(copy)
        if annotations:
            page.Annots = pikepdf.Array(annotations)
        clones = [pdf.make_indirect(pikepdf.Dictionary(element)) for element in template.elements]
        for clone, element, parent, kids in zip(
            clones, template.elements, template.parents, template.kids, strict=True
        ):
            clone.P = clones[parent] if parent >= 0 else self.top
            if "/Pg" in element:
                clone.Pg = page
            if kids:
                clone.K = pikepdf.Array(self._kid(kid, clones, annotations, page) for kid in kids)
        marks = pikepdf.Array(clones[m] if m is not None else None for m in template.marks)
        self.nums.append((key, pdf.make_indirect(marks)))
        for number, holder in sorted(template.held.items()):
            if "/StructParent" in annotations[number]:
                self.nums.append((self._key(annotations[number], "/StructParent"), clones[holder]))
        if template.qr:
            self._address(clones[template.qr[0]], annotations[template.qr[1]], split)
        for clone, parent in zip(clones, template.parents, strict=True):
            if parent < 0:
                self.top.K.append(clone)
        self._rename([clones[i] for i in template.ids])

    def _kid(self, kid, clones: list, annotations: list, page):
        import pikepdf

        if isinstance(kid, int):
            return kid
        if isinstance(kid, tuple):
            kind, at = kid
            if kind == "element":
                return clones[at]
            return self.pdf.make_indirect(
                pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annotations[at], Pg=page)
            )
        mark = pikepdf.Dictionary(kid)  # a marked-content reference
        mark.Pg = page
        return mark

    def _address(self, figure, annotation, split) -> None:
        """The QR code's Figure and link annotation of this copy give its own address."""
        import pikepdf

        url = copy_address(split)
        if url is None:
            return
        figure.Alt = pikepdf.String(alt(url))
        annotation.Contents = pikepdf.String(alt(url))
        annotation.A = pikepdf.Dictionary(
            Type=pikepdf.Name.Action, S=pikepdf.Name.URI, URI=pikepdf.String(url)
        )

    def _unique_ids(self, top) -> None:
        """Element IDs made unique across the merged file, for an element tree just added."""
        import pikepdf

        elements, stack = [], [top]
        while stack:
            element = stack.pop()
            if "/ID" in element or "/A" in element:
                elements.append(element)
            stack.extend(k for k in _kids(element) if isinstance(k, pikepdf.Dictionary) and "/S" in k)
        self._rename(elements)

    def _rename(self, elements: list) -> None:
        """Give each of `elements` whose /ID is in use an unused one (a suffix), renamed in the /Headers of
        the table cells among them too."""
        import pikepdf

        renamed: dict[str, str] = {}
        for element in elements:
            if "/ID" in element:
                name = str(element.ID)
                new, n = name, self.suffixes.get(name, 1)
                while new in self.ids:
                    n += 1
                    new = f"{name}-{n}"
                self.suffixes[name] = n
                self.ids.add(new)
                if new != name:
                    renamed[name] = new
                    element.ID = pikepdf.String(new)
        if not renamed:
            return
        for element in elements:
            attributes = element.get("/A")
            for group in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
                if isinstance(group, pikepdf.Dictionary) and "/Headers" in group:
                    group.Headers = pikepdf.Array(
                        pikepdf.String(renamed.get(str(h), str(h))) for h in group.Headers
                    )


def _kids(element) -> list:
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]
