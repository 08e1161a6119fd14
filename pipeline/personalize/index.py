"""Personalize, index: the index CSV of a run or shard, shards combined, the print file written."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

from pipeline.errors import PressError, Report
from pipeline.personalize.plan import Copy

INDEX_COLUMNS = ("order", "recipient", "name", "office", "file", "sha256", "pages")


def index_name(shard: tuple[int, int] | None) -> str:
    """index.csv, or index-K-of-N.csv for one shard."""
    return "index.csv" if shard is None else f"index-{shard[0]}-of-{shard[1]}.csv"


def write_index(path: Path, copies: list[Copy]) -> None:
    """The index CSV (walking order): order, recipient id, name, office, file, sha256, pages; written
    atomically."""
    from pipeline.build.finish import csv_bytes, write_atomic

    rows = [
        [c.order, c.id, c.label, c.office, c.file, c.sha256, 1] for c in sorted(copies, key=lambda c: c.order)
    ]
    write_atomic(path, csv_bytes(list(INDEX_COLUMNS), rows))


def read_index(path: Path) -> list[Copy]:
    """The rows of an index CSV as copies (lines and URL are not recorded there)."""
    from pipeline.build.finish import cell_text

    with path.open(encoding="utf-8", newline="") as file:
        rows = [{key: cell_text(value) for key, value in row.items()} for row in csv.DictReader(file)]
    return [
        Copy(
            int(r["order"]), r["recipient"], r["name"], r["name"], "", [], r["file"], r["sha256"], r["office"]
        )
        for r in rows
    ]


def combine(root: Path, topic_id: str, report: Report, printed: bool = False) -> tuple[list[Copy], bool]:
    """Merge the shards' index files into index.csv and make the print file (`printed`: and its print-shop
    variant, from the copies' <id>.print.pdf); every shard must be there and every file must still match its
    sha256."""
    folder = root / "out" / "personalized" / topic_id
    found = sorted(folder.glob("index-*-of-*.csv"))
    if not found:
        raise PressError(f"no shard index files (index-K-of-N.csv) in {folder.relative_to(root)}/ to combine")
    counts = {int(re.search(r"-of-(\d+)\.csv$", p.name).group(1)) for p in found}
    if len(counts) != 1:
        raise PressError(
            f"the shard index files in {folder.relative_to(root)}/ come from different splits "
            f"({', '.join(p.name for p in found)}); remove the stale ones"
        )
    n = counts.pop()
    have = {int(re.match(r"index-(\d+)-of-", p.name).group(1)) for p in found}
    missing = sorted(set(range(1, n + 1)) - have)
    if missing:
        raise PressError(
            f"shard(s) {', '.join(f'{k}/{n}' for k in missing)} have not been made; run them first"
        )
    copies = sorted((c for p in found for c in read_index(p)), key=lambda c: c.order)
    good = []
    for c in copies:
        path = root / c.file
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != c.sha256:
            report.error(
                (c.file, 0, 0),
                f"the copy for {c.name} ({c.id}) is missing or changed since its shard was made",
                "personalize.combine",
            )
        else:
            good.append(c)
    write_index(folder / "index.csv", good)
    made = collate(root, good, folder / f"{topic_id}-print.pdf", report)
    if made and printed:
        missing = [c for c in good if not (root / c.print_file).is_file()]
        for c in missing:
            report.error(
                (c.print_file, 0, 0),
                f"the print-shop copy for {c.name} ({c.id}) is missing: make its shard with --print",
                "personalize.combine",
            )
        if not missing:
            collate(root, good, folder / f"{topic_id}-print.print.pdf", report, printed=True)
    return good, made


def collate(root: Path, copies: list[Copy], target: Path, report: Report, printed: bool = False) -> bool:
    """The print file: every copy's page in walking order with a bookmark each; the base page is shared.
    `printed`: its print-shop variant, of the copies' print-shop variants. It is checked as the copies are:
    pdfium must open it and count one page per copy. Whether it was written (not without copies, nor when
    the check fails)."""
    import pypdfium2 as pdfium

    from pipeline.build.finish import write_atomic
    from pipeline.pdf.collate import print_file
    from pipeline.pdf.pressfile import press_file

    if not copies:
        return False
    ordered = sorted(copies, key=lambda c: c.order)
    if printed:
        data = press_file(None, "", [(c.bookmark, [(c.bookmark, root / c.print_file)]) for c in ordered])
    else:
        data = print_file([(c.bookmark, root / c.file) for c in ordered])
    shown = target.relative_to(root).as_posix()
    try:
        pages = len(pdfium.PdfDocument(data))
    except pdfium.PdfiumError as exc:
        report.error(
            (shown, 0, 0), f"the print file does not open ({exc}); it was not written", "personalize.proof"
        )
        return False
    if pages != len(copies):
        report.error(
            (shown, 0, 0),
            f"the print file has {pages} pages for {len(copies)} copies; it was not written",
            "personalize.proof",
        )
        return False
    write_atomic(target, data)
    return True
