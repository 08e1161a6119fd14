"""Characters and fonts: which of a layout's fonts has a character; fonts a PDF embeds that it lacks."""

from __future__ import annotations

import unicodedata

from pipeline.document import assets
from pipeline.document.problem import Problem
from pipeline.sources.files import locate

# Unicode's labels for code points without a name (as in "<private-use-E000>").
UNNAMED = {"Cc": "control", "Co": "private-use", "Cs": "surrogate", "Cn": "noncharacter"}


def describe(char: str) -> str:
    """A character as a message shows it: "'→' (U+2192 RIGHTWARDS ARROW)"."""
    shown = char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
    name = unicodedata.name(char, "")
    if not name:
        name = f"<{UNNAMED.get(unicodedata.category(char), 'unnamed')}-{ord(char):04X}>"
    return f"'{shown}' (U+{ord(char):04X} {name})"


def coverage(layout) -> dict[str, frozenset[int]]:
    """The code points each declared family has, over all its faces."""
    have: dict[str, frozenset[int]] = {}
    for face, rel in layout.fonts:
        have[face.family] = have.get(face.family, frozenset()) | assets.cmap(str(locate(layout.root, rel)))
    return dict(sorted(have.items()))


def missing(char: str, layout, fallback: str = "") -> str:
    """Why `char` is a problem: which of the layout's families have it, and what the PDF would show."""
    have = coverage(layout)
    with_it = [family for family, points in have.items() if ord(char) in points]
    shows = f"the PDF would embed the fallback font '{fallback}'" if fallback else "it would print as a box"
    if with_it:
        names = " and ".join(with_it) if len(with_it) < 3 else ", ".join(with_it[:-1]) + " and " + with_it[-1]
        return (
            f"{describe(char)} is not in the font used here, so {shows}; of the layout's fonts only "
            f"{names} {'has' if len(with_it) == 1 else 'have'} it"
        )
    return (
        f"{describe(char)} is in none of the layout's fonts ({', '.join(have)}), so {shows}; use another "
        "character, or add a font that has it to the layout"
    )


def named(problem: Problem, layout) -> Problem:
    """A problem about a character (WeasyPrint's .notdef warning) told in the layout's terms."""
    return Problem(missing(problem.char, layout), code="render.font", char=problem.char)


def stray_fonts(data: bytes, layout) -> list[Problem]:
    """A problem for each character drawn in a font the layout does not declare that one of its families
    lacks; and one for the fonts all of whose characters are in every family (a font-family names a font
    the layout does not declare)."""
    from pipeline.pdf.inspect import embedded_fonts, font_characters, stray

    names = stray(embedded_fonts(data), sorted({face.family for face, _ in layout.fonts}))
    if not names:
        return []
    have = coverage(layout)
    everywhere = frozenset.intersection(*have.values()) if have else frozenset()
    characters, problems, plain = font_characters(data), [], []
    for name in names:
        odd = sorted({c for c in characters.get(name, "") if not c.isspace() and ord(c) not in everywhere})
        problems += [Problem(missing(c, layout, name), code="render.font", char=c, font=name) for c in odd]
        plain += [] if odd else [name]
    if plain:
        problems.append(
            Problem(
                f"the PDF embeds {quoted(plain)}, which the layout does not declare (a font-family it does "
                f"not define); declared: {', '.join(have)}",
                code="render.font",
                fonts=tuple(plain),
            )
        )
    return problems


def quoted(names: list[str] | tuple[str, ...]) -> str:
    """ "font 'A'" or "fonts 'A' and 'B'"."""
    shown = [f"'{n}'" for n in names]
    return ("font " if len(shown) == 1 else "fonts " + ", ".join(shown[:-1]) + " and ") + shown[-1]
