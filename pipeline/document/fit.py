"""Step 6b, fit: the largest brand-legal size at which every block of a one-pager ends on its page."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.document.page import FitSettings
from pipeline.document.render import Doc
from pipeline.document.typeset import clipped, content_bottom, layout_html

PX_PER_MM = 96 / 25.4
MAX_TRIES = 4  # real renders while stepping down from the estimate, before going straight to the floor


@dataclass
class Measure:
    """Where each block starts and ends on page 1 (CSS px), and what is not there."""

    pages: int
    spans: dict[str, tuple[float, float]]
    missing: list[str]
    bottom: float
    clipped: list[str] = field(default_factory=list)

    @property
    def end(self) -> float:
        return max((end for _, end in self.spans.values()), default=0.0)

    @property
    def fits(self) -> bool:
        return self.pages == 1 and not self.missing and not self.clipped and self.end <= self.bottom + 0.5


def measure(document, blocks: list[str]) -> Measure:
    """Read the block anchors of page 1: a block fits only if its end marker is on the page, above its
    foot."""
    page = document.pages[0]
    spans, missing = {}, []
    for name in blocks:
        start, end = page.anchors.get(f"block-{name}"), page.anchors.get(f"end-{name}")
        if start is None or end is None:
            missing.append(name)
        else:
            spans[name] = (start[1], end[1])
    return Measure(len(document.pages), spans, missing, content_bottom(page), clipped(page))


@dataclass
class Fitted:
    """The one-pager as it will be printed, and how it got there."""

    document: object
    html: str
    settings: FitSettings  # the size and spacing it was set at (and the gap above the pinned blocks)
    dropped: list[str] = field(default_factory=list)
    renders: int = 0
    spare: float = 0.0  # CSS px left between the last block and the foot of the page, before pinning
    density: float = 0.0  # words per CSS px of its running text, as set (see `density`)
    used: float = 0.0  # CSS px from the top of the first block to the end of the last, before pinning
    floor_room: float | None = None  # CSS px the content would leave at the floor, if the fit measured it
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
    holds every block; `rerender(dropped)` renders the document again without the blocks named. On paper
    `height_ratio` times as tall as the one the layout's limits were set for, a page with room at the largest
    size grows past it (see `_grow`)."""
    limits = doc.limits
    steps = max(0, round((limits.body_max - limits.body_min) / limits.step))
    above = _above(limits, steps, height_ratio)
    count = [0]  # renders so far

    def size(k: int, gap: float = 0.0, tall: bool = False) -> FitSettings:
        t = 1 - k / steps if steps else 1.0
        body = limits.body_min + t * (limits.body_max - limits.body_min)
        space = limits.space_min + t * (1 - limits.space_min)
        return FitSettings(round(body / limits.step) * limits.step, round(space, 3), gap, tall)

    def real(current: Doc, k: int, gap: float = 0.0):
        count[0] += 1
        again = current.refit(size(k, gap))
        document = layout_html(again.html, root, current.stem, current.topic)
        return document, again, measure(document, current.blocks)

    def tall(current: Doc, k: int) -> Measure:
        count[0] += 1
        again = current.refit(size(k, tall=True))
        return measure(layout_html(again.html, root, current.stem, current.topic), current.blocks)

    current, dropped = doc, []
    while True:
        document, again, first = real(current, 0)
        if first.fits:
            document, again, first, k = _grow(current, document, again, first, above, real, tall)
            return _pin(current, document, again, first, k, real, dropped, count)
        bottom = first.bottom
        top, floor = tall(current, 0), tall(current, steps)
        if floor.end <= bottom:
            k = _estimate(top.end, floor.end, bottom, steps)
            for _ in range(MAX_TRIES):
                document, again, got = real(current, k)
                if got.fits:
                    return _pin(current, document, again, got, k, real, dropped, count, floor)
                if k == steps:
                    break
                k += 1
            document, again, got = real(current, steps)
            if got.fits:
                return _pin(current, document, again, got, steps, real, dropped, count, floor)
        drop = _next_drop(current, floor, bottom, dropped)
        if drop is None:
            raise _overflow(current, floor, bottom, size(steps), dropped)
        dropped = drop
        current = rerender(tuple(dropped))


# --- taller paper (press build --paper): grow past the largest size, in proportion to the height ----------


def _above(limits, steps: int, height_ratio: float) -> int:
    """How many steps past the layout's largest body size a page `height_ratio` times as tall may grow: the
    largest size scaled by the height, rounded down to a step (A4 against letter: 11pt -> 11.5pt). Sizes and
    spacing keep the line from the floor to the largest size (`size` extrapolates it)."""
    if steps == 0 or height_ratio <= 1.0:
        return 0
    return math.floor((limits.body_max * height_ratio - limits.body_max) / limits.step + 1e-9)


def _grow(current: Doc, document, again: Doc, got: Measure, above: int, real, tall):
    """The page fits at the layout's largest size: the most steps past it, up to `above`, that should still
    fit (estimated from one measurement at the top, as height grows about linearly with size), confirmed by a
    real render, stepping back toward the largest size when it does not fit. (document, Doc, Measure, k)."""
    if not above:
        return document, again, got, 0
    top = tall(current, -above)
    room, more = got.bottom - got.end, top.end - got.end
    k = -(above if more <= room else math.floor(above * room / more)) if more > 0 else -above
    while k < 0:
        grown_document, grown, measured = real(current, k)
        if measured.fits:
            return grown_document, grown, measured, k
        k += 1
    return document, again, got, 0


def _estimate(top: float, floor: float, bottom: float, steps: int) -> int:
    """The first step at which the content should fit, if height falls linearly with size."""
    if top <= floor or steps == 0:
        return steps
    return min(steps, max(1, math.ceil((top - bottom) / (top - floor) * steps)))


def _next_drop(current: Doc, floor: Measure, bottom: float, dropped: list[str]) -> list[str] | None:
    """The shortest prefix of the optional blocks whose removal should make the floor fit."""
    optional = [b for b in current.optional if b not in dropped]
    if not optional:
        return None
    saved = 0.0
    for i, name in enumerate(optional, 1):
        saved += _height_with_gap(floor, name)
        if floor.end - saved <= bottom or i == len(optional):
            return dropped + optional[:i]
    return None  # pragma: no cover


def _height_with_gap(m: Measure, name: str) -> float:
    tops = sorted(top for top, _ in m.spans.values())
    top, end = m.spans.get(name, (0.0, 0.0))
    following = [t for t in tops if t > top]
    return (following[0] - top) if following else (end - top)


def density(
    words: dict[str, int], measured: Measure, skip: list[str] | tuple = (), shortest: float = 0.0
) -> float:
    """Words per CSS px of the densest text block (15 words or more, else any; not those in `skip`, nor those
    shorter than `shortest` px, such as one line of small print): running text is what an author cuts or
    adds, so its density tells how much space words free or take."""
    densities = {
        n: words.get(n, 0) / (end - top)
        for n, (top, end) in measured.spans.items()
        if end - top > max(shortest, 0.0) and n not in skip
    }
    running = [d for n, d in densities.items() if words.get(n, 0) >= 15]
    return max(running or densities.values(), default=0.0)


def _two_lines(body_pt: float) -> float:
    """The height of two lines of body text, in CSS px (a block this short is not running text)."""
    return 2 * 1.2 * body_pt * 96 / 72


def _overflow(current: Doc, floor: Measure, bottom: float, sizes: FitSettings, dropped) -> FitError:
    over = floor.end - bottom
    culprit = next(
        (n for n, (top, end) in sorted(floor.spans.items(), key=lambda i: i[1][0]) if end > bottom),
        current.blocks[-1],
    )
    words = max(1, math.ceil(over * density(current.words, floor) * 1.1))
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


def _pin(
    current: Doc,
    document,
    again: Doc,
    got: Measure,
    k: int,
    real,
    dropped,
    count,
    floor: Measure | None = None,
) -> Fitted:
    """Let the pinned blocks sit at the foot of the page: one more render with the spare height above them.
    `floor`, when the fit measured it, is the content at the layout's smallest settings (for the room left
    before the page would overflow)."""
    spare = got.bottom - got.end - 1.0
    if current.pinned and spare > 2.0:
        pinned_document, pinned, measured = real(current, k, gap=spare)
        if measured.fits:
            document, again = pinned_document, pinned
    used = got.end - min((top for top, _ in got.spans.values()), default=got.end)
    fitted = Fitted(document, again.html, again.settings, dropped, count[0], max(0.0, spare), used=used)
    # The pinned blocks (sources, contact) keep their own small size whatever the fit: not the author's text.
    fitted.density = density(current.words, got, current.pinned, _two_lines(again.settings.body))
    if floor is not None:
        fitted.floor_room = max(0.0, got.bottom - floor.end)
        fitted.floor_density = density(
            current.words, floor, current.pinned, _two_lines(current.limits.body_min)
        )
    return fitted
