"""Step 5: the HTML each document is made from: golden files, escaping, block order, contents entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build.run import Options, build
from pipeline.document.make import render_all
from pipeline.document.render import css_string
from pipeline.errors import Report
from pipeline.sources.gather import gather
from tests.conftest import edit
from tests.golden import GOLDEN, rendered


@pytest.fixture(autouse=True)
def no_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def html_of(root: Path) -> dict[str, str]:
    report = Report()
    project = gather(root, report)
    assert project is not None, report.lines()
    return {doc.kind: doc.html for doc, _, _ in render_all(project, report)}


def test_rendered_html_matches_the_golden_files(project):
    """`make golden` rewrites tests/golden/ after a deliberate change; review the diff before committing."""
    found = rendered(project("minimal"))
    assert (
        sorted(found)
        == sorted(p.name for p in GOLDEN.glob("*.html"))
        == [
            "mini-briefing.html",
            "mini-one-pager.html",
        ]
    )
    for name, markup in found.items():
        assert markup == (GOLDEN / name).read_text(encoding="utf-8"), (
            f"{name} differs from tests/golden/{name}"
        )


def test_text_from_the_sources_is_escaped_everywhere(project):
    root = project("minimal")
    edit(root, "title: A Minimal Position", 'title: "A <script>alert(1)</script> \\"Position\\""')
    edit(root, 'Human Rights Watch"}]', 'Human <b>Rights</b> Watch"}]', "sources/references/library.json")
    found = html_of(root)
    assert sorted(found) == ["briefing", "one-pager"]
    for kind, markup in found.items():
        assert "<script>" not in markup and "<b>Rights</b>" not in markup, kind
        assert "A &lt;script&gt;alert(1)&lt;/script&gt;" in markup
        assert "Human &lt;b&gt;Rights&lt;/b&gt; Watch" in markup
        # The running head gets the title as a CSS string that nothing can break out of.
        assert (
            '--running-topic: "A \\3c script\\3e alert\\28 1\\29 \\3c \\2f script\\3e  '
            '\\201c Position\\201d ";' in markup
        )


def test_css_string_escapes_everything_that_could_end_it():
    assert css_string('a"b') == '"a\\22 b"'
    assert css_string("x</style>y") == '"x\\3c \\2f style\\3e y"'
    assert css_string("back\\slash\nnew") == '"back\\5c slash\\a new"'
    assert css_string("Émigrés, 2024-11") == '"Émigrés, 2024-11"'


def test_raw_html_in_markdown_is_text(project):
    root = project("minimal")
    edit(root, "A paragraph with *emphasis*", 'A paragraph with <img src="file:///etc/passwd"> *emphasis*')
    markup = html_of(root)["briefing"]
    assert '<img src="file:///etc/passwd">' not in markup
    assert "&lt;img src=“file:///etc/passwd”&gt; <em>emphasis</em>" in markup


def test_a_topic_can_reorder_its_one_pager(project):
    root = project("minimal")
    edit(root, "  facts: [1, 2]", "  facts: [1, 2]\n  blocks: [band, masthead, facts, ask, sources, contact]")
    markup = html_of(root)["one-pager"]
    order = [markup.index(f'data-block="{name}"') for name in ("band", "masthead", "facts", "ask", "sources")]
    assert order == sorted(order) and 'data-block="points"' not in markup


def test_a_topic_block_the_layout_lacks_is_an_error(project):
    root = project("minimal")
    edit(root, "  facts: [1, 2]", "  facts: [1, 2]\n  blocks: [masthead, asks, facts]")
    report = Report()
    assert gather(root, report) is None
    assert report.lines() == [
        "sources/topics/mini.yaml:39:22: error: one-pager block 'asks' is not in layout 'base' (did you mean "
        "'ask'?); known blocks: ask, band, bill, contact, facts, masthead, points, qa, sources [topic.block]"
    ]


def test_contents_lists_what_follows_it_with_links(project):
    markup = html_of(project("minimal"))["briefing"]
    toc = markup[markup.index('<ol class="toc">') : markup.index("</ol>", markup.index('<ol class="toc">'))]
    assert [line.strip() for line in toc.splitlines()[1:] if line.strip()] == [
        '<li class="toc-1"><a href="#s1-first-section">First section</a></li>',
        '<li class="toc-1"><a href="#s2-second-section">Second section</a></li>',
        '<li class="toc-1"><a href="#questions">Questions and answers</a></li>',
        '<li class="toc-1"><a href="#facts">Key facts</a></li>',
        '<li class="toc-1"><a href="#bibliography">Sources</a></li>',
    ]


PLAIN = """id: plain
title: Plain
layout: base
status: draft
as_of: 2024-11-15
review_by: 2099-01-01
authors: [{name: Fixture Team}]
summary: A bottom line that cites nothing.
asks: [{ask: Do something.}]
sections: [{heading: Only section, body: Nothing cited here.}]
questions: [{q: Why?, a: Because., short: "A short answer citing a source.[@hrw-2021-returns]"}]
"""


def test_a_briefing_that_cites_nothing_lists_no_sources_and_builds(project):
    """The contents link to the bibliography only when there is one (a one-pager's citation is not in the
    briefing): a link with no target would fail the briefing."""
    root = project("minimal")
    (root / "sources/topics/plain.yaml").write_text(PLAIN)
    report = Report()
    build(root, report, Options(only=("plain",)))
    assert report.errors == []
    markup = (root / "out/plain/plain-briefing.html").read_text()
    toc = markup[markup.index('<ol class="toc">') : markup.index("</ol>", markup.index('<ol class="toc">'))]
    assert [line.strip() for line in toc.splitlines()[1:] if line.strip()] == [
        '<li class="toc-1"><a href="#s1-only-section">Only section</a></li>',
        '<li class="toc-1"><a href="#questions">Questions and answers</a></li>',
    ]
    assert 'id="bibliography"' not in markup
    assert 'id="sources"' in (root / "out/plain/plain-one-pager.html").read_text()


def test_citations_are_numbered_in_reading_order_on_the_one_pager(project):
    markup = html_of(project("minimal"))["one-pager"]
    body = markup[markup.index("<body") :]
    marks = [
        body[i : body.index("</sup>", i)]
        for i in range(len(body))
        if body.startswith('<sup class="src" role="doc-noteref">', i)
    ]
    assert [m.removeprefix('<sup class="src" role="doc-noteref">') for m in marks][:3] == ["1", "2", "1"]
    assert '<li><span class="n">1</span>Human Rights Watch.' in body
    assert '<li><span class="n">2</span>Amnesty International.' in body
