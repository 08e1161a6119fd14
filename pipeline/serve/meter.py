"""The fit meter: how full a one-pager is, in millimetres and in words, or how much of it to cut."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

# What a fit.overflow error says (pipeline.document.fit.FitError): the floor it was tried at, the blocks left
# out, how far the content runs past the foot of the page, and about how many words to cut.
OVERFLOW = re.compile(
    r"body (?P<body>[\d.]+)pt, spacing (?P<space>\d+)%(?: and without (?P<dropped>[^)]+))?\): .*?"
    r"runs (?P<mm>\d+) mm past the foot of the page; cut about (?P<words>\d+) words"
)


@dataclass(frozen=True)
class Meter:
    """A one-pager's fit as the page shows it."""

    fits: bool
    body: float  # pt the body was set at (for an overflow: the floor it was tried at)
    spacing: float  # spacing as a fraction of the layout's normal
    fill: float  # how close to overflowing, 0 to 1: the share of the page the content takes (1 when over)
    spare_mm: float = 0.0  # room left under the last block, at the size it was set at
    words_per_mm: float = 0.0  # how densely its running text is set (words of a block over its height)
    room_words: int = 0  # about how many more words the room left holds at this size
    floor_room_mm: float | None = None  # room left at the layout's smallest size (None: not measured)
    floor_words: int | None = None  # about how many more words before it overflows even at that size
    overflow_mm: int = 0  # how far the content runs past the foot of the page
    cut_words: int = 0  # about how many words to cut
    dropped: list[str] = field(default_factory=list)  # optional blocks left out
    renders: int = 0  # WeasyPrint layouts the fit took (0 when unknown)

    def as_dict(self) -> dict:
        return asdict(self)


NEEDED = ("body", "space", "spare_mm", "words_per_mm", "used_mm")  # what an older cache may lack


def fitted(figures: dict) -> Meter | None:
    """The meter of a one-pager that fits, from the figures the build cache keeps (build.run `_fitting`).
    A one-pager set below its largest size has little room left at that size, but it can still shrink:
    its budget is the room left at the floor, when the fit measured it. Words are counted at the density
    of the page's running text (fit.density: the words of its densest text block over its height). None
    for figures from a cache written before the build kept all of them (the next build of it will)."""
    if any(key not in figures for key in NEEDED):
        return None
    spare, density, used = figures["spare_mm"], figures["words_per_mm"], figures["used_mm"]
    floor_room, floor_density = figures.get("floor_room_mm"), figures.get("floor_words_per_mm", 0.0)
    left, page = (spare if floor_room is None else floor_room), used + spare
    return Meter(
        fits=True,
        body=figures["body"],
        spacing=figures["space"],
        fill=round(1 - left / page, 3) if page > 0 else 1.0,
        spare_mm=round(spare, 1),
        words_per_mm=round(density, 2),
        room_words=math.floor(spare * density),
        floor_room_mm=None if floor_room is None else round(floor_room, 1),
        floor_words=None if floor_room is None else math.floor(floor_room * floor_density),
        dropped=list(figures.get("dropped", [])),
        renders=figures.get("renders", 0),
    )


def overflowing(message: str) -> Meter | None:
    """The meter of a one-pager that cannot fit, read from its fit.overflow error (None for another)."""
    found = OVERFLOW.search(message)
    if not found:
        return None
    dropped = found.group("dropped")
    return Meter(
        fits=False,
        body=float(found.group("body")),
        spacing=int(found.group("space")) / 100,
        fill=1.0,
        overflow_mm=int(found.group("mm")),
        cut_words=int(found.group("words")),
        dropped=[name.strip() for name in dropped.split(",")] if dropped else [],
    )
