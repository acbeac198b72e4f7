"""A small HTTP/1.1 server on asyncio: keep-alive, Content-Length bodies, strict limits.

Limits (`Limits`): connections in all and per address (beyond them a connection
gets 503 and is closed), a deadline for each request's head and body (slowloris:
408), an idle deadline for keep-alive, and a write high-water mark: a client that
pipelines requests without reading the answers is no longer read from once 64 KB of
answers wait for it, and is dropped if it does not take them within the deadline.

Why not tornado's: measured on the 2-core target it answered about 1,600
count reads/s; this parser does the few things the counter needs several times
faster. It speaks only what the API uses: requests with a Content-Length body
(or none), keep-alive, pipelining in order, `Expect: 100-continue`. Anything
else is refused with a JSON error and the connection is closed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Union
from urllib.parse import unquote_plus

log = logging.getLogger("bantin.counter")

MAX_HEAD = 32 * 1024          # request line + headers: 100 encoded paths fit
READ_HIGH_WATER = 256 * 1024  # unparsed bytes held while an answer is pending
WRITE_HIGH_WATER = 64 * 1024  # answers waiting for a client that does not read
LENGTH_DIGITS_MAX = 12        # a Content-Length beyond any body limit, still a number
REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
           404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict",
           413: "Payload Too Large", 415: "Unsupported Media Type", 429: "Too Many Requests",
           431: "Request Header Fields Too Large", 500: "Internal Server Error",
           501: "Not Implemented", 503: "Service Unavailable"}

_STATUS_LINES = {status: f"HTTP/1.1 {status} {reason}\r\n".encode() for status, reason in REASONS.items()}


def parse_query(query: str) -> dict[str, list[str]]:
    """Query parameters; like urllib's parse_qs with blank values kept, without its overhead."""
    params: dict[str, list[str]] = {}
    if not query:
        return params
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if "%" in part or "+" in part:
            name, value = unquote_plus(name), unquote_plus(value)
        params.setdefault(name, []).append(value)
    return params


@dataclass
class Request:
    """One parsed request. Header names are lowercase."""

    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes
    peer: str
    _query: dict[str, list[str]] | None = field(default=None, repr=False)
    client: str | None = field(default=None, repr=False)  # the reader's address, once worked out

    @property
    def query(self) -> dict[str, list[str]]:
        """Query parameters, each with every value given."""
        if self._query is None:
            self._query = parse_query(self.query_string)
        return self._query

    def arg(self, name: str, default: str) -> str:
        """The last value of query parameter `name`, or `default`."""
        values = self.query.get(name)
        return values[-1] if values else default


@dataclass
class Response:
    """Status, headers and body of an answer."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    raw_headers: bytes = b""  # pre-joined "Name: value\r\n" lines, for the hot path


Result = Union[Response, Awaitable[Response]]


class Application:
    """What the protocol needs from the API: the body limit of a route, and the handler."""

    def body_limit(self, method: str, path: str) -> int:
        raise NotImplementedError

    def __call__(self, request: Request) -> Result:
        raise NotImplementedError

    def error(self, request: Request | None, status: int, code: str, message: str) -> Response:
        """An error answer (with CORS headers when the request allows them)."""
        body = json.dumps({"error": code, "message": message}).encode()
        return Response(status, body, [("Content-Type", "application/json; charset=utf-8")])


@dataclass
class Limits:
    """How much one client and all clients may hold of the service (see the module doc)."""

    max_connections: int = 1000
    per_address: int = 50
    request_timeout: float = 10.0   # from a request's first byte to its last
    idle_timeout: float = 60.0      # keep-alive with nothing asked
    write_timeout: float = 10.0     # answers not taken by the client
    exempt: Callable[[str], bool] = field(default=lambda peer: False, repr=False)  # our proxies


_OVERLOADED = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
               b"Retry-After: 5\r\nContent-Length: 70\r\nConnection: close\r\n\r\n"
               b'{"error":"too_many_connections","message":"Too many open connections."}')


class Connections:
    """The open connections, counted in all and per address."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.open: set[HttpProtocol] = set()
        self.per_address: Counter[str] = Counter()

    def __iter__(self):
        return iter(list(self.open))

    def admit(self, connection: "HttpProtocol") -> bool:
        """Register a new connection; False if it is one too many."""
        limits, peer = self.limits, connection.peer
        if len(self.open) >= limits.max_connections:
            return False
        if self.per_address[peer] >= limits.per_address and not limits.exempt(peer):
            return False
        self.open.add(connection)
        self.per_address[peer] += 1
        return True

    def remove(self, connection: "HttpProtocol") -> None:
        """Forget a closed connection."""
        if connection in self.open:
            self.open.discard(connection)
            self.per_address[connection.peer] -= 1
            if self.per_address[connection.peer] <= 0:
                del self.per_address[connection.peer]


class HttpProtocol(asyncio.Protocol):
    """One client connection: parse requests in order, answer each, keep alive."""

    def __init__(self, app: Application, connections: Connections):
        self.app = app
        self.connections = connections
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.busy = False
        self.closing = False
        self.peer = ""
        self.continued = False
        self.last_active = 0.0
        self.request_started = 0.0    # monotonic time of the pending request's first byte
        self.write_paused_at = 0.0    # 0: the client takes its answers
        self.reading = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        self.peer = peer[0] if peer else ""
        self.last_active = time.monotonic()
        if not self.connections.admit(self):
            self.closing = True
            transport.write(_OVERLOADED)  # type: ignore[attr-defined]
            transport.close()
            return
        self.transport.set_write_buffer_limits(high=WRITE_HIGH_WATER)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closing = True
        self.connections.remove(self)

    def close(self) -> None:
        """Close after what has been written is flushed."""
        self.closing = True
        if self.transport is not None:
            self.transport.close()

    def abort(self) -> None:
        """Drop the connection and whatever answers it has not taken."""
        self.closing = True
        if self.transport is not None:
            self.transport.abort()

    def pause_writing(self) -> None:
        # The client does not read its answers: stop reading its requests too.
        self.write_paused_at = time.monotonic()
        self._pause_reading()

    def resume_writing(self) -> None:
        self.write_paused_at = 0.0
        self._process()

    def _pause_reading(self) -> None:
        if self.reading and self.transport is not None and not self.closing:
            self.reading = False
            self.transport.pause_reading()

    def data_received(self, data: bytes) -> None:
        if not self.buffer:
            self.request_started = time.monotonic()
        self.buffer += data
        if self.busy or self.write_paused_at:
            if len(self.buffer) > READ_HIGH_WATER:
                self._pause_reading()
            return
        self._process()

    def _process(self) -> None:
        while self.buffer and not self.busy and not self.closing and not self.write_paused_at:
            parsed = self._parse()
            if parsed is None:
                break
            self.request_started = time.monotonic() if self.buffer else 0.0
            request, keep_alive = parsed
            try:
                result = self.app(request)
            except Exception:  # a bug must not take the connection's other requests down
                log.exception("error answering %s %s", request.method, request.path)
                result = self.app.error(request, 500, "internal_error", "Internal error.")
            if isinstance(result, Response):
                self._send(result, keep_alive)
            else:
                self.busy = True
                task = asyncio.ensure_future(result)
                task.add_done_callback(lambda t, r=request, k=keep_alive: self._finished(t, r, k))
        if not self.buffer:
            self.last_active = time.monotonic()
        # Read again once answers flow, unless a pending answer holds a full buffer back
        # (a large body still arriving must be read whatever its size so far).
        if (not self.reading and not self.write_paused_at and not self.closing
                and (not self.busy or len(self.buffer) <= READ_HIGH_WATER) and self.transport is not None):
            self.reading = True
            self.transport.resume_reading()

    def _finished(self, task: asyncio.Future, request: Request, keep_alive: bool) -> None:
        self.busy = False
        if task.cancelled() or task.exception() is not None:
            if not task.cancelled():
                log.error("error answering %s %s", request.method, request.path, exc_info=task.exception())
            response = self.app.error(request, 500, "internal_error", "Internal error.")
        else:
            response = task.result()
        self._send(response, keep_alive)
        self._process()

    def fail(self, status: int, code: str, message: str) -> None:
        """Answer an error and close: the rest of the stream cannot be trusted."""
        self._send(self.app.error(None, status, code, message), keep_alive=False)

    def _parse(self) -> tuple[Request, bool] | None:
        """Take one complete request off the buffer, or None if more bytes are needed."""
        buffer = self.buffer
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(buffer) > MAX_HEAD:
                self.fail(431, "headers_too_large", "Request line and headers are too large.")
            return None
        if end > MAX_HEAD:
            self.fail(431, "headers_too_large", "Request line and headers are too large.")
            return None
        lines = buffer[:end].decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ")
        except ValueError:
            self.fail(400, "bad_request", "Malformed request line.")
            return None
        if not version.startswith("HTTP/1."):
            self.fail(400, "bad_request", "Only HTTP/1.x is spoken here.")
            return None
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip():
                self.fail(400, "bad_request", "Malformed header line.")
                return None
            name = name.lower()
            value = value.strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        if "transfer-encoding" in headers:
            self.fail(501, "not_implemented", "Send the body with a Content-Length, not chunked.")
            return None
        length_text = headers.get("content-length", "0")
        # isdigit alone lets '²' and '١' through, and int() of 5,000 digits raises.
        if not (0 < len(length_text) <= LENGTH_DIGITS_MAX and length_text.isascii()
                and length_text.isdigit()):
            self.fail(400, "bad_request", "Invalid Content-Length.")
            return None
        length = int(length_text)
        path, _, query = target.partition("?")
        if length > self.app.body_limit(method, path):
            # The body is not read: answer, then close so its bytes are never parsed as a request.
            error = self.app.error(_stub(method, path, headers, self.peer), 413,
                                   "payload_too_large", "The request body is too large.")
            self._send(error, keep_alive=False)
            return None
        start = end + 4
        if len(buffer) < start + length:
            if length and not self.continued and headers.get("expect", "").lower() == "100-continue":
                self.continued = True
                assert self.transport is not None
                self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            return None
        body = bytes(buffer[start:start + length])
        del buffer[:start + length]
        self.continued = False
        connection = headers.get("connection", "").lower()
        keep_alive = "close" not in connection and (version == "HTTP/1.1" or "keep-alive" in connection)
        return Request(method, path, query, headers, body, self.peer), keep_alive

    def _send(self, response: Response, keep_alive: bool) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        status = response.status
        head = [_STATUS_LINES.get(status) or f"HTTP/1.1 {status} Unknown\r\n".encode(), response.raw_headers]
        head.extend(f"{name}: {value}\r\n".encode("latin-1") for name, value in response.headers)
        if status != 204:
            head.append(b"Content-Length: %d\r\n" % len(response.body))
        if not keep_alive:
            head.append(b"Connection: close\r\n")
        head += (b"\r\n", response.body)
        self.transport.write(b"".join(head))
        if not keep_alive:
            self.close()


async def sweep(connections: Connections) -> None:
    """Enforce the deadlines of `Limits`: one sweep a second or so, not a timer per request."""
    limits = connections.limits
    every = max(0.05, min(1.0, limits.request_timeout / 4, limits.write_timeout / 4))
    while True:
        await asyncio.sleep(every)
        now = time.monotonic()
        for connection in connections:
            if connection.write_paused_at and now - connection.write_paused_at > limits.write_timeout:
                log.info("dropping %s: it did not read its answers", connection.peer)
                connection.abort()
            elif connection.busy or connection.write_paused_at:
                continue
            elif connection.buffer and now - connection.request_started > limits.request_timeout:
                connection.fail(408, "request_timeout", "The request took too long to arrive.")
            elif not connection.buffer and now - connection.last_active > limits.idle_timeout:
                connection.close()


def _stub(method: str, path: str, headers: dict[str, str], peer: str) -> Request:
    """A bodiless request, so an early error still knows the Origin for CORS."""
    return Request(method, path, "", headers, b"", peer)


def bind(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A listening socket with SO_REUSEADDR, so a restart can take the port at once."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class HeaderView:
    """Case-insensitive `get` over a request's lowercase header dict."""

    def __init__(self, headers: dict[str, str]):
        self._headers = headers

    def get(self, name: str, default: str | None = None) -> str | None:
        """The header's value, whatever the case of `name`."""
        return self._headers.get(name.lower(), default)
