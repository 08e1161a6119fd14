"""Page images: each page of a PDF in out/ as a PNG drawn by pdfium, kept by the PDF's sha256 and page."""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path

SCALES = {"page": 1.0, "full": 2.5}  # pixels per pt: 612 px wide for a letter page on the page, 1530 full
KEEP = 64  # PDFs whose images are kept in memory (every topic's two documents, and their last versions)


class Pages:
    """PNG images of PDF pages, made when first asked for and kept by (sha256, page, size). pdfium is not
    thread-safe, so one image is drawn at a time."""

    def __init__(self):
        self.lock = threading.Lock()
        self.images: dict[tuple[str, int, str], bytes] = {}
        self.sizes: dict[str, list[tuple[float, float]]] = {}  # sha256 -> each page's size in pt
        self.order: list[str] = []  # sha256s, least recently made first
        self.pending: list[tuple[Path, str, int]] = []  # pages to draw before the browser asks for them
        self.wake = threading.Event()
        self.drawer: threading.Thread | None = None

    def prepare(self, wanted: list[tuple[Path, str, int]]) -> None:
        """Draw these pages (pdf, sha256, page) in the background, in this order, so that they are ready when
        the browser asks; a later call replaces what an earlier one still had to do."""
        self.pending = list(wanted)
        self.wake.set()
        if self.drawer is None:
            self.drawer = threading.Thread(target=self._draw_pending, name="press-serve-pages", daemon=True)
            self.drawer.start()

    def _draw_pending(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            while self.pending:
                try:
                    pdf, sha256, page = self.pending.pop(0)
                except IndexError:  # replaced meanwhile
                    break
                self.png(pdf, sha256, page, "page")

    def png(self, pdf: Path, sha256: str, page: int, size: str) -> bytes | None:
        """Page `page` (1-based) of the PDF at `pdf`, which must still have this sha256; None if it does not,
        or has no such page."""
        key = (sha256, page, size)
        with self.lock:
            if key not in self.images:
                image = _draw(pdf, sha256, page, SCALES[size])
                if image is None:
                    return None
                self._keep(sha256)
                self.images[key] = image
            return self.images[key]

    def page_sizes(self, pdf: Path, sha256: str) -> list[tuple[float, float]]:
        """Each page's width and height in pt (so the page can hold the images' places before they load)."""
        with self.lock:
            if sha256 not in self.sizes:
                data = _read(pdf, sha256)
                if data is None:
                    return []
                self._keep(sha256)
                self.sizes[sha256] = _sizes(data)
            return self.sizes[sha256]

    def _keep(self, sha256: str) -> None:
        if sha256 in self.order:
            self.order.remove(sha256)
        self.order.append(sha256)
        for old in self.order[:-KEEP]:
            self.sizes.pop(old, None)
            for key in [k for k in self.images if k[0] == old]:
                del self.images[key]
        del self.order[:-KEEP]


def _read(pdf: Path, sha256: str) -> bytes | None:
    try:
        data = pdf.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def _sizes(data: bytes) -> list[tuple[float, float]]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return [tuple(round(v, 2) for v in document.get_page_size(i)) for i in range(len(document))]
    finally:
        document.close()


def _draw(pdf: Path, sha256: str, page: int, scale: float) -> bytes | None:
    """One page as PNG bytes, or None when the file changed or has no such page."""
    import pypdfium2 as pdfium

    data = _read(pdf, sha256)
    if data is None:
        return None
    document = pdfium.PdfDocument(data)
    try:
        if not 1 <= page <= len(document):
            return None
        image = document[page - 1].render(scale=scale).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=3)
    return out.getvalue()
