"""The HTTP side of `build.py serve`: the output folder as a static host serves it (with the
overlay script in every page), the build status the overlay reads, and livereload's server."""

from __future__ import annotations

import json
import logging
import mimetypes
import threading
from dataclasses import dataclass, field
from pathlib import Path

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado import web
from tornado.ioloop import IOLoop

from ..pipeline import BUILTIN_ASSETS

STATUS_PATH = "/_bantin/dev-status.json"
OVERLAY_PATH = "/_bantin/dev-overlay.js"
OVERLAY_SOURCE = BUILTIN_ASSETS / "js" / "dev-overlay.js"
OVERLAY_TAG = f'<script src="{OVERLAY_PATH}" defer></script>'.encode()


# --- the state of the last build, shared by the builder thread and the HTTP handlers ----------

@dataclass
class BuildStatus:
    """What the overlay needs: is the served site current, and if not, why."""

    state: str = "building"          # building | ok | failed
    build: int = 0                   # finished builds, so the page can tell a new result
    seconds: float = 0.0
    problems: list[dict] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, **values: object) -> None:
        with self.lock:
            for name, value in values.items():
                setattr(self, name, value)

    def as_json(self) -> bytes:
        with self.lock:
            data = {"state": self.state, "build": self.build, "seconds": round(self.seconds, 3),
                    "problems": self.problems, "changed": self.changed}
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

@dataclass
class Preview:
    """Pages of the edited files, served from memory while the rest of the rebuild runs."""

    pages: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def show(self, pages: dict[str, bytes]) -> None:
        with self.lock:
            self.pages = dict(pages)

    def clear(self) -> None:
        with self.lock:
            self.pages = {}

    def get(self, site_path: str) -> bytes | None:
        with self.lock:
            return self.pages.get(site_path)

def resolve_request(root: Path, url_path: str) -> Path | str | None:
    """The file to serve for a URL path, a redirect target (str) for a folder without its
    trailing slash, or None when nothing there (or the path escapes the site)."""
    target = (root / url_path.lstrip("/")).resolve()
    if not target.is_relative_to(root.resolve()):
        return None
    if target.is_dir():
        if url_path and not url_path.endswith("/"):
            return "/" + url_path.lstrip("/") + "/"
        target = target / "index.html"
    return target if target.is_file() else None


def content_type(path: Path) -> str:
    """Content-Type with a charset for text, so Vietnamese shows right in every browser."""
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml",
                                            "application/xml", "application/atom+xml"):
        kind += "; charset=utf-8"
    return kind


def with_overlay(html: bytes) -> bytes:
    """HTML with the overlay script added to its head (livereload adds its own the same way)."""
    return html.replace(b"</head>", OVERLAY_TAG + b"</head>", 1)


NO_SITE_YET = ("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>bantin</title></head>"
               "<body><p>Chưa dựng được trang: xem lỗi trong cửa sổ lệnh.</p></body></html>").encode("utf-8")


class SiteHandler(web.RequestHandler):
    """The output folder as a static host would serve it, never cached, with the overlay script."""

    def initialize(self, root: Path, preview: Preview | None = None) -> None:
        self.root = root
        self.preview = preview

    def compute_etag(self) -> None:
        return None  # every reload must fetch the freshly built file

    def get(self, url_path: str) -> None:
        early = self.preview.get("/" + url_path) if self.preview is not None else None
        if early is not None:
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(with_overlay(early))
            return
        found = resolve_request(self.root, url_path)
        if isinstance(found, str):
            self.redirect(found)
            return
        self.set_header("Cache-Control", "no-store")
        if found is None:
            self._not_found()
            return
        body = found.read_bytes()
        if found.suffix == ".html":
            body = with_overlay(body)
        self.set_header("Content-Type", content_type(found))
        self.finish(body)

    def head(self, url_path: str) -> None:
        self.get(url_path)  # tornado sends the headers of the GET answer and drops its body

    def _not_found(self) -> None:
        page = self.root / "404.html"
        self.set_status(404)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(with_overlay(page.read_bytes() if page.is_file() else NO_SITE_YET))


class StatusHandler(web.RequestHandler):
    """GET /_bantin/dev-status.json: the last build's state and problems, for the overlay."""

    def initialize(self, status: BuildStatus) -> None:
        self.status = status

    def get(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(self.status.as_json())


class OverlayHandler(web.RequestHandler):
    """GET /_bantin/dev-overlay.js, read from the source each time so it can be edited live."""

    def get(self) -> None:
        self.set_header("Content-Type", "application/javascript; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(OVERLAY_SOURCE.read_bytes())


class _NoPolling(Watcher):
    """livereload would otherwise walk the whole working directory; our SourceWatcher watches."""

    def start(self, callback) -> bool:
        return True  # "handled": livereload starts no polling of its own

    def examine(self):
        return None, None


class DevServer(Server):
    """livereload's server with our handlers instead of its static file handler."""

    def __init__(self, handlers: list):
        super().__init__(watcher=_NoPolling())
        self.handlers = handlers
        self.loop: IOLoop | None = None

    def get_web_handlers(self, script):
        return self.handlers

    def application(self, *args, **kwargs):
        super().application(*args, **kwargs)
        self.loop = IOLoop.current()  # the loop serve() runs next; builds tell it to reload pages

    def _setup_logging(self) -> None:
        # Our own lines say what happened; tornado's per-request log would drown them.
        logging.getLogger("livereload").setLevel(logging.WARNING)
        logging.getLogger("tornado.access").setLevel(logging.ERROR)

    def reload_pages(self) -> None:
        """Tell every open page to reload; safe to call from any thread."""
        if self.loop is not None:
            self.loop.add_callback(LiveReloadHandler.reload_waiters, "*")
