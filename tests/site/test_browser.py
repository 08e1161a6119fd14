"""The web twins in a real browser: axe-core in headless Chromium finds no WCAG 2.1 A or AA fault (nor any of
its best practices) on any page of the sample or of a fixture project, and does find the faults of a page
made with them; the pages hold one column on a phone and drop their navigation on paper."""

from __future__ import annotations

import pytest

from tests.conftest import ROOTS
from tests.site.axe import check

SAMPLE = ["aid-diversion", "captagon", "normalization", "over-compliance", "refugee-return", "sanctions"]


def pages(root, topics):
    site = root / "out" / "site"
    twins = [site / topic / name for topic in topics for name in ("index.html", "one-pager/index.html")]
    return [site / "index.html"] + twins


def test_axe_finds_no_violation_on_any_page_of_the_sample(sample, browser):
    root, _, _ = sample
    found = {page.relative_to(root).as_posix(): check(browser, page) for page in pages(root, SAMPLE)}
    assert len(found) == 13
    assert {page: faults for page, faults in found.items() if faults} == {}


def test_axe_finds_no_violation_on_any_page_of_a_fixture_project(minimal_site, browser):
    found = {page.name: check(browser, page) for page in pages(minimal_site, ["mini"])}
    assert {page: faults for page, faults in found.items() if faults} == {}


def test_axe_reports_a_page_with_an_image_without_alt_and_a_skipped_heading_level(browser):
    found = check(browser, ROOTS / "axe" / "violations.html")
    assert sorted(v["id"] for v in found) == ["heading-order", "image-alt"]
    assert [v["nodes"] for v in found if v["id"] == "image-alt"] == [[["img"]]]


@pytest.mark.parametrize("path", ["mini/index.html", "mini/one-pager/index.html", "index.html"])
def test_on_a_phone_the_page_is_one_column_that_never_scrolls_sideways(minimal_site, browser, path):
    browser.set_window_size(390, 844)
    try:
        browser.get((minimal_site / "out" / "site" / path).as_uri())
        width = browser.execute_script("return document.documentElement.clientWidth")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
        boxes = browser.execute_script(
            "return [...document.querySelectorAll('main > *, article > *')]"
            ".map(e => e.getBoundingClientRect()).filter(r => r.height > 0).map(r => [r.left, r.right])"
        )
        assert boxes and all(0 <= left and right <= width for left, right in boxes)
    finally:
        browser.set_window_size(1280, 900)


def test_printed_the_page_drops_its_navigation_and_keeps_its_content(minimal_site, browser):
    browser.get((minimal_site / "out" / "site" / "mini" / "index.html").as_uri())
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = browser.execute_script(
            "return ['.skip-link', '.site-nav', 'a.back', 'main', '.endnotes']"
            ".map(s => getComputedStyle(document.querySelector(s)).display)"
        )
        assert shown == ["none", "none", "none", "block", "block"]
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
