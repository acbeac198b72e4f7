"""HTTP API of the counter (tornado, one process, one event loop).

The event loop owns all in-memory state (rules, totals, manifest); the writer
thread owns the SQLite connection. A hit that changes a count waits for its
commit before it is answered; everything else is answered from memory at once.
"""

from __future__ import annotations

import asyncio
import csv
import hmac
import io
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import tornado.httpserver
import tornado.netutil
import tornado.web

from . import rules
from .manifest import ManifestWatcher, valid_site_path
from .store import (GroupCommitter, HitOp, ImportOp, Op, TOP_MAX, Totals, connect, now_iso,
                    prune_days)

log = logging.getLogger("bantin.counter")

HIT_BODY_MAX = 2 * 1024
IMPORT_BODY_MAX = 5 * 1024 * 1024
COUNTS_MAX_PATHS = 100
JSON_TYPES = ("application/json", "text/plain")  # text/plain: a CORS "simple request", no preflight


@dataclass
class CounterConfig:
    """Everything the service needs to start; see `add_arguments` for the CLI names."""

    db_path: Path
    site_dir: Path
    host: str = "127.0.0.1"
    port: int = 8787
    origins: tuple[str, ...] = ()
    token: str | None = None
    trust_proxy: bool = False
    synchronous: str = "FULL"
    rate: float = 20.0
    burst: float = 40.0
    clock: Callable[[], float] = field(default=time.time, repr=False)


class ApiError(tornado.web.HTTPError):
    """An error answered as JSON `{"error": code, "message": ...}`."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(status)
        self.code = code
        self.message = message
        self.headers = headers or {}


_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 413: "payload_too_large",
                 415: "unsupported_media_type", 429: "rate_limited"}


class Counter:
    """The service's state: rules, totals, manifest, writer. Used from the event loop only."""

    def __init__(self, config: CounterConfig):
        self.config = config
        self.clock = config.clock
        self.watcher = ManifestWatcher(config.site_dir)
        self.conn = connect(config.db_path, config.synchronous)
        today = rules.day_of(self.clock())
        prune_days(self.conn, today)
        self.totals = Totals.load(self.conn, today)
        self.counting = rules.Counting()
        self.limiter = rules.RateLimiter(config.rate, config.burst)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.committer = GroupCommitter(self.conn, self._deliver)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the writer; results come back on `loop`."""
        self.loop = loop
        self.committer.start()

    def close(self) -> None:
        """Commit what is pending and close the database."""
        self.committer.stop()
        self.conn.close()

    def _deliver(self, ops: list[Op], futures: list[Any], error: BaseException | None) -> None:
        # Writer thread: hand the batch to the loop, which alone touches the totals.
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self._committed, ops, futures, error)

    def _committed(self, ops: list[Op], futures: list[asyncio.Future], error: BaseException | None) -> None:
        if error is None:
            self.totals.apply(ops)
        for future in futures:
            if future.done():
                continue
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)

    async def commit(self, op: Op) -> None:
        """Queue `op` for the writer and wait until it is committed."""
        assert self.loop is not None
        future = self.loop.create_future()
        self.committer.submit(op, future)
        await future

    def counts(self, path: str) -> dict[str, int]:
        """The answer to a hit: this page's views, site visits, online now."""
        return {"views": self.totals.views.get(path, 0),
                "site_visits": self.totals.site_visits,
                "online": self.counting.online(self.clock())}

    def top(self, period: str, limit: int) -> list[tuple[str, int]]:
        """Most viewed pages that are still in the site."""
        manifest = self.watcher.current()
        return self.totals.top(period, rules.day_of(self.clock()), manifest.__contains__, limit)

    def snapshot(self) -> dict[str, Any]:
        """The export, exactly as docs/contracts.md describes it."""
        views = {p: n for p, n in sorted(self.totals.views.items()) if n > 0}
        return {"version": 1, "generated": now_iso(), "site_visits": self.totals.site_visits,
                "views": views,
                "top": {period: [{"path": p, "views": n} for p, n in self.top(period, TOP_MAX)]
                        for period in ("7d", "all")}}


class BaseHandler(tornado.web.RequestHandler):
    """JSON answers, CORS for the configured origin only (errors too), rate limit."""

    _visitor_ids: tuple[str, ...] | None = None

    @property
    def counter(self) -> Counter:
        # From the settings, not initialize(): set_default_headers runs before initialize.
        return self.application.settings["counter"]

    def set_default_headers(self) -> None:
        # Runs again after clear() in send_error, so errors carry CORS headers too.
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Vary", "Origin")
        origin = self.request.headers.get("Origin")
        if origin and origin in self.counter.config.origins:
            self.set_header("Access-Control-Allow-Origin", origin)

    def client_ip(self) -> str:
        """The reader's address: the socket peer, or the proxy's word when trusted."""
        if self.counter.config.trust_proxy:
            real = self.request.headers.get("X-Real-IP")
            if real:
                return real.strip()
            forwarded = self.request.headers.get("X-Forwarded-For")
            if forwarded:
                # The rightmost entry is the one our own proxy appended.
                return forwarded.rsplit(",", 1)[-1].strip()
        return self.request.remote_ip or ""

    def visitor_ids(self) -> tuple[str, ...]:
        """Visitor ids of this request's client (computed once per request)."""
        if self._visitor_ids is None:
            ua = self.request.headers.get("User-Agent", "")
            self._visitor_ids = self.counter.counting.identify(self.client_ip(), ua, self.counter.clock())
        return self._visitor_ids

    def prepare(self) -> None:
        if self.request.method == "OPTIONS":
            return
        wait = self.counter.limiter.check(self.visitor_ids()[0], self.counter.clock())
        if wait:
            raise ApiError(429, "rate_limited", "Too many requests; slow down.",
                           {"Retry-After": rules.retry_after_header(wait)})

    def options(self, *args: Any) -> None:
        """CORS preflight: allowed only for the configured origin."""
        if self.request.headers.get("Origin") in self.counter.config.origins:
            self.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.set_header("Access-Control-Allow-Headers", "Content-Type, Authorization")
            self.set_header("Access-Control-Max-Age", "86400")
        self.set_status(204)
        self.finish()

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None))[1]
        if isinstance(error, ApiError):
            code, message = error.code, error.message
            for name, value in error.headers.items():
                self.set_header(name, value)
        else:
            code = _STATUS_CODES.get(status_code, "internal_error")
            message = self._reason
        self.finish(json.dumps({"error": code, "message": message}, ensure_ascii=False))

    def send_json(self, data: Any) -> None:
        """Answer 200 with `data` as compact JSON."""
        self.finish(json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    def media_type(self) -> str:
        """The request's Content-Type without parameters, lowercased."""
        return self.request.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()

    def require_token(self) -> None:
        """Export and import need `Authorization: Bearer <token>`."""
        token = self.counter.config.token
        if not token:
            raise ApiError(403, "forbidden", "No token is configured; export and import are disabled.")
        given = self.request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise ApiError(401, "unauthorized", "A valid 'Authorization: Bearer <token>' is required.",
                           {"WWW-Authenticate": 'Bearer realm="bantin-counter"'})


def _check_path(path: object, field_name: str = "path") -> str:
    problem = valid_site_path(path)
    if problem:
        raise ApiError(400, "invalid_path", f"{field_name} {problem}.")
    return path  # type: ignore[return-value]


class HitHandler(BaseHandler):
    """POST /api/hit: count a view (after commit) and answer the current counts."""

    async def post(self) -> None:
        if self.media_type() not in JSON_TYPES:
            raise ApiError(415, "unsupported_media_type", "Send the hit as application/json.")
        if len(self.request.body) > HIT_BODY_MAX:
            raise ApiError(413, "payload_too_large", f"A hit body is at most {HIT_BODY_MAX} bytes.")
        try:
            data = json.loads(self.request.body)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "invalid_json", "The body must be JSON like {\"path\": \"/a/\"}.") from None
        if not isinstance(data, dict) or set(data) != {"path"}:
            raise ApiError(400, "invalid_body", "The body must be an object with exactly one field, path.")
        path = _check_path(data["path"])
        counter = self.counter
        if path not in counter.watcher.current():
            raise ApiError(404, "unknown_path", "This path is not a page of the site.")
        headers = self.request.headers
        if not rules.is_bot(headers.get("User-Agent"), headers):
            decision = counter.counting.observe(self.visitor_ids(), path, counter.clock())
            if decision.view or decision.visit:
                await counter.commit(HitOp(path, decision.day, decision.view, decision.visit))
        self.send_json(counter.counts(path))


class CountsHandler(BaseHandler):
    """GET /api/counts?path=/a/&path=/b/ (or paths=/a/,/b/): views of up to 100 paths."""

    def get(self) -> None:
        wanted = list(self.get_query_arguments("path"))
        for joined in self.get_query_arguments("paths"):
            wanted.extend(p for p in joined.split(",") if p)
        paths = list(dict.fromkeys(wanted))
        if not paths:
            raise ApiError(400, "missing_path", "Give at least one path (path=/a/ or paths=/a/,/b/).")
        if len(paths) > COUNTS_MAX_PATHS:
            raise ApiError(400, "too_many_paths", f"At most {COUNTS_MAX_PATHS} paths per request.")
        views = self.counter.totals.views
        result = {_check_path(p): views.get(p, 0) for p in paths}
        totals = self.counter.totals
        self.send_json({"views": result, "site_visits": totals.site_visits,
                        "online": self.counter.counting.online(self.counter.clock())})


class TopHandler(BaseHandler):
    """GET /api/top?period=7d|all&limit=10: most read pages with their titles."""

    def get(self) -> None:
        period = self.get_query_argument("period", "7d")
        if period not in ("7d", "all"):
            raise ApiError(400, "invalid_period", "period must be 7d or all.")
        limit_text = self.get_query_argument("limit", "10")
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= TOP_MAX:
            raise ApiError(400, "invalid_limit", f"limit must be a whole number from 1 to {TOP_MAX}.")
        titles = self.counter.watcher.current().titles
        items = [{"path": p, "title": titles[p], "views": n}
                 for p, n in self.counter.top(period, int(limit_text))]
        self.send_json({"period": period, "items": items})


class ExportHandler(BaseHandler):
    """GET /api/export (token): the snapshot the build bakes into pages."""

    def get(self) -> None:
        self.require_token()
        self.set_header("Content-Disposition", 'attachment; filename="counter-snapshot.json"')
        self.send_json(self.counter.snapshot())


class ImportHandler(BaseHandler):
    """POST /api/import (token): starting counts from an old portal, kept as a baseline."""

    async def post(self) -> None:
        self.require_token()
        if len(self.request.body) > IMPORT_BODY_MAX:
            raise ApiError(413, "payload_too_large", "An import is at most 5 MB.")
        kind = self.media_type()
        if kind == "text/csv":
            views = _parse_csv(self.request.body)
            site_visits = _parse_count(self.get_query_argument("site_visits", "0"), "site_visits")
            source = self.get_query_argument("source", "import")
        elif kind == "application/json":
            views, site_visits, source = _parse_import_json(self.request.body)
        else:
            raise ApiError(415, "unsupported_media_type", "Send text/csv (path,views) or application/json.")
        if not source or len(source) > 100:
            raise ApiError(400, "invalid_source", "source must be 1 to 100 characters.")
        manifest = self.counter.watcher.current()
        unknown = [p for p in views if p not in manifest]
        if unknown:
            raise ApiError(400, "unknown_path", "Not pages of the site: " + ", ".join(unknown[:10])
                           + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""))
        totals = self.counter.totals
        if source in totals.sources:
            raise ApiError(409, "duplicate_source",
                           f"An import named {source!r} exists already; name this one with source=.")
        totals.sources.add(source)  # reserve the name before waiting for the commit
        op = ImportOp(source, now_iso(), views, site_visits)
        await self.counter.commit(op)
        self.send_json({"source": source, "imported_at": op.imported_at, "paths": len(views),
                        "views": sum(views.values()), "site_visits": site_visits})


def _parse_count(text: object, where: str) -> int:
    if isinstance(text, bool) or not (isinstance(text, int) or (isinstance(text, str) and text.isdigit())):
        raise ApiError(400, "invalid_count", f"{where} must be a whole number >= 0, not {text!r}.")
    value = int(text)  # type: ignore[arg-type]
    if value < 0 or value > 10**15:
        raise ApiError(400, "invalid_count", f"{where} must be between 0 and 10^15.")
    return value


def _parse_csv(body: bytes) -> dict[str, int]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_csv", "The CSV must be UTF-8.") from None
    views: dict[str, int] = {}
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or all(not cell.strip() for cell in row):
            continue
        if line == 1 and [c.strip().lower() for c in row] == ["path", "views"]:
            continue
        if len(row) != 2:
            raise ApiError(400, "invalid_csv", f"line {line}: expected 2 columns path,views.")
        path = _check_path(row[0].strip(), f"line {line}: path")
        if path in views:
            raise ApiError(400, "invalid_csv", f"line {line}: {path} appears twice.")
        views[path] = _parse_count(row[1].strip(), f"line {line}: views")
    return views


def _parse_import_json(body: bytes) -> tuple[dict[str, int], int, str]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid_json", "The body is not valid JSON.") from None
    if not isinstance(data, dict) or not set(data) <= {"views", "site_visits", "source"}:
        raise ApiError(400, "invalid_body", "Expected {\"views\": {path: n}, \"site_visits\": n, \"source\": name}.")
    raw = data.get("views", {})
    if not isinstance(raw, dict):
        raise ApiError(400, "invalid_body", "views must be an object of path -> count.")
    views = {_check_path(p, f"views[{p!r}]"): _parse_count(n, f"views[{p!r}]") for p, n in raw.items()}
    source = data.get("source", "import")
    if not isinstance(source, str):
        raise ApiError(400, "invalid_source", "source must be a string.")
    return views, _parse_count(data.get("site_visits", 0), "site_visits"), source


class HealthHandler(BaseHandler):
    """GET /api/health: is the service up, and does it have a manifest."""

    def prepare(self) -> None:
        pass  # monitors must never be rate limited

    def get(self) -> None:
        watcher = self.counter.watcher
        self.send_json({"status": "ok", "pages": len(watcher.current()),
                        "manifest_error": watcher.last_error})


class NotFoundHandler(BaseHandler):
    """Any other URL: a JSON 404."""

    def prepare(self) -> None:
        raise ApiError(404, "not_found", "No such endpoint.")


def _log_request(handler: tornado.web.RequestHandler) -> None:
    # No access log: it would hold readers' IPs and paths. Only server faults are logged.
    if handler.get_status() >= 500:
        log.error("%s %s -> %d", handler.request.method, handler.request.path, handler.get_status())


def make_app(counter: Counter) -> tornado.web.Application:
    """The tornado application with every route."""
    return tornado.web.Application(
        [(r"/api/hit", HitHandler), (r"/api/counts", CountsHandler), (r"/api/top", TopHandler),
         (r"/api/export", ExportHandler), (r"/api/import", ImportHandler),
         (r"/api/health", HealthHandler)],
        default_handler_class=NotFoundHandler, log_function=_log_request,
        compress_response=False, counter=counter)


class RunningServer:
    """A started service on the current event loop."""

    def __init__(self, config: CounterConfig):
        self.counter = Counter(config)
        self.server: tornado.httpserver.HTTPServer | None = None
        self.port = 0

    async def start(self) -> int:
        """Bind (SO_REUSEADDR, which tornado sets), start the writer, return the port."""
        config = self.counter.config
        self.counter.start(asyncio.get_running_loop())
        # Bigger bodies than an import are cut off by tornado before they are read.
        self.server = tornado.httpserver.HTTPServer(
            make_app(self.counter), max_body_size=IMPORT_BODY_MAX + 1024, xheaders=False,
            idle_connection_timeout=120)
        sockets = tornado.netutil.bind_sockets(config.port, address=config.host, backlog=1024)
        self.server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        """Stop accepting, commit what is pending, close the database."""
        if self.server is not None:
            self.server.stop()
            await self.server.close_all_connections()
        await asyncio.get_running_loop().run_in_executor(None, self.counter.close)
