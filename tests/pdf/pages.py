"""Small PDFs for the pdf tests, and what a reader gets from them: pdfium's text, a syntax check, QR codes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

from pipeline.sources.files import SHIPPED

FONTS = SHIPPED / "fonts"
SANS = FONTS / "SourceSans3-Regular.otf"
SERIF = FONTS / "SourceSerif4-Regular.otf"

# The band's boxes in CSS px from the top left of an 800 x 500 px page, as the laid-out one-pager gives them.
ANCHORS = {"band-text": (40, 20, 680, 100), "band-qr": (700, 20, 780, 100)}
LINES = [
    ("Prepared for the office of Representative José Ñúñez-O'Brien (D-NM-2)", 11.0),
    ("Committees: Foreign Affairs", 9.0),
]
NAME = "José Ñúñez-O'Brien"
URL = "https://setf.ngo/briefings/sanctions?office=sample-nunez"
# Every character the band font is cut to: the lines above, and the "Office N" lines of the print-file tests.
BAND_CHARS = set("".join(text for text, _ in LINES)) | set("Office 0123456789")
PAGE_TEXT = "Body text: well\u2010known facts."  # U+2010 is drawn with the glyph the band uses for '-'


def one_page(font, text: str = PAGE_TEXT, title: str = "Page title") -> bytes:
    """A tagged one-page PDF by WeasyPrint: an empty band area, a title and a paragraph in the font file
    `font`."""
    import weasyprint

    html = f"""<!DOCTYPE html><html lang="en"><head><style>
      @font-face {{ font-family: Body; src: url({font.as_uri()}); }}
      @page {{ size: 800px 500px; margin: 0 }}
      body {{ font-family: Body; font-size: 14px; margin: 0 }}
      h1 {{ font-size: 20px; font-weight: normal; margin: 0 40px }}
      p {{ margin: 0 40px }}
    </style></head><body><div style="height: 120px"></div><h1>{title}</h1><p>{text}</p></body></html>"""
    return weasyprint.HTML(string=html).write_pdf(pdf_tags=True)


def untagged_page() -> bytes:
    """A one-page PDF by pikepdf with no structure tree and no fonts: a blue square."""
    import pikepdf

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(600, 375))
    page.obj.Contents = pdf.make_stream(b"0 0 1 rg 40 40 100 100 re f")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def text_of(data: bytes, page: int = 0) -> str:
    """A page's text as pdfium extracts it, with \\n line ends."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return document[page].get_textpage().get_text_range().replace("\r\n", "\n")
    finally:
        document.close()


def page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def syntax_problems(data: bytes, tmp_path) -> list[str]:
    """What `qpdf --check` finds wrong with a PDF (pikepdf's check, the same library, when qpdf is not
    installed); [] when nothing."""
    if shutil.which("qpdf"):
        path = tmp_path / "checked.pdf"
        path.write_bytes(data)
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
        return [] if result.returncode == 0 else (result.stdout + result.stderr).splitlines()
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return pdf.check_pdf_syntax()


def qr_codes(data: bytes, page: int = 0) -> list[str]:
    """The QR codes zxing-cpp reads on a page rasterized by pdfium."""
    import pypdfium2 as pdfium
    import zxingcpp

    document = pdfium.PdfDocument(data)
    try:
        image = document[page].render(scale=3, grayscale=True).to_pil()
    finally:
        document.close()
    return [code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def cff_outlines(data: bytes) -> dict[int, list]:
    """CID -> outline of every glyph of a bare CID-keyed CFF font program."""
    from fontTools.cffLib import CFFFontSet
    from fontTools.pens.recordingPen import RecordingPen

    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(data), None)
    top = fonts[fonts.fontNames[0]]
    assert top.ROS == ("Adobe", "Identity", 0)
    found = {}
    for name in top.charset:
        pen = RecordingPen()
        top.CharStrings[name].draw(pen)
        found[0 if name == ".notdef" else int(re.fullmatch(r"cid(\d+)", name).group(1))] = pen.value
    return found
