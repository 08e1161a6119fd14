"""Step 6b: one-pagers step down to fit, drop only declared optional blocks, and fail with a useful report."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.build.run import build
from pipeline.document.fit import FitError, fit, measure
from pipeline.document.make import render_all
from pipeline.document.render import render
from pipeline.document.typeset import layout_html
from pipeline.errors import Report, SourceErrors
from pipeline.sources.gather import gather
from tests.conftest import written

SENTENCE = "Protection matters because returns are unsafe and people face arrest"


def with_points(root: Path, repeat: int) -> None:
    """Five one-pager points, each `repeat` sentences long."""
    path = root / "sources/topics/mini.yaml"
    points = "\n".join(f"    - {' '.join([SENTENCE] * repeat)}." for _ in range(5))
    path.write_text(
        path.read_text().replace("  points:\n    - Protection saves lives.", "  points:\n" + points)
    )


def one_pager(root: Path):
    report = Report()
    project = gather(root, report)
    doc, topic, _ = render_all(project, report)[1]
    layout = project.layouts[topic.layout]

    def rerender(drop):
        return render("one-pager", topic, project.org, layout, project.library, project.style, None, drop)

    return doc, rerender


def test_short_content_keeps_the_largest_size_and_pins_the_foot(project):
    root = project("minimal")
    doc, rerender = one_pager(root)
    fitted = fit(doc, root, rerender)
    assert (fitted.body, fitted.space, fitted.dropped) == (11.0, 1.0, [])
    assert fitted.renders == 2  # the first render fits; the second drops the sources and contact to the foot
    m = measure(fitted.document, doc.blocks)
    assert m.fits and m.bottom - m.end < 2.0  # the contact block ends at the foot of the page
    assert fitted.floor_room is None and fitted.density > 0  # no need to measure the floor


def test_longer_content_steps_down_within_a_few_renders(project):
    root = project("minimal")
    with_points(root, 7)
    doc, rerender = one_pager(root)
    fitted = fit(doc, root, rerender)
    assert 9.0 <= fitted.body < 11.0
    assert fitted.renders <= 7
    assert measure(fitted.document, doc.blocks).fits
    assert len(fitted.document.pages) == 1
    assert fitted.floor_room > 0 and fitted.floor_density > fitted.density > 0  # smaller type, more words


def test_the_words_left_at_the_floor_are_about_the_words_that_still_fit(project):
    """The preview's fit meter promises about this many more words: 80% of them fit, 130% do not."""
    root = project("minimal")
    with_points(root, 7)
    path = root / "sources/topics/mini.yaml"
    text = path.read_text()
    doc, rerender = one_pager(root)
    fitted = fit(doc, root, rerender)
    left = int(fitted.floor_room * fitted.floor_density)
    assert left >= 30
    for share, fits in ((0.8, True), (1.3, False)):
        words = " ".join(SENTENCE.lower().split() * left)[: len(" ".join(["word"] * left)) * 3]
        added = " ".join(words.split()[: round(left * share)])
        path.write_text(text.replace("people face arrest.\n", f"people face arrest {added}.\n", 1))
        doc, rerender = one_pager(root)
        if fits:
            assert fit(doc, root, rerender).dropped == []
        else:
            with pytest.raises(FitError):
                fit(doc, root, rerender)


def test_content_that_cannot_fit_reports_block_overflow_and_words(project):
    root = project("minimal")
    with_points(root, 16)
    doc, rerender = one_pager(root)
    with pytest.raises(FitError) as caught:
        fit(doc, root, rerender)
    error = caught.value
    assert error.block == "points" and error.longest == "points"
    assert 40 < error.overflow_mm < 90
    assert 200 < error.words < 450
    assert str(error).startswith(
        "the one-pager does not fit on one page, even at the layout's floor (body 9pt, spacing 60%): "
        "block 'points' runs "
    )


def test_build_reports_the_overflow_at_the_source_and_writes_only_the_briefing(project):
    root = project("minimal")
    with_points(root, 16)
    report = Report()
    with pytest.raises(SourceErrors):
        build(root, report)
    [line] = [line for line in report.lines() if "[fit.overflow]" in line]
    assert line.startswith("sources/topics/mini.yaml:37:5: error: the one-pager does not fit on one page")
    assert written(root) == [
        "mini/mini-briefing.html",
        "mini/mini-briefing.pdf",
    ]  # the one-pager alone failed


def test_optional_blocks_are_dropped_in_order_with_a_warning(project):
    root = project("minimal")
    with_points(root, 10)
    (root / "layouts/base").mkdir()
    (root / "layouts/base/layout.yaml").write_text("one_pager:\n  fit:\n    optional: [qa, points]\n")
    report = Report()
    outputs = build(root, report).built
    one = next(o for o in outputs if o.kind == "one-pager")
    assert one.pages == 1
    assert (
        "sources/topics/mini.yaml:1:1: warning: one-pager: left out optional block 'qa' to fit the page "
        "[fit.dropped]" in report.lines()
    )
    text = PdfReader(root / "out/mini/mini-one-pager.pdf").pages[0].extract_text()
    assert "Is it safe to return?" not in text and SENTENCE.split()[0] in text


def test_measure_sees_content_clipped_by_a_fixed_height_box(project):
    root = project("minimal")
    markup = """<html><head><style>@page { size: letter; margin: 1in }</style></head><body>
      <div id="block-a" style="height: 1in; overflow: hidden"><p>x</p><p>y</p><p>z</p><p>w</p><p>v</p><p>u</p>
      <div id="end-a"></div></div></body></html>"""
    m = measure(layout_html(markup, root, "t", "t"), ["a"])
    assert m.pages == 1 and not m.missing  # one page, no log: page count alone would call this fine
    assert m.clipped == ["content cut off 83.8pt below a fixed-height box: 'x y z w v u'"]
    assert not m.fits


def test_measure_sees_a_block_whose_end_is_not_on_the_first_page(project):
    root = project("minimal")
    markup = (
        '<html><head><style>@page { size: letter; margin: 1in }</style></head><body><div id="block-a">'
        + "<p>line</p>" * 80
        + '<div id="end-a"></div></div></body></html>'
    )
    m = measure(layout_html(markup, root, "t", "t"), ["a"])
    assert (m.pages, m.missing, m.fits) == (4, ["a"], False)
