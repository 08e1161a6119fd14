"""Mends to citeproc-py 0.11.1 where it departs from the CSL 1.0.2 specification, installed once per process.

Each mend names the rule it restores; the README's table lists them. citeproc-py is pinned, so these
patches meet the code they were written against; a test of each one fails if it stops working.
"""

from __future__ import annotations

from pipeline.document.collate import sort_key
from pipeline.document.titles import title_case

_installed = False


def install() -> None:
    """Apply every mend (once)."""
    global _installed
    if _installed:
        return
    from citeproc import model

    _cache_macros(model)
    _empty_labels(model)
    _suppress_substituted(model)
    _title_case(model)
    _sort_as_read(model)
    _installed = True


def _cache_macros(model) -> None:
    """Not a departure, a speed-up: citeproc-py looks every macro up by XPath each time it is used (most of
    its run time here); the macros of a parsed style never change, so remember them (about 3x faster)."""
    original = model.CitationStylesElement.get_macro
    found: dict = {}

    def get_macro(self, name):
        key = (id(self.get_root()), name)  # styles are kept alive by cite._style's cache, so ids stay theirs
        if key not in found:
            found[key] = original(self, name)
        return found[key]

    model.CitationStylesElement.get_macro = get_macro


def _empty_labels(model) -> None:
    """CSL 1.0.2, Label: "The term is only rendered if the selected variable is non-empty." citeproc-py
    renders it anyway: Chicago's short notes for news articles ended in a stray "edition"."""
    from citeproc.source import VariableError

    original = model.Label.process

    def process(self, item, variable=None, plural=None, context=None, **kwargs):
        name = self.get("variable")
        if variable is None and name and name != "locator":
            try:
                value = item.reference[name.replace("-", "_")]
            except VariableError:
                return None
            if value in (None, ""):
                return None
        return original(self, item, variable, plural, context=context, **kwargs)

    model.Label.process = process


def _suppress_substituted(model) -> None:
    """CSL 1.0.2, Substitute: "Substituted variables are suppressed in the rest of the output to prevent
    duplication." citeproc-py suppresses only a variable named directly in cs:substitute, not one a macro
    renders there, so a title standing in for a missing author was printed twice ("“Caesar Act,”
    “Caesar Act,” 3.")."""
    original_variable = model.Text._variable
    original_render = model.Substitute.render

    def _variable(self, item, context):
        text = original_variable(self, item, context)
        seen = getattr(context.get_layout(), "press_seen", None)
        if text is not None and seen is not None:
            seen.add((self.tag, self.get("variable")))
        return text

    def render(self, item, context=None, **kwargs):
        if context is None:
            return original_render(self, item, context=context, **kwargs)
        layout = context.get_layout()
        outer = getattr(layout, "press_seen", None)
        layout.press_seen = set()
        try:
            text = original_render(self, item, context=context, **kwargs)
        finally:
            seen, layout.press_seen = layout.press_seen, outer
        if text:
            for tag, variable in seen:
                layout.repressed.setdefault(tag, []).append(variable)
            if outer is not None:
                outer.update(seen)
        return text

    model.Text._variable = _variable
    model.Substitute.render = render


def _title_case(model) -> None:
    """CSL 1.0.2, Title Case Conversion: capitalize each lowercase word, lowercase stop words unless first,
    last or after a colon. citeproc-py skipped a word after an opening quote ("‘suspends Meetings’"), kept
    capitalized stop words ("Trafficking And Garnering Of"), used CSL 1.0.1's shorter list of stop words
    ("Peace Through Strength") and left hyphenated parts alone."""
    from citeproc.string import MixedString, String

    original = model.TextCased.case

    def case(self, text, language=None):
        if self.get("text-case") != "title" or language != "en":
            return original(self, text, language)
        if type(text) is String:
            return String(title_case(str(text)))
        if isinstance(text, MixedString):  # pieces; a NoCase piece (<span class="nocase">) stays as it is
            return MixedString([String(title_case(str(t))) if type(t) is String else t for t in text])
        return text

    model.TextCased.case = case


def _sort_as_read(model) -> None:
    """CSL 1.0.2, Sorting: keys are compared "without rich text markup", case-insensitively, and
    English articles at the start of a non-personal name are stripped ("The New York Times" sorts as "New
    York Times"). citeproc-py compared the HTML, so every italic title came first and every quoted one
    last. Text keys are read as a reader sees them instead (see collate): letter by letter, accents folded,
    leading articles and opening quotes ignored; an empty key goes last, as the specification says."""
    from citeproc import DATES, NUMBERS

    original = model.Key.sort_keys

    def sort_keys(self, items, context):
        keys = original(self, items, context)
        variable = self.get("variable", "").replace("-", "_")
        if variable in DATES or variable in NUMBERS or variable == "citation_number":
            return keys
        return [None if key is None else sort_key(str(key)) for key in keys]

    model.Key.sort_keys = sort_keys
