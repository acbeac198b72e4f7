"""Issue 11, counter side, class 4: connection floods (slowloris, pipelining without reading, caps)."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Iterator

import pytest

from bantin.counter import CounterHandle, start_in_background
from bantin.counter.http import Limits

from .helpers import ORIGIN, Api

ATTACKER = "127.0.0.2"   # another loopback address: the attacker's caps are not the reader's


@pytest.fixture
def guarded(tmp_path: Path, site_dir: Path) -> Iterator[CounterHandle]:
    limits = Limits(max_connections=60, per_address=10, request_timeout=2.0, idle_timeout=30.0,
                    write_timeout=1.0)
    handle = start_in_background(tmp_path / "f.sqlite3", site_dir, origin=ORIGIN, rate=0, limits=limits)
    yield handle
    handle.stop()


def connect_from(address: str, port: int) -> socket.socket:
    sock = socket.socket()
    sock.settimeout(10)
    sock.bind((address, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def closed_by_server(sock: socket.socket, within: float = 10.0) -> bytes | None:
    """What the server sent before closing, or None if it kept the connection open."""
    sock.settimeout(within)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except socket.timeout:
        return None
    except ConnectionResetError:
        return data
    return data


def test_slowloris_does_not_keep_others_out_and_is_cut_off(guarded: CounterHandle):
    attackers = []
    for _ in range(30):
        sock = connect_from(ATTACKER, guarded.port)
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # and never more
        attackers.append(sock)
    assert Api(guarded.port).request("GET", "/api/counts?path=/").status == 200
    answers = [closed_by_server(sock) for sock in attackers]
    assert all(answer is not None for answer in answers), "a half-open connection was kept"
    refused = [a for a in answers if a.startswith(b"HTTP/1.1 503 ")]
    timed_out = [a for a in answers if a.startswith(b"HTTP/1.1 408 ")]
    assert len(refused) == 20 and len(timed_out) == 10   # 10 per address, then 408 after 2 s
    for sock in attackers:
        sock.close()


def test_total_connection_cap_answers_503(guarded: CounterHandle):
    held = [connect_from(f"127.0.1.{i}", guarded.port) for i in range(60)]
    try:
        for sock in held:  # an answer on each: the server has accepted them all
            sock.sendall(b"GET /api/counts?path=/ HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        extra = connect_from("127.0.2.1", guarded.port)
        assert (closed_by_server(extra) or b"").startswith(b"HTTP/1.1 503 ")
        extra.close()
    finally:
        for sock in held:
            sock.close()


def test_a_client_that_pipelines_and_never_reads_is_dropped(guarded: CounterHandle):
    flooder = connect_from(ATTACKER, guarded.port)
    flooder.setblocking(False)
    request = b"GET /api/counts?path=/&path=/tin-tuc/a/&path=/tin-tuc/b/ HTTP/1.1\r\nHost: x\r\n\r\n" * 1000
    sent, dropped = 0, False
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            sent += flooder.send(request)
        except BlockingIOError:
            time.sleep(0.05)   # the server stopped reading: its answers are not taken
        except (BrokenPipeError, ConnectionResetError):
            dropped = True
            break
    # The server pushed back instead of buffering answers without bound, and let go of the client.
    assert dropped, f"still connected after sending {sent:,} bytes of requests"
    assert sent < 64 * 1024 * 1024
    assert Api(guarded.port).request("GET", "/api/counts?path=/").status == 200
    flooder.close()


def test_a_large_import_pipelined_behind_a_hit_is_still_read(guarded: CounterHandle):
    import json

    hit = json.dumps({"path": "/tin-tuc/a/"}).encode()
    body = ("path,views\n/tin-tuc/a/,5\n" + "\n" * 600_000).encode()   # ~600 KB, over the read high-water mark
    data = (f"POST /api/hit HTTP/1.1\r\nHost: x\r\nUser-Agent: Mozilla/5.0 Firefox/120\r\nOrigin: {ORIGIN}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(hit)}\r\n\r\n").encode() + hit
    data += (f"POST /api/import HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nAuthorization: Bearer none\r\n"
             f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    sock = connect_from(ATTACKER, guarded.port)
    sock.sendall(data)
    answer = closed_by_server(sock) or b""
    # Both answered: the hit, then the import (refused for its token, which needs the whole body read).
    assert answer.startswith(b"HTTP/1.1 200 ") and b"HTTP/1.1 403 " in answer, answer[:300]
    sock.close()
