"""Step 6b's forecast: from one layout of a one-pager, the room its flow would leave at other fit settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

import pyphen
import tinycss2
from weasyprint.css.tokens import Pending
from weasyprint.formatting_structure import boxes
from weasyprint.text.line_break import create_layout, line_size

from pipeline.document.page import FitSettings

RELATIVE = {"em", "ex", "ch", "%"}  # font-size units that follow the parent's size
ABSOLUTE = {"px", "pt", "pc", "in", "cm", "mm", "q"}


class Forecast:
    """How much room a one-pager's flow leaves above its pinned blocks at other settings, read from one layout
    of it (`pages`, set with `settings`; `bottom`: where the real page's content area ends). Each paragraph is
    broken into lines again at the new size as WeasyPrint breaks them: greedily, with its words as Pango
    measured them, hyphenated by the same patterns and limits, a line beside a float as narrow as now; line
    heights follow the font size where the font follows --fit-body; margins and paddings declared with the
    fit variables are computed again. Where it errs (a float that the text flows past at the new size, a
    break Pango finds that is not at a space) it mostly errs short: a size one step smaller than the
    largest that fits, rarely a larger one (the layout that confirms it then steps down)."""

    def __init__(self, pages, settings: FitSettings, bottom: float):
        self.settings, self.bottom = settings, bottom
        self.bodies = [body for body in map(body_of, pages) if body is not None]
        self.pinned = next((box for box in map(pinned_of, pages) if box is not None), None)
        self.floats = [box for body in self.bodies for box in _floats(body)]
        self.words, self.scaling, self.lengths, self.dictionaries = {}, {}, {}, {}
        self.measure = _Widths()

    def room(self, settings: FitSettings) -> float:
        """CSS px between the end of the flow and the pinned blocks at `settings` (negative: too long)."""
        ends = [end for _, end in self.spans(settings).values()]
        return self.limit(settings) - max(ends, default=self.bottom)

    def limit(self, settings: FitSettings) -> float:
        """Where the flow must end at `settings`: above the pinned blocks and the least gap before them."""
        if self.pinned is None:
            return self.bottom
        gap = self._length(self.pinned.style, "margin_top", settings, self.pinned.margin_top)
        return self.bottom - gap - self._height(self.pinned, settings)

    def spans(self, settings: FitSettings) -> dict[str, tuple[float, float]]:
        """Where each block of the flow would start and end at `settings` (CSS px, as if on one tall page)."""
        spans: dict[str, tuple[float, float]] = {}
        y = self.bodies[0].content_box_y() if self.bodies else self.bottom
        for number, body in enumerate(self.bodies):
            edge, previous = body.content_box_y(), None
            for child in body.children:
                if not (child.is_in_normal_flow() or child.is_floated()):
                    continue  # the pinned blocks, and anything else positioned
                name = _block_name(child)
                height = self._height(child, settings)
                if number and previous is None and name in spans:  # the rest of a block cut by a page break
                    start, end = spans[name][0], y + height
                else:
                    if number and previous is None:  # margins are cut at a page break; not on one tall page
                        gap = self._length(child.style, "margin_top", settings, child.margin_top)
                    else:
                        gap = (child.border_box_y() - edge) * self._gap(previous, child, settings)
                    start = y + gap
                    end = start + height
                spans[name] = (start, end)
                if not child.is_floated():  # a float stands beside the flow; what follows does not move
                    y, previous = end, child
                    edge = child.border_box_y() + child.border_height()
        return spans

    def _height(self, box, settings: FitSettings) -> float:
        """The border-box height `box` would have at `settings`."""
        children = getattr(box, "children", [])
        if isinstance(box, boxes.ReplacedBox) or not children:
            return box.border_height()
        if any(isinstance(c, boxes.LineBox) for c in children):
            return self._lines(box, settings) + self._edges(box, settings)
        if isinstance(box, boxes.TableRowBox):
            return self._row(box, settings)
        flow = [c for c in children if c.is_in_normal_flow()]
        cell = isinstance(box, boxes.TableCellBox)
        if not flow or (box.style["height"] != "auto" and not cell):
            return box.border_height()
        top = box.content_box_y()
        if any(b.border_box_y() < a.border_box_y() + a.border_height() - 0.5 for a, b in pairwise(flow)):
            # Side by side (a flex row, a grid, columns): as tall as the child that reaches lowest.
            reach = max(
                (c.border_box_y() - top) * self._gap(None, c, settings) + self._height(c, settings)
                for c in flow
            )
            return reach + self._edges(box, settings)
        total, edge, previous = 0.0, top, None
        for child in flow:
            total += (child.border_box_y() - edge) * self._gap(previous, child, settings)
            total += self._height(child, settings)
            edge, previous = child.border_box_y() + child.border_height(), child
        # A cell is stretched to its row: its own content ends where WeasyPrint measured it.
        trailing = (box.content_height if cell else box.height) - (edge - top)
        total += trailing * self._ratio(previous.style, "margin_bottom", settings, previous.margin_bottom)
        return total + self._edges(box, settings)

    def _row(self, row, settings: FitSettings) -> float:
        """A table row: as tall as its tallest cell, cells set on a common baseline aligned on it."""
        cells = [c for c in row.children if c.is_in_normal_flow()]
        heights = [self._height(c, settings) for c in cells]
        tallest = max(heights, default=row.height)
        above = below = 0.0
        for cell, height in zip(cells, heights, strict=True):
            if getattr(cell, "vertical_align", "") == "baseline":
                fixed = cell.border_top_width + self._length(cell.style, "padding_top", settings, 0.0)
                baseline = fixed + (cell.baseline - fixed) * self._scale(cell.style, settings)
                above, below = max(above, baseline), max(below, height - baseline)
        return max(tallest, above + below)

    def _lines(self, box, settings: FitSettings) -> float:
        """The height of a paragraph's lines at `settings`: as many lines as its words need (no more than now
        when the type is smaller, no fewer when it is larger), each as tall as now times the font's scale."""
        lines = [c for c in box.children if isinstance(c, boxes.LineBox)]
        scale = self._scale(box.style, settings)
        count, grows = len(lines), scale > 1.0
        # Smaller, words are measured only where fewer lines could hold them: where the text, as long as now
        # at the new size, would fill fewer lines than it takes. Larger, any line may spill onto another.
        fewer = count > 1 and sum(map(_line_width, lines)) * scale <= (count - 1) * box.width
        if scale != 1.0 and (grows or fewer):
            words, now = self._words(box, lines)
            if words:
                ratio = settings.body / self.settings.body
                again = _greedy(words, self._widths(box, lines), ratio, self._split)
                # Calibrated on the lines as laid out (lines beside a float are narrower than the box).
                again += max(0, count - now)
                count = max(count, again) if grows else min(count, again)
        heights = [line.height for line in lines]
        heights += heights[-1:] * (count - len(heights))
        leading = scale if _relative_leading(box.style) else 1.0
        return sum(heights[:count]) * leading

    def _words(self, box, lines) -> tuple[list[_Word], int]:
        """A paragraph's words, glued across inline boxes and across the lines that broke inside them, and
        how many lines they take when broken greedily at the widths they have now."""
        key = id(box)
        if key not in self.words:
            words: list[_Word] = []
            for line in lines:
                found = _line_words(line, self.measure, self._follows)
                if words and words[-1].broken and found:  # a word hyphenated at the end of the line before
                    last, first = words.pop(), found.pop(0)
                    joined = _Word(last.width + first.width, last.scales, first.space, first.broken)
                    if last.text and first.text and last.style is first.style:  # one word again, unbroken
                        joined.text, joined.style = (
                            self._rejoin(last.text, first.text, first.style),
                            first.style,
                        )
                        joined.width = self.measure(joined.text, joined.style)
                    found.insert(0, joined)
                words.extend(found)
            now = _greedy(words, self._widths(box, lines), 1.0, self._split) if words else len(lines)
            self.words[key] = (words, now)
        return self.words[key]

    def _split(self, word: _Word, room: float, scale: float) -> float | None:
        """Where WeasyPrint would hyphenate a word that does not fit in the `room` left on a line (its longest
        head that fits, by its language's patterns and the box's hyphenate-limit-chars): the width of the
        rest, which starts the next line; None where it would not."""
        style = word.style
        found = re.fullmatch(r"(\W*)(\w+)(\W*)", word.text or "")  # a plain word, punctuation around it
        dictionary = self._dictionary(style, found[2]) if found and room > 0 else None
        if dictionary is None:
            return None
        for head, rest in dictionary.iterate(found[2]):  # the longest head first
            if self.measure(found[1] + head + style["hyphenate_character"], style) * scale <= room + 0.01:
                return self.measure(rest + found[3], style) * scale
        return None

    def _rejoin(self, head: str, tail: str, style) -> str:
        """A word a line broke: without the hyphen where hyphenation added it, with it where it was there."""
        mark = style["hyphenate_character"]
        word = head[: -len(mark)] + tail
        found = re.fullmatch(r"(\W*)(\w+)(\W*)", word)
        dictionary = self._dictionary(style, found[2]) if found else None
        cut = len(head) - len(mark) - len(found[1]) if found else 0
        return word if dictionary is not None and cut in dictionary.positions(found[2]) else head + tail

    def _dictionary(self, style, word: str):
        """The hyphenation patterns WeasyPrint would use on `word` in this style, or None if it would not."""
        lang = style["lang"] and pyphen.language_fallback(style["lang"])
        total, left, right = style["hyphenate_limit_chars"]
        if style["hyphens"] != "auto" or not lang or len(word) < total:
            return None
        if (lang, left, right) not in self.dictionaries:
            self.dictionaries[lang, left, right] = pyphen.Pyphen(lang=lang, left=left, right=right)
        return self.dictionaries[lang, left, right]

    def _widths(self, box, lines) -> list[float]:
        """The width each line of a paragraph has: the box's, less what a float beside the line takes."""
        left, right = box.content_box_x(), box.content_box_x() + box.width
        widths = []
        for line in lines:
            top, bottom = line.position_y, line.position_y + line.height
            beside = [
                min(right, x1) - max(left, x0) for x0, y0, x1, y1 in self.floats if y0 < bottom and y1 > top
            ]
            # A float as wide as the box holds it (the figures' own labels): it takes nothing from it.
            widths.append(box.width - sum(w for w in beside if 0.0 < w < box.width - 0.5))
        return widths

    def _edges(self, box, settings: FitSettings) -> float:
        """Borders and paddings, top and bottom, at `settings` (a cell's as declared, not as stretched)."""
        cell = isinstance(box, boxes.TableCellBox)
        top = self._length(box.style, "padding_top", settings, None if cell else box.padding_top)
        bottom = self._length(box.style, "padding_bottom", settings, None if cell else box.padding_bottom)
        return box.border_top_width + box.border_bottom_width + (top or 0.0) + (bottom or 0.0)

    def _gap(self, previous, child, settings: FitSettings) -> float:
        """How a gap between two boxes changes: as the larger of the margins that made it."""
        if previous is not None and previous.margin_bottom > child.margin_top:
            return self._ratio(previous.style, "margin_bottom", settings, previous.margin_bottom)
        return self._ratio(child.style, "margin_top", settings, child.margin_top)

    def _ratio(self, style, key: str, settings: FitSettings, used: float) -> float:
        now = self._length(style, key, self.settings, used)
        return self._length(style, key, settings, used) / now if now else 1.0

    def _length(self, style, key: str, settings: FitSettings, default):
        """A length property computed at `settings`, in CSS px; `default` when it is not a plain length."""
        cascaded = getattr(style, "cascaded", {}).get(key)
        if cascaded is None or not isinstance(cascaded[0], Pending):
            value = style[key]
        else:  # the same declaration gives the same length wherever the font size is the same
            found = (id(cascaded[0]), key, settings.body, settings.space, style["font_size"])
            if found not in self.lengths:
                other = style.copy()
                other["__fit_body"] = tinycss2.parse_component_value_list(f"{settings.body:g}pt")
                other["__fit_space"] = tinycss2.parse_component_value_list(f"{settings.space:g}")
                other.pop(key, None)
                self.lengths[found] = other[key]
            value = self.lengths[found]
        return value.value if getattr(value, "unit", None) == "px" else default

    def _scale(self, style, settings: FitSettings) -> float:
        return settings.body / self.settings.body if self._follows(style) else 1.0

    def _follows(self, style) -> bool:
        """Whether a font size follows --fit-body (declared with it, or relative to a size that does)."""
        key = id(style)
        if key not in self.scaling:
            cascaded = getattr(style, "cascaded", {}).get("font_size")
            parent = getattr(style, "parent_style", None)
            value = cascaded[0] if cascaded else "inherit"
            if isinstance(value, Pending):
                names, units = _references(value.tokens)
                follows = "--fit-body" in names or (bool(units & RELATIVE) and self._follows_parent(parent))
            elif value in ("inherit", "smaller", "larger") or getattr(value, "unit", None) in RELATIVE:
                follows = self._follows_parent(parent)
            else:
                follows = False
            self.scaling[key] = follows
        return self.scaling[key]

    def _follows_parent(self, parent) -> bool:
        return parent is not None and self._follows(parent)


class _Widths:
    """Widths of bits of text as Pango sets them, one layout per style."""

    def __init__(self):
        self.layouts: dict[int, object] = {}

    def __call__(self, text: str, style) -> float:
        layout = self.layouts.get(id(style))
        if layout is None:
            layout = self.layouts[id(style)] = create_layout(text, style, None, None, 0)
        layout.set_text(text)
        line, _ = layout.get_first_line()
        return line_size(line, style)[0]


@dataclass(slots=True)
class _Word:
    """A word of a paragraph as laid out: its width, whether it follows --fit-body, the width of the space
    after it, whether the line broke inside it (hyphenated), and its text and style where it is one run."""

    width: float
    scales: bool
    space: float | None = None
    broken: bool = False
    text: str | None = None
    style: object = None


def _line_words(line, width, follows) -> list[_Word]:
    """The words of a line box, glued across inline boxes where no space parts them."""
    words: list[_Word] = []
    state = {"joined": False, "space": 0.0}

    def add(amount: float, scales: bool, text: str | None = None, style=None) -> None:
        if state["joined"] and words:
            words[-1].width += amount
            words[-1].text = None  # more than one run: not hyphenated here
        else:
            words.append(_Word(amount, scales, text=text, style=style))
        state["joined"] = True

    def walk(box) -> None:
        if isinstance(box, boxes.TextBox):
            parts = box.text.split(" ")
            widths = [width(part, box.style) if part else 0.0 for part in parts]
            if len(parts) > 1:
                state["space"] = (box.width - sum(widths)) / (len(parts) - 1)
            else:
                state["space"] = width("x x", box.style) - 2 * width("x", box.style)
            for i, part in enumerate(parts):
                if i:
                    if words and state["joined"]:
                        words[-1].space = state["space"]
                    state["joined"] = False
                if part:
                    add(widths[i], follows(box.style), part, box.style)
            if words and state["joined"] and box.text.endswith(box.style["hyphenate_character"]):
                words[-1].broken = True  # the line broke inside this word (see Forecast._rejoin)
        elif isinstance(box, (boxes.InlineReplacedBox, boxes.InlineBlockBox)):
            add(box.margin_width(), False)
        elif isinstance(box, boxes.InlineBox):
            left = box.margin_left + box.border_left_width + box.padding_left
            if left:
                add(left, follows(box.style))
            for child in box.children:
                walk(child)
            right = box.margin_right + box.border_right_width + box.padding_right
            if right and words:
                words[-1].width += right
                words[-1].text = None

    for child in line.children:
        walk(child)
    if words and words[-1].space is None:
        words[-1].space = state["space"]  # the space the line break took
    return words


def _line_width(line) -> float:
    """How wide a line box's content is."""
    return (
        max((c.position_x + c.margin_width() for c in line.children), default=line.position_x)
        - line.position_x
    )


def _greedy(words: list[_Word], widths: list[float], scale: float, split=None) -> int:
    """How many lines the words take when each line holds as many as fit (as WeasyPrint breaks), hyphenating
    by `split` a word that does not; line n is widths[n] wide (the last width for the lines after)."""
    count, used, space = 1, None, 0.0
    for word in words:
        factor = scale if word.scales else 1.0
        amount, room = word.width * factor, widths[min(count, len(widths)) - 1]
        if used is None:
            used = amount
        elif used + space + amount <= room + 0.01:
            used += space + amount
        else:
            rest = split(word, room - used - space, factor) if split else None
            count, used = count + 1, amount if rest is None else rest
        space = (word.space or 0.0) * factor
    return count


def _floats(box) -> list[tuple[float, float, float, float]]:
    """The margin boxes (x0, y0, x1, y1) of the floats inside a box."""
    found = []
    for child in getattr(box, "children", []):
        if getattr(child, "is_floated", lambda: False)():
            x, y = child.position_x, child.position_y
            found.append((x, y, x + child.margin_width(), y + child.margin_height()))
        elif not isinstance(child, boxes.LineBox):
            found += _floats(child)
    return found


def _references(tokens) -> tuple[set[str], set[str]]:
    """The custom properties and the units a declaration's tokens use."""
    names, units = set(), set()
    for token in tokens:
        if token.type == "function" and token.lower_name == "var" and token.arguments:
            names.add(token.arguments[0].value)
        if token.type == "dimension":
            units.add(token.lower_unit)
        elif token.type == "percentage":
            units.add("%")
        inner = getattr(token, "arguments", None) or getattr(token, "content", None)
        if isinstance(inner, list):
            more_names, more_units = _references(inner)
            names, units = names | more_names, units | more_units
    return names, units


def _relative_leading(style) -> bool:
    """Whether line-height follows the font size (a number, or em), not a fixed length."""
    cascaded = getattr(style, "cascaded", {}).get("line_height")
    if cascaded is None:
        parent = getattr(style, "parent_style", None)
        return parent is None or _relative_leading(parent)
    value = cascaded[0]
    return isinstance(value, Pending) or getattr(value, "unit", None) not in ABSOLUTE


def body_of(page):
    """The body's box on a laid-out page (None if it has none)."""
    roots = [c for c in page._page_box.children if getattr(c, "element_tag", None) == "html"]
    return next((c for r in roots for c in r.children if getattr(c, "element_tag", None) == "body"), None)


def pinned_of(page):
    """The box of the pinned blocks (sources, contact) on a laid-out page, if they are on it."""
    body = body_of(page)
    for box in body.children if body is not None else ():
        element = getattr(box, "element", None)
        if element is not None and "pinned" in (element.get("class") or "").split():
            return box
    return None


def _block_name(box) -> str:
    element = getattr(box, "element", None)
    name = element.get("data-block") if element is not None else None
    return name or f"#{id(element)}"
