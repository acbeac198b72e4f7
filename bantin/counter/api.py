"""The counter's routes: hits, counts, top lists, export/import, health, polls.

Every answer is JSON (but the no-JavaScript vote page); CORS only for the site's
origin (errors too); a rate limit per client; every client error a 4xx.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from . import guard, rules
from .bodies import (ApiError, check_path, is_number, media_type, parse_count, parse_csv,
                     parse_import_json, parse_json)
from .http import Application, HeaderView, Request, Response
from .poll_api import PollRoutes
from .store import TOP_MAX, HitOp, ImportOp, now_iso

if TYPE_CHECKING:
    from .app import Counter

HIT_BODY_MAX = 2 * 1024
IMPORT_BODY_MAX = 5 * 1024 * 1024   # deploy/nginx.conf.example allows exactly this on /api/import
COUNTS_MAX_PATHS = 100
JSON_TYPES = ("application/json", "text/plain")  # text/plain: a CORS "simple request", no preflight

JSON_HEADER = ("Content-Type", "application/json; charset=utf-8")
FIXED_HEADERS = [JSON_HEADER, ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
                 ("Vary", "Origin")]
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dumps(data: Any) -> bytes:
    return _ENCODER.encode(data).encode()


def _header_block(headers: list[tuple[str, str]]) -> bytes:
    return "".join(f"{name}: {value}\r\n" for name, value in headers).encode("latin-1")


class Api(Application):
    """Routes, CORS for the site's origin only (errors too), rate limit, JSON errors."""

    def __init__(self, counter: Counter):
        self.counter = counter
        # The headers of a 200 are the same for every answer but for the origin: joined once.
        self._ok_headers: dict[str | None, bytes] = {None: _header_block(FIXED_HEADERS)}
        polls = PollRoutes(self)
        self.routes: dict[str, dict[str, Callable[[Request], Any]]] = {
            "/api/hit": {"POST": self.hit},
            "/api/counts": {"GET": self.counts},
            "/api/top": {"GET": self.top},
            "/api/export": {"GET": self.export},
            "/api/import": {"POST": self.import_},
            "/api/health": {"GET": self.health},
            "/api/vote": {"POST": polls.vote},
            "/api/poll": {"GET": polls.poll},
        }

    def body_limit(self, method: str, path: str) -> int:
        return IMPORT_BODY_MAX if path == "/api/import" else HIT_BODY_MAX

    def origins(self) -> frozenset[str]:
        """The site's origins: `--origin` and the `base_url` of the page manifest in force."""
        return self.counter.site_origins()

    def from_site(self, request: Request) -> bool:
        """True if the request's Origin (or Referer) is the site's (guard.from_site)."""
        return guard.from_site(request.headers, self.origins())

    def headers(self, request: Request | None) -> list[tuple[str, str]]:
        """Headers of every answer; Access-Control-Allow-Origin only for the site's origin."""
        headers = list(FIXED_HEADERS)
        origin = request.headers.get("origin") if request else None
        if origin and origin in self.origins():
            headers.append(("Access-Control-Allow-Origin", origin))
        return headers

    def error(self, request: Request | None, status: int, code: str, message: str,
              extra: dict[str, str] | None = None, fields: dict[str, Any] | None = None) -> Response:
        headers = self.headers(request)
        headers.extend((extra or {}).items())
        return Response(status, _dumps({"error": code, "message": message, **(fields or {})}), headers)

    def ok(self, request: Request, data: Any) -> Response:
        if isinstance(data, Response):
            return data
        origin = request.headers.get("origin")
        if origin is None or origin not in self.origins():  # the site's origin may change on a rebuild
            origin = None
        block = self._ok_headers.get(origin)
        if block is None:
            block = self._ok_headers[origin] = _header_block(
                FIXED_HEADERS + [("Access-Control-Allow-Origin", origin)])  # type: ignore[list-item]
        return Response(200, _dumps(data), raw_headers=block)

    def _api_error(self, request: Request, error: ApiError) -> Response:
        return self.error(request, error.status, error.code, error.message, error.headers, error.extra)

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
            return self._api_error(request, error)

    async def _finish(self, request: Request, pending: Awaitable[Any]) -> Response:
        try:
            return self.ok(request, await pending)
        except ApiError as error:
            return self._api_error(request, error)

    def preflight(self, request: Request) -> Response:
        """CORS preflight: allowed only for the site's origin."""
        headers = self.headers(request)
        if request.headers.get("origin") in self.origins():
            headers += [("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                        ("Access-Control-Allow-Headers", "Content-Type, Authorization"),
                        ("Access-Control-Max-Age", "86400")]
        return Response(204, b"", [h for h in headers if h != JSON_HEADER])

    def client_ip(self, request: Request) -> str:
        """The reader's address: the socket peer, or with --trust-proxy the rightmost
        X-Forwarded-For hop that is not one of our proxies (guard.client_address)."""
        if request.client is None:
            if self.counter.config.trust_proxy:
                request.client = guard.client_address(request.peer, request.headers.get("x-forwarded-for"),
                                                      self.counter.trusted)
            else:
                request.client = request.peer
        return request.client

    def rate_limit(self, request: Request) -> None:
        """Token bucket per client (IP + User-Agent) and a looser one per IP, in memory only.

        Keyed by Python's hash of the pair: seeded at random per process, as
        unlinkable as the HMAC visitor id once the process ends, and ten times cheaper
        on reads, which need no visitor id otherwise.
        """
        counter = self.counter
        if counter.limiter.rate <= 0:
            return
        ip = self.client_ip(request)
        now = counter.clock()
        wait = (counter.limiter.check(hash((ip, request.headers.get("user-agent", ""))), now)
                or counter.ip_limiter.check(hash(ip), now))
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
        if media_type(request) not in JSON_TYPES:
            raise ApiError(415, "unsupported_media_type", "Send the hit as application/json.")
        data = parse_json(request.body, '{"path": "/a/"}')
        if not isinstance(data, dict) or set(data) != {"path"}:
            raise ApiError(400, "invalid_body", "The body must be an object with exactly one field, path.")
        path = check_path(data["path"])
        counter = self.counter
        if path not in counter.watcher.current():
            raise ApiError(404, "unknown_path", "This path is not a page of the site.")
        headers = request.headers
        if not self.from_site(request):
            raise ApiError(403, "forbidden_origin", "Only the site's own pages count views.")
        if rules.is_bot(headers.get("user-agent"), HeaderView(headers)):
            return counter.counts(path)
        now = counter.clock()
        ids = counter.counting.identify(self.client_ip(request), headers.get("user-agent", ""), now)
        decision = counter.counting.observe(ids, path, now)
        if decision.view or decision.visit:
            return self._commit_hit(HitOp(path, decision.day, decision.view, decision.visit), decision)
        return counter.counts(path)

    async def _commit_hit(self, op: HitOp, decision: rules.Decision) -> dict[str, int]:
        try:
            await self.counter.commit(op)
        except ApiError:
            # Not stored, so not seen: the reader's retry must count.
            self.counter.counting.forget(decision)
            raise
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
        result = {check_path(p): views.get(p, 0) for p in paths}
        return {"views": result, "site_visits": self.counter.totals.site_visits,
                "online": self.counter.counting.online(self.counter.clock())}

    def top(self, request: Request) -> Any:
        """GET /api/top?period=7d|all&limit=10: most read pages with their titles."""
        period = request.arg("period", "7d")
        if period not in ("7d", "all"):
            raise ApiError(400, "invalid_period", "period must be 7d or all.")
        limit_text = request.arg("limit", "10")
        if not is_number(limit_text, 3) or not 1 <= int(limit_text) <= TOP_MAX:
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
        kind = media_type(request)
        if kind == "text/csv":
            views = parse_csv(request.body)
            site_visits = parse_count(request.arg("site_visits", "0"), "site_visits")
            source = request.arg("source", "import")
        elif kind == "application/json":
            views, site_visits, source = parse_import_json(request.body)
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

    async def health(self, request: Request) -> Any:
        """GET /api/health: up, manifest and polls read, database writable (503 when it is not)."""
        counter = self.counter
        db_error = await counter.probe()
        data = {"status": "ok" if db_error is None else "failing", "pages": len(counter.watcher.current()),
                "manifest_error": counter.watcher.last_error, "polls": len(counter.polls.current().by_id),
                "polls_error": counter.polls.last_error, "db_writable": db_error is None,
                "db_error": db_error}
        if db_error is not None:
            raise ApiError(503, "db_not_writable", db_error, extra=data)
        return data
