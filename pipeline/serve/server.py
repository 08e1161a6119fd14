"""The preview's HTTP side: the page and its assets, /status.json, the event stream, page images and PDFs."""

from __future__ import annotations

import errno
import re
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.errors import PressError
from pipeline.serve.pages import Pages
from pipeline.serve.paths import safe_path
from pipeline.serve.studio import Studio

STATIC = Path(__file__).resolve().parent / "static"  # the page, its script and its style sheet
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
    ".png": "image/png",
}
IMAGE = re.compile(r"/pages/([0-9a-f]{64})/([1-9][0-9]{0,3})(-full)?\.png")
POLICY = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
KEEPALIVE = 15.0  # seconds between the comments that keep an idle event stream open


class Server(ThreadingHTTPServer):
    """One thread per request; the event streams end when the studio closes."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], root: Path, studio: Studio, pages: Pages):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.root, self.studio, self.pages = root, studio, pages
        self.loopback = address[0] in LOOPBACK
        super().__init__(address, Handler)


def listen(host: str, port: int, root: Path, studio: Studio, pages: Pages) -> Server:
    """The server, bound; a port in use or an address this machine does not have is a clean error."""
    try:
        return Server((host, port), root, studio, pages)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PressError(
                f"port {port} is in use on {host} (is another press serve running?); choose another with "
                "--port N"
            ) from None
        raise PressError(f"cannot listen on {host} port {port}: {exc.strerror or exc}") from None


class Handler(BaseHTTPRequestHandler):
    """GET only: /, /static/*, /status.json, /events, /pages/<sha256>/<n>[-full].png and /out/**.pdf."""

    server: Server
    protocol_version = "HTTP/1.1"
    server_version = "press-serve"

    def log_message(self, format, *args) -> None:  # the terminal shows builds, not requests
        pass

    def do_GET(self) -> None:
        try:
            self._route(urlsplit(self.path).path)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _route(self, path: str) -> None:
        if not self._host_allowed():
            return self._send(403, b"this preview answers to localhost only\n", ".txt")
        if path in ("/", "/index.html"):
            return self._file(STATIC / "index.html")
        if path == "/status.json":
            return self._send(200, self.server.studio.body, ".json")
        if path == "/events":
            return self._events()
        found = IMAGE.fullmatch(path)
        if found:
            return self._image(found.group(1), int(found.group(2)), bool(found.group(3)))
        if path.startswith("/static/"):
            return self._file(safe_path(STATIC, path[len("/static/") :]))
        if path.startswith("/out/") and path.endswith(".pdf"):
            return self._file(safe_path(self.server.root / "out", path[len("/out/") :]))
        return self._file(None)

    def _host_allowed(self) -> bool:
        """Bound to this machine only, answer only to its own names (a page elsewhere whose name was made
        to point here must not read the sources)."""
        if not self.server.loopback:
            return True
        host = self.headers.get("Host") or ""
        host = host.rsplit("]", 1)[0] + "]" if host.startswith("[") else host.rsplit(":", 1)[0]
        return host in LOOPBACK

    def _file(self, file: Path | None) -> None:
        if file is None or file.suffix not in TYPES:
            return self._send(404, b"not found\n", ".txt")
        self._send(200, file.read_bytes(), file.suffix, cache="no-cache")

    def _image(self, sha256: str, page: int, full: bool) -> None:
        pdf = self.server.studio.pdf(sha256)
        png = self.server.pages.png(pdf, sha256, page, "full" if full else "page") if pdf else None
        if png is None:
            return self._send(404, b"not found\n", ".txt")
        self._send(200, png, ".png", cache="max-age=31536000, immutable")  # the URL names the PDF's bytes

    def _send(self, status: int, body: bytes, suffix: str, cache: str = "no-store") -> None:
        self.send_response(status)
        self.send_header("Content-Type", TYPES.get(suffix, "text/plain; charset=utf-8"))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self._safety_headers()
        self.end_headers()
        self.wfile.write(body)

    def _safety_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", POLICY)

    def _events(self) -> None:
        """Server-sent events: the whole state at once, then again whenever it changes."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self._safety_headers()
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        studio, version = self.server.studio, 0
        while not studio.closed:
            version, body = studio.wait(version, KEEPALIVE)
            if studio.closed:
                return
            self.wfile.write(
                b": still here\n\n" if body is None else b"event: state\ndata: " + body + b"\n\n"
            )
            self.wfile.flush()
