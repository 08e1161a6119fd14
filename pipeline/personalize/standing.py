"""Personalize, standing: where a member stands on the bills a topic names (the band's bill fields)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.errors import Report
from pipeline.personalize.bills import Bill, key
from pipeline.personalize.people import Recipient

FIELDS = ("bill", "bill_status", "bill_status_short", "cosponsor_since", "bill_committees", "bill_updated")


@dataclass
class TopicBills:
    """The bills a topic's asks name that the Bill Status folder has, and how band dates are written."""

    bills: list[Bill] = field(default_factory=list)
    format: Callable[[dt.date], str] = dt.date.isoformat

    def fields(self, r: Recipient, names: dict[str, str]) -> dict[str, str]:
        """The band's bill fields for one member; every one is '' when no bill is known."""
        statuses, shorts, since, committees = [], [], "", []
        for bill in self.bills:
            mine = [names.get(c, c) for c in bill.committees if c in r.committees]
            committees += mine
            status = self._status(bill, r)
            if status and not since:
                cosponsor = bill.current().get(r.id)
                since = self.format(cosponsor.since) if cosponsor and cosponsor.since else ""
            referred = f"referred to {' and '.join(mine)}, on which the member sits" if mine else ""
            if status:
                statuses.append(f"{status}; {referred}" if referred else status)
                shorts.append(status)
            elif referred:
                statuses.append(f"{bill.label} was {referred}")
                shorts.append(f"{bill.label}: {' and '.join(mine)}")
        dates = [b.updated for b in self.bills if b.updated]
        return dict(
            bill=", ".join(b.label for b in self.bills),
            bill_status="; ".join(statuses),
            bill_status_short="; ".join(shorts),
            cosponsor_since=since,
            bill_committees="; ".join(dict.fromkeys(committees)),
            bill_updated=self.format(min(dates)) if dates else "",
        )

    def _status(self, bill: Bill, r: Recipient) -> str:
        """Sponsor, (original) cosponsor since a date, or not yet; '' for a bill of the other chamber."""
        if r.id in bill.sponsors:
            return f"Sponsor of {bill.label}"
        cosponsor = bill.current().get(r.id)
        if cosponsor is not None:
            when = f" since {self.format(cosponsor.since)}" if cosponsor.since else ""
            return f"{'Original cosponsor' if cosponsor.original else 'Cosponsor'} of {bill.label}{when}"
        if r.chamber != bill.chamber:
            return ""
        return f"Not yet a cosponsor of {bill.label}"


def for_topic(topic, source, bills: dict, language: str, report: Report) -> TopicBills:
    """The bills the topic's asks name, found in `bills` (from `bills.read`); a bill the folder lacks is a
    warning at the ask ([bills.missing]) and its lines are left out."""
    from babel.dates import format_date

    from pipeline.document.render import babel_locale

    locale = babel_locale(language.replace("-", "_"))
    found = TopicBills(format=lambda day: format_date(day, "long", locale=locale))
    for i, ask in enumerate(topic.asks):
        if ask.bill is None:
            continue
        wanted = key(ask.bill.number)
        match = [
            b
            for (congress, kind, number), b in sorted(bills.items(), reverse=True)
            if wanted == (kind, number) and ask.bill.congress in (None, congress)
        ]
        if match:
            if match[0] not in found.bills:
                found.bills.append(match[0])
            continue
        congress = f" of the {ask.bill.congress}th Congress" if ask.bill.congress else ""
        name = f"BILLSTATUS-{ask.bill.congress or '<congress>'}{wanted[0]}{wanted[1]}.xml" if wanted else ""
        report.warning(
            source.where(("asks", i, "bill", "number")),
            f"the Bill Status folder has no file for {ask.bill.number}{congress}"
            + (f" ({name})" if name else "")
            + "; the band's bill lines leave it out",
            "bills.missing",
        )
    return found


def check_age(found: TopicBills, max_days: int | None, today: dt.date, report: Report) -> None:
    """A warning ([bills.stale]) for each bill whose data is older than the organization allows."""
    if max_days is None:
        return
    for bill in found.bills:
        if bill.updated and (today - bill.updated).days > max_days:
            report.warning(
                bill.updated_at,
                f"the data of {bill.label} was last updated on {bill.updated.isoformat()}, "
                f"{(today - bill.updated).days} days ago; the organization allows {max_days} "
                "(bills.max_age_days): download the file again",
                "bills.stale",
            )


def summary(found: TopicBills, ids: set[str]) -> str:
    """One line for the run's summary: each bill's standing cosponsors, and how many are not recipients."""
    parts = []
    for bill in found.bills:
        current = bill.current()
        outside = len(set(current) - ids)
        parts.append(
            f"{bill.label}: {len(current)} cosponsor{'s' if len(current) != 1 else ''}"
            + (f", {outside} not among the recipients" if outside else "")
        )
    return "; ".join(parts)
