"""Print file: stamped copies of one tagged base as that base plus one incremental update, written as text.

A print file of a large run (7,400 offices) must not hold a million PDF objects in memory, as building it
with pikepdf would. The copies of one base differ only in their band streams and QR addresses, so the file
is the base's bytes (its page is the first copy's) and one update that:

- replaces the base's empty band stream, and its QR code's Figure and link annotation, with the first
  copy's (as update.stamp does);
- adds a page per further copy: a page dictionary sharing the base page's content streams and resources,
  its own band stream, and copies of the page's annotations and structure elements, their objects
  renumbered by rewriting their text ("12 0 R" becomes "4711 0 R"), element IDs suffixed with the page
  number, and the QR code's Figure and annotation giving the copy's address (bandtags);
- replaces the Document element, the ParentTree, the page tree and the catalog (a new outline, one entry a
  copy).

Objects other than streams go in compressed object streams. The same copies give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from dataclasses import dataclass, replace

from pipeline.pdf.bandtags import QrTags, figure_object, find_qr, link_object, text_string
from pipeline.pdf.update import Update, copy_address

REF = re.compile(rb"(\d+) 0 R")
PER_STREAM = 200  # objects in one object stream


@dataclass
class _Base:
    """The base page, its elements and the objects around them, as text to copy."""

    data: bytes
    page: int  # object numbers: the page, its band stream, the Document element, ...
    band: int
    document: int
    document_parent: int
    parent_tree: int
    pages: int
    catalog: int
    info: int | None
    size: int  # the base's trailer /Size
    startxref: int
    ident: bytes  # the base's first file identifier
    page_text: bytes
    clones: list[tuple[int, bytes]]  # (number, text) of what each further copy gets its own of
    kids: list[int]  # the page's top-level elements, in order
    marks: bytes  # the page's ParentTree array, as text
    nums: bytes  # the ParentTree's /Nums array, as text
    key: int  # the page's /StructParents
    annotation_keys: dict[int, int]  # annotation number -> its /StructParent
    holders: dict[int, int]  # annotation number -> the element that holds it (through an OBJR)
    ids: list[bytes]  # element IDs in the page's elements
    named: set[int]  # the clones whose text holds an element ID (their own, or as a table cell's header)
    qr: QrTags
    pages_text: bytes
    catalog_text: bytes


def print_file(updates: list[Update], titles: list[str]) -> bytes | None:
    """The print file of stamped copies of one tagged base (`updates`, read_update's), one bookmark each in
    `titles`; None when the base is not one this can copy (not tagged, or tagged otherwise)."""
    base = _read(updates[0].base)
    if base is None:
        return None
    writer = _Writer(base)
    first = updates[0]
    writer.replace_stream(base.band, first.band)
    for number, text in sorted(first.objects.items()):
        writer.replace(number, text)
    pages, kids, nums = [base.page], list(base.kids), [base.nums[1:-1].strip()]
    key = max(_keys(base.nums)) + 1
    for index, update in enumerate(updates[1:], start=2):
        page, top, entries, key = _copy(writer, base, update, index, key)
        pages.append(page)
        kids += top
        nums += entries
    refs = b" ".join(b"%d 0 R" % n for n in kids)
    writer.replace(
        base.document,
        b"<< /K [ %s ] /P %d 0 R /S /Document /Type /StructElem >>" % (refs, base.document_parent),
    )
    writer.replace(base.parent_tree, b"<< /Nums [ " + b" ".join(nums) + b" ] >>")
    listed = b" ".join(b"%d 0 R" % n for n in pages)
    pages_text = re.sub(rb"/Kids \[[^\]]*\]", b"/Kids [ " + listed + b" ]", base.pages_text)
    writer.replace(base.pages, re.sub(rb"/Count \d+", b"/Count %d" % len(pages), pages_text))
    outline = _outline(writer, pages, titles)
    catalog = re.sub(rb"\s*/Outlines \d+ 0 R", b"", base.catalog_text)
    writer.replace(base.catalog, catalog[: catalog.rindex(b">>")] + b"/Outlines %d 0 R >>" % outline)
    return writer.finish()


def _copy(writer, base: _Base, update: Update, index: int, key: int):
    """One further copy's page, band, annotations and elements; (page, its top-level elements, its ParentTree
    entries, the next free key)."""
    numbers = {number: writer.reserve() for number, _ in base.clones}
    page, band = writer.reserve(), writer.reserve()
    numbers[base.page], numbers[base.band] = page, band
    marks = writer.reserve()
    page_key, key = key, key + 1
    entries = [b"%d %d 0 R" % (page_key, marks)]
    keys = {}
    for annotation in sorted(base.annotation_keys):
        keys[numbers[annotation]] = key
        if annotation in base.holders:
            entries.append(b"%d %d 0 R" % (key, numbers[base.holders[annotation]]))
        key += 1
    url = copy_address(update)
    own = {base.qr.figure, base.qr.annotation} if url is not None else set()

    def moved(text: bytes) -> bytes:
        return REF.sub(lambda m: b"%d 0 R" % numbers.get(int(m[1]), int(m[1])), text)

    suffix = b"-%d" % index
    for number, text in base.clones:
        if number in own:
            continue
        new = numbers[number]
        text = moved(text)
        if new in keys:
            text = re.sub(rb"/StructParent \d+", b"/StructParent %d" % keys[new], text)
        if number in base.named:
            for name in base.ids:
                text = text.replace(b"(" + name + b")", b"(" + name + suffix + b")")
        writer.add(new, text)
    if own:
        qr = replace(
            base.qr,
            figure=numbers[base.qr.figure],
            annotation=numbers[base.qr.annotation],
            link=numbers[base.qr.link],
            page=page,
            key=keys[numbers[base.qr.annotation]],
        )
        writer.add(qr.figure, figure_object(qr, url).encode("ascii"))
        writer.add(qr.annotation, link_object(qr, url).encode("ascii"))
    writer.add(page, re.sub(rb"/StructParents \d+", b"/StructParents %d" % page_key, moved(base.page_text)))
    writer.add_stream(band, update.band)
    writer.add(marks, moved(base.marks))
    return page, [numbers[n] for n in base.kids], entries, key


def _keys(nums: bytes) -> list[int]:
    """The keys of a ParentTree /Nums array's text: the integers not followed by a generation and R."""
    inner = re.sub(rb"\[[^\[\]]*\]", b" ", nums[1:-1])  # the pages' arrays
    inner = REF.sub(b" ", inner)
    return [int(n) for n in re.findall(rb"\d+", inner)]


def _outline(writer, pages: list[int], titles: list[str]) -> int:
    root = writer.reserve()
    items = [writer.reserve() for _ in titles]
    for at, (item, page, title) in enumerate(zip(items, pages, titles, strict=True)):
        links = b""
        if at:
            links += b" /Prev %d 0 R" % items[at - 1]
        if at + 1 < len(items):
            links += b" /Next %d 0 R" % items[at + 1]
        writer.add(
            item,
            b"<< /Title %s /Parent %d 0 R%s /Dest [ %d 0 R /Fit ] >>"
            % (text_string(title).encode("ascii"), root, links, page),
        )
    writer.add(
        root,
        b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (items[0], items[-1], len(items)),
    )
    return root


def _read(data: bytes) -> _Base | None:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        qr = find_qr(pdf)
        tree = pdf.Root.get("/StructTreeRoot")
        if qr is None or len(pdf.pages) != 1 or "/ID" not in pdf.trailer:
            return None
        parents = tree.ParentTree
        if "/Kids" in parents or not parents.is_indirect:
            return None
        page = pdf.pages[0].obj
        top = tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
        clones, ids, named, holders, stack = {}, [], set(), {}, list(reversed(list(top.K)))
        while stack:
            element = stack.pop()
            if not element.is_indirect:
                return None
            clones[element.objgen[0]] = element.unparse(resolved=True)
            if "/ID" in element:
                ids.append(bytes(element.ID))
            if b"/ID" in clones[element.objgen[0]] or b"/Headers" in clones[element.objgen[0]]:
                named.add(element.objgen[0])
            for kid in reversed(list(element.K) if isinstance(element.get("/K"), pikepdf.Array) else []):
                if isinstance(kid, pikepdf.Dictionary) and kid.is_indirect:
                    if kid.get("/Type") == "/OBJR":
                        clones[kid.objgen[0]] = kid.unparse(resolved=True)
                        holders[kid.Obj.objgen[0]] = element.objgen[0]
                    else:
                        stack.append(kid)
        annotation_keys = {}
        for annotation in page.get("/Annots", []):
            clones[annotation.objgen[0]] = annotation.unparse(resolved=True)
            if "/StructParent" in annotation:
                annotation_keys[annotation.objgen[0]] = int(annotation.StructParent)
        marks = dict(pikepdf.NumberTree(parents).items())[int(page.StructParents)]
        startxref = int(re.findall(rb"startxref\s+(\d+)", data[-1024:])[-1])
        return _Base(
            data=data,
            page=page.objgen[0],
            band=page.Contents[0].objgen[0],
            document=top.objgen[0],
            document_parent=top.P.objgen[0],
            parent_tree=parents.objgen[0],
            pages=pdf.Root.Pages.objgen[0],
            catalog=pdf.Root.objgen[0],
            info=pdf.trailer.Info.objgen[0] if "/Info" in pdf.trailer else None,
            size=int(pdf.trailer.Size),
            startxref=startxref,
            ident=bytes(pdf.trailer.ID[0]),
            page_text=page.unparse(resolved=True),
            clones=sorted(clones.items()),
            kids=[kid.objgen[0] for kid in top.K],
            marks=marks.unparse(resolved=True),
            nums=parents.Nums.unparse(resolved=True),
            key=int(page.StructParents),
            annotation_keys=annotation_keys,
            holders=holders,
            ids=sorted(set(ids)),
            named=named,
            qr=qr,
            pages_text=pdf.Root.Pages.unparse(resolved=True),
            catalog_text=pdf.Root.unparse(resolved=True),
        )


class _Writer:
    """The update after the base: streams written as they come, other objects gathered into object streams
    of PER_STREAM each, then the cross-reference stream. Memory holds the output and 7 bytes an object."""

    def __init__(self, base: _Base):
        self.base = base
        self.out = io.BytesIO()
        self.next = base.size
        self.rows = bytearray()  # the xref rows of the objects numbered from base.size on, in order
        self.replaced: dict[int, bytes] = {}  # the rows of the base's objects the update replaces
        self.pending: list[tuple[int, bytes]] = []  # objects for the next object stream

    def reserve(self) -> int:
        self.next += 1
        self.rows += bytes(7)
        return self.next - 1

    def _row(self, number: int, kind: int, where: int, place: int) -> None:
        row = bytes([kind]) + where.to_bytes(4, "big") + place.to_bytes(2, "big")
        if number >= self.base.size:
            at = (number - self.base.size) * 7
            self.rows[at : at + 7] = row
        else:
            self.replaced[number] = row

    def add(self, number: int, text: bytes) -> None:
        self.pending.append((number, text))
        if len(self.pending) == PER_STREAM:
            self._flush()

    replace = add

    def add_stream(self, number: int, compressed: bytes) -> None:
        self._row(number, 1, len(self.base.data) + self.out.tell(), 0)
        self.out.write(b"%d 0 obj\n<</Length %d/Filter/FlateDecode>>\nstream\n" % (number, len(compressed)))
        self.out.write(compressed + b"\nendstream\nendobj\n")

    replace_stream = add_stream

    def _flush(self) -> None:
        if not self.pending:
            return
        number = self.reserve()
        header, body = [], io.BytesIO()
        for place, (obj, text) in enumerate(self.pending):
            header.append(b"%d %d" % (obj, body.tell()))
            body.write(text + b"\n")
            self._row(obj, 2, number, place)
        head = b" ".join(header) + b"\n"
        data = zlib.compress(head + body.getvalue(), 6)
        self._row(number, 1, len(self.base.data) + self.out.tell(), 0)
        self.out.write(
            b"%d 0 obj\n<</Type/ObjStm/N %d/First %d/Length %d/Filter/FlateDecode>>\nstream\n"
            % (number, len(self.pending), len(head), len(data))
        )
        self.out.write(data + b"\nendstream\nendobj\n")
        self.pending = []

    def finish(self) -> bytes:
        self._flush()
        xref = self.reserve()
        at = len(self.base.data) + self.out.tell()
        self._row(xref, 1, at, 0)
        runs = [b"%d 1" % n for n in sorted(self.replaced)] + [
            b"%d %d" % (self.base.size, xref + 1 - self.base.size)
        ]
        rows = b"".join(self.replaced[n] for n in sorted(self.replaced)) + bytes(self.rows)
        data = zlib.compress(rows, 6)
        digest = hashlib.md5(self.out.getvalue()).hexdigest().encode()
        info = b"/Info %d 0 R" % self.base.info if self.base.info is not None else b""
        self.out.write(
            b"%d 0 obj\n<</Type/XRef/Size %d/Root %d 0 R%s/ID[<%s><%s>]/Prev %d/Index[%s]/W[1 4 2]"
            b"/Length %d/Filter/FlateDecode>>\nstream\n"
            % (
                xref,
                xref + 1,
                self.base.catalog,
                info,
                self.base.ident.hex().encode(),
                digest,
                self.base.startxref,
                b" ".join(runs),
                len(data),
            )
        )
        self.out.write(data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % at)
        return self.base.data + self.out.getvalue()
