"""press serve as a process: what it serves and refuses, /status.json, the lock on out/, Ctrl-C."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest

from pipeline.build import graph
from tests.conftest import REPO, copy_project
from tests.serve.studio import Serve, free_port, get

OUTSIDE = [
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/etc/passwd",
    "//etc/passwd",
    "/out//etc/passwd",
    "/out/%2fetc%2fpasswd",
    "/out/../sources/topics/mini.yaml",
    "/out/%2e%2e/sources/topics/mini.yaml",
    "/out/mini/..%2f..%2fsources%2ftopics%2fmini.yaml",
    "/static/../../../../etc/passwd",
    "/static/%2e%2e/run.py",
    "/out/.press/state.json",
    "/out/mini/mini-one-pager.html",
    "/sources/topics/mini.yaml",
    "/pages/" + "0" * 64 + "/1.png",
]


def press(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("path", OUTSIDE)
def test_nothing_outside_out_and_its_own_assets_is_served(served, path):
    code, body = get(served[1].port, path)
    assert code == 404 and b"root:" not in body and b"mini" not in body


def test_the_page_its_assets_the_pdfs_and_the_page_images_are_served(served):
    root, server = served
    status = server.settled()
    one_pager = status["topics"][0]["documents"]["one-pager"]
    assert get(server.port, "/")[1].startswith(b"<!doctype html>")
    assert get(server.port, "/static/app.js")[0] == 200
    code, pdf = get(server.port, one_pager["pdf"])
    assert code == 200 and pdf == (root / "out/mini/mini-one-pager.pdf").read_bytes()
    code, png = get(server.port, one_pager["pages"][0]["image"])
    assert code == 200 and png.startswith(b"\x89PNG\r\n\x1a\n")
    assert get(server.port, one_pager["pages"][0]["full"])[1] != png  # a larger image of the same page


def test_status_json_gives_each_documents_facts(served):
    root, server = served
    status = server.settled()
    code, body = get(server.port, "/status.json")
    assert code == 200
    topic = json.loads(body)["topics"][0]
    assert (topic["id"], topic["title"], topic["status"], topic["source"]) == (
        "mini",
        "A Minimal Position",
        "approved",
        "sources/topics/mini.yaml",
    )
    assert topic["problems"] == [] and status["problems"] == []
    state = graph.load_state(root / "out/.press/state.json")[0].outputs
    for kind in ("briefing", "one-pager"):
        document = topic["documents"][kind]
        assert document["current"] and document["failed"] is None
        assert document["sha256"] == state[f"out/mini/mini-{kind}"]["sha256"]
        assert len(document["pages"]) == state[f"out/mini/mini-{kind}"]["pages"]
    fit = topic["documents"]["one-pager"]["fit"]
    assert fit["fits"] and fit["body"] == 11 and fit["room_words"] > 0 and fit["renders"] == 1


def test_while_it_serves_a_build_or_a_second_serve_is_refused_by_the_lock(served):
    root, server = served
    expected = (
        f"press: error: press serve (process {server.process.pid}) is previewing out/ and rebuilds it "
        "whenever a source is saved; stop it (Ctrl-C where it runs) to run this\n"
    )
    for args in (["build"], ["serve", "--port", str(free_port())]):
        result = press(*args, "--root", str(root))
        assert (result.returncode, result.stderr) == (1, expected)


def test_a_port_in_use_is_a_clear_message(project):
    root = project("minimal")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = press("serve", "--root", str(root), "--port", str(port))
    assert result.returncode == 1
    assert result.stderr == (
        f"press: error: port {port} is in use on 127.0.0.1 (is another press serve running?); "
        "choose another with --port N\n"
    )


def test_ctrl_c_during_a_build_stops_it_and_leaves_out_whole(tmp_path):
    root = copy_project(tmp_path / "minimal", "minimal")
    server = Serve(root)
    server.wait(lambda s: s["build"]["state"] == "building", what="its first build")
    time.sleep(1.5)  # the workers are typesetting now
    assert server.stop() == 0
    assert "press: stopped; every file in out/ is whole" in server.output()
    leftovers = [p.name for p in (root / "out").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    state, damaged = graph.load_state(root / "out/.press/state.json")
    assert damaged is None
    for path, entry in state.outputs.items():  # whatever was recorded is there, whole
        assert graph.intact(root, f"{path}.pdf", entry["sha256"])
    with graph.Lock(root / "out/.press", "out/"):  # and nobody holds the lock any more
        pass
