"""Helpers for the preview's tests and benchmark: a running `press serve`, raw requests, headless Chromium."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
# This machine's network is closed: no background fetches, updates, sync or first-run pages.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def free_port() -> int:
    """A port nothing listens on now (the kernel's choice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes]:
    """A GET with the path sent exactly as given (no client-side clean-up of '..' or '%2e')."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Serve:
    """`press serve` on a project, in its own process, until stopped (SIGINT, as Ctrl-C)."""

    def __init__(self, root: Path, port: int | None = None):
        self.root, self.port = root, port or free_port()
        self.log = root.parent / f"{root.name}-serve-{self.port}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "serve", "--root", str(root), "--port", str(self.port)],
            cwd=REPO,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}/"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def status(self) -> dict | None:
        try:
            code, body = get(self.port, "/status.json")
        except OSError:
            return None
        return json.loads(body) if code == 200 else None

    def wait(self, until, timeout: float = 180.0, what: str = "the state wanted") -> dict:
        """The status once `until(status)` holds; fails with the server's output if it never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"press serve exited ({self.process.returncode}):\n{self.output()}")
            status = self.status()
            if status is not None and until(status):
                return status
            time.sleep(0.1)
        last = self.status()
        raise AssertionError(f"press serve never reached {what}; last status {last}\n{self.output()}")

    def settled(self, timeout: float = 180.0) -> dict:
        """The status after a finished build."""
        return self.wait(lambda s: s["build"]["state"] in ("done", "failed"), timeout, "a finished build")

    def stop(self, timeout: float = 120.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise

    def __enter__(self) -> Serve:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def chromium(width: int = 1280, height: int = 900):
    """Headless Chromium driven by selenium, with a fresh profile; the machine's own browser and driver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    missing = [str(p) for p in (CHROMIUM, DRIVER) if not p.exists()]
    if missing:
        raise RuntimeError(
            f"{', '.join(missing)} missing: install the Debian packages chromium and chromium-driver "
            "(make does, as root)"
        )
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium must not look for drivers on the network
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='press-chromium-')}")
    options.add_argument(f"--window-size={width},{height}")
    return webdriver.Chrome(options=options, service=Service(str(DRIVER)))


@contextlib.contextmanager
def browsing(width: int = 1280, height: int = 900):
    """A headless Chromium for the length of a `with` block, quit at its end whatever happens."""
    driver = chromium(width, height)
    try:
        yield driver
    finally:
        driver.quit()
