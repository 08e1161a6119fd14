"""Step 6b's forecast: from one layout of a one-pager, the room its flow would leave at other fit settings."""

from __future__ import annotations

from itertools import pairwise

import tinycss2
from weasyprint.css.tokens import Pending
from weasyprint.formatting_structure import boxes
from weasyprint.text.line_break import create_layout, line_size

from pipeline.document.page import FitSettings

HYPHEN = "\u2010"  # what WeasyPrint writes where it hyphenates a word at the end of a line
RELATIVE = {"em", "ex", "ch", "%"}  # font-size units that follow the parent's size
ABSOLUTE = {"px", "pt", "pc", "in", "cm", "mm", "q"}


class Forecast:
    """How much room a one-pager's flow leaves above its pinned blocks at other settings, read from one layout
    of it (`pages`, set with `settings`; `bottom`: where the real page's content area ends). Each paragraph is
    broken into lines again at the new size, greedily, with its words as Pango measured them; line heights
    follow the font size where the font follows --fit-body; margins and paddings declared with the fit
    variables are computed again. Hyphenation is not foreseen, so a forecast errs towards too few words a
    line: it may promise a size one step smaller than the largest that fits, rarely a larger one."""

    def __init__(self, pages, settings: FitSettings, bottom: float):
        self.settings, self.bottom = settings, bottom
        self.bodies = [body for body in map(body_of, pages) if body is not None]
        self.pinned = next((box for box in map(pinned_of, pages) if box is not None), None)
        self.floats = [box for body in self.bodies for box in _floats(body)]
        self.words, self.scaling, self.lengths = {}, {}, {}
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
        """The height of a paragraph's lines at `settings`: as many lines as its words need, at most as many
        as now (smaller type never needs more), each as tall as now times the font's scale."""
        lines = [c for c in box.children if isinstance(c, boxes.LineBox)]
        scale = self._scale(box.style, settings) if _relative_leading(box.style) else 1.0
        count, ratio = len(lines), settings.body / self.settings.body
        # Words are measured only where fewer lines could hold them: where the text, as long as now at the
        # new size, would fill fewer lines than it takes.
        if count > 1 and ratio != 1.0 and sum(map(_line_width, lines)) * ratio <= (count - 1) * box.width:
            words, now = self._words(box, lines)
            if words:
                again = _greedy(words, self._widths(box, lines), ratio)
                # Calibrated on the lines as laid out (lines beside a float are narrower than the box).
                count = min(count, again + max(0, count - now))
        return sum(line.height for line in lines[:count]) * scale

    def _words(self, box, lines) -> tuple[list[list], int]:
        """A paragraph's words (see `_line_words`; glued across inline boxes and hyphenated line ends), and
        how many lines they take when broken greedily at the box's width now."""
        key = id(box)
        if key not in self.words:
            words: list[list] = []
            for line in lines:
                found = _line_words(line, self.measure, lambda style: self._follows(style))
                if words and words[-1][3] and found:  # a word hyphenated at the end of the line before
                    last, first = words.pop(), found.pop(0)
                    found.insert(0, [last[0] + first[0], last[1], first[2], first[3]])
                words.extend(found)
            self.words[key] = (words, _greedy(words, self._widths(box, lines), 1.0) if words else len(lines))
        return self.words[key]

    def _widths(self, box, lines) -> list[float]:
        """The width each line of a paragraph has: the box's, less what a float beside the line takes."""
        left, right = box.content_box_x(), box.content_box_x() + box.width
        widths = []
        for line in lines:
            top, bottom = line.position_y, line.position_y + line.height
            taken = sum(
                max(0.0, min(right, x1) - max(left, x0))
                for x0, y0, x1, y1 in self.floats
                if y0 < bottom and y1 > top
            )
            widths.append(box.width - taken)
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


def _line_words(line, width, follows) -> list[list]:
    """The words of a line box as [width, scales with --fit-body, width of the space after, hyphenated]."""
    words: list[list] = []
    state = {"joined": False, "space": 0.0}

    def add(amount: float, scales: bool) -> None:
        if state["joined"] and words:
            words[-1][0] += amount
        else:
            words.append([amount, scales, 0.0, False])
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
                        words[-1][2] = state["space"]
                    state["joined"] = False
                if part:
                    add(widths[i], follows(box.style))
            if box.text.endswith(HYPHEN) and words:
                words[-1][3] = True
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
                words[-1][0] += right

    for child in line.children:
        walk(child)
    if words and not words[-1][2]:
        words[-1][2] = state["space"]  # the space the line break took
    return words


def _line_width(line) -> float:
    """How wide a line box's content is."""
    return (
        max((c.position_x + c.margin_width() for c in line.children), default=line.position_x)
        - line.position_x
    )


def _greedy(words: list[list], widths: list[float], scale: float) -> int:
    """How many lines the words take when each line holds as many as fit (as WeasyPrint breaks); line n is
    widths[n] wide (the last width for the lines after)."""
    count, used, space = 1, None, 0.0
    for amount, scales, after, _ in words:
        amount *= scale if scales else 1.0
        if used is None:
            used = amount
        elif used + space + amount <= widths[min(count, len(widths)) - 1] + 0.01:
            used += space + amount
        else:
            count, used = count + 1, amount
        space = after * (scale if scales else 1.0)
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
