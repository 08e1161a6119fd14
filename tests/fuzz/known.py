"""Inputs that trip defects other branches are fixing; each filter goes once its fix is merged.

Every property that meets one of these says so with `assume(not known.X(...))`, so that removing a
function here (and its uses) turns the property back on for exactly those inputs.
"""

from __future__ import annotations

import re

import yaml

# PyYAML's reader refuses these characters (NUL, the other C0 and C1 controls but tab and line breaks,
# U+FFFE and U+FFFF) with a ReaderError raised before parsing starts, which escapes `parse_yaml` as a
# traceback. The NUL-byte fix must cover all of them: they fail the same way.
UNREADABLE = yaml.reader.Reader.NON_PRINTABLE


def yaml_unreadable(text: str) -> bool:
    """Text with a character PyYAML's reader refuses (the NUL-byte defect)."""
    return UNREADABLE.search(text) is not None


# Nesting deeper than this overflows Python's stack in the composer (about 330 levels) or in load's own
# recursion over the node tree (about 500); the limit leaves a margin below both.
YAML_DEPTH = 200


def yaml_too_deep(depth: int) -> bool:
    """A document nested deeper than YAML_DEPTH levels (the deep-nesting defect)."""
    return depth > YAML_DEPTH


# An unclosed citation, `[@key, p. 3` with no `]`, is printed as it was typed and never checked; so is one
# whose `[` holds another citation first (`[see [@a] and @b`).
def unclosed_citation(text: str) -> bool:
    """Markdown with a `[`, a citation key after it and no `]` before the next `[` (as harden-sources's
    check_text finds them), or with a `[` that no `]` closes and an `@` after it (which it does not)."""
    if UNCLOSED.search(text):
        return True
    opened: list[int] = []
    for i, char in enumerate(text):
        if char == "[":
            opened.append(i)
        elif char == "]" and opened:
            opened.pop()
    return any(AT.search(text, i) for i in opened)


AT = re.compile(r"(?<![\w.])@")
UNCLOSED = re.compile(r"\[(?=[^\[\]]*(?<![\w.])@[A-Za-z0-9_])[^\[\]]*(?=\[|$)")


# markdown-it stops nesting blocks past its maxNesting of 20 tokens: a list nested ten levels deep loses its
# tenth level, citations and all, without a word.
MARKDOWN_DEPTH = 9


def markdown_too_deep(depth: int) -> bool:
    """Lists nested more than MARKDOWN_DEPTH levels (the deep-list defect)."""
    return depth > MARKDOWN_DEPTH
