"""Step 4, layout: the base layout shipped with the package, and a project's own layouts/base/ over it, file
by file (a layout.yaml merged key by key, as a child layout's is over its parent's)."""

from pathlib import Path

import jinja2

from pipeline.errors import Report
from pipeline.sources.files import SHIPPED
from pipeline.sources.layouts import discover, resolve, template_error
from tests.conftest import eject

WHERE = ("sources/topics/t.yaml", 4, 9)


def resolved(root: Path, name: str = "base"):
    """(layout or None, report lines) of discovering and resolving one layout."""
    report = Report()
    layout = resolve(name, discover(root, report), root, WHERE, report)
    return layout, report.lines()


def write(root: Path, name: str, text: str) -> Path:
    path = root / "layouts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return root


def test_a_project_without_a_layouts_folder_has_the_shipped_base_whole(tmp_path: Path):
    layout, lines = resolved(tmp_path)
    assert lines == []
    assert layout.chain == ["base"]
    assert layout.tokens["accent"] == "#1d4d7a" and layout.labels["summary"] == "The bottom line"
    assert layout.css["briefing"] == ["layouts/base/css/base.css", "layouts/base/css/briefing/briefing.css"]
    assert layout.fonts[0][1] == "layouts/base/fonts/SourceSerif4-Regular.otf"
    assert layout.env.get_template("briefing.html.j2").filename == str(SHIPPED / "templates/briefing.html.j2")
    assert layout.blocks("one-pager") == [
        "ask",
        "band",
        "bill",
        "contact",
        "facts",
        "masthead",
        "points",
        "qa",
        "sources",
    ]


def test_a_layout_extends_the_shipped_base_without_a_copy_of_it(tmp_path: Path):
    write(tmp_path, "green/layout.yaml", 'extends: base\ntokens:\n  accent: "#1f5c3a"\n')
    layout, lines = resolved(tmp_path, "green")
    assert lines == []
    assert layout.chain == ["green", "base"]
    assert (layout.tokens["accent"], layout.tokens["ink"]) == ("#1f5c3a", "#1a2230")


def test_a_project_template_overrides_the_shipped_one_and_the_others_stay(tmp_path: Path):
    write(tmp_path, "base/templates/blocks/one-pager/ask.html.j2", "<p>our own ask</p>\n")
    layout, lines = resolved(tmp_path)
    assert lines == []
    assert layout.env.get_template("blocks/one-pager/ask.html.j2").render() == "<p>our own ask</p>\n"
    assert layout.env.get_template("base/blocks/one-pager/ask.html.j2").render() == "<p>our own ask</p>\n"
    bill = layout.env.get_template("blocks/one-pager/bill.html.j2")
    assert bill.filename == str(SHIPPED / "templates/blocks/one-pager/bill.html.j2")


def test_a_project_stylesheet_overrides_or_joins_the_shipped_ones_in_order(tmp_path: Path):
    write(tmp_path, "base/css/base.css", "p {}\n")
    write(tmp_path, "base/css/one-pager/aside.css", "aside {}\n")
    layout, lines = resolved(tmp_path)
    assert lines == []
    assert layout.css["one-pager"] == [
        "layouts/base/css/base.css",
        "layouts/base/css/one-pager/aside.css",
        "layouts/base/css/one-pager/one-pager.css",
    ]


def test_a_project_base_layout_yaml_is_merged_over_the_shipped_one_key_by_key(tmp_path: Path):
    write(
        tmp_path,
        "base/layout.yaml",
        'tokens:\n  accent: "#1f5c3a"\nlabels:\n  summary: In short\none_pager:\n  fit:\n    body_min: 8.5\n'
        "fonts:\n  - {family: Source Sans 3, file: fonts/SourceSans3-Black.otf, weight: 800}\n"
        "  - {family: Source Sans 3, file: fonts/SourceSans3-Black.otf, weight: 700}\n",
    )
    layout, lines = resolved(tmp_path)
    assert lines == []
    assert (layout.tokens["accent"], layout.tokens["paper"]) == ("#1f5c3a", "#ffffff")
    assert (layout.labels["summary"], layout.labels["asks"]) == ("In short", "What we ask")
    assert (layout.fit.body_max, layout.fit.body_min, layout.fit.space_min) == (11, 8.5, 0.6)
    assert layout.one_pager["blocks"][0] == "band"
    fonts = [(face.family, face.weight, rel.split("/")[-1]) for face, rel in layout.fonts]
    assert len(fonts) == 18  # one added, one replaced in its place
    black = "SourceSans3-Black.otf"
    assert fonts[10:12] == [("Source Sans 3", 700, black), ("Source Sans 3", 900, black)]
    assert fonts[-1] == ("Source Sans 3", 800, black)
    assert layout.chain == ["base"]


def test_an_error_in_the_shipped_layout_yaml_is_named_with_its_note(tmp_path: Path):
    """The project's base makes a colour of the shipped contrast pairs something else: the pair is declared
    in the shipped file, so that is where the message points, saying so."""
    write(tmp_path, "base/layout.yaml", "tokens:\n  accent-soft: transparent\n")
    note = "(the file is from the base layout shipped with Position Press)"
    assert resolved(tmp_path)[1] == [
        f"layouts/base/layout.yaml:37:5: error: contrast pair [ink, accent-soft] must name two #rrggbb "
        f"colour tokens {note} [layout.contrast]",
        f"layouts/base/layout.yaml:38:5: error: contrast pair [accent, accent-soft] must name two #rrggbb "
        f"colour tokens {note} [layout.contrast]",
    ]


def test_an_error_in_the_projects_own_base_layout_yaml_is_named_without_it(tmp_path: Path):
    write(tmp_path, "base/layout.yaml", 'tokens:\n  muted: "#9fb4c8"\n')
    assert resolved(tmp_path)[1] == [
        "layouts/base/layout.yaml:2:10: error: text colour 'muted' on 'paper' has contrast 2.13:1 in layout "
        "'base'; at least 4.5:1 is needed [layout.contrast]"
    ]


def test_an_ejected_copy_of_the_whole_base_resolves_as_the_shipped_one(tmp_path: Path):
    shipped, _ = resolved(tmp_path / "a")
    mine, lines = resolved(eject(tmp_path / "b"))
    assert lines == []
    assert (mine.tokens, mine.labels, mine.css) == (shipped.tokens, shipped.labels, shipped.css)
    assert (mine.fit, mine.briefing, mine.one_pager) == (shipped.fit, shipped.briefing, shipped.one_pager)
    assert [rel for _, rel in mine.fonts] == [rel for _, rel in shipped.fonts]
    assert [spec.source.path for _, spec in mine.layers] == ["layouts/base/layout.yaml"] * 2


def test_a_template_error_in_a_shipped_template_is_named_with_its_note(tmp_path: Path):
    macros = str(SHIPPED / "templates/macros.html.j2")
    report = Report()
    template_error(jinja2.TemplateSyntaxError("unexpected '}'", 3, filename=macros), tmp_path, report)
    assert report.lines() == [
        "layouts/base/templates/macros.html.j2:3:1: error: template error: unexpected '}' (the file is from "
        "the base layout shipped with Position Press) [layout.template]"
    ]
