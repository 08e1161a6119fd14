"""One recipient of a personalized one-pager, and the checks every recipients format applies to it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.errors import Report, did_you_mean, one_of

STATES = frozenset(
    "AK AL AR AS AZ CA CO CT DC DE FL GA GU HI IA ID IL IN KS KY LA MA MD ME MI MN MO MP MS MT NC ND NE NH "
    "NJ NM "
    "NV NY OH OK OR PA PR RI SC SD TN TX UT VA VI VT WA WI WV WY".split()
)


CHAMBERS = ("house", "senate")


PARTIES = {"democrat": "D", "republican": "R", "independent": "I"}


REQUIRED = ("id", "name", "honorific", "chamber", "state")


COLUMNS = REQUIRED + ("district", "party", "office", "committees", "short")


SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", re.ASCII)


@dataclass(frozen=True)
class Recipient:
    """One office that gets its own one-pager."""

    id: str  # stable and safe as a file name, e.g. a bioguide id
    name: str  # "María Elvira Salazar"
    honorific: str  # "Senator", "Representative", "Delegate", "Resident Commissioner"
    chamber: str  # "senate" or "house"
    state: str  # two-letter postal code
    district: str = ""  # "" for senators, "AL" at large, else the number as text
    party: str = ""  # one letter: D, R, I
    office: str = ""  # "511 Hart Senate Office Building"
    committees: tuple[str, ...] = ()  # codes such as HSFA, SSFR
    short: str = ""  # a shorter declared form of the name, used when the long one does not fit
    extra: tuple[tuple[str, str], ...] = ()  # free columns a layout may show, in file order
    where: str = ""  # "path:line" of the row, for messages
    path: str = ""  # the file as shown in messages
    line: int = 0  # the row's (or list item's) first line

    def at(self, col: int = 1) -> tuple[str, int, int]:
        """(path, line, col) of this recipient's row, for `Report.error`."""
        return (self.path, self.line, col)


def make_recipient(
    fields: dict, at: Callable, line: int, shown: str, known, seen: dict, into: Report
) -> Recipient | None:
    """A checked Recipient from raw field values, or None (with the reasons reported); `seen` maps each
    id met so far to its line, so that a repeated id is reported at its second row."""
    report = Report()
    if fields["id"] and fields["id"] in seen:
        report.error(
            at("id"),
            f"duplicate id '{fields['id']}' (first on line {seen[fields['id']]})",
            "recipients.duplicate",
        )
    seen.setdefault(fields["id"], line)
    for name in REQUIRED:
        if not fields[name]:
            report.error(at(name), f"'{name}' is required but empty", "recipients.empty")
    rid, chamber, state = fields["id"], fields["chamber"].lower(), fields["state"].upper()
    district, party = fields["district"].upper(), fields["party"]
    if rid and not SAFE_ID.fullmatch(rid):
        report.error(
            at("id"),
            f"id '{rid}' is not safe as a file name: use up to 64 letters, digits, '-' and '_', "
            "starting with a letter or digit",
            "recipients.id",
        )
    if chamber and chamber not in CHAMBERS:
        report.error(
            at("chamber"),
            f"unknown chamber '{fields['chamber']}'; use {one_of(CHAMBERS)}",
            "recipients.chamber",
        )
    if state and state not in STATES:
        report.error(
            at("state"),
            f"unknown state code '{fields['state']}' (use a two-letter postal code "
            "such as 'WA', 'DC' or 'PR')",
            "recipients.state",
        )
    if district in ("0", "00"):
        district = "AL"
    elif district.isdecimal() and len(district) <= 2:  # not isdigit(): int() refuses "²"
        district = str(int(district))
    elif district not in ("", "AL"):
        report.error(
            at("district"),
            f"unknown district '{fields['district']}'; use a number, or 'AL' at large",
            "recipients.district",
        )
    if district and chamber == "senate":
        report.error(at("district"), "a senator has no district; leave it empty", "recipients.district")
    party = PARTIES.get(party.lower(), party.upper())
    if party and not re.fullmatch(r"[A-Z]", party):
        report.error(
            at("party"),
            f"unknown party '{fields['party']}'; use one letter (D, R, I, ...) "
            "or Democrat, Republican, Independent",
            "recipients.party",
        )
    for code, where in fields["committees"]:
        if known is not None and code not in known:
            report.error(
                where, f"unknown committee '{code}'{did_you_mean(code, known, 3)}", "recipients.committee"
            )
        elif (
            known is not None
            and known[code][1] in CHAMBERS
            and chamber in CHAMBERS
            and known[code][1] != chamber
        ):
            report.error(
                where,
                f"committee '{code}' is a {known[code][1]} committee, but {fields['name']} "
                f"is in the {chamber}",
                "recipients.committee",
            )
    into.extend(report)
    if report.errors:
        return None
    return Recipient(
        id=rid,
        name=fields["name"],
        honorific=fields["honorific"],
        chamber=chamber,
        state=state,
        district=district,
        party=party,
        office=fields["office"],
        short=fields["short"],
        committees=tuple(dict.fromkeys(code for code, _ in fields["committees"])),
        extra=fields["extra"],
        where=f"{shown}:{line}",
        path=shown,
        line=line,
    )
