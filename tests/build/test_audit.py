"""press build audits every PDF it makes: findings are warnings at the PDF, and a release fails on any."""

from __future__ import annotations

from pipeline.pdf.audit import audit_file, pdf_files
from tests.build.test_release import EPOCH, press
from tests.conftest import edit, eject

SKIPPED_LEVEL = (
    "out/mini/mini-one-pager.pdf: page 1: warning: an H4 follows an H1: heading levels skip H2 [ua.14-003]"
)


def test_every_pdf_of_the_minimal_project_and_its_packets_audits_clean(project):
    root = project("minimal")
    result = press(root, "build", "--packets")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no warning at all, so none from the audit
    files, _ = pdf_files([root / "out"])
    assert [f.relative_to(root / "out").as_posix() for f in files] == [
        "mini/mini-briefing.pdf",
        "mini/mini-one-pager.pdf",
        "packet-briefings.pdf",
        "packet-one-pagers.pdf",
    ]
    assert [str(f) for path in files for f in audit_file(path)] == []
    lines = [line for line in result.stdout.splitlines() if line.startswith("  out/")]
    assert len(lines) == 4 and all(", audit " in line and line.endswith(" s)") for line in lines)


def test_a_finding_is_a_warning_at_the_pdf_and_its_page_and_a_release_refuses_it(project):
    root = eject(project("minimal"), "templates/blocks/one-pager/masthead.html.j2")
    edit(
        root,
        '<h1 id="title">{{ keep(topic.title) }}</h1>',
        '<h1 id="title">{{ keep(topic.title) }}</h1><h4>Skipped level</h4>',
        "layouts/base/templates/blocks/one-pager/masthead.html.j2",
    )
    built = press(root, "build")
    assert built.returncode == 0, built.stderr
    assert built.stderr.splitlines() == [SKIPPED_LEVEL]
    again = press(root, "build")  # up to date: the warning comes from the cache
    assert again.stderr.splitlines() == [SKIPPED_LEVEL]
    released = press(root, "build", "--release", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert released.returncode == 1
    assert released.stderr.splitlines() == [
        SKIPPED_LEVEL.replace("out/mini/", "out/release/mini/"),
        "out/release/packet-one-pagers.pdf: page 2: warning: an H4 follows an H1: heading levels skip H2 "
        "[ua.14-003]",
        "press: warnings in strict mode; nothing was released (out/release/ is as it was)",
    ]
    assert not (root / "out/release").exists()
