"""The live preview in a real browser: topics and pages, a save shown in place, a located error, its fix."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import edit

WAIT = 180  # seconds: a rebuild on a loaded two-core machine (the benchmark measures the real figures)
ONE_PAGER = "#topic-mini .one-pager .pages img"


def loaded(driver, selector: str) -> str | None:
    """The address of the image the browser has finished loading for this element, if any."""
    return driver.execute_script(
        "const img = document.querySelector(arguments[0]);"
        "return img && img.complete ? img.dataset.loaded : null;",
        selector,
    )


def open_page(driver, served) -> None:
    driver.get(served[1].url)
    WebDriverWait(driver, WAIT).until(lambda d: loaded(d, ONE_PAGER))


def test_the_page_lists_each_topic_with_its_status_pages_and_fit(served, browser):
    open_page(browser, served)
    topic = browser.find_element(By.ID, "topic-mini")
    assert topic.find_element(By.CSS_SELECTOR, "h3").text == "A Minimal Position (mini)"
    assert topic.find_element(By.CSS_SELECTOR, ".status").text.lower() == "approved"
    briefing = [img.get_attribute("alt") for img in topic.find_elements(By.CSS_SELECTOR, ".briefing img")]
    assert briefing == [f"Page {n} of the mini briefing" for n in range(1, len(briefing) + 1)] and briefing
    assert [img.get_attribute("alt") for img in topic.find_elements(By.CSS_SELECTOR, ".one-pager img")] == [
        "Page 1 of the mini one-pager"
    ]
    fit = topic.find_element(By.CSS_SELECTOR, ".fit-line").text
    assert fit.startswith("Fits at 11 pt, 100% spacing: ") and " mm left, about " in fit, fit
    link = topic.find_element(By.CSS_SELECTOR, ".one-pager a.page").get_attribute("href")
    assert link.endswith("/1-full.png")
    landmarks = [browser.find_elements(By.TAG_NAME, name) for name in ("header", "main", "footer")]
    assert all(len(found) == 1 for found in landmarks)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Position Press live preview"


def test_saving_a_topic_changes_its_one_pager_in_place(served, browser):
    root, _ = served
    open_page(browser, served)
    before = loaded(browser, ONE_PAGER)
    browser.execute_script("window.scrollTo(0, 150); window.notReloaded = true;")
    edit(root, "Protection saves lives.", "Protection saves lives, and this line says so at length.")
    WebDriverWait(browser, WAIT).until(lambda d: loaded(d, ONE_PAGER) not in (None, before))
    assert browser.execute_script("return [window.notReloaded, window.scrollY];") == [True, 150]
    assert browser.find_element(By.ID, "topic-mini").get_attribute("open") == "true"
    assert "stale" not in browser.find_element(By.CSS_SELECTOR, "#topic-mini .one-pager").get_attribute(
        "class"
    )


def test_an_unknown_citation_is_shown_at_its_place_until_it_is_fixed(served, browser):
    root, _ = served
    open_page(browser, served)
    edit(root, "@hrw-2021-returns;", "@hrw-2021-retruns;")
    problem = WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#topic-mini .problem.error")
    )[0]
    assert problem.find_element(By.TAG_NAME, "code").text == (
        "sources/topics/mini.yaml:11:66: error: unknown citation 'hrw-2021-retruns' "
        "(did you mean 'hrw-2021-returns'?) [citation.unknown]"
    )
    rows = problem.find_element(By.CSS_SELECTOR, "pre.context").text.splitlines()
    assert [row.split(" |")[0].strip() for row in rows] == ["9", "10", "11", "", "12", "13"]
    assert rows[2].startswith("11 | summary: Returns are not safe") and "@hrw-2021-retruns;" in rows[2]
    assert rows[3].index("^") == rows[2].index("@hrw-2021-retruns")  # under column 66
    assert problem.find_element(By.CSS_SELECTOR, "mark").text == "@"
    topic = browser.find_element(By.ID, "topic-mini")
    assert topic.find_element(By.CSS_SELECTOR, ".status").text.lower() == "failing"
    one_pager = topic.find_element(By.CSS_SELECTOR, ".one-pager")
    assert "stale" in one_pager.get_attribute("class")
    assert one_pager.find_element(By.CSS_SELECTOR, ".note").text.startswith(
        "Stale: these are the last good pages"
    )
    assert loaded(browser, ONE_PAGER)  # the last good page is still there

    edit(root, "@hrw-2021-retruns;", "@hrw-2021-returns;")
    WebDriverWait(browser, WAIT).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#topic-mini .problem"))
    assert topic.find_element(By.CSS_SELECTOR, ".status").text.lower() == "approved"
    assert "stale" not in one_pager.get_attribute("class")
