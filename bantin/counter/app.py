"""HTTP API of the counter (asyncio, one process, one event loop).

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
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

from . import rules
from .http import Application, HttpProtocol, Request, Response, bind, close_idle
from .manifest import ManifestWatcher, valid_site_path
from .store import (GroupCommitter, HitOp, ImportOp, Op, PruneOp, TOP_MAX, Totals, connect,
                    now_iso, prune_days)

HIT_BODY_MAX = 2 * 1024
IMPORT_BODY_MAX = 5 * 1024 * 1024
COUNTS_MAX_PATHS = 100
IP_RATE_FACTOR = 10
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
    manifest_poll: float = 1.0
    top_max_age: float = 1.0   # seconds a "most read" list may lag behind the counts
    clock: Callable[[], float] = field(default=time.time, repr=False)


class ApiError(Exception):
    """An error answered as JSON `{"error": code, "message": ...}`."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


class Counter:
    """The service's state: rules, totals, manifest, writer. Used from the event loop only."""

    def __init__(self, config: CounterConfig):
        self.config = config
        self.clock = config.clock
        self.watcher = ManifestWatcher(config.site_dir, config.manifest_poll)
        self.conn = connect(config.db_path, config.synchronous)
        today = rules.day_of(self.clock())
        prune_days(self.conn, today)
        self.pruned_day = today
        self.totals = Totals.load(self.conn, today)
        self.counting = rules.Counting()
        self.limiter = rules.RateLimiter(config.rate, config.burst)
        # A looser bucket per address stops one machine that varies its User-Agent,
        # yet leaves room for an office of readers behind one NAT address.
        self.ip_limiter = rules.RateLimiter(config.rate * IP_RATE_FACTOR, config.burst * IP_RATE_FACTOR)
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

    def _committed(self, ops: list[Op], futures: list[asyncio.Future | None],
                   error: BaseException | None) -> None:
        if error is None:
            self.totals.apply(ops)
        for future in futures:
            if future is None or future.done():
                continue
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)

    async def commit(self, op: Op) -> None:
        """Queue `op` for the writer and wait until it is committed."""
        assert self.loop is not None
        if isinstance(op, HitOp) and op.day > self.pruned_day:
            # A long-running service must not keep per-day rows forever.
            self.pruned_day = op.day
            self.committer.submit(PruneOp(op.day), None)
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
        return self.totals.top(period, rules.day_of(self.clock()), manifest.__contains__, limit,
                               self.config.top_max_age)

    def snapshot(self) -> dict[str, Any]:
        """The export, exactly as docs/contracts.md describes it."""
        views = {p: n for p, n in sorted(self.totals.views.items()) if n > 0}
        return {"version": 1, "generated": now_iso(), "site_visits": self.totals.site_visits,
                "views": views,
                "top": {period: [{"path": p, "views": n} for p, n in self.top(period, TOP_MAX)]
                        for period in ("7d", "all")}}


JSON_HEADER = ("Content-Type", "application/json; charset=utf-8")
FIXED_HEADERS = [JSON_HEADER, ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
                 ("Vary", "Origin")]


def _check_path(path: object, field_name: str = "path") -> str:
    problem = valid_site_path(path)
    if problem:
        raise ApiError(400, "invalid_path", f"{field_name} {problem}.")
    return path  # type: ignore[return-value]


def _media_type(request: Request) -> str:
    """The request's Content-Type without parameters, lowercased."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dumps(data: Any) -> bytes:
    return _ENCODER.encode(data).encode()


def _header_block(headers: list[tuple[str, str]]) -> bytes:
    return "".join(f"{name}: {value}\r\n" for name, value in headers).encode("latin-1")


class Api(Application):
    """Routes, CORS for the configured origin only (errors too), rate limit, JSON errors."""

    def __init__(self, counter: Counter):
        self.counter = counter
        # The headers of a 200 are the same for every answer but for the origin: join them once.
        origins = counter.config.origins if counter is not None else ()
        self._ok_headers = {None: _header_block(FIXED_HEADERS)}
        for origin in origins:
            self._ok_headers[origin] = _header_block(
                FIXED_HEADERS + [("Access-Control-Allow-Origin", origin)])
        self.routes: dict[str, dict[str, Callable[[Request], Any]]] = {
            "/api/hit": {"POST": self.hit},
            "/api/counts": {"GET": self.counts},
            "/api/top": {"GET": self.top},
            "/api/export": {"GET": self.export},
            "/api/import": {"POST": self.import_},
            "/api/health": {"GET": self.health},
        }

    def body_limit(self, method: str, path: str) -> int:
        return IMPORT_BODY_MAX if path == "/api/import" else HIT_BODY_MAX

    def headers(self, request: Request | None) -> list[tuple[str, str]]:
        """Headers of every answer; Access-Control-Allow-Origin only for the site's origin."""
        headers = list(FIXED_HEADERS)
        origin = request.headers.get("origin") if request else None
        if origin and origin in self.counter.config.origins:
            headers.append(("Access-Control-Allow-Origin", origin))
        return headers

    def error(self, request: Request | None, status: int, code: str, message: str,
              extra: dict[str, str] | None = None) -> Response:
        headers = self.headers(request)
        headers.extend((extra or {}).items())
        return Response(status, _dumps({"error": code, "message": message}), headers)

    def ok(self, request: Request, data: Any) -> Response:
        block = self._ok_headers.get(request.headers.get("origin")) or self._ok_headers[None]
        return Response(200, _dumps(data), raw_headers=block)

    def __call__(self, request: Request) -> Response | Awaitable[Response]:
        try:
            route = self.routes.get(request.path)
            if route is None:
                raise ApiError(404, "not_found", "No such endpoint.")
            if request.method == "OPTIONS":
                return self.preflight(request)
            handler = route.get(request.method)
            if handler is None:
                raise ApiError(405, "method_not_allowed", f"Use {', '.join(route)} here.",
                               {"Allow": ", ".join([*route, "OPTIONS"])})
            if handler != self.health:  # monitors are never rate limited
                self.rate_limit(request)
            result = handler(request)
            if asyncio.iscoroutine(result):
                return self._finish(request, result)
            return self.ok(request, result)
        except ApiError as error:
            return self.error(request, error.status, error.code, error.message, error.headers)

    async def _finish(self, request: Request, pending: Awaitable[Any]) -> Response:
        try:
            return self.ok(request, await pending)
        except ApiError as error:
            return self.error(request, error.status, error.code, error.message, error.headers)

    def preflight(self, request: Request) -> Response:
        """CORS preflight: allowed only for the configured origin."""
        headers = self.headers(request)
        if request.headers.get("origin") in self.counter.config.origins:
            headers += [("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                        ("Access-Control-Allow-Headers", "Content-Type, Authorization"),
                        ("Access-Control-Max-Age", "86400")]
        return Response(204, b"", [h for h in headers if h != JSON_HEADER])

    def client_ip(self, request: Request) -> str:
        """The reader's address: the socket peer, or the proxy's word when trusted."""
        if self.counter.config.trust_proxy:
            real = request.headers.get("x-real-ip")
            if real:
                return real.strip()
            forwarded = request.headers.get("x-forwarded-for")
            if forwarded:
                # The rightmost entry is the one our own proxy appended.
                return forwarded.rsplit(",", 1)[-1].strip()
        return request.peer

    def visitor_ids(self, request: Request) -> tuple[str, ...]:
        """Visitor ids of the request's client."""
        ua = request.headers.get("user-agent", "")
        return self.counter.counting.identify(self.client_ip(request), ua, self.counter.clock())

    def rate_limit(self, request: Request) -> None:
        """Token bucket per client (IP + User-Agent), in memory only.

        Keyed by Python's hash of the pair: seeded at random per process, as
        unlinkable as the HMAC visitor id once the process ends, and ten times cheaper
        on reads, which need no visitor id otherwise.
        """
        if self.counter.limiter.rate <= 0:
            return
        ip = self.client_ip(request)
        now = self.counter.clock()
        wait = (self.counter.limiter.check(hash((ip, request.headers.get("user-agent", ""))), now)
                or self.counter.ip_limiter.check(hash(ip), now))
        if wait:
            raise ApiError(429, "rate_limited", "Too many requests; slow down.",
                           {"Retry-After": rules.retry_after_header(wait)})

    def require_token(self, request: Request) -> None:
        """Export and import need `Authorization: Bearer <token>`."""
        token = self.counter.config.token
        if not token:
            raise ApiError(403, "forbidden", "No token is configured; export and import are disabled.")
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise ApiError(401, "unauthorized", "A valid 'Authorization: Bearer <token>' is required.",
                           {"WWW-Authenticate": 'Bearer realm="bantin-counter"'})

    def hit(self, request: Request) -> Any:
        """POST /api/hit: count a view (answered after its commit) and give the current counts."""
        if _media_type(request) not in JSON_TYPES:
            raise ApiError(415, "unsupported_media_type", "Send the hit as application/json.")
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "invalid_json", "The body must be JSON like {\"path\": \"/a/\"}.") from None
        if not isinstance(data, dict) or set(data) != {"path"}:
            raise ApiError(400, "invalid_body", "The body must be an object with exactly one field, path.")
        path = _check_path(data["path"])
        counter = self.counter
        if path not in counter.watcher.current():
            raise ApiError(404, "unknown_path", "This path is not a page of the site.")
        headers = request.headers
        if rules.is_bot(headers.get("user-agent"), _HeaderView(headers)):
            return counter.counts(path)
        decision = counter.counting.observe(self.visitor_ids(request), path, counter.clock())
        if decision.view or decision.visit:
            return self._commit_hit(HitOp(path, decision.day, decision.view, decision.visit))
        return counter.counts(path)

    async def _commit_hit(self, op: HitOp) -> dict[str, int]:
        await self.counter.commit(op)
        return self.counter.counts(op.path)

    def counts(self, request: Request) -> Any:
        """GET /api/counts?path=/a/&path=/b/ (or paths=/a/,/b/): views of up to 100 paths."""
        wanted = list(request.query.get("path", []))
        for joined in request.query.get("paths", []):
            wanted.extend(p for p in joined.split(",") if p)
        paths = list(dict.fromkeys(wanted))
        if not paths:
            raise ApiError(400, "missing_path", "Give at least one path (path=/a/ or paths=/a/,/b/).")
        if len(paths) > COUNTS_MAX_PATHS:
            raise ApiError(400, "too_many_paths", f"At most {COUNTS_MAX_PATHS} paths per request.")
        views = self.counter.totals.views
        result = {_check_path(p): views.get(p, 0) for p in paths}
        return {"views": result, "site_visits": self.counter.totals.site_visits,
                "online": self.counter.counting.online(self.counter.clock())}

    def top(self, request: Request) -> Any:
        """GET /api/top?period=7d|all&limit=10: most read pages with their titles."""
        period = request.arg("period", "7d")
        if period not in ("7d", "all"):
            raise ApiError(400, "invalid_period", "period must be 7d or all.")
        limit_text = request.arg("limit", "10")
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= TOP_MAX:
            raise ApiError(400, "invalid_limit", f"limit must be a whole number from 1 to {TOP_MAX}.")
        titles = self.counter.watcher.current().titles
        items = [{"path": p, "title": titles[p], "views": n}
                 for p, n in self.counter.top(period, int(limit_text))]
        return {"period": period, "items": items}

    def export(self, request: Request) -> Any:
        """GET /api/export (token): the snapshot the build bakes into pages."""
        self.require_token(request)
        return self.counter.snapshot()

    def import_(self, request: Request) -> Any:
        """POST /api/import (token): starting counts from an old portal, kept as a baseline."""
        self.require_token(request)
        kind = _media_type(request)
        if kind == "text/csv":
            views = _parse_csv(request.body)
            site_visits = _parse_count(request.arg("site_visits", "0"), "site_visits")
            source = request.arg("source", "import")
        elif kind == "application/json":
            views, site_visits, source = _parse_import_json(request.body)
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
        return self._commit_import(ImportOp(source, now_iso(), views, site_visits))

    async def _commit_import(self, op: ImportOp) -> dict[str, Any]:
        try:
            await self.counter.commit(op)
        except Exception:
            self.counter.totals.sources.discard(op.source)
            raise
        return {"source": op.source, "imported_at": op.imported_at, "paths": len(op.views),
                "views": sum(op.views.values()), "site_visits": op.site_visits}

    def health(self, request: Request) -> Any:
        """GET /api/health: is the service up, and does it have a manifest."""
        watcher = self.counter.watcher
        return {"status": "ok", "pages": len(watcher.current()), "manifest_error": watcher.last_error}


class _HeaderView:
    """Case-insensitive `get` over our lowercase header dict, for rules.is_bot."""

    def __init__(self, headers: dict[str, str]):
        self._headers = headers

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._headers.get(name.lower(), default)


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
        raise ApiError(400, "invalid_body",
                       'Expected {"views": {path: n}, "site_visits": n, "source": name}.')
    raw = data.get("views", {})
    if not isinstance(raw, dict):
        raise ApiError(400, "invalid_body", "views must be an object of path -> count.")
    views = {_check_path(p, f"views[{p!r}]"): _parse_count(n, f"views[{p!r}]") for p, n in raw.items()}
    source = data.get("source", "import")
    if not isinstance(source, str):
        raise ApiError(400, "invalid_source", "source must be a string.")
    return views, _parse_count(data.get("site_visits", 0), "site_visits"), source


class RunningServer:
    """A started service on the current event loop."""

    def __init__(self, config: CounterConfig):
        self.counter = Counter(config)
        self.server: asyncio.AbstractServer | None = None
        self.connections: set[HttpProtocol] = set()
        self.port = 0

    async def start(self) -> int:
        """Bind (SO_REUSEADDR), start the writer, serve; return the port."""
        config = self.counter.config
        loop = asyncio.get_running_loop()
        self.counter.start(loop)
        sock = bind(config.host, config.port)
        api = Api(self.counter)
        self.server = await loop.create_server(lambda: HttpProtocol(api, self.connections), sock=sock)
        self.port = sock.getsockname()[1]
        self.sweeper = loop.create_task(close_idle(self.connections))
        return self.port

    async def stop(self) -> None:
        """Stop accepting, let answers waiting for a commit finish, close the database."""
        if self.server is not None:
            self.server.close()
            self.sweeper.cancel()
        for _ in range(100):  # up to 5 s for hits waiting on their commit
            if not any(c.busy for c in self.connections):
                break
            await asyncio.sleep(0.05)
        for connection in list(self.connections):
            connection.close()
        await asyncio.get_running_loop().run_in_executor(None, self.counter.close)
