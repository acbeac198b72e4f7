"""The web editing room in `build.py serve`: /admin/ (Decap, configured for the local working copy
whether or not site.yaml enables /admin/ for the published site) and POST /api/v1 (cms_backend)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from tornado import web
from tornado.ioloop import IOLoop

from ..admin.cmsconfig import cms_config, config_yaml
from ..admin.files import bundle_files, index_html
from ..output import assets as assets_out
from ..pipeline import BUILTIN_ASSETS, Options, validate
from ..problems import BuildFailed
from ..source.load import Content, ParseCache
from .cms_backend import LocalBackend, Refused
from .cms_check import SaveCheck
from .http import content_type

API_PATH = "/api/v1"


@dataclass
class EditingRoom:
    """What the CMS routes share: the content folder, the last good content, the save check."""

    options: Options
    work: Path
    cache: ParseCache = field(default_factory=ParseCache)
    last: Content | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.backend = LocalBackend(self.options.content, SaveCheck(self.options.content, self.work))

    def content(self) -> Content | None:
        """The content as it is now, or as it last was when valid (a broken file must not lock editors out)."""
        with self.lock:
            current, _, _ = validate(replace(self.options, out=self.work / "unused"), self.cache)
            if current is not None:
                self.last = current
            return self.last

    def site_css(self) -> str:
        found = assets_out.collect([BUILTIN_ASSETS] + ([self.options.assets] if self.options.assets else []))
        return "/" + found["css/site.css"].output if "css/site.css" in found else ""


class AdminHandler(web.RequestHandler):
    """GET /admin/…: the page and config.yml made now from the content, and the vendored scripts."""

    def initialize(self, room: EditingRoom) -> None:
        self.room = room

    def compute_etag(self) -> None:
        return None

    def get(self, name: str) -> None:
        self.set_header("Cache-Control", "no-store")
        if name in ("", "index.html", "config.yml"):
            content = self.room.content()
            if content is None:
                self._fail(503, "Nội dung đang có lỗi: sửa theo thông báo trong cửa sổ lệnh rồi tải lại trang.")
                return
            if name == "config.yml":
                self.set_header("Content-Type", "text/yaml; charset=utf-8")
                self.finish(config_yaml(cms_config(content, content.config.admin, local=True)))
            else:
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(index_html(content.config.title, self.room.site_css(), content.config.timezone))
            return
        try:
            path = bundle_files().get(name)
        except BuildFailed:
            self._fail(503, "Chưa cài Decap CMS: chạy `npm ci` trong thư mục bantin (./dev serve tự làm việc này).")
            return
        if path is None:
            self._fail(404, "Không có tệp này.")
            return
        self.set_header("Content-Type", content_type(path))
        self.finish(path.read_bytes())

    def _fail(self, status: int, message: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(message)


class ApiHandler(web.RequestHandler):
    """POST /api/v1: Decap's local-backend protocol, only from pages of this server."""

    def initialize(self, room: EditingRoom) -> None:
        self.room = room

    def check_xsrf_cookie(self) -> None:
        return None  # JSON only and same origin only (below): a form on another site cannot post here

    async def post(self) -> None:
        origin = self.request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != self.request.host:
            return self._answer(403, {"error": "Chỉ phòng biên tập của máy chủ này được ghi vào nội dung."})
        if not self.request.headers.get("Content-Type", "").startswith("application/json"):
            return self._answer(415, {"error": "Cần gửi JSON."})
        try:
            body = json.loads(self.request.body)
        except ValueError:
            return self._answer(400, {"error": "JSON hỏng."})
        try:
            answer = await IOLoop.current().run_in_executor(None, self.room.backend.handle, body)
        except Refused as refused:
            return self._answer(refused.status, {"error": str(refused)})
        self._answer(200, answer)

    def _answer(self, status: int, data: object) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(data, ensure_ascii=False))


def cms_handlers(options: Options) -> list:
    """Tornado routes of the editing room, to put before the site's catch-all route."""
    room = EditingRoom(options, options.out.resolve().parent / ".bantin-serve" / "cms")
    return [(r"/admin", web.RedirectHandler, {"url": "/admin/"}), (r"/admin/(.*)", AdminHandler, {"room": room}),
            (API_PATH, ApiHandler, {"room": room})]
