"""Step 6b: one-pagers step down to fit, drop only declared optional blocks, and fail with a useful report."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

from pipeline.build.run import build
from pipeline.document.fit import FitError, fit, measure
from pipeline.document.make import make_document, render_all
from pipeline.document.page import FitSettings
from pipeline.document.render import render
from pipeline.document.typeset import layout_html
from pipeline.errors import Report, SourceErrors
from pipeline.sources.gather import gather
from tests.conftest import copy_project, written

SENTENCE = "Protection matters because returns are unsafe and people face arrest"
# How the build sets each sample one-pager: (body size in pt, WeasyPrint renders). One render where the first,
# at the largest size, fits; two where it forecasts a smaller size and the second confirms it. Running text at
# most 4.4in wide (typography.measure) and the 9pt named contact block take more room than the full width and
# the 7.5pt contact did: each is a step or two smaller.
SAMPLE = {
    "aid-diversion": (9.75, 2),
    "captagon": (9.0, 2),
    "normalization": (9.5, 2),
    "over-compliance": (10.25, 2),
    "refugee-return": (10.5, 2),
    "sanctions": (9.25, 2),
}
MARGIN_PT = 36  # the one-pager's bottom margin (0.5in), from the foot of the sheet


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
    assert fitted.renders == 1  # the first render fits, and CSS has set the sources and contact at the foot
    m = measure(fitted.document, doc.blocks, doc.pinned)
    assert m.fits and m.bottom - m.end < 0.5  # the contact block ends at the foot of the page
    assert fitted.floor_room is None and fitted.density > 0  # no need to measure the floor


def test_a_one_pager_citing_nothing_still_has_its_contact_block_at_the_foot(project):
    root = project("minimal")
    path = next((root / "sources/topics").glob("*.yaml"))
    text = re.sub(r"\[@[^\]]*\]", "", path.read_text())
    text = re.sub(r"key_facts:\n(?:  .*\n)*", "", text).replace("  facts: [1, 2]\n", "")  # facts cite
    path.write_text(text)
    doc, rerender = one_pager(root)
    fitted = fit(doc, root, rerender)
    m = measure(fitted.document, doc.blocks, doc.pinned)
    assert m.fits and m.bottom - m.end < 0.5  # the contact block ends at the foot of the page


def test_longer_content_steps_down_to_the_largest_size_that_fits_in_two_renders(project):
    root = project("minimal")
    with_points(root, 4)  # 4.4in lines (typography.measure): four sentences a point step it down
    doc, rerender = one_pager(root)
    fitted = fit(doc, root, rerender)
    assert (fitted.body, fitted.space) == (10.0, 0.8)
    assert fitted.renders == 2  # one at the largest size, which forecasts the size; one that confirms it
    assert measure(fitted.document, doc.blocks, doc.pinned).fits
    assert len(fitted.document.pages) == 1
    assert fitted.floor_room > 0 and fitted.floor_density > fitted.density > 0  # smaller type, more words
    larger = doc.refit(FitSettings(10.25, 0.85))  # one step larger does not fit
    assert not measure(layout_html(larger.html, root, doc.stem, doc.topic), doc.blocks, doc.pinned).fits


def test_the_words_left_at_the_floor_are_about_the_words_that_still_fit(project):
    """The preview's fit meter promises about this many more words: 80% of them fit, 130% do not."""
    root = project("minimal")
    with_points(root, 4)
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
    with_points(root, 10)
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
    with_points(root, 6)
    topic = root / "sources/topics/mini.yaml"  # one point longer: too long with the questions, not without
    topic.write_text(topic.read_text().replace(f"{SENTENCE}.\n", f"{SENTENCE} {SENTENCE} {SENTENCE}.\n", 1))
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


@pytest.fixture(scope="module")
def sample_one_pagers(tmp_path_factory) -> dict:
    """The sample's one-pagers as the build makes them (steps 5-6), by topic."""
    root = copy_project(tmp_path_factory.mktemp("one-pagers"))
    report = Report()
    project = gather(root, report)
    made = {}
    for topic, source in project.topics:
        made[topic.id], _ = make_document(project, topic, source, "one-pager", None, report)
    assert not report.errors, report.lines()
    return made


def test_every_sample_one_pager_fits_in_at_most_two_renders_at_the_size_it_had(sample_one_pagers):
    fitted = {topic: (o.fitting.settings.body, o.fitting.renders) for topic, o in sample_one_pagers.items()}
    assert fitted == SAMPLE
    assert all(o.fitting.dropped == () for o in sample_one_pagers.values())


@pytest.mark.parametrize("topic", sorted(SAMPLE))
def test_a_sample_one_pager_is_one_page_with_its_sources_and_contact_at_the_foot(sample_one_pagers, topic):
    pdf = pypdfium2.PdfDocument(sample_one_pagers[topic].pdf)
    assert len(pdf) == 1  # nothing ran onto a second page
    text = pdf[0].get_textpage()
    chars = text.get_text_range()
    inked = [(i, text.get_charbox(i)) for i, c in enumerate(chars) if not c.isspace()]  # (left, bottom, ..)
    assert MARGIN_PT <= min(box[1] for _, box in inked) < MARGIN_PT + 2  # the contact's last line: the foot
    label = re.search(r"\s*".join("SOURCES"), chars).start()  # pinned blocks are drawn last, from here
    flow_bottom = min(box[1] for i, box in inked if i < label)
    label_top = max(box[3] for i, box in inked if label <= i < label + 8)
    assert flow_bottom > label_top + 6  # the flow ends above the rule over the sources, clear of it
