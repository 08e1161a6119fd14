"""Personalize, bills: Bill Status XML (the GPO's bulk data) read safely: sponsors, cosponsors, committees.

The files are parsed with defusedxml, which refuses any DTD, so no entity is ever expanded and no external
entity is ever resolved. Versions 1.0.0 (no <version> element; empty <sponsorshipWithdrawnDate/> on every
cosponsor) and 3.0.0 (<version>3.0.0</version>) are read alike: the elements used here have the same paths
in both, and the older <billNumber>/<billType> and <billCommittees> wrappers are accepted too.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import Report
from pipeline.sources.load import line_col

# The printed form of each bill type, as the topic's asks write it ("H.R. 2471"), by the files' type code.
TYPES = {
    "hr": "H.R.",
    "s": "S.",
    "hres": "H.Res.",
    "sres": "S.Res.",
    "hjres": "H.J.Res.",
    "sjres": "S.J.Res.",
    "hconres": "H.Con.Res.",
    "sconres": "S.Con.Res.",
}


@dataclass(frozen=True)
class Cosponsor:
    """One cosponsorship as the file records it."""

    since: dt.date | None
    original: bool
    withdrawn: dt.date | None = None  # a withdrawn cosponsorship does not count


@dataclass
class Bill:
    """What a band needs from one Bill Status file."""

    congress: int
    type: str  # "hr", "s", ...
    number: str  # "2471"
    title: str
    updated: dt.date | None  # <updateDate>: when the record was last updated
    version: str  # "1.0.0" when the file has no <version>
    path: str  # as shown in messages
    updated_at: tuple[str, int, int] = ("", 0, 0)
    sponsors: tuple[str, ...] = ()  # bioguide ids
    cosponsors: dict[str, Cosponsor] = field(default_factory=dict)  # bioguide id -> cosponsorship
    committees: tuple[str, ...] = ()  # referred to: "HSFA", "SSFR" (the congress-legislators codes)

    @property
    def label(self) -> str:
        """As printed: "H.R. 2471"."""
        return f"{TYPES.get(self.type, self.type.upper())} {self.number}"

    @property
    def chamber(self) -> str:
        return "house" if self.type.startswith("h") else "senate"

    def current(self) -> dict[str, Cosponsor]:
        """The cosponsorships that still stand (none withdrawn)."""
        return {k: c for k, c in self.cosponsors.items() if c.withdrawn is None}


def key(number: str) -> tuple[str, str] | None:
    """("hr", "2471") for "H.R. 2471" (any spacing, dots or case: "HR2471", "h.r. 2471"); None if unknown."""
    found = re.fullmatch(r"\s*([A-Za-z. ]+?)\s*(\d+)\s*", number or "")
    if not found:
        return None
    code = re.sub(r"[^a-z]", "", found.group(1).lower())
    return (code, found.group(2)) if code in TYPES else None


def read(folder: Path, shown: str, report: Report) -> dict[tuple[int, str, str], Bill]:
    """Every Bill Status file (*.xml) in `folder`, by (congress, type, number); a file that is not Bill Status
    XML is reported at its place ([bills.format]) and left out."""
    if not folder.is_dir():
        report.error(
            (shown, 0, 0), "no such folder (--bills names a folder of Bill Status XML files)", "bills.folder"
        )
        return {}
    found: dict[tuple[int, str, str], Bill] = {}
    for path in sorted(folder.glob("*.xml")):
        bill = parse(path.read_bytes(), f"{shown.rstrip('/')}/{path.name}", report)
        if bill is None:
            continue
        where = (bill.congress, bill.type, bill.number)
        if where in found:
            report.error(
                (bill.path, 1, 1),
                f"{bill.label} ({bill.congress}th Congress) is also in {found[where].path}; keep one file",
                "bills.duplicate",
            )
            continue
        found[where] = bill
    return found


def parse(data: bytes, shown: str, report: Report) -> Bill | None:
    """One Bill Status file, or None (reported) when it is not one."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    text = data.decode("utf-8", "replace")
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        report.error(
            (shown, 1, 1),
            "not Bill Status XML: the file declares a DTD or entities, which are never read",
            "bills.format",
        )
        return None
    except ET.ParseError as exc:
        line, col = exc.position
        report.error((shown, line, col + 1), f"not Bill Status XML: {_reason(exc)}", "bills.format")
        return None
    bill = root.find("bill")
    congress, kind, number = (
        _text(bill, "congress"),
        _text(bill, "type") or _text(bill, "billType"),
        _text(bill, "number") or _text(bill, "billNumber"),
    ) if bill is not None else ("", "", "")  # fmt: skip
    if root.tag != "billStatus" or not (congress.isdigit() and kind.lower() in TYPES and number.isdigit()):
        report.error(
            _where(text, f"<{root.tag}", shown),
            f"not Bill Status XML: the root element is <{root.tag}>; a Bill Status file is "
            "<billStatus><bill> with <congress>, <type> and <number>",
            "bills.format",
        )
        return None
    return Bill(
        congress=int(congress),
        type=kind.lower(),
        number=number,
        title=_text(bill, "title"),
        updated=_date(_text(bill, "updateDate")),
        version=_text(root, "version") or "1.0.0",
        path=shown,
        updated_at=_where(text, "<updateDate>", shown),
        sponsors=tuple(
            _text(i, "bioguideId") for i in bill.iterfind("sponsors/item") if _text(i, "bioguideId")
        ),
        cosponsors=_cosponsors(bill),
        committees=_committees(bill),
    )


def _cosponsors(bill) -> dict[str, Cosponsor]:
    found = {}
    for item in bill.iterfind("cosponsors/item"):
        bioguide = _text(item, "bioguideId")
        if bioguide:
            found[bioguide] = Cosponsor(
                since=_date(_text(item, "sponsorshipDate")),
                original=_text(item, "isOriginalCosponsor").lower() == "true",
                withdrawn=_date(_text(item, "sponsorshipWithdrawnDate")),
            )
    return found


def _committees(bill) -> tuple[str, ...]:
    """The committees the bill went to, as congress-legislators codes ("hsfa00" -> "HSFA")."""
    items = list(bill.iterfind("committees/item")) + list(bill.iterfind("committees/billCommittees/item"))
    codes = [_text(i, "systemCode")[:4].upper() for i in items]
    return tuple(dict.fromkeys(c for c in codes if len(c) == 4))


def _text(node, path: str) -> str:
    found = node.find(path) if node is not None else None
    return (found.text or "").strip() if found is not None else ""


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _where(text: str, needle: str, shown: str) -> tuple[str, int, int]:
    at = text.find(needle)
    return (shown, *line_col(text, at)) if at >= 0 else (shown, 1, 1)


def _reason(exc: ET.ParseError) -> str:
    return re.sub(r": line \d+, column \d+$", "", str(exc))
