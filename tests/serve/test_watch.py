"""Watching the sources: a save is seen, a burst of saves counts once, editors' dot files are not sources."""

from __future__ import annotations

import threading
import time

from pipeline.serve.watch import Watcher, signature


def test_the_signature_covers_sources_and_layouts_but_not_dot_files(tmp_path):
    for name in ("sources/topics/a.yaml", "layouts/base/layout.yaml", "sources/topics/.a.yaml.swp", "out/x"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert sorted(signature(tmp_path)) == ["layouts/base/layout.yaml", "sources/topics/a.yaml"]


def test_a_burst_of_saves_is_reported_once_it_holds_still(tmp_path):
    topic = tmp_path / "sources/topics/a.yaml"
    topic.parent.mkdir(parents=True)
    topic.write_text("0")
    watcher = Watcher(tmp_path, interval=0.02, settle=1.0)

    def saves():
        for n in range(1, 4):  # three saves 50 ms apart: well within the settling time
            time.sleep(0.05)
            topic.write_text(str(n) * n)

    writer = threading.Thread(target=saves)
    writer.start()
    seen = watcher.changed()
    writer.join()
    assert seen == signature(tmp_path) and topic.read_text() == "333"  # the last save, not the first
    (tmp_path / "sources/topics/b.yaml").write_text("new")
    assert "sources/topics/b.yaml" in watcher.changed()
