"""Step 6c, prepress: a document's print-shop variant: bleed, crop marks, page boxes, PDF/X-4 with its intent.

The print PDF is laid out from the same HTML as the screen PDF (after the one-pager's fit), with the page's
bleed and slug added, so its pages hold the same lines in the same places. Then:
- every background that touches the trim edge is extended over the bleed (WeasyPrint extends only the
  page's own background);
- WeasyPrint writes it as PDF/X-4 (`pdf/x-4`), with a generated CMYK printer profile as its output intent
  (pipeline.icc) and sRGB as DefaultRGB, so every colour of the page is defined;
- a finisher sets the BleedBox at the bleed (WeasyPrint puts it up to 10 pt out), paints the slug white,
  draws the crop marks there in registration colour, leaves out link annotations (PDF/X allows none on the
  printed area) and gives the XMP a DocumentID derived from the content (WeasyPrint's is random).
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from importlib.resources import files
from pathlib import Path

from pipeline import icc
from pipeline.document.page import BLEED, bleed_rule, points
from pipeline.document.typeset import layout_html, write_pdf

PX_PER_PT = 96 / 72
MARK_GAP = 3.0  # pt between the bleed and the start of a crop mark
MARK_LENGTH = 12.0  # pt
MARK_WIDTH = 0.25  # pt, a hairline
EDGE = 0.5  # CSS px: a background this close to the trim edge touches it


def print_style(page_size: str) -> str:
    """The `<style>` a print PDF adds to its document's head: bleed and slug, and the output intent."""
    profile = base64.b64encode(icc.cmyk_profile()).decode("ascii")
    return (
        f'<style id="press-print">{bleed_rule(page_size)} '
        f"@color-profile device-cmyk {{ src: url(data:application/vnd.iccprofile;base64,{profile}); "
        "components: cyan, magenta, yellow, black; }</style>"
    )


def print_pdf(markup: str, root: Path, stem: str, topic: str, layout, page_size: str) -> bytes:
    """The print-shop PDF of a document from the HTML its screen PDF was made from (TypesetError as for the
    screen PDF)."""
    html = markup.replace("</head>", print_style(page_size) + "\n</head>", 1)
    document = layout_html(html, root, stem, topic)
    bleed_px = points(BLEED[page_size]) * PX_PER_PT
    for page in document.pages:
        extend_backgrounds(page, bleed_px)
    seed = hashlib.sha256(f"{page_size}\0{markup}".encode()).hexdigest()
    finisher = Finisher(points(BLEED[page_size]), seed)
    return write_pdf(document, layout, pdf_variant="pdf/x-4", pdf_tags=False, finisher=finisher)


def extend_backgrounds(page, bleed: float) -> list[tuple[float, float, float, float]]:
    """Grow every background that touches the page's trim edge by `bleed` CSS px past that edge (into the
    bleed); the painting areas it grew, as they were."""
    grown = []
    stack = list(getattr(page._page_box, "children", []))
    while stack:
        box = stack.pop()
        stack.extend(getattr(box, "children", []))
        background = getattr(box, "background", None)
        if background is None or not background.layers or not _visible(background):
            continue
        x, y, width, height = background.layers[-1].painting_area
        sides = (x <= EDGE, y <= EDGE, x + width >= page.width - EDGE, y + height >= page.height - EDGE)
        if not any(sides):
            continue
        grown.append((x, y, width, height))
        left, top, right, bottom = (bleed if side else 0.0 for side in sides)
        box.background = background._replace(
            layers=[
                layer._replace(
                    painting_area=_grow(layer.painting_area, left, top, right, bottom),
                    clipped_boxes=[_grow(b, left, top, right, bottom) for b in layer.clipped_boxes],
                )
                for layer in background.layers
            ]
        )
    return grown


def _visible(background) -> bool:
    return background.color.alpha > 0 or any(layer.image is not None for layer in background.layers)


def _grow(rect, left: float, top: float, right: float, bottom: float):
    x, y, width, height, *corners = rect
    return (x - left, y - top, width + left + right, height + top + bottom, *corners)


class Finisher:
    """Runs on WeasyPrint's PDF before it is written: boxes, colour spaces, slug and marks, no links, the
    XMP DocumentID."""

    def __init__(self, bleed: float, seed: str):
        self.bleed, self.seed = bleed, seed

    def __call__(self, document, pdf) -> None:
        import pydyf

        def target(reference):  # an object by its number, or by its reference (b"12 0 R")
            return pdf.objects[reference if isinstance(reference, int) else int(reference.split()[0])]

        srgb = pydyf.Stream([files("weasyprint.pdf").joinpath("sRGB2014.icc").read_bytes()], {"N": 3}, True)
        pdf.add_object(srgb)
        registration = pydyf.Dictionary(
            {"FunctionType": 2, "Domain": pydyf.Array((0, 1)), "C0": pydyf.Array((0, 0, 0, 0))}
        )
        registration["C1"], registration["N"] = pydyf.Array((1, 1, 1, 1)), 1
        for reference in pdf.pages["Kids"][::3]:  # pydyf keeps number, 0, R
            page = target(reference)
            spaces = target(target(page["Resources"])["ColorSpace"])
            spaces["DefaultRGB"] = pydyf.Array(("/ICCBased", srgb.reference))
            spaces["PressAll"] = pydyf.Array(("/Separation", "/All", "/DeviceCMYK", registration))
            page.pop("Annots", None)
            trim = [float(v) for v in page["TrimBox"]]
            bleed = [trim[0] - self.bleed, trim[1] - self.bleed, trim[2] + self.bleed, trim[3] + self.bleed]
            page["BleedBox"] = pydyf.Array(bleed)
            save = pydyf.Stream([b"q"], None, True)
            marks = pydyf.Stream([_marks(page, trim, bleed)], None, True)
            pdf.add_object(save)
            pdf.add_object(marks)
            page["Contents"] = pydyf.Array((save.reference, page["Contents"], marks.reference))
        metadata = target(pdf.catalog["Metadata"])
        document_id = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, 'position-press:' + self.seed)}".encode()
        metadata.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", document_id, part) for part in metadata.stream]


def _marks(page, trim: list[float], bleed: list[float]) -> bytes:
    """Content drawn over the page: the slug (between the bleed and the media box) painted white, and a crop
    mark at each end of each trim line, in the slug; all of it an artifact, in registration colour."""
    media = [float(v) for v in page["MediaBox"]]
    left, bottom, right, top = trim
    near, far = bleed[2] - right + MARK_GAP, bleed[2] - right + MARK_GAP + MARK_LENGTH
    lines = []
    for x, sign_x in ((left, -1), (right, 1)):
        for y, sign_y in ((bottom, -1), (top, 1)):
            lines.append(f"{x + sign_x * near:.3f} {y:.3f} m {x + sign_x * far:.3f} {y:.3f} l")
            lines.append(f"{x:.3f} {y + sign_y * near:.3f} m {x:.3f} {y + sign_y * far:.3f} l")

    def box(b: list[float]) -> str:
        return f"{b[0]:.3f} {b[1]:.3f} {b[2] - b[0]:.3f} {b[3] - b[1]:.3f} re"

    return "\n".join(
        [
            "Q /Artifact BMC q 0 0 0 0 k",
            f"{box(media)} {box(bleed)} f*",
            f"/PressAll CS 1 SCN {MARK_WIDTH:g} w 0 J",
            *lines,
            "S Q EMC",
        ]
    ).encode()
