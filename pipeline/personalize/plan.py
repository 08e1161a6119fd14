"""Personalize, plan: what each office's band says, where its QR code leads, and whether its lines fit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipeline.build.graph import build_date
from pipeline.errors import Report, did_you_mean
from pipeline.personalize.people import Recipient
from pipeline.personalize.standing import FIELDS
from pipeline.sources.files import shown_file

URL_FIELDS = ("topic", "id", "chamber", "state", "district", "party")


LINE_FIELDS = (
    "honorific",
    "name",
    "short",
    "seat",
    "state",
    "district",
    "party",
    "office",
    "id",
    "committees",
    "committee_codes",
    "date",
    # where the member stands on the bills the topic's asks name (with --bills; '' without)
    "bill",
    "bill_status",
    "bill_status_short",
    "cosponsor_since",
    "bill_committees",
    "bill_updated",
)
LEADING = 1.3  # a band line takes its size times this (as the stamp and the template set it)
QR_BYTES = 2331  # what the largest QR code (version 40) holds at error correction M, in byte mode


FIELD = re.compile(r"\{([^{}]*)\}")


@dataclass
class Copy:
    """One office's copy as planned: what its band says and where it goes."""

    order: int  # position in walking order, 1-based, over the whole selection (all shards)
    id: str
    name: str  # the name as printed (the short form when the long one did not fit)
    label: str  # for the index and bookmarks: "Senator Maria Cantwell (D-WA)"
    url: str
    lines: list[tuple[str, float]]
    file: str  # relative to the project root
    sha256: str = ""
    office: str = ""  # the office address, for the walker: in the index and the print file's bookmarks
    where: tuple[str, int, int] = ("", 0, 0)  # the recipient's row, for messages
    print_sha256: str = ""  # of its print-shop variant (print_file), when --print made one

    @property
    def print_file(self) -> str:
        """Its print-shop variant beside it, named as `press build --print` names them: <id>.print.pdf."""
        return self.file.removesuffix(".pdf") + ".print.pdf"

    @property
    def bookmark(self) -> str:
        """The print file's bookmark: who, and where to walk to."""
        return f"{self.label} · {self.office}" if self.office else self.label


def seat(r: Recipient) -> str:
    """Party, state and district as printed after a name: 'D-WA', 'R-FL-27'."""
    return "-".join(p for p in (r.party, r.state, r.district) if p)


def fields_of(template: str) -> list[str]:
    """The {field} names a template uses, in order."""
    return FIELD.findall(template)


def check_settings(project, topic, layout, report: Report) -> bool:
    """The organization's URL template and the layout's band lines name only known fields; located errors."""
    org, source = project.org, project.org_source
    if org.personalize is None:
        report.error(
            source.where(),
            "the organization has no personalize settings: add "
            "'personalize: {url: https://.../{topic}?office={id}}' to say where QR codes lead",
            "personalize.settings",
        )
    else:
        for name in fields_of(org.personalize.url):
            if name not in URL_FIELDS:
                report.error(
                    source.where_in(("personalize", "url"), "{" + name + "}"),
                    f"unknown field '{{{name}}}' in personalize.url{did_you_mean(name, URL_FIELDS)}; "
                    f"known fields: {', '.join(URL_FIELDS)}",
                    "personalize.field",
                )
    if layout.band is None:
        report.error(
            (shown_file(project.root, f"layouts/{layout.id}/layout.yaml"), 1, 1),
            f"layout '{layout.id}' has no one_pager.band",
            "personalize.band",
        )
        return not report.errors
    _, spec = layout.band_where
    need = sum(line.size * LEADING for line in layout.band.lines)
    if need > layout.band.height + 0.01:
        report.error(
            spec._source.where(("one_pager", "band", "lines")),
            f"the band's lines need {need:.1f}pt but the band is {layout.band.height:g}pt tall; "
            "make them fewer or smaller, or the band taller",
            "personalize.band",
        )
    known = LINE_FIELDS + tuple(layout.band.extra)
    for i, line in enumerate(layout.band.lines):
        for form in ("long", "short"):
            for name in fields_of(getattr(line, form) or ""):
                if name not in known:
                    where = spec._source.where_in(("one_pager", "band", "lines", i, form), "{" + name + "}")
                    report.error(
                        where,
                        f"unknown field '{{{name}}}' in band line {i + 1}{did_you_mean(name, known)}; "
                        f"known fields: {', '.join(known)}",
                        "personalize.field",
                    )
    return not report.errors


def line_fields(r: Recipient, topic, names: dict[str, str], day: str, bills=None) -> dict[str, str]:
    """The values band lines may name, for one recipient; `bills` (standing.TopicBills) fills the bill
    fields, which are empty without it."""

    codes = [c for c in topic.committees if c in r.committees]
    values = dict(
        honorific=r.honorific,
        name=r.name,
        short=r.short or r.name,
        seat=seat(r),
        state=r.state,
        district=r.district,
        party=r.party,
        office=r.office,
        id=r.id,
        committees="; ".join(names.get(c, c) for c in codes),
        committee_codes=", ".join(codes),
        date=day,
    )
    values.update(bills.fields(r, names) if bills else dict.fromkeys(FIELDS, ""))
    values.update(dict(r.extra))
    return values


def url_for(template: str, topic: str, r: Recipient) -> str:
    """The QR code's address for one office (field values are URL-quoted)."""
    from urllib.parse import quote

    values = dict(topic=topic, id=r.id, chamber=r.chamber, state=r.state, district=r.district, party=r.party)
    return FIELD.sub(lambda m: quote(values.get(m.group(1), ""), safe=""), template)


def _fill(template: str, values: dict[str, str]) -> str:
    """A line with its fields filled; '' when every field it names is empty."""
    names = fields_of(template)
    if names and not any(values.get(n, "") for n in names):
        return ""
    return re.sub(r"\s+", " ", FIELD.sub(lambda m: values.get(m.group(1), ""), template)).strip()


def texts(r: Recipient, band, values: dict[str, str]) -> list[str]:
    """Every form of every band line for one recipient (the characters the band font must have)."""
    out = []
    for line in band.lines:
        out += [_fill(line.long, values)] + ([_fill(line.short, values)] if line.short else [])
    return out


def plan(
    recipients: list[Recipient],
    topic,
    band,
    font,
    width: float,
    url: str,
    names: dict,
    day: str,
    folder: str,
    report: Report,
    order: dict[str, int],
    bills=None,
) -> list[Copy]:
    """Choose each line's long or short form by its width in the band; a recipient whose text does not fit is
    reported by name and left out."""
    copies = []
    for r in recipients:
        values = line_fields(r, topic, names, day, bills)
        lines, printed, problem = [], r.name, None
        for i, line in enumerate(band.lines, 1):
            text = _fill(line.long, values)
            if not text:
                continue
            if font.width(text, line.size) > width and line.short:
                text = _fill(line.short, values)
                if "{name}" not in line.short and "{short}" in line.short:
                    printed = r.short or r.name
            missing = font.missing(text)
            if missing:
                problem = f"the band font has no glyph for {', '.join(repr(c) for c in missing)}"
                break
            if font.width(text, line.size) > width:
                form = "even in its short form" if line.short else "and the layout gives it no short form"
                problem = (
                    f"band line {i} does not fit {form}: '{text}' is "
                    f"{font.width(text, line.size):.0f}pt wide and the band holds {width:.0f}pt"
                )
                break
            lines.append((text, line.size))
        if problem:
            report.error(
                r.at(), f"{r.honorific} {r.name} ({r.id}): {problem}; no copy made", "personalize.fit"
            )
            continue
        address = url_for(url, topic.id, r)
        if len(address.encode()) > QR_BYTES:
            report.error(
                r.at(),
                f"{r.honorific} {r.name} ({r.id}): the QR code's address is {len(address.encode())} bytes "
                f"long and a QR code holds at most {QR_BYTES}; shorten personalize.url; no copy made",
                "personalize.url",
            )
            continue
        label = f"{r.honorific} {r.name}" + (f" ({seat(r)})" if seat(r) else "")
        copies.append(
            Copy(
                order[r.id],
                r.id,
                printed,
                label,
                address,
                lines,
                f"{folder}/{r.id}.pdf",
                office=r.office,
                where=r.at(),
            )
        )
    return copies


def band_date(language: str) -> str:
    """The date printed in the band: SOURCE_DATE_EPOCH's, else today's."""
    from babel.dates import format_date

    from pipeline.document.render import babel_locale

    return format_date(build_date() or date.today(), "long", locale=babel_locale(language.replace("-", "_")))
