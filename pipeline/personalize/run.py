"""Personalize: one verified one-pager per office for a topic, an index, and a print file in walking order."""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline.build.run import build_date, make_document
from pipeline.errors import PressError, Report, SourceErrors, did_you_mean
from pipeline.personalize.recipients import Recipient

URL_FIELDS = ("topic", "id", "chamber", "state", "district", "party")
LINE_FIELDS = ("honorific", "name", "short", "seat", "state", "district", "party", "office", "id", "committees",
               "committee_codes", "date")
INDEX_COLUMNS = ("order", "recipient", "name", "office", "file", "sha256", "pages")
FIELD = re.compile(r"\{([^{}]*)\}")
CHUNK = 24  # copies per task: small enough to keep memory flat, large enough to keep workers busy


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

    @property
    def bookmark(self) -> str:
        """The print file's bookmark: who, and where to walk to."""
        return f"{self.label} · {self.office}" if self.office else self.label


@dataclass
class Result:
    """What a run made: the copies written and verified, and timings per phase."""

    copies: list[Copy] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    folder: Path | None = None


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
        report.error(source.where(), "the organization has no personalize settings: add "
                     "'personalize: {url: https://.../{topic}?office={id}}' to say where QR codes lead",
                     "personalize.settings")
    else:
        for name in fields_of(org.personalize.url):
            if name not in URL_FIELDS:
                report.error(source.where_in(("personalize", "url"), "{" + name + "}"),
                             f"unknown field '{{{name}}}' in personalize.url{did_you_mean(name, URL_FIELDS)}; "
                             f"known fields: {', '.join(URL_FIELDS)}", "personalize.field")
    if layout.band is None:
        report.error((f"layouts/{layout.id}/layout.yaml", 1, 1), f"layout '{layout.id}' has no one_pager.band",
                     "personalize.band")
        return not report.errors
    layer, spec = layout.band_where
    known = LINE_FIELDS + tuple(layout.band.extra)
    for i, line in enumerate(layout.band.lines):
        for form in ("long", "short"):
            for name in fields_of(getattr(line, form) or ""):
                if name not in known:
                    where = spec._source.where_in(("one_pager", "band", "lines", i, form), "{" + name + "}")
                    report.error(where, f"unknown field '{{{name}}}' in band line {i + 1}{did_you_mean(name, known)}; "
                                 f"known fields: {', '.join(known)}", "personalize.field")
    return not report.errors


def line_fields(r: Recipient, topic, names: dict[str, str], day: str) -> dict[str, str]:
    """The values band lines may name, for one recipient."""
    codes = [c for c in topic.committees if c in r.committees]
    values = dict(honorific=r.honorific, name=r.name, short=r.short or r.name, seat=seat(r), state=r.state,
                  district=r.district, party=r.party, office=r.office, id=r.id,
                  committees="; ".join(names.get(c, c) for c in codes), committee_codes=", ".join(codes), date=day)
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


def plan(recipients: list[Recipient], topic, band, font, width: float, url: str, names: dict, day: str,
         folder: str, report: Report, order: dict[str, int]) -> list[Copy]:
    """Choose each line's long or short form by its width in the band; a recipient whose text does not fit is
    reported by name and left out."""
    copies = []
    for r in recipients:
        values = line_fields(r, topic, names, day)
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
                problem = (f"band line {i} does not fit {form}: '{text}' is "
                           f"{font.width(text, line.size):.0f}pt wide and the band holds {width:.0f}pt")
                break
            lines.append((text, line.size))
        if problem:
            report.error(r.at(), f"{r.honorific} {r.name} ({r.id}): {problem}; no copy made", "personalize.fit")
            continue
        label = f"{r.honorific} {r.name}" + (f" ({seat(r)})" if seat(r) else "")
        copies.append(Copy(order[r.id], r.id, printed, label, url_for(url, topic.id, r), lines, f"{folder}/{r.id}.pdf",
                           office=r.office))
    return copies


def band_date(language: str) -> str:
    """The date printed in the band: SOURCE_DATE_EPOCH's, else today's."""
    from babel.dates import format_date

    from pipeline.document.render import _babel

    return format_date(build_date() or date.today(), "long", locale=_babel(language.replace("-", "_")))


# --- the shared base, made once per run ---------------------------------------------------------------------


def base_document(project, topic, source, report: Report):
    """The topic's one-pager through the normal pipeline (render, typeset, fit, checks) with the band's boxes
    empty but sized: the base every copy is stamped on. None (and errors in `report`) if it fails a check."""
    from pipeline.document.typeset import require_environment

    require_environment()
    output, _ = make_document(project, topic, source, "one-pager", build_date(), report, band={"lines": []})
    return output


def band_font(project, layout, chars: set[str]):
    """The band font subset to `chars`: the layout's upright weight-400 face of the band's family."""
    from pipeline.pdf.update import BandFont

    family = layout.band.font
    faces = [(face, path) for face, path in layout.fonts if face.family == family and face.style == "normal"]
    if not faces:
        raise PressError(f"layout '{layout.id}': the band font '{family}' is not one of the layout's fonts")
    face, path = min(faces, key=lambda fp: abs(fp[0].weight - 400))
    return BandFont.subset(project.root / path, family, chars)


# --- workers -------------------------------------------------------------------------------------------------

_BASE = None


def _init(base) -> None:
    global _BASE
    _BASE = base


def _make(job: tuple[str, list[Copy]]) -> list[tuple[int, str, list[str]]]:
    """Stamp and write a chunk of copies; returns (order, sha256, problems) per copy."""
    from pipeline.personalize import qr
    from pipeline.build.finish import write_atomic
    from pipeline.pdf.update import band_content, stamp

    root, copies = job
    done = []
    for copy in copies:
        data = stamp(_BASE, band_content(_BASE, copy.lines, qr.matrix(copy.url)))
        write_atomic(Path(root) / copy.file, data, sync=False)
        done.append((copy.order, hashlib.sha256(data).hexdigest(), []))
    return done


def _full(job: tuple[str, list[tuple[Copy, str]]]) -> list[tuple[int, str, list[str]]]:
    """Typeset, check and write a chunk of full renders (HTML made in the main process); a copy WeasyPrint
    complains about, or whose page clips content, is not written and comes back with its problems."""
    from pipeline.build.finish import write_atomic
    from pipeline.document.typeset import TypesetError, clipped, layout_html, write_pdf

    root, items = job
    done = []
    for copy, markup in items:
        try:
            document = layout_html(markup, Path(root), copy.id, "personalized")
            problems = [p for page in document.pages for p in clipped(page)]
            data = b"" if problems else write_pdf(document)
        except TypesetError as exc:
            problems = exc.problems
        if problems:
            done.append((copy.order, "", problems))
            continue
        write_atomic(Path(root) / copy.file, data, sync=False)
        done.append((copy.order, hashlib.sha256(data).hexdigest(), []))
    return done


def _check(job: tuple[str, list[Copy]]) -> list[tuple[int, list[str]]]:
    """Proof a chunk of written copies: (order, problems) for each."""
    from pipeline.pdf.proof import problems

    root, copies = job
    qr_box = _BASE.qr_box if _BASE is not None else None
    return [(c.order, problems((Path(root) / c.file).read_bytes(), c.name, c.url, qr_box)) for c in copies]


def _chunks(items: list, size: int = CHUNK) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def run_pool(function, jobs, base, workers: int):
    """`function` over `jobs` in `workers` processes (in this one when 1), results in order, streamed."""
    if workers <= 1:
        _init(base)
        for job in jobs:
            yield function(job)
        return
    import multiprocessing

    # Workers start from a small server process, not a copy of this one (which has WeasyPrint and a laid-out page).
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(base,)) as pool:
        yield from pool.map(function, jobs)


# --- the run -------------------------------------------------------------------------------------------------


def personalize(project, topic_id: str, recipients: list[Recipient], report: Report, *, names: dict | None = None,
                full: bool = False, jobs: int = 2, shard: tuple[int, int] | None = None,
                order: dict[str, int] | None = None, everyone: list[Recipient] | None = None,
                verify: bool = True) -> Result:
    """Make, write and verify one copy per recipient (already selected and in walking order), then the index
    (and, unsharded, the print file). `order` gives each recipient's place in the whole selection's walking
    order (default: the list's order); `everyone` is that whole selection, whose characters the band font covers
    (so that every shard stamps the same base). Problems go to `report`; the others are still made."""
    from pipeline.pdf.update import prepare

    topic, source = next(((t, s) for t, s in project.topics if t.id == topic_id), (None, None))
    if topic is None:
        raise PressError(f"no topic has the id '{topic_id}'")
    layout = project.layouts[topic.layout]
    settings = Report()
    if not check_settings(project, topic, layout, settings):
        report.extend(settings)
        raise SourceErrors(report)
    result, clock = Result(), time.perf_counter()
    folder = f"out/personalized/{topic.id}"
    result.folder = project.root / folder
    language = topic.language or project.org.defaults.language
    day, names = band_date(language), names or {}
    chars = set()
    for r in everyone or recipients:
        for text in texts(r, layout.band, line_fields(r, topic, names, day)):
            chars |= set(text)
    font = band_font(project, layout, chars)
    output = base_document(project, topic, source, report)
    if output is None:
        raise SourceErrors(report)
    anchors = output.notes["anchors"]
    base = prepare(output.pdf, anchors, font, layout.tokens.get("ink", "#000000"))
    width = base.text_box[2] - base.text_box[0]
    copies = plan(recipients, topic, layout.band, font, width, project.org.personalize.url, names, day, folder,
                  report, order or {r.id: i for i, r in enumerate(recipients, 1)})
    result.seconds["base"] = time.perf_counter() - clock
    clock = time.perf_counter()
    root = str(project.root)
    by_order = {c.order: c for c in copies}
    if full:  # each chunk's HTML is made here while the workers typeset the chunks before it
        chunks = ((root, [(c, _full_html(project, topic, layout, c, output.html)) for c in chunk])
                 for chunk in _chunks(copies, 4))
        batches = run_pool(_full, chunks, None, jobs)
    else:
        batches = run_pool(_make, [(root, chunk) for chunk in _chunks(copies)], base, jobs)
    failed = set()
    for batch in batches:
        for order, digest, problems in batch:
            by_order[order].sha256 = digest
            if problems:
                failed.add(order)
                copy = by_order[order]
                report.error((copy.file, 0, 0), f"the copy for {copy.name} ({copy.id}) could not be made: "
                             f"{'; '.join(problems)}", "personalize.render")
    os.sync()  # the copies were renamed into place unsynced; one flush for all of them
    result.seconds["make"] = time.perf_counter() - clock
    clock = time.perf_counter()
    if verify:
        made = [c for c in copies if c.order not in failed]
        for batch in run_pool(_check, [(root, chunk) for chunk in _chunks(made)], base, jobs):
            for order, problems in batch:
                if problems:
                    copy = by_order[order]
                    failed.add(order)
                    (project.root / copy.file).unlink(missing_ok=True)
                    report.error((copy.file, 0, 0), f"the copy for {copy.name} ({copy.id}) failed its check: "
                                 f"{'; '.join(problems)}; the file was removed", "personalize.proof")
    result.seconds["verify"] = time.perf_counter() - clock
    result.copies = [c for c in copies if c.order not in failed]
    clock = time.perf_counter()
    index = index_name(shard)
    write_index(project.root / folder / index, result.copies)
    if shard is None:
        collate(project.root, result.copies, project.root / folder / f"{topic.id}-print.pdf", report)
    result.seconds["index"] = time.perf_counter() - clock
    return result


def _full_html(project, topic, layout, copy: Copy, fitted_html: str) -> str:
    """One office's one-pager HTML with its band filled, at the size the shared base was fitted to."""
    from pipeline.personalize import qr
    from pipeline.document.render import FIT_STYLE, render

    band = {"lines": [{"text": t, "size": s} for t, s in copy.lines], "qr": qr.svg_data_url(copy.url),
            "alt": f"QR code: the full briefing at {copy.url}"}
    doc = render("one-pager", topic, project.org, layout, project.library, project.style, build_date(), (), band=band)
    fit_style = FIT_STYLE.search(fitted_html).group(0)
    return FIT_STYLE.sub(lambda _: fit_style, doc.html, count=1)


def index_name(shard: tuple[int, int] | None) -> str:
    """index.csv, or index-K-of-N.csv for one shard."""
    return "index.csv" if shard is None else f"index-{shard[0]}-of-{shard[1]}.csv"


def write_index(path: Path, copies: list[Copy]) -> None:
    """The index CSV (walking order): order, recipient id, name, office, file, sha256, pages; written atomically."""
    from pipeline.build.finish import write_atomic

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(INDEX_COLUMNS)
    for c in sorted(copies, key=lambda c: c.order):
        writer.writerow([c.order, c.id, c.label, c.office, c.file, c.sha256, 1])
    write_atomic(path, out.getvalue().encode("utf-8"))


def read_index(path: Path) -> list[Copy]:
    """The rows of an index CSV as copies (lines and URL are not recorded there)."""
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return [Copy(int(r["order"]), r["recipient"], r["name"], r["name"], "", [], r["file"], r["sha256"], r["office"])
            for r in rows]


def combine(root: Path, topic_id: str, report: Report) -> list[Copy]:
    """Merge the shards' index files into index.csv and make the print file; every shard must be there and
    every file must still match its sha256."""
    folder = root / "out" / "personalized" / topic_id
    found = sorted(folder.glob("index-*-of-*.csv"))
    if not found:
        raise PressError(f"no shard index files (index-K-of-N.csv) in {folder.relative_to(root)}/ to combine")
    counts = {int(re.search(r"-of-(\d+)\.csv$", p.name).group(1)) for p in found}
    if len(counts) != 1:
        raise PressError(f"the shard index files in {folder.relative_to(root)}/ come from different splits "
                         f"({', '.join(p.name for p in found)}); remove the stale ones")
    n = counts.pop()
    have = {int(re.match(r"index-(\d+)-of-", p.name).group(1)) for p in found}
    missing = sorted(set(range(1, n + 1)) - have)
    if missing:
        raise PressError(f"shard(s) {', '.join(f'{k}/{n}' for k in missing)} have not been made; run them first")
    copies = sorted((c for p in found for c in read_index(p)), key=lambda c: c.order)
    good = []
    for c in copies:
        path = root / c.file
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != c.sha256:
            report.error((c.file, 0, 0), f"the copy for {c.name} ({c.id}) is missing or changed since its shard "
                         "was made", "personalize.combine")
        else:
            good.append(c)
    write_index(folder / "index.csv", good)
    collate(root, good, folder / f"{topic_id}-print.pdf", report)
    return good


def collate(root: Path, copies: list[Copy], target: Path, report: Report) -> None:
    """The print file: every copy's page in walking order with a bookmark each; the base page is shared.
    It is checked as the copies are: pdfium must open it and count one page per copy."""
    import pypdfium2 as pdfium

    from pipeline.pdf.collate import print_file
    from pipeline.build.finish import write_atomic

    if not copies:
        return
    data = print_file([(c.bookmark, root / c.file) for c in sorted(copies, key=lambda c: c.order)])
    shown = target.relative_to(root).as_posix()
    try:
        pages = len(pdfium.PdfDocument(data))
    except pdfium.PdfiumError as exc:
        report.error((shown, 0, 0), f"the print file does not open ({exc}); it was not written", "personalize.proof")
        return
    if pages != len(copies):
        report.error((shown, 0, 0), f"the print file has {pages} pages for {len(copies)} copies; it was not written",
                     "personalize.proof")
        return
    write_atomic(target, data)


