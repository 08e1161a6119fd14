"""Fly-in, walking: minutes on foot between Capitol Hill buildings, the package's or the project's."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from pipeline.errors import Report
from pipeline.personalize.walk import BUILDINGS, parse_office
from pipeline.sources.load import load_yaml
from pipeline.sources.model import Strict, validate

DEFAULTS = Path(__file__).with_name("walking.yaml")
OVERRIDE = "sources/flyin/walking.yaml"  # the organization's own figures, relative to the project root

Building = Literal["Rayburn", "Longworth", "Cannon", "Capitol", "Russell", "Dirksen", "Hart"]


class Figure(Strict):
    """A number of minutes, with where it comes from: a public source, or the words 'estimate'."""

    minutes: int = Field(ge=0, le=90, description="Minutes on foot, door to door.")
    source: str | None = Field(None, description="The public page the figure (or its basis) comes from.")
    estimate: str | None = Field(None, description="How the figure was estimated.")

    @model_validator(mode="after")
    def _sourced(self):
        if not self.source and not self.estimate:
            raise ValueError("a figure needs a 'source' (a public page) or an 'estimate' (how it was made)")
        return self


class Walk(Figure):
    """The walk between two buildings, either way."""

    between: list[Building] = Field(min_length=2, max_length=2, description="Two buildings.")


class WalkingFile(Strict):
    """walking.yaml: minutes between buildings, and within one."""

    same_building: Figure | None = Field(None, description="Minutes between two offices of one building.")
    walks: list[Walk] = Field(default_factory=list, description="Minutes between two buildings.")


@dataclass
class Walking:
    """Minutes between any two buildings of BUILDINGS (the same one included), and what each rests on."""

    minutes: dict[frozenset, int] = field(default_factory=dict)
    basis: dict[frozenset, str] = field(default_factory=dict)  # "estimate: ..." or the source's address

    def between(self, a: str | None, b: str | None) -> int | None:
        """Minutes from building `a` to `b`; None when either is unknown."""
        if a is None or b is None:
            return None
        return self.minutes.get(frozenset((a, b)))

    def offices(self, a: str, b: str) -> int | None:
        """Minutes from one office address to another (parsed as the walking order parses them)."""
        return self.between(building(a), building(b))


def building(office: str) -> str | None:
    """The building of an office address, or None when it cannot be placed."""
    place = parse_office(office or "")
    return place[0] if place else None


def load(root: Path, report: Report) -> Walking:
    """The package's figures, then the project's sources/flyin/walking.yaml over them, if there is one. A
    problem in either file is located and reported; the figures that are fine are kept."""
    walking = Walking()
    _apply(walking, DEFAULTS, "pipeline/flyin/walking.yaml", report)
    if (root / OVERRIDE).is_file():
        _apply(walking, root / OVERRIDE, OVERRIDE, report)
    missing = [
        f"{a}-{b}"
        for i, a in enumerate(BUILDINGS)
        for b in BUILDINGS[i:]
        if frozenset((a, b)) not in walking.minutes
    ]
    if missing:
        report.error(
            (OVERRIDE, 0, 0), f"no walking time for {', '.join(missing)}", "flyin.walking"
        )  # only when the package's own file is broken
    return walking


def _apply(walking: Walking, path: Path, shown: str, report: Report) -> None:
    source = load_yaml(path, shown, report)
    spec = validate(WalkingFile, source, report, "the walking times file") if source is not None else None
    if spec is None:
        return
    if spec.same_building is not None:
        for b in BUILDINGS:
            walking.minutes[frozenset((b,))] = spec.same_building.minutes
            walking.basis[frozenset((b,))] = _basis(spec.same_building)
    for i, walk in enumerate(spec.walks):
        pair = frozenset(walk.between)
        if len(pair) == 1:
            report.error(
                source.where(("walks", i, "between")),
                f"a walk joins two different buildings, not {walk.between[0]} and itself (use same_building)",
                "flyin.walking",
            )
            continue
        walking.minutes[pair], walking.basis[pair] = walk.minutes, _basis(walk)


def _basis(figure: Figure) -> str:
    return f"estimate: {figure.estimate}" if figure.estimate else str(figure.source)
