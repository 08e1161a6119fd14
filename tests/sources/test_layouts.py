"""Step 4, layout: layouts found and validated, inheritance chains resolved (tokens, labels, fit, stylesheets,
fonts, templates), and the checks a designer relies on: safe token values, contrast, known blocks, fonts."""

import shutil
from pathlib import Path

import jinja2
import pytest

from pipeline.colour import contrast
from pipeline.errors import Report
from pipeline.sources.layouts import discover, render_template, resolve, template_error, token_css
from tests.conftest import ROOTS

UNITS = ROOTS / "units" / "layouts"
TOPIC_LAYOUT = ("sources/topics/t.yaml", 4, 9)  # where a topic names its layout

# The fixture layouts have a tiny base of their own; the shipped one is tested in test_shipped.py.
pytestmark = pytest.mark.usefixtures("no_shipped_base")


def project(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    """A project with the fixture layouts base and child, plus `files` ({path under layouts/: text})."""
    shutil.copytree(UNITS, tmp_path / "layouts")
    for name, text in (files or {}).items():
        path = tmp_path / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def layout_a(tmp_path: Path, text: str) -> Path:
    """A project with one more layout, a, whose layout.yaml is `text`."""
    return project(tmp_path, {"a/layout.yaml": text})


def found(root: Path):
    """(specs, report lines) of discovering the layouts."""
    report = Report()
    specs = discover(root, report)
    return specs, report.lines()


def resolved(root: Path, name: str):
    """(layout or None, report lines) of discovering and resolving one layout."""
    report = Report()
    specs = discover(root, report)
    layout = resolve(name, specs, root, TOPIC_LAYOUT, report)
    return layout, report.lines()


def child(tmp_path: Path):
    layout, lines = resolved(project(tmp_path), "child")
    assert lines == []
    return layout


# --- discovering and resolving -----------------------------------------------------------------


def test_discover_finds_every_layout(tmp_path: Path):
    specs, lines = found(project(tmp_path))
    assert lines == []
    assert sorted(specs) == ["base", "child"]


def test_chain_runs_from_the_layout_to_base(tmp_path: Path):
    assert child(tmp_path).chain == ["child", "base"]


def test_child_overrides_tokens(tmp_path: Path):
    assert child(tmp_path).tokens == {"ink": "#000000", "paper": "#ffffff", "accent": "#8f4a0c"}


def test_child_overrides_labels(tmp_path: Path):
    assert child(tmp_path).labels == {"summary": "The bottom line", "asks": "Our asks"}


def test_child_overrides_only_the_fit_values_it_sets(tmp_path: Path):
    fit = child(tmp_path).fit
    assert (fit.body_max, fit.body_min, fit.space_min, fit.step) == (11, 8.5, 0.7, 0.25)


def test_block_orders_are_inherited(tmp_path: Path):
    layout = child(tmp_path)
    assert layout.briefing == {"blocks": ["cover", "summary"], "notes": "footnotes"}
    assert layout.one_pager == {"blocks": ["ask", "facts"]}


def test_stylesheets_list_base_first_then_child(tmp_path: Path):
    assert child(tmp_path).css == {
        "briefing": ["layouts/base/css/base.css", "layouts/base/css/briefing/briefing.css"],
        "one-pager": [
            "layouts/base/css/base.css",
            "layouts/base/css/one-pager/one-pager.css",
            "layouts/child/css/one-pager/facts.css",
        ],
        "packet": ["layouts/base/css/base.css"],
    }


def test_fonts_accumulate_along_the_chain(tmp_path: Path):
    fonts = [(face.family, face.weight, path) for face, path in child(tmp_path).fonts]
    assert fonts == [
        ("Test Serif", 400, "layouts/base/fonts/serif.otf"),
        ("Test Sans", 700, "layouts/child/fonts/sans.otf"),
    ]


def test_tokens_become_css_custom_properties(tmp_path: Path):
    assert (
        token_css(child(tmp_path))
        == ":root {\n  --accent: #8f4a0c;\n  --ink: #000000;\n  --paper: #ffffff;\n}"
    )


# --- templates ---------------------------------------------------------------------------------


def test_blocks_offered_by_the_chain(tmp_path: Path):
    layout = child(tmp_path)
    assert (layout.blocks("briefing"), layout.blocks("one-pager")) == (["cover", "summary"], ["ask", "facts"])


def test_child_template_is_preferred(tmp_path: Path):
    html = child(tmp_path).env.get_template("blocks/one-pager/facts.html.j2").render()
    assert html == '<div class="child"><section class="facts">base facts</section>\n</div>\n'


def test_base_prefix_names_the_parent_template(tmp_path: Path):
    html = child(tmp_path).env.get_template("base/blocks/one-pager/facts.html.j2").render()
    assert html == '<section class="facts">base facts</section>\n'


def test_template_the_child_lacks_comes_from_base(tmp_path: Path):
    html = child(tmp_path).env.get_template("blocks/one-pager/ask.html.j2").render()
    assert html == '<section class="ask">base ask</section>\n'


def test_templates_escape_what_they_print(tmp_path: Path):
    template = child(tmp_path).env.from_string("<p>{{ text }}</p>")
    assert template.render(text="<script>x</script>") == "<p>&lt;script&gt;x&lt;/script&gt;</p>"


def rendered_error(tmp_path: Path, text: str) -> list[str]:
    """The report lines of rendering a child block template whose text is `text` (it must fail)."""
    root = project(tmp_path, {"child/templates/blocks/briefing/summary.html.j2": text})
    layout = resolved(root, "child")[0]
    report = Report()
    with pytest.raises(jinja2.TemplateError) as caught:
        render_template(layout.env.get_template("blocks/briefing/summary.html.j2"), {"topic": {"title": "T"}})
    template_error(caught.value, root, report)
    return report.lines()


SUMMARY = "layouts/child/templates/blocks/briefing/summary.html.j2"


def test_an_undefined_name_is_located_at_its_template_line(tmp_path: Path):
    assert rendered_error(tmp_path, "<p>\n{{ topic.title }}\n{{ no_such_variable }}\n</p>\n") == [
        f"{SUMMARY}:3:1: error: template error: 'no_such_variable' is undefined [layout.template]"
    ]


def test_the_sandbox_refuses_python_internals(tmp_path: Path):
    assert rendered_error(tmp_path, "{{ topic.__class__.__mro__ }}\n") == [
        f"{SUMMARY}:1:1: error: template error: access to attribute '__class__' of 'dict' object is unsafe. "
        "(layout templates run in Jinja's sandbox) [layout.template]"
    ]


def test_the_sandbox_refuses_changing_the_data(tmp_path: Path):
    assert rendered_error(tmp_path, "\n{{ topic.clear() }}\n") == [
        f"{SUMMARY}:2:1: error: template error: access to attribute 'clear' of 'dict' object is unsafe. "
        "(layout templates run in Jinja's sandbox) [layout.template]"
    ]


def test_a_python_error_in_a_template_is_located(tmp_path: Path):
    assert rendered_error(tmp_path, "{{ 1 // 0 }}\n") == [
        f"{SUMMARY}:1:1: error: template error: ZeroDivisionError: integer division or modulo by zero "
        "[layout.template]"
    ]


def test_a_template_linked_out_of_the_project_is_never_opened(tmp_path: Path):
    root = project(tmp_path / "project")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "layouts/child/templates/blocks/briefing").mkdir(parents=True)
    (root / "layouts/child/templates/blocks/briefing/summary.html.j2").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(jinja2.TemplateError) as caught:
        resolved(root, "child")[0].env.get_template("blocks/briefing/summary.html.j2")
    report = Report()
    template_error(caught.value, root, report)
    assert [(d.path, d.code) for d in report.items] == [(SUMMARY, "file.outside")]


def test_a_layout_with_errors_is_not_called_unknown(tmp_path: Path):
    layout, lines = resolved(project(tmp_path, {"a/layout.yaml": "extends: base\ntokenz: {}\n"}), "a")
    assert layout is None
    assert [line.split(": error")[0] for line in lines] == ["layouts/a/layout.yaml:2:1"]


# --- problems ----------------------------------------------------------------------------------


def test_unknown_layout_suggests_one_and_lists_all(tmp_path: Path):
    layout, lines = resolved(project(tmp_path), "chlid")
    assert layout is None
    assert lines == [
        "sources/topics/t.yaml:4:9: error: unknown layout 'chlid' (did you mean 'child'?); known layouts: "
        "'base', "
        "'child' [layout.unknown]"
    ]


def test_unknown_layout_without_a_close_name(tmp_path: Path):
    _, lines = resolved(project(tmp_path), "zzz")
    assert lines == [
        "sources/topics/t.yaml:4:9: error: unknown layout 'zzz'; known layouts: 'base', 'child' "
        "[layout.unknown]"
    ]


def test_inheritance_loop(tmp_path: Path):
    root = project(tmp_path, {"a/layout.yaml": "extends: b\n", "b/layout.yaml": "extends: a\n"})
    layout, lines = resolved(root, "a")
    assert layout is None
    assert lines == [
        "layouts/a/layout.yaml:1:10: error: layout inheritance loops: a -> b -> a [layout.extends]"
    ]


def test_extends_an_unknown_layout(tmp_path: Path):
    _, lines = resolved(layout_a(tmp_path, "extends: bsae\n"), "a")
    assert lines == [
        "layouts/a/layout.yaml:1:10: error: layout 'a' extends unknown layout 'bsae' (did you mean 'base'?) "
        "[layout.extends]"
    ]


def test_layout_other_than_base_must_extend_one(tmp_path: Path):
    _, lines = found(layout_a(tmp_path, "description: Standalone\n"))
    assert lines == [
        "layouts/a/layout.yaml:1:1: error: layout 'a' must say which layout it extends (extends: base) "
        "[layout.extends]"
    ]


def test_unknown_key_in_layout_yaml(tmp_path: Path):
    _, lines = found(layout_a(tmp_path, "extends: base\ntokenz: {}\n"))
    assert lines == [
        "layouts/a/layout.yaml:2:1: error: unknown key 'tokenz' (did you mean 'tokens'?); known keys: "
        "extends, "
        "description, tokens, contrast, fills, labels, fonts, briefing, one_pager [schema.unknown-key]"
    ]


@pytest.mark.parametrize(
    "value",
    [
        "red; background: blue",
        "url(https://example.org/x.png)",
        "expression(alert(1))",
        "red } body { color: blue",
    ],
)
def test_token_value_that_is_not_plain_css_is_refused(tmp_path: Path, value: str):
    _, lines = found(layout_a(tmp_path, f"extends: base\ntokens:\n  accent: '{value}'\n"))
    assert lines == [
        "layouts/a/layout.yaml:3:11: error: token 'accent' has a value that is not a plain CSS value: "
        f"'{value}' "
        "[layout.token]"
    ]


@pytest.mark.parametrize("value", ["#1d4d7a", "10.5pt", '"Source Serif 4", serif', "calc(1in + 2pt)", "1.42"])
def test_plain_token_values_are_fine(tmp_path: Path, value: str):
    yaml_value = value.replace("'", "''")
    _, lines = found(layout_a(tmp_path, f"extends: base\ntokens:\n  accent: '{yaml_value}'\n"))
    assert lines == []


def test_low_contrast_is_reported_with_the_ratio(tmp_path: Path):
    _, lines = resolved(layout_a(tmp_path, "extends: base\ntokens:\n  accent: '#777777'\n"), "a")
    assert lines == [
        "layouts/a/layout.yaml:3:11: error: text colour 'accent' on 'paper' has contrast 4.48:1 in layout "
        "'a'; at least 4.5:1 "
        "is needed [layout.contrast]"
    ]


def test_contrast_pair_must_name_hex_colours(tmp_path: Path):
    _, lines = resolved(layout_a(tmp_path, "extends: base\ntokens:\n  ink: black\n"), "a")
    assert lines == [
        "layouts/base/layout.yaml:7:5: error: contrast pair [ink, paper] must name two #rrggbb colour tokens "
        "[layout.contrast]"
    ]


# --- grayscale: fills side by side must differ in lightness ---------------------------------------------


def test_fills_too_close_in_lightness_warn_at_the_token_to_change(tmp_path: Path):
    text = "extends: base\ntokens:\n  accent: '#5a2467'\n  band: '#3f1848'\nfills:\n  - [accent, band]\n"
    _, lines = resolved(layout_a(tmp_path, text), "a")
    assert lines == [
        "layouts/a/layout.yaml:3:11: warning: fills 'accent' (#5a2467) and 'band' (#3f1848) sit side by side "
        "but differ only 1.31:1 in lightness in layout 'a', so a black-and-white printer prints them as one "
        "grey; make them at least 1.6:1 apart [layout.grayscale]"
    ]


def test_fills_far_enough_apart_do_not_warn(tmp_path: Path):
    text = "extends: base\ntokens:\n  accent: '#6e2c7d'\n  band: '#34133c'\nfills:\n  - [accent, band]\n"
    assert resolved(layout_a(tmp_path, text), "a")[1] == []


@pytest.mark.parametrize(("grey", "warns"), [("#cdcdcd", True), ("#cccccc", False)])
def test_the_threshold_is_1_6_to_1(tmp_path: Path, grey: str, warns: bool):
    """#cdcdcd is 1.59:1 against white, #cccccc 1.61:1."""
    text = f"extends: base\ntokens:\n  band: '{grey}'\nfills:\n  - [paper, band]\n"
    lines = resolved(layout_a(tmp_path, text), "a")[1]
    assert [line.split(": warning: ")[0] for line in lines] == (
        ["layouts/a/layout.yaml:3:9"] if warns else []
    )


def test_fill_pair_declared_in_the_parent_warns_where_the_child_sets_the_colour(tmp_path: Path):
    root = project(tmp_path)
    base = root / "layouts" / "base" / "layout.yaml"
    base.write_text(base.read_text() + "fills:\n  - [paper, accent]\n")
    (root / "layouts" / "a").mkdir()
    (root / "layouts" / "a" / "layout.yaml").write_text("extends: base\ntokens:\n  accent: '#dddddd'\n")
    report = Report()
    specs = discover(root, report)
    resolve("child", specs, root, TOPIC_LAYOUT, report)  # the child's accent is dark: fine
    assert report.lines() == []
    resolve("a", specs, root, TOPIC_LAYOUT, report)
    assert [line for line in report.lines() if "[layout.grayscale]" in line] == [
        "layouts/a/layout.yaml:3:11: warning: fills 'paper' (#ffffff) and 'accent' (#dddddd) sit side by "
        "side but differ only 1.36:1 in lightness in layout 'a', so a black-and-white printer prints them as "
        "one grey; make them at least 1.6:1 apart [layout.grayscale]"
    ]


def test_fill_pair_must_name_hex_colours(tmp_path: Path):
    _, lines = resolved(layout_a(tmp_path, "extends: base\nfills:\n  - [paper, nowhere]\n"), "a")
    assert lines == [
        "layouts/a/layout.yaml:3:5: error: fill pair [paper, nowhere] must name two #rrggbb colour tokens "
        "[layout.grayscale]"
    ]


def test_block_without_a_template_lists_the_known_blocks(tmp_path: Path):
    root = layout_a(tmp_path, "extends: base\none_pager:\n  blocks: [ask, fcats]\n  pinned: [contact]\n")
    _, lines = resolved(root, "a")
    assert lines == [
        "layouts/a/layout.yaml:3:17: error: one-pager block 'fcats' has no template (did you mean 'facts'?); "
        "known blocks: ask, facts [layout.block]",
        "layouts/a/layout.yaml:4:12: error: one-pager block 'contact' has no template; known blocks: ask, "
        "facts "
        "[layout.block]",
    ]


def test_block_template_added_by_a_child_is_known(tmp_path: Path):
    root = project(
        tmp_path,
        {
            "a/layout.yaml": "extends: base\none_pager:\n  blocks: [ask, facts, contact]\n",
            "a/templates/blocks/one-pager/contact.html.j2": "<p>contact</p>\n",
        },
    )
    layout, lines = resolved(root, "a")
    assert lines == []
    assert layout.blocks("one-pager") == ["ask", "contact", "facts"]


def test_fit_floor_above_the_ceiling(tmp_path: Path):
    _, lines = resolved(layout_a(tmp_path, "extends: base\none_pager:\n  fit:\n    body_min: 12\n"), "a")
    assert lines == [
        "layouts/a/layout.yaml:4:5: error: one_pager.fit.body_min (12pt) is above body_max (11pt) "
        "[layout.fit]"
    ]


def test_font_file_outside_the_layouts_is_refused(tmp_path: Path):
    (tmp_path / "outside.otf").write_text("x", encoding="utf-8")
    root = layout_a(tmp_path, "extends: base\nfonts:\n  - {family: X, file: ../../outside.otf}\n")
    _, lines = found(root)
    assert lines == [
        "layouts/a/layout.yaml:3:23: error: font file '../../outside.otf' is not a file under layouts/ "
        "[layout.font]"
    ]


def test_missing_font_file_is_refused(tmp_path: Path):
    _, lines = found(layout_a(tmp_path, "extends: base\nfonts:\n  - {family: X, file: fonts/none.otf}\n"))
    assert lines == [
        "layouts/a/layout.yaml:3:23: error: font file 'fonts/none.otf' is not a file under layouts/ "
        "[layout.font]"
    ]


# --- contrast ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "foreground, background, ratio",
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#000000", 21.0),
        ("#FFFFFF", "#000000", 21.0),
        ("#777777", "#ffffff", 4.48),
        ("#767676", "#ffffff", 4.54),
        ("#1d4d7a", "#ffffff", 8.77),
        ("#336699", "#336699", 1.0),
    ],
)
def test_contrast_of_known_pairs(foreground: str, background: str, ratio: float):
    assert round(contrast(foreground, background), 2) == ratio


@pytest.mark.parametrize("colour", ["#000", "black", "", "#12345g"])
def test_contrast_needs_six_digit_hex_colours(colour: str):
    assert contrast(colour, "#ffffff") is None
