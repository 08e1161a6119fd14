"""A typesetting problem: a message that knows what it is about, so that the line causing it can be found."""

from __future__ import annotations


class Problem(str):
    """A message (it compares and prints as one) with what it is about:
    - `code`: its diagnostic code;
    - `url`: the file or address refused or broken;
    - `where`: (path, line, col), when the check knew the place itself (inside an SVG file, say);
    - `char`: a character a font lacked, and `font`, the font the PDF would use for it instead;
    - `fonts`: fonts in the PDF that the layout does not declare, for no particular character;
    - `family`: a declared family that could not be loaded;
    - `css`: (line, col, WeasyPrint's words), a complaint about a stylesheet WeasyPrint was reading."""

    code = "render.weasyprint"
    url = ""
    where: tuple | None = None
    char = ""
    font = ""
    fonts: tuple[str, ...] = ()
    family = ""
    css: tuple | None = None

    def __new__(cls, message: str, **about):
        self = super().__new__(cls, message)
        for name, value in about.items():
            setattr(self, name, value)
        return self
