"""Recipients of personalized one-pagers: read from CSV or congress-legislators YAML, filtered, put in walking order."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Recipient:
    """One office that gets its own one-pager."""

    id: str  # stable and safe as a file name, e.g. a bioguide id
    name: str  # "María Elvira Salazar"
    honorific: str  # "Senator", "Representative"
    chamber: str  # "senate" or "house" (or an organization's own chambers)
    state: str  # two-letter code
    district: str = ""  # "" for senators, "AL" at large, else the number as text
    party: str = ""  # one letter: D, R, I
    office: str = ""  # "511 Hart Senate Office Building"
    committees: tuple[str, ...] = ()  # codes such as HSFA, SSFR
    short: str = ""  # a shorter declared form of the name, used when the long one does not fit
    extra: tuple[tuple[str, str], ...] = ()  # free columns a layout may show
    where: str = ""  # "path:line" of the row, for messages
    fields: dict = field(default_factory=dict, compare=False, hash=False)
