"""Drafts, strict releases with packets, manifest and sums, `press verify`, byte-identical releases."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import copy_project, edit

EPOCH = "1764000000"  # 2025-11-24


def press(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=root, env=environment
    )


def two_topics(root: Path) -> Path:
    text = (root / "sources/topics/mini.yaml").read_text()
    (root / "sources/topics/other.yaml").write_text(
        text.replace("id: mini", "id: other").replace("title: A Minimal Position", "title: Another Position")
    )
    return root


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    root = two_topics(copy_project(tmp_path_factory.mktemp("release"), "minimal"))
    result = press(root, "build", "--release", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.stderr
    return root, result


FILES = [
    "mini/mini-briefing.pdf",
    "mini/mini-one-pager.pdf",
    "other/other-briefing.pdf",
    "other/other-one-pager.pdf",
    "packet-briefings.pdf",
    "packet-one-pagers.pdf",
]


def test_a_release_has_every_pdf_both_packets_a_manifest_and_sums(released):
    root, result = released
    release = root / "out/release"
    assert sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()) == sorted(
        FILES + ["SHA256SUMS", "manifest.json"]
    )
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["build_date"] == "2025-11-24" and manifest["allowed"] == []
    assert set(manifest["versions"]) == {"position-press", "weasyprint", "pydyf", "pypdf", "pango"}
    assert manifest["versions"]["weasyprint"].startswith("70.")
    sums = []
    for entry in manifest["files"]:
        data = (release / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["size"] == len(data)
        assert entry["pages"] == len(PdfReader(release / entry["path"]).pages)
        assert len(entry["inputs"]) == 64
        sums.append(f"{entry['sha256']}  {entry['path']}")
    assert [e["path"] for e in manifest["files"]] == FILES
    assert [(e["kind"], e["topic"]) for e in manifest["files"]][-2:] == [("packet", None), ("packet", None)]
    assert (release / "SHA256SUMS").read_text().splitlines() == sums
    assert result.stdout.splitlines()[-1].startswith("press: built 6, 0 up to date into out/release/ (")


def test_a_packet_has_a_cover_then_every_part_with_a_bookmark_per_topic(released):
    root, _ = released
    pages = {name: len(PdfReader(root / "out/release" / name).pages) for name in FILES}
    for kind in ("briefing", "one-pager"):
        packet = PdfReader(root / f"out/release/packet-{kind}s.pdf")
        assert len(packet.pages) == pages[f"mini/mini-{kind}.pdf"] + pages[f"other/other-{kind}.pdf"] + 1
        top = [item.title for item in packet.outline if not isinstance(item, list)]
        assert top == ["Contents", "A Minimal Position", "Another Position"]
        assert "/StructTreeRoot" in packet.trailer["/Root"]
        cover = packet.pages[0].extract_text()
        assert "A Minimal Position" in cover and "Another Position" in cover


def test_verify_accepts_the_release_then_names_a_tampered_missing_or_extra_file(released, tmp_path):
    root, _ = released
    import shutil

    copy = tmp_path / "release"
    shutil.copytree(root / "out/release", copy)
    good = press(root, "verify", str(copy))
    assert (good.returncode, good.stdout) == (0, f"press: all 6 files in {copy} match the manifest\n")
    pdf = copy / "mini/mini-one-pager.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 1
    pdf.write_bytes(bytes(data))
    (copy / "other/other-briefing.pdf").unlink()
    (copy / "notes.txt").write_text("not part of the release")
    bad = press(root, "verify", str(copy))
    assert bad.returncode == 1
    lines = bad.stderr.splitlines()
    assert lines[0].startswith(f"{copy}/mini/mini-one-pager.pdf: differs from the manifest (sha256 ")
    assert lines[1:] == [
        f"{copy}/other/other-briefing.pdf: missing (the manifest lists it)",
        f"{copy}/notes.txt: not in the manifest",
        f"press: 3 problems in {copy}; do not use this release",
    ]


def test_two_release_builds_of_the_same_commit_are_byte_identical(released, tmp_path):
    """The second build runs in another process, in another folder, with the date taken from git."""
    first, _ = released
    root = two_topics(copy_project(tmp_path / "clone", "minimal"))
    git = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_COMMITTER_DATE": f"@{EPOCH} +0000",
        "GIT_AUTHOR_DATE": f"@{EPOCH} +0000",
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
    }
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "positions"]):
        subprocess.run(["git", *command], cwd=root, env=git, check=True)
    result = press(root, "build", "--release")  # no SOURCE_DATE_EPOCH: the commit's date
    assert result.returncode == 0, result.stderr
    for name in FILES + ["manifest.json", "SHA256SUMS"]:
        assert (root / "out/release" / name).read_bytes() == (first / "out/release" / name).read_bytes(), name


def test_a_release_refuses_drafts_by_name_and_stale_topics_unless_allowed(project):
    root = two_topics(project("minimal"))
    edit(root, "status: approved", "status: draft", "sources/topics/other.yaml")
    edit(root, "review_by: 2099-01-01", "review_by: 2025-01-01")
    result = press(root, "build", "--release", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "sources/topics/mini.yaml:7:12: error: topic 'mini' was due for review on 2025-01-01; check the "
        "facts and "
        "move review_by forward; a release refuses it unless you pass --allow-stale [release.stale]",
        "sources/topics/other.yaml:5:9: error: topic 'other' is a draft; a release takes approved topics "
        "only "
        "[release.draft]",
        "press: 2 errors; nothing was written",
    ]
    assert not (root / "out/release").exists()
    edit(root, "status: draft", "status: approved", "sources/topics/other.yaml")
    allowed = press(root, "build", "--release", "--allow-stale", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stderr.splitlines() == [
        "sources/topics/mini.yaml:7:12: warning: topic 'mini' was due for review on 2025-01-01; check the "
        "facts "
        "and move review_by forward [topic.stale]"
    ]
    assert (
        json.loads((root / "out/release/manifest.json").read_text())["allowed"] == allowed.stderr.splitlines()
    )


def test_a_draft_says_so_on_every_page_and_in_its_metadata(project):
    root = project("minimal")
    edit(root, "status: approved", "status: draft")
    result = press(root, "build", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # the mark is a watermark artifact: the audit finds nothing
    for kind in ("briefing", "one-pager"):
        reader = PdfReader(root / f"out/mini/mini-{kind}.pdf")
        assert all("DRAFT" in page.extract_text() for page in reader.pages)
        assert reader.metadata.title.startswith("DRAFT: A Minimal Position")
        assert reader.metadata["/Keywords"] == "testing, fixture, draft"


def test_progress_lines_in_ci_a_summary_and_quiet(project):
    root = project("minimal")
    result = press(root, "build")
    lines = result.stdout.splitlines()
    assert sorted(line.split("  ")[1] for line in lines[:2]) == [
        "out/mini/mini-briefing.pdf",
        "out/mini/mini-one-pager.pdf",
    ]
    assert lines[2].startswith("press: built 2, 0 up to date in out/ (") and len(lines) == 3
    edit(root, "Returns are not safe", "Returns are still not safe")
    quiet = press(root, "build", "--quiet")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_a_copied_release_is_up_to_date_and_one_topic_edit_remakes_it_and_the_packets_only(
    released, tmp_path
):
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(released[0], root)  # new modification times everywhere, same bytes
    same = press(root, "build", "--release", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert same.returncode == 0, same.stderr
    assert same.stdout.startswith("press: built 0, 6 up to date into out/release/ (")
    edit(root, "Returns are not safe", "Returns are still not safe", "sources/topics/other.yaml")
    again = press(root, "build", "--release", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert again.returncode == 0, again.stderr
    assert sorted(line.split()[0] for line in again.stdout.splitlines()[:-1]) == [
        "out/release/other/other-briefing.pdf",
        "out/release/other/other-one-pager.pdf",
        "out/release/packet-briefings.pdf",
        "out/release/packet-one-pagers.pdf",
    ]
    assert again.stdout.splitlines()[-1].startswith("press: built 4, 2 up to date into out/release/ (")
    assert press(root, "verify").returncode == 0
    for name in ("mini/mini-briefing.pdf", "mini/mini-one-pager.pdf"):
        assert (root / "out/release" / name).read_bytes() == (released[0] / "out/release" / name).read_bytes()
