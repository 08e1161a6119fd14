"""PDF proof: an office's copy checked as a reader gets it: one page, the name in its text, the QR code."""

from __future__ import annotations

import re

SCALE = 2.0  # pixels per pt when rasterizing the QR square (about 3 px per module: enough, and fast)


def problems(
    data: bytes, name: str, url: str, qr_box: tuple[float, float, float, float] | None = None
) -> list[str]:
    """What is wrong with one office's PDF, or []: page count, the name in the extracted text, the QR code."""
    import pypdfium2 as pdfium
    import zxingcpp

    found = []
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return [f"the PDF does not open ({exc})"]
    try:
        if len(document) != 1:
            found.append(f"it has {len(document)} pages, not 1")
        page = document[0]
        text = page.get_textpage().get_text_range()
        if squash(name) not in squash(text):
            found.append(f"the name '{name}' is not in the page's text")
        width, height = page.get_size()
        crop = (0, 0, 0, 0)
        if qr_box:
            x0, top, x1, bottom = qr_box
            crop = (max(0, x0 - 4), max(0, bottom - 4), max(0, width - x1 - 4), max(0, height - top - 4))
        image = page.render(scale=SCALE, crop=crop, grayscale=True).to_pil()
        codes = [c.text for c in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
        if not codes:
            found.append("no QR code could be read from the page")
        elif url not in codes:
            found.append(f"the QR code reads '{codes[0]}', not '{url}'")
    finally:
        document.close()
    return found


def squash(text: str) -> str:
    """Text with white space runs made single spaces (extraction may break lines differently)."""
    return re.sub(r"\s+", " ", text.replace("\ufffe", "").replace("\u00ad", "")).strip()
