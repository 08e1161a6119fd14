"""axe-core in headless Chromium: the rules of WCAG 2.1 A and AA (and axe's best practices) run on a page."""

from __future__ import annotations

import json
from pathlib import Path

# WCAG 2.0 and 2.1, levels A and AA, and axe's best practices (one h1, heading levels in order, landmarks).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def check(driver, page: Path) -> list[dict]:
    """axe's violations on a file opened in the browser, every impact level: [{id, impact, nodes: [...]}]."""
    from selenium_axe_python import Axe

    driver.get(page.resolve().as_uri())
    driver.set_script_timeout(120)
    axe = Axe(driver)
    axe.inject()
    results = axe.run(options=json.dumps({"runOnly": {"type": "tag", "values": TAGS}}))
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]], "help": v["help"]}
        for v in results["violations"]
    ]
