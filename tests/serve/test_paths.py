"""Which files the preview serves: only regular files under out/ (and its own assets), by plain names."""

from __future__ import annotations

import pytest

from pipeline.serve.paths import parts, safe_path


@pytest.mark.parametrize(
    "path",
    [
        "../etc/passwd",
        "../../etc/passwd",
        "mini/../../sources/topics/mini.yaml",
        "%2e%2e/%2e%2e/etc/passwd",
        "%2E%2E/etc/passwd",
        ".%2e/etc/passwd",
        "/etc/passwd",
        "%2fetc%2fpasswd",
        "mini//mini-briefing.pdf",
        "mini/./mini-briefing.pdf",
        "..%5c..%5cetc%5cpasswd",
        "mini\\..\\x.pdf",
        ".press/state.json",
        "mini/.mini-briefing.pdf.tmp",
        "mini%00.pdf",
        "%ff.pdf",
        "",
    ],
)
def test_a_path_that_could_lead_anywhere_else_is_refused(tmp_path, path):
    (tmp_path / "out").mkdir()
    assert parts(path) is None
    assert safe_path(tmp_path / "out", path) is None


def test_a_plain_path_names_its_file_and_nothing_that_is_not_a_regular_file_inside(tmp_path):
    out = tmp_path / "out"
    (out / "mini").mkdir(parents=True)
    (out / "mini/mini one-pager.pdf").write_bytes(b"%PDF")
    (tmp_path / "secret.pdf").write_bytes(b"%PDF")
    (out / "mini/link.pdf").symlink_to(tmp_path / "secret.pdf")
    assert safe_path(out, "mini/mini%20one-pager.pdf") == (out / "mini/mini one-pager.pdf").resolve()
    assert safe_path(out, "mini/link.pdf") is None  # a link that leads out
    assert safe_path(out, "mini") is None  # a folder
    assert safe_path(out, "mini/missing.pdf") is None
