"""Audit, text: what pdfium extracts, and where text sits on the page.

Our text.* checks (hyphenation left in words, letter-spaced words, words of two lines run together) and two
decidable heuristics: running heads and page numbers tagged as content (Matterhorn 18-001) and footnotes
not tagged as Note (19-001).
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass

from pipeline.pdf.audit_common import Found, plural, shorten
from pipeline.pdf.audit_structure import Tree

BAND = (
    0.75 * 72
)  # running heads and feet sit within this distance (pt) of the top or bottom edge (of the trim)
NOT_BODY = {"L", "LI", "LBody", "TOC", "TOCI", "H", "H1", "H2", "H3", "H4", "H5", "H6", "Table"}


@dataclass
class Run:
    """One text object as pdfium reads it: where it is (top-down y), its text, size and marked content."""

    page: int  # 0-based
    text: str
    left: float
    top: float
    bottom: float
    size: float
    mcid: int | None
    artifact: bool
    band: str  # 'top', 'bottom' or ''


def check_text(data, tree: Tree, found: Found) -> None:
    """Open the file with pdfium and run the text checks and the two placement checks."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        texts, runs = [], []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(_page_text(textpage, index + 1, found))
            runs.append(_runs(page, textpage, index))
        _hyphens(texts, found)
        markers = [_note_markers(page_runs) for page_runs in runs]
        _running_heads(runs, markers, tree, found)
        _footnotes(runs, markers, tree, found)
    finally:
        document.close()


def _page_text(textpage, number: int, found: Found) -> str:
    """The page's text, char by char, reporting words of two lines that run together (text.glued)."""
    import pypdfium2.raw as raw

    count = textpage.count_chars()
    chars, glued = [], []
    x, y = ctypes.c_double(), ctypes.c_double()
    box = raw.FS_RECTF()
    previous = None  # (index in chars, x, y, height) of the last visible character
    for i in range(count):
        code = raw.FPDFText_GetUnicode(textpage.raw, i)
        if code in (2, 0xFFFE) or raw.FPDFText_IsHyphen(textpage.raw, i) == 1:
            previous = (
                None  # a hyphen at a line end that pdfium drops, joining the halves: right for a reader
            )
            continue
        char = chr(code) if 0 < code < 0x110000 else "\ufffd"
        chars.append(char)
        if char.isspace() or raw.FPDFText_IsGenerated(textpage.raw, i) == 1:
            previous = None
            continue
        raw.FPDFText_GetCharOrigin(textpage.raw, i, x, y)
        raw.FPDFText_GetLooseCharBox(textpage.raw, i, box)
        here = (len(chars) - 1, x.value, y.value, abs(box.top - box.bottom))
        if previous is not None:
            height = max(previous[3], here[3]) or 1.0
            if abs(here[2] - previous[2]) > 0.5 * height:  # baselines half a line apart: another line
                glued.append(len(chars) - 1)
        previous = here
    text = "".join(chars)
    for at in glued[:3]:
        before = re.split(r"\s", text[:at])[-1][-20:]
        after = re.split(r"\s", text[at:])[0][:20]
        found.add(
            number,
            "text.glued",
            f"'{before}' and '{after}' are on two lines but extract as one word '{before}{after}'",
        )
    if len(glued) > 3:
        found.add(number, "text.glued", f"{len(glued) - 3} more places where two lines extract as one word")
    _letter_spaced(text, number, found)
    return text


_SPACED = re.compile(r"(?<!\S)(?:[^\W\d_] ){3,}[^\W\d_](?!\S)")


def _letter_spaced(text: str, number: int, found: Found) -> None:
    for line in re.split(r"[\r\n]+", text):
        for match in _SPACED.finditer(line):
            found.add(
                number,
                "text.letterspaced",
                f"'{shorten(match.group(0), 40)}' extracts as single letters with spaces between "
                "(letter-spaced text)",
            )


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_BREAK = re.compile(r"([^\W\d_]+)[\-\u2010\u00ad](?:[ \t]*\r?\n[ \t]*| )([a-z\u00df-\u00ff][^\W\d_]*)")


def _hyphens(texts: list[str], found: Found) -> None:
    """text.hyphen: 'gov‐\\nernment' where 'government' is a word elsewhere in the document and 'gov‐ernment'
    is not (evidence from the same document; a word that occurs once is not judged)."""
    whole = "\n".join(texts)
    words = Counter(w.lower() for w in _WORD.findall(whole))
    hyphenated = {m.group(0).lower() for m in re.finditer(r"[^\W\d_]+[\-\u2010][^\W\d_]+", whole)}
    for number, text in enumerate(texts, start=1):
        for match in _BREAK.finditer(text):
            head, tail = match.group(1), match.group(2)
            joined = (head + tail).lower()
            if (
                words[joined] < 1
                or f"{head}-{tail}".lower() in hyphenated
                or f"{head}‐{tail}".lower() in hyphenated
            ):
                continue
            shown = match.group(0).replace("\r", "").replace("\n", "\\n")
            found.add(
                number,
                "text.hyphen",
                f"'{shown}' extracts with the line-end hyphen left in; the word is '{head}{tail}'",
            )


def _runs(page, textpage, index: int) -> list[Run]:
    import pypdfium2.raw as raw

    _, bottom, _, top = page.get_trimbox()
    runs = []
    for obj in page.get_objects(max_depth=4):
        if obj.type != raw.FPDF_PAGEOBJ_TEXT:
            continue
        x0, y0, _, y1 = obj.get_bounds()
        content = _object_text(obj, textpage)
        if not content.strip():
            continue
        matrix = obj.get_matrix()
        size = obj.get_font_size() * (abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5)
        mcid = raw.FPDFPageObj_GetMarkedContentID(obj.raw)
        band = "top" if y0 >= top - BAND else "bottom" if y1 <= bottom + BAND else ""
        runs.append(
            Run(
                index,
                content.strip(),
                x0,
                top - y1,
                top - y0,
                size,
                mcid if mcid >= 0 else None,
                _is_artifact(obj),
                band,
            )
        )
    return runs


def _object_text(obj, textpage) -> str:
    import pypdfium2.raw as raw

    size = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    raw.FPDFTextObj_GetText(obj.raw, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size)
    return buffer.raw.decode("utf-16-le", errors="replace").rstrip("\0")


def _is_artifact(obj) -> bool:
    import pypdfium2.raw as raw

    buffer = ctypes.create_string_buffer(64)
    length = ctypes.c_ulong()
    for i in range(raw.FPDFPageObj_CountMarks(obj.raw)):
        mark = raw.FPDFPageObj_GetMark(obj.raw, i)
        raw.FPDFPageObjMark_GetName(mark, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), 64, length)
        if buffer.raw[: length.value].decode("utf-16-le", errors="replace").rstrip("\0") == "Artifact":
            return True
    return False


_CALL = re.compile(r"\d{1,3}")
_MARKER = re.compile(r"(\d{1,3})(?:[.)]?\s*$|[.)]\s+\S)")


def _note_markers(runs: list[Run]) -> dict[int, int]:
    """A page's note markers, as {position in runs: note number}: text that starts with a number N, below a
    note call N on the same page (N set smaller than the page's body text, alone), with the note's text
    after it (in the same run or the next one on the line)."""
    sizes = Counter(round(r.size, 1) for r in runs for _ in r.text)
    if not sizes:
        return {}
    normal = sizes.most_common(1)[0][0]
    calls: dict[int, float] = {}
    for run in runs:
        if _CALL.fullmatch(run.text) and run.size < 0.8 * normal:
            calls.setdefault(int(run.text), run.top)
    markers = {}
    for position, run in enumerate(runs):
        found = _MARKER.match(run.text)
        if not found or int(found.group(1)) not in calls or run.top <= calls[int(found.group(1))]:
            continue
        if _CALL.fullmatch(run.text) and run.size < 0.8 * normal:
            continue  # a call itself
        after = runs[position + 1] if position + 1 < len(runs) else None
        on_line = after is not None and abs(after.top - run.top) < run.size and after.left > run.left
        if found.group(0) != run.text.strip() or on_line:
            markers[position] = int(found.group(1))
    return markers


def _running_heads(pages: list[list[Run]], markers: list[dict[int, int]], tree: Tree, found: Found) -> None:
    """18-001: a page number is text in the band whose number steps with the page (on two pages or more);
    on the pages that have one, text in the same band that repeats on two of them is a running head or foot.
    Either, tagged as content, is a finding."""
    numbered = _page_numbers(pages, markers)
    repeats = Counter(key for index in numbered for key in {(r.band, r.text) for r in pages[index] if r.band})
    for index in sorted(numbered):
        furniture = [
            run
            for position, run in enumerate(pages[index])
            if run.band
            and position not in markers[index]
            and (position in numbered[index] or repeats[(run.band, run.text)] >= 2)
        ]
        tagged = [
            r
            for r in furniture
            if not r.artifact and r.mcid is not None and (index, r.mcid) in tree.reachable
        ]
        if tagged:
            shown = ", ".join(f"'{shorten(r.text, 32)}'" for r in tagged[:4]) + (
                ", …" if len(tagged) > 4 else ""
            )
            found.add(
                index + 1,
                "ua.18-001",
                f"running heads and page numbers are tagged as content, not as Artifacts: {shown}",
            )


def _page_numbers(pages: list[list[Run]], markers: list[dict[int, int]]) -> dict[int, set[int]]:
    """Pages (0-based) with a page number, and its positions: band text (not a note marker) whose digits-as-#
    shape recurs on another page with a number that differs from the page's index by the same amount."""
    shapes: dict[tuple[str, str, int], list[tuple[int, int]]] = {}
    for index, runs in enumerate(pages):
        for position, run in enumerate(runs):
            if not run.band or position in markers[index]:
                continue
            shape = re.sub(r"\d+", "#", run.text)
            for value in {int(n) for n in re.findall(r"\d{1,4}", run.text)}:
                shapes.setdefault((run.band, shape, value - index), []).append((index, position))
    numbered: dict[int, set[int]] = {}
    for hits in shapes.values():
        if len({index for index, _ in hits}) >= 2:
            for index, position in hits:
                numbered.setdefault(index, set()).add(position)
    return numbered


def _footnotes(pages: list[list[Run]], markers: list[dict[int, int]], tree: Tree, found: Found) -> None:
    """19-001: a note marker's text is a footnote and must be tagged Note (or sit in one); a marker in a list,
    a table of contents, a heading or a table is left alone (numbered items, not notes)."""
    if not tree.present:
        return
    for index, runs in enumerate(pages):
        notes = []
        for position, number in markers[index].items():
            element = _element_of(runs, position, index, tree)
            if element is None:
                continue
            roles = {element.role} | {a.role for a in element.ancestors()}
            if "Note" not in roles and not roles & NOT_BODY:
                notes.append((number, element))
        if notes:
            numbers = ", ".join(str(n) for n, _ in notes[:6]) + (", …" if len(notes) > 6 else "")
            element = notes[0][1]
            where = element.label() + (f" in {element.parent.label()}" if element.parent else "")
            found.add(
                index + 1,
                "ua.19-001",
                f"{plural(len(notes), 'footnote')} ({numbers}) {'is' if len(notes) == 1 else 'are'} "
                f"not tagged Note (the first is a {where})",
            )


def _element_of(runs: list[Run], position: int, index: int, tree: Tree):
    """The structure element of a note's marker, or of the first tagged text after it on its line."""
    marker = runs[position]
    for run in runs[position : position + 4]:
        if abs(run.top - marker.top) > marker.size:
            break
        if run.mcid is not None and (index, run.mcid) in tree.by_mcid:
            return tree.by_mcid[(index, run.mcid)]
    return None
