"""Step 7: outputs are replaced atomically; a failed write leaves the previous file and no debris."""

from __future__ import annotations

import os

import pytest

from pipeline.build.finish import write_atomic


def test_write_replaces_the_file_whole(tmp_path):
    target = tmp_path / "out" / "x.pdf"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.pdf"]
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_an_interrupted_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "x.pdf"
    write_atomic(target, b"previous")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"half-written")
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.pdf"]
