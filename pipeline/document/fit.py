"""Step 6b, fit: the largest brand-legal size at which every block of a one-pager ends on its page."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.document.page import FitSettings
from pipeline.document.reflow import Forecast, pinned_of
from pipeline.document.render import Doc
from pipeline.document.typeset import clipped, content_bottom, layout_html

PX_PER_MM = 96 / 25.4
MARGIN = 0.0  # CSS px a forecast must leave under the flow for its size to be tried
MAX_TRIES = 3  # real renders stepping down from a forecast that was wrong, before going straight to the floor


@dataclass
class Measure:
    """Where each block starts and ends on page 1 (CSS px), what is not there, and where the flow must end."""

    pages: int
    spans: dict[str, tuple[float, float]]
    missing: list[str]
    bottom: float
    clipped: list[str] = field(default_factory=list)
    pinned: list[str] = field(default_factory=list)  # the blocks at the foot of the page, not in the flow
    limit: float | None = None  # where the flow must end: above the pinned blocks and the gap before them

    @property
    def end(self) -> float:
        return max((end for _, end in self.spans.values()), default=0.0)

    @property
    def flow_end(self) -> float:
        return max((end for n, (_, end) in self.spans.items() if n not in self.pinned), default=0.0)

    @property
    def room(self) -> float:
        """CSS px left between the end of the flow and the pinned blocks (negative: they overlap)."""
        return (self.bottom if self.limit is None else self.limit) - self.flow_end

    @property
    def fits(self) -> bool:
        return (
            self.pages == 1
            and not self.missing
            and not self.clipped
            and self.room >= -0.5
            and self.end <= self.bottom + 0.5
        )


def measure(document, blocks: list[str], pinned: list[str] | tuple = ()) -> Measure:
    """Read the block anchors of page 1: a block fits only if its end marker is on the page, above its
    foot, and the flow ends above the pinned blocks (which CSS sets at the foot of the page)."""
    page = document.pages[0]
    spans, missing = {}, []
    for name in blocks:
        start, end = page.anchors.get(f"block-{name}"), page.anchors.get(f"end-{name}")
        if start is None or end is None:
            missing.append(name)
        else:
            spans[name] = (start[1], end[1])
    box = pinned_of(page) if pinned else None
    limit = None if box is None else box.position_y  # the top of its margin: the least gap above it
    return Measure(
        len(document.pages), spans, missing, content_bottom(page), clipped(page), list(pinned), limit
    )


@dataclass
class Fitted:
    """The one-pager as it will be printed, and how it got there."""

    document: object
    html: str
    settings: FitSettings  # the size and spacing it was set at
    dropped: list[str] = field(default_factory=list)
    renders: int = 0
    spare: float = 0.0  # CSS px left between the end of the flow and the pinned blocks
    density: float = 0.0  # words per CSS px of its running text, as set (see `density`)
    used: float = 0.0  # CSS px from the top of the first block to the foot, less the spare room
    floor_room: float | None = None  # CSS px the content would leave at the floor, if it was set smaller
    floor_density: float = 0.0  # words per CSS px of its running text at the floor

    @property
    def body(self) -> float:
        return self.settings.body

    @property
    def space(self) -> float:
        return self.settings.space


class FitError(Exception):
    """A one-pager that does not fit even at the layout's floor, with what to cut."""

    def __init__(
        self,
        block: str,
        overflow_mm: float,
        words: int,
        body: float,
        space: float,
        dropped: list[str],
        longest: str,
        longest_words: int,
    ):
        self.block, self.overflow_mm, self.words = block, overflow_mm, words
        self.body, self.space, self.dropped, self.longest = body, space, dropped, longest
        left_out = f" and without {', '.join(dropped)}" if dropped else ""
        super().__init__(
            f"the one-pager does not fit on one page, even at the layout's floor (body {body:g}pt, "
            f"spacing {space:.0%}{left_out}): block '{block}' runs {max(1, round(overflow_mm))} mm past the "
            "foot "
            f"of the page; cut about {words} words (the longest block is '{longest}', {longest_words} words)"
        )


def fit(
    doc: Doc, root: Path, rerender: Callable[[tuple[str, ...]], Doc], height_ratio: float = 1.0
) -> Fitted:
    """Step down from the layout's largest size to its floor, then drop optional blocks, until the page
    holds every block; `rerender(dropped)` renders the document again without the blocks named. The layout
    at the largest size forecasts the largest smaller size that fits (reflow.Forecast) and one more layout
    confirms it: two renders where the content fits at all, one where it fits at the largest size. CSS sets
    the pinned blocks at the foot of the page, so pinning takes no render. On paper `height_ratio` times as
    tall as the one the layout's limits were set for, a page with room at the largest size grows past it."""
    limits = doc.limits
    steps = max(0, round((limits.body_max - limits.body_min) / limits.step))
    above = _above(limits, steps, height_ratio)
    renders = [0]

    def size(k: int, tall: bool = False) -> FitSettings:
        t = 1 - k / steps if steps else 1.0
        body = limits.body_min + t * (limits.body_max - limits.body_min)
        space = limits.space_min + t * (1 - limits.space_min)
        return FitSettings(round(body / limits.step) * limits.step, round(space, 3), tall)

    def real(current: Doc, k: int, tall: bool = False):
        renders[0] += 1
        again = current.refit(size(k, tall))
        document = layout_html(again.html, root, current.stem, current.topic)
        return document, again, measure(document, current.blocks, current.pinned)

    current, dropped = doc, []
    while True:
        document, again, first = real(current, 0)
        if first.fits:
            if above:  # taller paper: the largest size past the layout's that the forecast says fits
                forecast = Forecast(document.pages, size(0), first.bottom)
                k = next((-j for j in range(above, 0, -1) if forecast.room(size(-j)) >= MARGIN), 0)
                for j in range(k, 0):  # confirmed by a layout, stepping back toward the largest size
                    grown = real(current, j)
                    if grown[2].fits:
                        document, again, first = grown
                        break
            return _fitted(current, document, again, first, dropped, renders[0])
        forecast, tries, got = Forecast(document.pages, size(0), first.bottom), [], first
        if steps:
            start = next((k for k in range(1, steps + 1) if forecast.room(size(k)) >= MARGIN), steps)
            tries = list(range(start, min(start + MAX_TRIES, steps + 1)))
            tries += [] if tries[-1] == steps else [steps]  # a wrong forecast: the floor is the last try
        for k in tries:
            document, again, got = real(current, k)
            if got.fits:
                at = size(steps)
                floor = (got.room, got.spans) if k == steps else (forecast.room(at), forecast.spans(at))
                return _fitted(current, document, again, got, dropped, renders[0], floor)
        shift = 0.0  # how far the measure's foot is below the real page's
        if got.pages > 1 or got.missing:  # the flow runs off the page: measure it whole on a tall page
            _, _, got = real(current, steps, tall=True)
            shift = got.bottom - first.bottom
        drop = _next_drop(current, got, shift, dropped)
        if drop is None:
            raise _overflow(current, got, shift, size(steps), dropped)
        dropped = drop
        current = rerender(tuple(dropped))


def _above(limits, steps: int, height_ratio: float) -> int:
    """How many steps past the layout's largest body size a page `height_ratio` times as tall may grow: the
    largest size scaled by the height, rounded down to a step (A4 against letter: 11pt -> 11.5pt). Sizes and
    spacing keep the line from the floor to the largest size (`size` extrapolates it)."""
    if steps == 0 or height_ratio <= 1.0:
        return 0
    return math.floor((limits.body_max * height_ratio - limits.body_max) / limits.step + 1e-9)


def _next_drop(current: Doc, floor: Measure, shift: float, dropped: list[str]) -> list[str] | None:
    """The shortest prefix of the optional blocks whose removal should make the floor fit."""
    optional = [b for b in current.optional if b not in dropped]
    if not optional:
        return None
    flow = _flow(floor)
    saved = 0.0
    for i, name in enumerate(optional, 1):
        saved += _height_with_gap(flow, name)
        if floor.room - shift + saved >= 0 or i == len(optional):
            return dropped + optional[:i]
    return None  # pragma: no cover


def _flow(m: Measure) -> dict[str, tuple[float, float]]:
    return {n: span for n, span in m.spans.items() if n not in m.pinned}


def _height_with_gap(spans: dict[str, tuple[float, float]], name: str) -> float:
    tops = sorted(top for top, _ in spans.values())
    top, end = spans.get(name, (0.0, 0.0))
    following = [t for t in tops if t > top]
    return (following[0] - top) if following else (end - top)


def density(
    words: dict[str, int],
    spans: dict[str, tuple[float, float]],
    skip: list[str] | tuple = (),
    shortest: float = 0.0,
) -> float:
    """Words per CSS px of the densest text block (15 words or more, else any; not those in `skip`, nor those
    shorter than `shortest` px, such as one line of small print): running text is what an author cuts or
    adds, so its density tells how much space words free or take."""
    densities = {
        n: words.get(n, 0) / (end - top)
        for n, (top, end) in spans.items()
        if end - top > max(shortest, 0.0) and n not in skip
    }
    running = [d for n, d in densities.items() if words.get(n, 0) >= 15]
    return max(running or densities.values(), default=0.0)


def _two_lines(body_pt: float) -> float:
    """The height of two lines of body text, in CSS px (a block this short is not running text)."""
    return 2 * 1.2 * body_pt * 96 / 72


def _overflow(current: Doc, floor: Measure, shift: float, sizes: FitSettings, dropped) -> FitError:
    """What to say when even the floor does not fit: the first block past the limit, by how much, and about
    how many words to cut."""
    over = shift - floor.room
    limit = floor.flow_end - over
    culprit = next(
        (n for n, (top, end) in sorted(_flow(floor).items(), key=lambda i: i[1][0]) if end > limit),
        current.blocks[-1],
    )
    words = max(1, math.ceil(over * density(current.words, floor.spans) * 1.1))
    longest = max(current.words, key=lambda n: current.words[n], default=culprit)
    return FitError(
        culprit,
        over / PX_PER_MM,
        words,
        sizes.body,
        sizes.space,
        dropped,
        longest,
        current.words.get(longest, 0),
    )


def _fitted(
    current: Doc,
    document,
    again: Doc,
    got: Measure,
    dropped: list[str],
    renders: int,
    floor: tuple[float, dict[str, tuple[float, float]]] | None = None,
) -> Fitted:
    """The one-pager as set. `floor`, for a page set below its largest size, is the room and the block spans
    at the layout's smallest settings (for the room left before the page would overflow)."""
    spare = max(0.0, got.room)
    top = min((start for start, _ in got.spans.values()), default=got.bottom)
    used = max(0.0, got.bottom - top - spare)
    fitted = Fitted(document, again.html, again.settings, dropped, renders, spare, used=used)
    # The pinned blocks (sources, contact) keep their own small size whatever the fit: not the author's text.
    fitted.density = density(current.words, got.spans, current.pinned, _two_lines(again.settings.body))
    if floor is not None:
        room, spans = floor
        fitted.floor_room = max(0.0, room)
        fitted.floor_density = density(
            current.words, spans, current.pinned, _two_lines(current.limits.body_min)
        )
    return fitted
