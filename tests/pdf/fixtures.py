"""Small PDFs for the audit's tests: a compliant PDF/UA-1 page made by WeasyPrint, and the edits (made with
pikepdf) that break exactly one condition each."""

from __future__ import annotations

import functools
import io
from pathlib import Path

import pikepdf

from pipeline.pdf.audit import audit_file
from pipeline.pdf.audit_structure import read_tree
from pipeline.sources.files import SHIPPED

FONTS = (SHIPPED / "fonts").as_uri()
DOT = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJ"
    "RU5ErkJggg=="
)
STYLE = f"""
@font-face {{ font-family: AuditSans; src: url({FONTS}/SourceSans3-Regular.otf) }}
@page {{ size: 360pt 480pt; margin: 36pt }}
body {{ font: 10pt/1.3 AuditSans }} h1, h2, th {{ font-weight: normal }}
"""
BODY = f"""<h1>Audit fixture</h1>
<p>The quick brown fox jumps over the lazy dog; see the <a href="https://example.org/">example site</a>.</p>
<h2>Lists and tables</h2>
<ul><li>First item</li><li>Second item</li></ul>
<table><tr><th>Name</th><th>Value</th></tr><tr><td>Alpha</td><td>1</td></tr></table>
<img src="{DOT}" alt="A black dot" width="20" height="20">"""

# Three pages with a running head and a page number in the margins, and footnotes with small calls.
PAGED_STYLE = (
    STYLE
    + """
@page { @top-center { content: "Audit fixture" } @bottom-center { content: "Page " counter(page) } }
.fn { float: footnote }
.fn::footnote-call { content: counter(footnote); font-size: 0.6em; vertical-align: super }
.fn::footnote-marker { content: counter(footnote) ". " }
p { break-after: page }
"""
)
PAGED_BODY = """<h1>Audit fixture</h1>
<p>The first page cites a source.<span class="fn">A first note on its source.</span></p>
<p>The second page cites another.<span class="fn">A second note on another source.</span></p>
<p>The third page ends it.</p>"""


@functools.cache
def render(body: str = BODY, style: str = STYLE, variant: str | None = "pdf/ua-1", lang: str = "en") -> bytes:
    """WeasyPrint's PDF of a small page (cached: each test edits its own copy)."""
    from weasyprint import HTML

    html = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Audit fixture</title>'
        f"<style>{style}</style></head><body>{body}</body></html>"
    )
    options = {"pdf_variant": variant} if variant else {"pdf_tags": True}
    return HTML(string=html).write_pdf(**options)


def made(tmp_path: Path, data: bytes, *edits, name: str = "fixture.pdf") -> Path:
    """The PDF `data` opened with pikepdf, changed by each edit in turn and saved (pikepdf adds the /ID)."""
    path = tmp_path / name
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for edit in edits:
            edit(pdf)
        pdf.save(path, fix_metadata_version=False)
    return path


def findings(path: Path) -> list[str]:
    """The audit's lines for one file, without the file name."""
    return [str(f).split(": ", 1)[1] for f in audit_file(path, shown="x.pdf")]


# ---- edits -----------------------------------------------------------------------------------------------


def elements(pdf: pikepdf.Pdf, kind: str) -> list[pikepdf.Dictionary]:
    """The structure elements of type `kind`, in document order."""
    return [e.obj for e in read_tree(pdf).elements if e.kind == kind]


def retag(kind: str, new: str, index: int = 0):
    def edit(pdf):
        elements(pdf, kind)[index].S = pikepdf.Name("/" + new)

    return edit


def catalog(key: str, value=None):
    """Set (or, with None, delete) a catalog entry."""

    def edit(pdf):
        if value is None:
            del pdf.Root[key]
        else:
            pdf.Root[key] = value

    return edit


def xmp(old: bytes, new: bytes):
    def edit(pdf):
        data = pdf.Root.Metadata.read_bytes()
        assert old in data
        pdf.Root.Metadata.write(data.replace(old, new))

    return edit


def link(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return next(a for a in pdf.pages[0].obj.Annots if a.Subtype == "/Link")


def font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    """The first page's first font (a Type0 font, as WeasyPrint writes them)."""
    fonts = pdf.pages[0].obj.Resources.Font
    return fonts[next(iter(fonts.keys()))]


def first_text(pdf: pikepdf.Pdf) -> tuple[str, bytes]:
    """The resource name of the page's first font and the bytes of its first text-showing operator."""
    for operands, operator in pikepdf.parse_content_stream(pdf.pages[0]):
        if str(operator) == "Tf":
            resource = str(operands[0])
        if str(operator) in ("Tj", "TJ"):
            strings = operands[0] if str(operator) == "TJ" else operands
            return resource, b"".join(bytes(s) for s in strings if isinstance(s, pikepdf.String))
    raise AssertionError("no text")


def draw(content: bytes):
    """Draw `content` first on page 1 (in the default coordinates; wrapped in q/Q)."""

    def edit(pdf):
        pdf.pages[0].contents_add(pdf.make_stream(b"q\n" + content + b"\nQ\n"), prepend=True)

    return edit


def tagged(pdf: pikepdf.Pdf, content: bytes, role: str = "P") -> bytes:
    """`content` as a new marked-content sequence held by a new `role` element at the end of the document."""
    page = pdf.pages[0].obj
    parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    mcids = parents[int(page.StructParents)]
    document = pdf.Root.StructTreeRoot.K[0] if isinstance(pdf.Root.StructTreeRoot.K, pikepdf.Array) else None
    document = document or pdf.Root.StructTreeRoot.K
    element = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name("/" + role), P=document, Pg=page, K=len(mcids)
        )
    )
    mcids.append(element)
    document.K.append(element)
    return b"/%s <</MCID %d>> BDC\n" % (role.encode(), len(mcids) - 1) + content + b"\nEMC"


def orphans(pdf: pikepdf.Pdf) -> dict[int, set[int]]:
    """MCIDs that pages use but the structure tree does not hold, by page index."""
    reachable = read_tree(pdf).reachable
    found: dict[int, set[int]] = {}
    for index, page in enumerate(pdf.pages):
        for operands, operator in pikepdf.parse_content_stream(page):
            if (
                str(operator) == "BDC"
                and isinstance(operands[1], pikepdf.Dictionary)
                and "/MCID" in operands[1]
            ):
                if (index, int(operands[1].MCID)) not in reachable:
                    found.setdefault(index, set()).add(int(operands[1].MCID))
    return found


def artifact_orphans(pdf: pikepdf.Pdf) -> None:
    """Mark the content WeasyPrint tags but leaves out of the tree (margin boxes) as pagination Artifacts."""
    for index, mcids in orphans(pdf).items():
        page = pdf.pages[index]
        instructions = []
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
                if int(operands[1].get("/MCID", -1)) in mcids:
                    operands = [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)]
            instructions.append(pikepdf.ContentStreamInstruction(operands, operator))
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def adopt_orphans(pdf: pikepdf.Pdf) -> None:
    """Put what WeasyPrint leaves out of the tree (margin boxes) into it as P elements: tagged content."""
    root = pdf.Root.StructTreeRoot
    document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
    parents = pikepdf.NumberTree(root.ParentTree)
    for index, mcids in orphans(pdf).items():
        page = pdf.pages[index].obj
        array = parents[int(page.StructParents)]
        for mcid in sorted(mcids):
            element = pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.StructElem, S=pikepdf.Name.P, P=document, Pg=page, K=mcid
                )
            )
            document.K.append(element)
            while len(array) <= mcid:
                array.append(None)
            array[mcid] = element


def annotation(subtype: str, contents: str | None = None, role: str | None = None):
    """Add an annotation to page 1; with `role`, held by a new element of that type through an OBJR."""

    def edit(pdf):
        page = pdf.pages[0].obj
        annot = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name("/" + subtype), Rect=[10, 10, 30, 30]
            )
        )
        if contents is not None:
            annot.Contents = pikepdf.String(contents)
        page.Annots.append(annot)
        if subtype == "Widget":
            annot.FT, annot.T = pikepdf.Name.Tx, pikepdf.String("field")
            pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[annot])
        if role:
            root = pdf.Root.StructTreeRoot
            document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
            objr = pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annot, Pg=page)
            element = pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.StructElem, S=pikepdf.Name("/" + role), P=document, K=objr
                )
            )
            document.K.append(element)
            key = max(int(k) for k, _ in pikepdf.NumberTree(root.ParentTree).items()) + 1
            pikepdf.NumberTree(root.ParentTree)[key] = element
            annot.StructParent = key

    return edit


def notes_as_note(pdf: pikepdf.Pdf) -> None:
    """Tag WeasyPrint's footnote areas (NonStruct children of the Document) as Note elements with IDs."""
    for number, element in enumerate(read_tree(pdf).elements):
        if element.kind == "NonStruct" and element.parent is not None and element.parent.kind == "Document":
            element.obj.S = pikepdf.Name.Note
            element.obj.ID = pikepdf.String(f"note-{number}")
