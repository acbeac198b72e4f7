"""The counter's own HTTP/1.1 layer, spoken to over raw sockets."""

from __future__ import annotations

import json
import re
import socket

from .helpers import BROWSER_UA, ORIGIN


def exchange(port: int, data: bytes, read_until_close: bool = True) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
            if not read_until_close:
                break
        return b"".join(chunks)


def hit_request(path: str, extra: str = "") -> bytes:
    body = json.dumps({"path": path}).encode()
    return (f"POST /api/hit HTTP/1.1\r\nHost: x\r\nUser-Agent: {BROWSER_UA}\r\nOrigin: {ORIGIN}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n{extra}\r\n").encode() + body


def test_answers_pipelined_requests_in_order(server):
    close = b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answer = exchange(server.port, hit_request("/tin-tuc/a/") + hit_request("/khong-co/") + close)
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)
    assert statuses == [b"200", b"404", b"200"]
    assert answer.index(b'"views":1') < answer.index(b"unknown_path") < answer.index(b'"status":"ok"')


def test_http_10_closes_after_the_answer(server):
    answer = exchange(server.port, b"GET /api/health HTTP/1.0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 OK") and b"Connection: close" in answer


def test_errors_on_a_malformed_request_line(server):
    assert exchange(server.port, b"NONSENSE\r\n\r\n").startswith(b"HTTP/1.1 400 ")


def test_errors_on_chunked_bodies(server):
    request = (b"POST /api/hit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
               b"Content-Type: application/json\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    assert exchange(server.port, request).startswith(b"HTTP/1.1 501 ")


def test_errors_on_huge_headers(server):
    request = b"GET /api/health HTTP/1.1\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n"
    assert exchange(server.port, request).startswith(b"HTTP/1.1 431 ")


def test_refuses_a_big_body_before_reading_it(server):
    request = (b"POST /api/hit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Origin: https://dangbo.example.vn\r\nContent-Length: 100000\r\n\r\n")
    answer = exchange(server.port, request)
    assert answer.startswith(b"HTTP/1.1 413 ") and b"Connection: close" in answer
    assert b"Access-Control-Allow-Origin: https://dangbo.example.vn" in answer


def test_sends_100_continue_when_asked(server):
    body = json.dumps({"path": "/"}).encode()
    head = (f"POST /api/hit HTTP/1.1\r\nHost: x\r\nUser-Agent: {BROWSER_UA}\r\nExpect: 100-continue\r\n"
            f"Origin: {ORIGIN}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head)
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK") and answer.endswith(b'"views":1,"site_visits":1,"online":1}')
