"""What the audit's modules share: a finding, reading pikepdf values safely, and language tags."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pikepdf

# What a damaged file can make a check raise; the audit turns these into an [audit.read] finding.
DAMAGED = (pikepdf.PdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError)


@dataclass(frozen=True, order=True)
class Finding:
    """One failed check: the file, its page (1-based; 0 when it is not bound to a page), the check and why."""

    file: str
    page: int
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: page {self.page}" if self.page else self.file
        return f"{where}: error: {self.message} [{self.code}]"

    def as_dict(self) -> dict:
        return {"file": self.file, "page": self.page or None, "code": self.code, "message": self.message}


class Found:
    """Collects one file's findings; checks call `add(page, code, message)` (page 0: the document)."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[Finding] = []

    def add(self, page: int, code: str, message: str) -> None:
        finding = Finding(self.file, page, code, message)
        if finding not in self.items:
            self.items.append(finding)


def name(value) -> str:
    """A PDF name as text without its slash ('' when the value is not a name)."""
    return str(value)[1:] if isinstance(value, pikepdf.Name) else ""


def text(value) -> str | None:
    """A PDF text string as str, or None when absent or not a string."""
    if isinstance(value, pikepdf.String):
        return str(value)
    return None


def shorten(value: str, width: int = 48) -> str:
    """Text for a message: one line, at most `width` characters."""
    value = re.sub(r"\s+", " ", value).strip()
    return value if len(value) <= width else value[: width - 1] + "…"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# BCP 47 (RFC 5646) well-formed tags: language[-extlang][-script][-region](-variant)*(-extension)*[-private],
# or a private-use tag alone. The primary subtag of two letters must be an ISO 639-1 code.
_TAG = re.compile(
    r"""(?ix)
    (?:
      (?P<lang>[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})
      (?:-[a-z]{4})?
      (?:-(?:[a-z]{2}|[0-9]{3}))?
      (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*
      (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*
      (?:-x(?:-[a-z0-9]{1,8})+)?
    |
      x(?:-[a-z0-9]{1,8})+
    )
    """
)
_DEPRECATED = {"iw", "in", "ji", "jw", "mo"}


def language_problem(tag: str) -> str | None:
    """Why `tag` is not a usable language tag, or None when it is one."""
    if not tag.strip():
        return "is empty (the language is unknown)"
    found = _TAG.fullmatch(tag)
    if not found:
        return f"'{tag}' is not a language tag (BCP 47, as 'en' or 'en-US')"
    primary = (found.group("lang") or "").split("-")[0].lower()
    if len(primary) > 3 or (len(primary) == 2 and primary not in _two_letter_codes() | _DEPRECATED):
        # no language subtag of 4 to 8 letters is registered; two letters must be an ISO 639-1 code
        return f"'{tag}' does not start with a known language code"
    return None


_CODES: set[str] = set()


def _two_letter_codes() -> set[str]:
    if not _CODES:
        from babel import Locale

        _CODES.update(code for code in Locale("en").languages if len(code) == 2)
    return _CODES
