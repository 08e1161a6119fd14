"""Step 7, finish: write outputs atomically, so a failed or interrupted build keeps the previous files."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, sync: bool = True) -> None:
    """Write `data` to a temporary file beside `path`, flush it to disk, then rename it over `path`.
    With `sync=False` the flush to disk is left to the caller (one `os.sync()` after many small files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            if sync:
                os.fsync(file.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    """A CSV file's bytes (UTF-8, '\\n' line ends) whose cells a spreadsheet shows as text: a cell that
    would start a formula, or that starts with the quote used to disarm one, gets a leading "'"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_disarm(str(cell)) for cell in row])
    return out.getvalue().encode("utf-8")


def cell_text(cell: str) -> str:
    """A cell of a CSV file that `csv_bytes` wrote, as it was before it was disarmed."""
    return cell[1:] if cell.startswith("'") else cell


def _disarm(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS + ("'",)) else text
