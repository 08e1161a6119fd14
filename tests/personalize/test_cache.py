"""Personalize, cache: a recipients source read once, used again while its files and the tool are the same."""

from __future__ import annotations

import os

from pipeline.errors import Report
from pipeline.personalize import cache
from pipeline.personalize.recipients import committee_names, read

HEADER = "id,name,honorific,chamber,state,district,party,office,committees\n"
ANA = "ana,Ana Ruiz,Representative,house,FL,25,D,2470 Rayburn House Office Building,HSFA\n"
BO = "bo,Bo Li,Senator,senate,WA,,D,511 Hart Senate Office Building,SSFR\n"


def cached(root, path):
    report = Report()
    people, names = cache.recipients(root, path, report, "people.csv")
    return people, names, report.lines()


def test_a_second_read_comes_from_the_cache_and_equals_a_fresh_read(tmp_path, monkeypatch):
    (tmp_path / "people.csv").write_text(HEADER + ANA + BO)
    (tmp_path / "committees.csv").write_text(
        "code,name,chamber\nHSFA,Foreign Affairs,house\nSSFR,Foreign Relations,senate\n"
    )
    first = cached(tmp_path, tmp_path / "people.csv")
    assert len(list((tmp_path / "out/.cache").glob("recipients-*.json"))) == 1

    def refuse(*args, **kwargs):
        raise AssertionError("read again")

    monkeypatch.setattr("pipeline.personalize.recipients.read", refuse)
    again = cached(tmp_path, tmp_path / "people.csv")
    monkeypatch.undo()
    fresh = read(tmp_path / "people.csv", Report(), "people.csv")
    assert again == first and again[0] == fresh
    assert again[1] == committee_names(tmp_path / "people.csv")
    assert again[1] == {"HSFA": "Foreign Affairs", "SSFR": "Foreign Relations"}


def test_a_changed_file_is_read_again_even_with_the_same_size_and_time(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + ANA)
    info = path.stat()
    assert [r.name for r in cached(tmp_path, path)[0]] == ["Ana Ruiz"]
    path.write_text(HEADER + ANA.replace("Ana Ruiz", "Ana Ruis"))  # same size
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # same modification time
    assert [r.name for r in cached(tmp_path, path)[0]] == ["Ana Ruis"]


def test_another_version_of_the_tool_reads_the_source_again(tmp_path, monkeypatch):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + ANA)
    cached(tmp_path, path)
    calls = []
    real = read

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr("pipeline.personalize.recipients.read", counted)
    cached(tmp_path, path)
    assert calls == []
    monkeypatch.setattr("pipeline.build.graph.versions", lambda: {"position-press": "9.9+other"})
    cached(tmp_path, path)
    assert calls == [path]


def test_warnings_are_reported_again_from_the_cache_and_a_source_with_errors_is_not_cached(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(HEADER.replace("committees", "comittees") + ANA)  # a near miss: a warning
    first = cached(tmp_path, path)
    assert first[2] == [
        "people.csv:1:55: warning: column 'comittees' is kept as an extra column "
        "(did you mean 'committees'?) [recipients.columns]"
    ]
    assert cached(tmp_path, path)[2] == first[2]
    path.write_text(HEADER + ANA + "cy,Cy,Representative,house,XX,2,R,,\n")
    wrong = cached(tmp_path, path)
    assert any(": error: " in line for line in wrong[2])
    assert cached(tmp_path, path)[2] == wrong[2]
    assert not [p for p in (tmp_path / "out/.cache").glob("*.json") if "XX" in p.read_text()]
