"""Titles in citations: CSL 1.0.2 title case, and the short title a note uses when a reference gives none."""

from __future__ import annotations

import html
import re

# CSL 1.0.1's stop words (articles, conjunctions, short prepositions) and the one-word prepositions of CSL
# 1.0.2's stop-words.json, which the 1.0.2 specification names for title case. Its phrases ("back to",
# "due to") are left out: their first word is as often an adverb ("Syria Welcomed Back to Arab League").
STOP_WORDS = frozenset(
    "a an and as at but by down for from in into nor of on onto or over so the till to up via with yet "
    "across afore after against along alongside amid amidst among amongst anenst apropos apud around aside "
    "astride athwart atop barring before behind below beneath beside besides between beyond circa despite "
    "during except forenenst given inside lest like modulo near next notwithstanding off out per plus pro "
    "qua sans since than through throughout thru thruout toward towards under underneath until unto upon "
    "v. versus vis-à-vis vs. within without".split()
)
ARTICLES = ("the", "a", "an")
EDGE = "\"'“”‘’«»()[]{}¿¡*_"  # marks around a word that do not change which word it is


def title_case(text: str) -> str:
    """`text` (HTML-escaped) in title case as CSL 1.0.2 defines it: the first character of each lowercase
    word capitalized (also after an opening quote or bracket, and each part of a hyphenated word); stop
    words lowercased unless first, last or after a colon; other words kept as they are. A string in
    capitals (two words or more) is first lowercased but for each word's first letter."""
    plain = html.unescape(text)
    parts = re.split(r"(\s+)", plain)
    words = parts[0::2]
    shouting = len([w for w in words if w]) > 1 and plain.upper() == plain and plain.lower() != plain
    stops = {i for i, word in enumerate(words) if _bare(word) in STOP_WORDS}
    real = [i for i, word in enumerate(words) if word] or [0]
    out = []
    for i, word in enumerate(words):
        if shouting:
            word = word.lower()
        free = i in (real[0], real[-1]) or (i > 0 and words[i - 1].rstrip(EDGE).endswith(":"))
        if i in stops and not free and not _acronym(word):
            out.append(word.lower())
        else:
            out.append(_capitalize_parts(word))
    parts[0::2] = out
    return html.escape("".join(parts), quote=False)


def _bare(word: str) -> str:
    return word.strip(EDGE).rstrip(",;:!?").lower()


def _acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def _capitalize_parts(word: str) -> str:
    """A word with the first letter of each lowercase part capitalized; a later part that is a stop word
    stays lowercase ("State-of-the-Art")."""
    pieces = word.split("-")
    out = [_capitalize(pieces[0])]
    for piece in pieces[1:]:
        out.append(piece if _bare(piece) in STOP_WORDS else _capitalize(piece))
    return "-".join(out)


def _capitalize(word: str) -> str:
    if not word.islower():
        return word  # mixed case ("iPhone", "McCain") or capitals ("UNHCR"): kept as written
    i = len(word) - len(word.lstrip(EDGE))
    return word[:i] + word[i : i + 1].upper() + word[i + 1 :] if word[i : i + 1].isalpha() else word


def short_title(title: str) -> str:
    """A short title for notes, from the head of `title` (HTML-escaped in and out): the words before a
    colon, a question mark or a parenthesis, without a leading article or a closing "of 2023"; whole if
    that is five words or fewer, else its first four, not ending on a stop word. A quotation counts as
    one word, so a short title never stops inside quotation marks."""
    plain = html.unescape(title).strip()
    head = re.split(r"(?<=[:?])\s|\s\(|\s[–—]\s", plain, maxsplit=1)[0].rstrip(":?")
    head = re.sub(r"\s+of\s+\d{4}$", "", head)
    units = _units(head.split())
    if len(units) > 1 and units[0].lower() in ARTICLES:
        units = units[1:]
    if len(units) > 5:
        units = units[:4]
        while len(units) > 1 and _bare(units[-1]) in STOP_WORDS:
            units.pop()
    return html.escape(" ".join(units).rstrip(",;"), quote=False)


def _units(words: list[str]) -> list[str]:
    """Words, with each quotation joined into one ("“Our Lives Are Like Death”")."""
    units: list[str] = []
    open_quote = ""
    for word in words:
        if open_quote:
            units[-1] += " " + word
        else:
            units.append(word)
            open_quote = {"“": "”", "‘": "’"}.get(word[:1], "")
        if open_quote and len(word) > 1 and word.rstrip(",;:.!?").endswith(open_quote):
            open_quote = ""
    return units
