"""Audit: finished PDFs checked for PDF/UA-1 (Matterhorn Protocol 1.1) and for text extraction.

The checks are the machine-checkable conditions of the Matterhorn Protocol 1.1 that apply to what this
project makes, and our own text-extraction checks.

`pdf_files(paths)` finds the PDFs under files and folders; `audit_file(path)` returns one file's findings
(`audit_bytes(data, name)` those of a PDF in memory, for a build step). The
checks live beside this module: audit_catalog (metadata, viewer preferences, annotations), audit_structure
(the structure tree), audit_content (content streams), audit_fonts and audit_text (pdfium's extracted text).
The README's "Accessibility audit" section lists every check with its Matterhorn number.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

from pipeline.pdf.audit_common import DAMAGED, Finding, Found, plural


def pdf_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """The PDF files named or found (recursively, *.pdf) under the paths, and the paths that do not exist."""
    files, missing = [], []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.suffix.lower() == ".pdf"
                    and p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append(path)
    unique = list(dict.fromkeys(files))
    return unique, missing


def audit_file(path: Path, shown: str | None = None) -> list[Finding]:
    """Every finding for one file, sorted; a file that cannot be read is one [audit.read] finding."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [
            Finding(shown or str(path), 0, "audit.read", f"the file cannot be read ({exc.strerror or exc})")
        ]
    return audit_bytes(data, shown or str(path))


def audit_bytes(data: bytes, shown: str) -> list[Finding]:
    """Every finding for one PDF in memory (named `shown` in the findings), sorted."""
    import pikepdf

    found = Found(shown)
    if b"%PDF-" not in data[:1024]:
        found.add(0, "audit.read", "this is not a PDF file (no %PDF- header)")
        return found.items
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        found.add(0, "audit.read", "the file is encrypted with a password; it cannot be audited")
        return found.items
    except DAMAGED as exc:
        found.add(0, "audit.read", f"the PDF cannot be opened ({_why(exc)})")
        return found.items
    with pdf:
        tree = _structure_checks(pdf, data, found)
    if tree is not None:
        _text_checks(data, tree, found)
    return sorted(found.items)


def _structure_checks(pdf, data: bytes, found: Found):
    from pipeline.pdf import audit_catalog, audit_content, audit_fonts, audit_structure

    if pdf.is_encrypted:
        found.add(0, "audit.read", "the file is encrypted; PDF/UA-1 files may be, but this audit reads none")
        return None
    try:
        tree = audit_structure.read_tree(pdf)
        audit_catalog.check_file(pdf, data[data.find(b"%PDF-") :][:16], found)
        audit_structure.check_structure(pdf, tree, found)
        lang = audit_structure.check_languages(pdf, tree, found)
        audit_catalog.check_metadata(pdf, found, lang)
        audit_catalog.check_outline(pdf, found, lang)
        audit_catalog.check_annotations(pdf, tree, found, lang)
        fonts = audit_content.check_content(pdf, tree, found)
        audit_fonts.check_fonts(fonts, found)
    except DAMAGED as exc:
        found.add(0, "audit.read", f"the PDF is damaged: {_why(exc)}; the checks stopped there")
        return None
    return tree


def _text_checks(data: bytes, tree, found: Found) -> None:
    import pypdfium2 as pdfium

    from pipeline.pdf import audit_text

    try:
        audit_text.check_text(data, tree, found)
    except (pdfium.PdfiumError, *DAMAGED) as exc:
        found.add(0, "audit.read", f"pdfium cannot read the text: {_why(exc)}")


def _why(exc: BaseException) -> str:
    """The reason, in one line, without qpdf's name for the in-memory stream."""
    lines = str(exc).strip().splitlines()
    message = (
        re.sub(r"^.*?<_io\.BytesIO object at 0x[0-9a-f]+>( \([^)]*\))?:\s*", "", lines[-1]) if lines else ""
    )
    return message[:160] or type(exc).__name__


def summary(files: list[Path], findings: list[Finding]) -> str:
    """The run's last line: files audited, how many failed, and the findings by check."""
    if not findings:
        return f"press audit: {plural(len(files), 'file')}, no findings"
    failing = len({f.file for f in findings})
    by_code = Counter(f.code for f in findings)
    codes = ", ".join(f"{code} {count}" for code, count in sorted(by_code.items()))
    total = plural(len(files), "file")
    return f"press audit: {plural(len(findings), 'finding')} in {failing} of {total} ({codes})"


def as_json(files: list[Path], findings: list[Finding]) -> str:
    """The run as JSON: the files, the findings, and the counts by check."""
    return json.dumps(
        {
            "files": [str(f) for f in files],
            "findings": [f.as_dict() for f in findings],
            "counts": dict(sorted(Counter(f.code for f in findings).items())),
        },
        indent=2,
        ensure_ascii=False,
    )
