"""Issue 11, counter side: who counts (origin, rotating User-Agents, bots, proxies), bad numbers, failed writes.

Each test speaks HTTP to a real server on a free port.
"""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
from pathlib import Path

import pytest

from bantin.counter import start_in_background

from .helpers import BROWSER_UA, ORIGIN, TOKEN, Api

AUTH = {"Authorization": f"Bearer {TOKEN}"}
ANDROID = "Mozilla/5.0 (Linux; Android 10; {model}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36"


# 1. Only the site's own readers count.

def test_counts_hits_from_the_site_origin_only(api: Api):
    assert api.hit("/tin-tuc/a/").json["views"] == 1
    evil = api.hit("/tin-tuc/a/", ua=BROWSER_UA + " 2", headers={"Origin": "https://evil.example"})
    assert evil.status == 403 and evil.json["error"] == "forbidden_origin"
    assert api.views("/tin-tuc/a/") == {"/tin-tuc/a/": 1}


def test_a_cross_site_request_without_origin_or_referer_is_not_counted(api: Api):
    body = json.dumps({"path": "/tin-tuc/a/"})
    response = api.request("POST", "/api/hit", body, {"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"})
    assert response.status == 403
    referer = api.request("POST", "/api/hit", body, {"Content-Type": "text/plain",
                                                      "Referer": "https://evil.example/dangbo.example.vn/"})
    assert referer.status == 403
    assert api.views("/tin-tuc/a/") == {"/tin-tuc/a/": 0}


def test_the_site_referer_counts_when_there_is_no_origin(api: Api):
    response = api.request("POST", "/api/hit", json.dumps({"path": "/tin-tuc/a/"}),
                           {"Content-Type": "text/plain", "Referer": ORIGIN + "/tin-tuc/a/"})
    assert response.status == 200 and response.json["views"] == 1


def test_a_counter_on_another_domain_counts_the_site_from_its_manifest(tmp_path: Path, site_dir: Path, clock):
    # No --origin: the counter (say on dem.example.vn) knows the site from base_url in pages.json,
    # so a browser's cross-site hit whose Origin is the site's counts, and gets CORS.
    with start_in_background(tmp_path / "c.sqlite3", site_dir, clock=clock, rate=0) as handle:
        api = Api(handle.port)
        response = api.hit("/", headers={"Sec-Fetch-Site": "cross-site"})
        assert response.status == 200 and response.json["views"] == 1
        assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert api.hit("/", ua=BROWSER_UA + " 2", headers={"Origin": "https://other.example"}).status == 403


# 2. Rotating identities is a flood, not a crowd.

def test_one_address_rotating_user_agents_is_at_most_30_readers(api: Api):
    for i in range(200):
        api.hit("/tin-tuc/a/", ua=f"{BROWSER_UA} rotation-{i}")
    counts = api.counts("/tin-tuc/a/")
    assert counts["views"]["/tin-tuc/a/"] == 30
    assert counts["online"] == 30 and counts["site_visits"] == 30


def test_an_office_behind_one_address_is_still_several_readers(api: Api):
    for i in range(12):
        api.hit("/tin-tuc/a/", ua=f"{BROWSER_UA} office-{i}")
    assert api.counts("/tin-tuc/a/")["views"]["/tin-tuc/a/"] == 12
    assert api.counts()["online"] == 12


# 3. Bot detection without false positives.

@pytest.mark.parametrize("model", ["CUBOT_X30 Build/QP1A.190711.020", "CUBOT KING KONG 7", "Robot Phone X1"])
def test_phones_whose_model_name_contains_bot_are_readers(api: Api, model):
    response = api.hit("/tin-tuc/a/", ua=ANDROID.format(model=model))
    assert response.status == 200 and response.json["views"] == 1


@pytest.mark.parametrize("ua", [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    ANDROID.format(model="Nexus 5X Build/MMB29P") + " (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"])
def test_real_bots_still_do_not_count(api: Api, ua):
    response = api.hit("/tin-tuc/a/", ua=ua)
    assert response.status == 200 and response.json["views"] == 0


# 5. Bad numbers are 400s, never 500s, and leave no traceback.

def raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("length", ["²", "¹²", "9" * 5000, "-1", "+5", "0x10", "5, 5"])
def test_malformed_content_length_is_400(server, caplog, length):
    # Header bytes are read as Latin-1: b"\xb2" is "²", which str.isdigit() accepts.
    request = (f"POST /api/hit HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n"
               "Content-Type: application/json\r\n\r\n{}").encode("latin-1")
    with caplog.at_level(logging.DEBUG):
        assert raw(server.port, request).startswith(b"HTTP/1.1 400 ")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize("query", ["limit=%C2%B2", "limit=99999999999999999999999999", "limit=1e3", "limit=-1",
                                   "period=%ff%fe"])
def test_malformed_numbers_in_queries_are_400(api: Api, caplog, query):
    with caplog.at_level(logging.DEBUG):
        response = api.request("GET", f"/api/top?{query}")
    assert response.status == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize("body, kind, query", [
    ("/,²\n", "text/csv", ""), ("/," + "9" * 5000 + "\n", "text/csv", ""), ("/,5\n", "text/csv", "site_visits=%C2%B3"),
    ('"/,5\n\0', "text/csv", ""),
    (json.dumps({"views": {"/": 1e300}}), "application/json", ""),
    ('{"views": {"/": ' + "9" * 5000 + "}}", "application/json", ""),
    ("[" * 100_000 + "]" * 100_000, "application/json", "")])
def test_malformed_imports_are_400(api: Api, caplog, body, kind, query):
    with caplog.at_level(logging.DEBUG):
        response = api.request("POST", f"/api/import?{query}", body, {"Content-Type": kind, **AUTH})
    assert response.status == 400, response.body
    assert api.views("/") == {"/": 0}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_deeply_nested_json_hit_is_400(api: Api, caplog):
    with caplog.at_level(logging.DEBUG):
        response = api.request("POST", "/api/hit", "[" * 1500 + "]" * 0,
                               {"Content-Type": "application/json", "Origin": ORIGIN})
    assert response.status == 400 and response.json["error"] == "invalid_json"
    assert not [r for r in caplog.records if r.exc_info]


# 6. A hit that was not stored was not seen.

def test_a_hit_that_could_not_be_stored_counts_on_retry(tmp_path: Path, site_dir: Path, clock):
    db = tmp_path / "locked.sqlite3"
    with start_in_background(db, site_dir, clock=clock, rate=0, busy_timeout=0.05) as handle:
        api = Api(handle.port)
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        failed = api.hit("/tin-tuc/a/")
        assert failed.status == 503 and failed.json["error"] == "store_unavailable"
        health = api.request("GET", "/api/health")
        assert health.status == 503 and health.json["db_writable"] is False
        assert str(db) in health.json["db_error"]
        blocker.execute("ROLLBACK")
        blocker.close()
        retried = api.hit("/tin-tuc/a/")
        assert retried.status == 200 and retried.json == {"views": 1, "site_visits": 1, "online": 1}
        assert api.request("GET", "/api/health").json["db_writable"] is True


# 8. Proxies: the rightmost untrusted X-Forwarded-For hop is the reader.

def test_behind_a_proxy_the_reader_is_the_rightmost_untrusted_hop(tmp_path: Path, site_dir: Path, clock):
    with start_in_background(tmp_path / "p.sqlite3", site_dir, origin=ORIGIN, clock=clock, rate=0,
                             trust_proxy=True, trusted_proxies=("10.0.0.0/8",)) as handle:
        api = Api(handle.port)
        # A client prepends whatever it likes and sets X-Real-IP: still one reader, 203.0.113.7.
        for i in range(5):
            api.hit("/tin-tuc/a/", headers={"X-Forwarded-For": f"198.51.100.{i}, 203.0.113.7, 10.0.0.5",
                                            "X-Real-IP": f"192.0.2.{i}"})
        assert api.views("/tin-tuc/a/") == {"/tin-tuc/a/": 1}
        # Distinct readers behind the same chain of our proxies are distinct.
        for i in range(5):
            api.hit("/tin-tuc/b/", headers={"X-Forwarded-For": f"203.0.113.{10 + i}, 10.0.0.9, 10.0.0.5"})
        assert api.views("/tin-tuc/b/") == {"/tin-tuc/b/": 5}


def test_nginx_example_allows_exactly_the_documented_import_limit():
    from bantin.counter.api import IMPORT_BODY_MAX

    conf = (Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf.example").read_text("utf-8")
    block = conf[conf.index("location = /api/import"):]
    block = block[:block.index("}")]
    assert f"client_max_body_size {IMPORT_BODY_MAX // (1024 * 1024)}m;" in block
