"""Bill Status XML and the band's bill fields, checked against the official samples in ../shared."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipeline.errors import Report
from pipeline.personalize import bills, standing
from pipeline.personalize.recipients import read
from tests.conftest import REPO, copy_project, edit

SHARED = (REPO / ".." / "shared" / "data").resolve()
BILLS, CONGRESS = SHARED / "bill-status", SHARED / "congress-legislators"
needs_bills = pytest.mark.skipif(
    not BILLS.is_dir(), reason=f"the Bill Status samples are not at {BILLS} (they live outside the project)"
)
needs_both = pytest.mark.skipif(
    not (BILLS.is_dir() and CONGRESS.is_dir()),
    reason=f"the Bill Status samples and congress-legislators data are not under {SHARED}",
)
HR2471 = "bill: {number: H.R. 2471, title: Haiti Development Act, congress: 117}"


def topic_naming(tmp_path: Path, bill: str = HR2471):
    """The minimal fixture topic with an ask that names `bill` (a fixture for the 117th-Congress samples)."""
    from pipeline.sources.gather import gather

    root = copy_project(tmp_path / "p", "minimal")
    ask = "  - ask: Keep protection in place for people who fled.[@hrw-2021-returns, p. 12]\n"
    edit(root, ask, ask + "    " + bill + "\n")
    project = gather(root, Report())
    return project.topics[0]


@needs_bills
def test_both_format_versions_are_read():
    report = Report()
    found = bills.read(BILLS, "bills", report)
    assert report.lines() == []
    one, three = found[(117, "hr", "1")], found[(117, "hr", "2471")]
    assert (one.version, three.version) == ("1.0.0", "3.0.0")
    assert (one.label, one.sponsors, one.updated) == ("H.R. 1", ("S001168",), dt.date(2022, 6, 23))
    assert (three.label, three.sponsors, three.updated) == ("H.R. 2471", ("J000294",), dt.date(2022, 11, 17))
    assert len(one.cosponsors) == 222 and all(c.withdrawn is None for c in one.cosponsors.values())
    assert three.committees == ("SSFR", "HSFA")
    assert three.cosponsors["W000823"] == bills.Cosponsor(dt.date(2021, 4, 13), True)
    assert three.cosponsors["S000344"] == bills.Cosponsor(dt.date(2021, 6, 15), False)


@needs_bills
def test_a_withdrawn_cosponsorship_does_not_count(tmp_path):
    data = (BILLS / "BILLSTATUS-117hr2471.xml").read_bytes()
    data = data.replace(
        b"<sponsorshipDate>2021-06-15</sponsorshipDate>",
        b"<sponsorshipDate>2021-06-15</sponsorshipDate>"
        b"<sponsorshipWithdrawnDate>2021-09-01</sponsorshipWithdrawnDate>",
        1,
    )  # the first cosponsor of that date is Brad Sherman
    bill = bills.parse(data, "b.xml", Report())
    assert bill.cosponsors["S000344"].withdrawn == dt.date(2021, 9, 1)
    assert "S000344" not in bill.current() and len(bill.current()) == 6
    topic, source = topic_naming(tmp_path)
    found = standing.for_topic(topic, source, {(117, "hr", "2471"): bill}, "en-US", Report())
    sherman = next(r for r in read(CONGRESS, Report()) if r.id == "S000344") if CONGRESS.is_dir() else None
    if sherman is not None:
        assert found.fields(sherman, {"HSFA": "Foreign Affairs"})["bill_status_short"] == (
            "Not yet a cosponsor of H.R. 2471"
        )


@needs_both
def test_every_current_member_gets_the_standing_the_xml_gives(tmp_path):
    """Each member's band fields for H.R. 2471 against the XML read directly, with no code of ours."""
    root = ET.parse(BILLS / "BILLSTATUS-117hr2471.xml").getroot().find("bill")
    sponsor = root.find("sponsors/item/bioguideId").text
    cosponsors = {
        i.findtext("bioguideId"): (
            i.findtext("sponsorshipDate"),
            i.findtext("isOriginalCosponsor") == "True",
        )
        for i in root.iterfind("cosponsors/item")
        if not (i.findtext("sponsorshipWithdrawnDate") or "").strip()
    }
    report = Report()
    topic, source = topic_naming(tmp_path)
    found = standing.for_topic(topic, source, bills.read(BILLS, "bills", report), "en-US", report)
    assert report.lines() == [] and [b.label for b in found.bills] == ["H.R. 2471"]
    members, checked = read(CONGRESS, Report()), 0
    for r in members:
        status = found.fields(r, {})["bill_status_short"]
        if r.id == sponsor:
            assert status == "Sponsor of H.R. 2471", r.id
        elif r.id in cosponsors:
            day, original = cosponsors[r.id]
            when = dt.date.fromisoformat(day).strftime("%B %-d, %Y")
            kind = "Original cosponsor" if original else "Cosponsor"
            assert status == f"{kind} of H.R. 2471 since {when}", r.id
            assert found.fields(r, {})["cosponsor_since"] == when
            checked += 1
        elif r.chamber == "house":
            assert status == "Not yet a cosponsor of H.R. 2471", r.id
        else:
            assert status in ("", "H.R. 2471: SSFR"), (
                r.id
            )  # senators: only the committee, when they sit on it
    assert checked >= 1  # some cosponsors of 2021 still serve
    jeffries = next(r for r in members if r.id == sponsor)
    assert found.fields(jeffries, {})["bill_updated"] == "November 17, 2022"


@needs_bills
def test_a_bill_the_folder_lacks_is_a_warning_at_the_ask(tmp_path):
    report = Report()
    topic, source = topic_naming(
        tmp_path, "bill: {number: H.R. 3202, title: Anti-Normalization, congress: 118}"
    )
    found = standing.for_topic(topic, source, bills.read(BILLS, "bills", Report()), "en-US", report)
    assert found.bills == []
    assert report.lines() == [
        "sources/topics/mini.yaml:14:20: warning: the Bill Status folder has no file for H.R. 3202 of the "
        "118th Congress (BILLSTATUS-118hr3202.xml); the band's bill lines leave it out [bills.missing]"
    ]


@needs_bills
def test_stale_data_is_a_warning_at_its_update_date(tmp_path):
    report = Report()
    topic, source = topic_naming(tmp_path)
    found = standing.for_topic(topic, source, bills.read(BILLS, "bills", Report()), "en-US", Report())
    standing.check_age(found, 14, dt.date(2022, 12, 1), report)
    assert report.lines() == []  # 14 days old is within 14 days
    standing.check_age(found, 13, dt.date(2022, 12, 1), report)
    assert report.lines() == [
        "bills/BILLSTATUS-117hr2471.xml:6:5: warning: the data of H.R. 2471 was last updated on 2022-11-17, "
        "14 days ago; the organization allows 13 (bills.max_age_days): download the file again [bills.stale]"
    ]
