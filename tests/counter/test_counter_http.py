"""HTTP tests against a real counter server on a free port, with a clock the test moves."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bantin.counter import load_snapshot, start_in_background

from .helpers import BROWSER_UA, ORIGIN, PAGES, TOKEN, Api, write_manifest

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def db_rows(tmp_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "counter.sqlite3") as conn:
        return conn.execute(sql).fetchall()


def test_can_count_a_hit_and_answer_the_counts(api: Api):
    response = api.hit("/tin-tuc/a/")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json == {"views": 1, "site_visits": 1, "online": 1}


def test_counts_one_view_per_visitor_per_page_per_30_minutes(api: Api, clock):
    assert api.hit("/tin-tuc/a/").json["views"] == 1
    clock.advance(29 * 60)
    assert api.hit("/tin-tuc/a/").json["views"] == 1
    assert api.hit("/tin-tuc/a/", ua=BROWSER_UA + " other").json["views"] == 2
    clock.advance(60)
    assert api.hit("/tin-tuc/a/").json["views"] == 3


def test_counts_a_site_visit_after_30_minutes_unseen(api: Api, clock):
    api.hit("/tin-tuc/a/")
    clock.advance(10 * 60)
    assert api.hit("/tin-tuc/b/").json["site_visits"] == 1
    clock.advance(31 * 60)
    assert api.hit("/tin-tuc/c/").json["site_visits"] == 2


def test_online_is_distinct_visitors_of_the_last_5_minutes(api: Api, clock):
    api.hit("/", ua=BROWSER_UA + " one")
    api.hit("/tin-tuc/a/", ua=BROWSER_UA + " two")
    api.hit("/tin-tuc/b/", ua=BROWSER_UA + " two")
    assert api.counts()["online"] == 2
    clock.advance(5 * 60)
    assert api.counts()["online"] == 0


def test_unknown_path_is_404_and_creates_nothing(api: Api, tmp_path: Path):
    response = api.hit("/khong-co/")
    assert response.status == 404 and response.json["error"] == "unknown_path"
    assert api.views("/khong-co/") == {"/khong-co/": 0}
    assert api.counts()["site_visits"] == 0 and api.counts()["online"] == 0
    assert db_rows(tmp_path, "SELECT * FROM page_views") == []
    assert db_rows(tmp_path, "SELECT * FROM site_counts") == []


@pytest.mark.parametrize("ua", ["Googlebot/2.1", "curl/8.5.0", "python-requests/2.31",
                                "Mozilla/5.0 HeadlessChrome/120", None])
def test_bots_get_counts_but_are_not_counted(api: Api, ua):
    api.hit("/tin-tuc/a/")
    response = api.hit("/tin-tuc/a/", ua=ua)
    assert response.status == 200
    assert response.json == {"views": 1, "site_visits": 1, "online": 1}


@pytest.mark.parametrize("header", [{"Purpose": "prefetch"}, {"Sec-Purpose": "prefetch"},
                                    {"X-Moz": "prefetch"}])
def test_prefetches_are_not_counted(api: Api, header):
    response = api.hit("/tin-tuc/a/", headers=header)
    assert response.status == 200 and response.json == {"views": 0, "site_visits": 0, "online": 0}


@pytest.mark.parametrize("body, content_type, status, code", [
    (json.dumps({"path": "/" + "a" * 3000}), "application/json", 413, "payload_too_large"),
    (json.dumps({"path": "/" + "a" * 600}), "application/json", 400, "invalid_path"),
    (json.dumps({"path": "tin-tuc/a/"}), "application/json", 400, "invalid_path"),
    (json.dumps({"path": 5}), "application/json", 400, "invalid_path"),
    ("{not json", "application/json", 400, "invalid_json"),
    (json.dumps({"path": "/", "extra": 1}), "application/json", 400, "invalid_body"),
    (json.dumps(["/"]), "application/json", 400, "invalid_body"),
    (json.dumps({"path": "/"}), "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
])
def test_errors_on_bad_hits_with_json(api: Api, body, content_type, status, code):
    response = api.request("POST", "/api/hit", body, {"Content-Type": content_type})
    assert response.status == status
    assert response.json["error"] == code and response.json["message"]


def test_accepts_text_plain_hits_which_need_no_preflight(api: Api):
    response = api.request("POST", "/api/hit", json.dumps({"path": "/"}),
                           {"Content-Type": "text/plain;charset=UTF-8", "Origin": ORIGIN})
    assert response.status == 200 and response.json["views"] == 1


def test_errors_on_wrong_method_and_unknown_endpoint(api: Api):
    assert api.request("GET", "/api/hit").status == 405
    assert api.request("GET", "/api/hit").json["error"] == "method_not_allowed"
    assert api.request("GET", "/api/nope").json == {"error": "not_found", "message": "No such endpoint."}


def test_a_flood_from_one_client_gets_429(tmp_path: Path, site_dir: Path, clock):
    with start_in_background(tmp_path / "flood.sqlite3", site_dir, clock=clock, rate=20, burst=40) as handle:
        api = Api(handle.port)
        statuses = [api.hit("/").status for _ in range(45)]
        assert statuses[:40] == [200] * 40 and statuses[40:] == [429] * 5
        limited = api.hit("/")
        assert limited.json["error"] == "rate_limited" and limited.headers["Retry-After"] == "1"
        assert api.hit("/", ua=BROWSER_UA + " someone else").status == 200
        clock.advance(1)
        assert api.hit("/").status == 200


def test_a_flood_from_one_address_with_changing_user_agents_gets_429(tmp_path: Path, site_dir: Path, clock):
    with start_in_background(tmp_path / "flood.sqlite3", site_dir, clock=clock, rate=2, burst=4) as handle:
        api = Api(handle.port)
        statuses = [api.request("GET", "/api/counts?path=/", ua=f"{BROWSER_UA} {i}").status for i in range(41)]
        assert statuses == [200] * 40 + [429]


def test_cors_allows_only_the_configured_origin_also_on_errors(api: Api):
    allowed = api.hit("/", headers={"Origin": ORIGIN})
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in allowed.headers["Vary"]
    missing = api.hit("/khong-co/", headers={"Origin": ORIGIN})
    assert missing.status == 404 and missing.headers["Access-Control-Allow-Origin"] == ORIGIN
    bad = api.request("POST", "/api/hit", "{", {"Origin": ORIGIN, "Content-Type": "application/json"})
    assert bad.status == 400 and bad.headers["Access-Control-Allow-Origin"] == ORIGIN
    other = api.hit("/", headers={"Origin": "https://evil.example"})
    assert other.status == 403 and "Access-Control-Allow-Origin" not in other.headers
    assert "Access-Control-Allow-Origin" not in api.request("GET", "/api/counts?path=/").headers


def test_cors_preflight(api: Api):
    preflight = api.request("OPTIONS", "/api/hit", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    other = api.request("OPTIONS", "/api/hit", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Access-Control-Allow-Methods" not in other.headers


def test_no_jsonp(api: Api):
    response = api.request("GET", "/api/counts?path=/&callback=steal")
    assert response.body.startswith(b"{")


def test_counts_of_many_paths(api: Api):
    api.hit("/tin-tuc/a/")
    api.hit("/tin-tuc/b/")
    response = api.request("GET", "/api/counts?path=/tin-tuc/a/&paths=/tin-tuc/b/,/tin-tuc/c/,/tin-tuc/a/")
    assert response.json == {"views": {"/tin-tuc/a/": 1, "/tin-tuc/b/": 1, "/tin-tuc/c/": 0},
                             "site_visits": 1, "online": 1}


@pytest.mark.parametrize("query, code", [
    ("", "missing_path"), ("paths=" + ",".join(f"/p{i}/" for i in range(101)), "too_many_paths"),
    ("path=nope", "invalid_path")])
def test_errors_on_bad_counts_queries(api: Api, query, code):
    response = api.request("GET", f"/api/counts?{query}")
    assert response.status == 400 and response.json["error"] == code


def test_accepts_100_paths(api: Api):
    query = "paths=" + ",".join(f"/p{i}/" for i in range(100))
    assert len(api.request("GET", f"/api/counts?{query}").json["views"]) == 100


def test_top_lists_most_read_with_titles(api: Api, clock):
    for i in range(3):
        api.hit("/tin-tuc/b/", ua=f"{BROWSER_UA} {i}")
    for i in range(2):
        api.hit("/tin-tuc/c/", ua=f"{BROWSER_UA} {i}")
        api.hit("/tin-tuc/a/", ua=f"{BROWSER_UA} {i}")
    top = api.request("GET", "/api/top?period=7d&limit=2").json
    assert top == {"period": "7d", "items": [{"path": "/tin-tuc/b/", "title": "Tin B", "views": 3},
                                             {"path": "/tin-tuc/a/", "title": "Tin A", "views": 2}]}
    clock.advance(8 * 86400)
    assert api.request("GET", "/api/top?period=7d").json["items"] == []
    assert len(api.request("GET", "/api/top?period=all").json["items"]) == 3


def test_forgets_per_day_rows_older_than_the_7_day_window(api: Api, clock, tmp_path: Path):
    api.hit("/tin-tuc/a/")
    clock.advance(9 * 86400)
    api.hit("/tin-tuc/b/")
    days = [row[0] for row in db_rows(tmp_path, "SELECT DISTINCT day FROM daily_views")]
    assert len(days) == 1
    assert api.views("/tin-tuc/a/") == {"/tin-tuc/a/": 1}  # totals are kept


@pytest.mark.parametrize("query, code", [("period=1y", "invalid_period"), ("limit=21", "invalid_limit"),
                                         ("limit=0", "invalid_limit"), ("limit=x", "invalid_limit")])
def test_errors_on_bad_top_queries(api: Api, query, code):
    response = api.request("GET", f"/api/top?{query}")
    assert response.status == 400 and response.json["error"] == code


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}])
def test_export_and_import_require_the_token(api: Api, headers):
    export = api.request("GET", "/api/export", headers=headers)
    assert export.status == 401 and export.json["error"] == "unauthorized"
    imported = api.request("POST", "/api/import", "/,5\n", {"Content-Type": "text/csv", **headers})
    assert imported.status == 401
    assert api.views("/") == {"/": 0}


def test_export_is_a_snapshot_the_build_can_read(api: Api, tmp_path: Path):
    api.hit("/tin-tuc/a/")
    response = api.request("GET", "/api/export", headers=AUTH)
    data = response.json
    assert set(data) == {"version", "generated", "site_visits", "views", "top", "polls"}
    assert data["views"] == {"/tin-tuc/a/": 1}
    assert data["top"] == {"7d": [{"path": "/tin-tuc/a/", "views": 1}],
                           "all": [{"path": "/tin-tuc/a/", "views": 1}]}
    (tmp_path / "snap.json").write_bytes(response.body)
    assert load_snapshot(tmp_path / "snap.json").site_visits == 1


def test_import_csv_is_a_baseline_seen_in_totals_and_export(api: Api, tmp_path: Path):
    api.hit("/tin-tuc/a/")
    csv = "path,views\n/tin-tuc/a/,2421\n/don-vi/,7\n"
    response = api.request("POST", "/api/import?site_visits=16593683&source=old-portal", csv,
                           {"Content-Type": "text/csv", **AUTH})
    assert response.status == 200, response.body
    assert response.json["paths"] == 2 and response.json["site_visits"] == 16593683
    assert api.views("/tin-tuc/a/", "/don-vi/") == {"/tin-tuc/a/": 2422, "/don-vi/": 7}
    assert api.counts()["site_visits"] == 16593684
    export = api.request("GET", "/api/export", headers=AUTH).json
    assert export["views"]["/tin-tuc/a/"] == 2422 and export["site_visits"] == 16593684
    assert export["top"]["all"][0] == {"path": "/tin-tuc/a/", "views": 2422}
    assert export["top"]["7d"] == [{"path": "/tin-tuc/a/", "views": 1}]  # a baseline has no dates
    # Auditable and apart from counted hits:
    assert db_rows(tmp_path, "SELECT source, path, views FROM baseline ORDER BY id") == [
        ("old-portal", None, 16593683), ("old-portal", "/don-vi/", 7), ("old-portal", "/tin-tuc/a/", 2421)]
    assert db_rows(tmp_path, "SELECT path, views FROM page_views") == [("/tin-tuc/a/", 1)]


def test_import_json_and_csv_without_header(api: Api):
    body = json.dumps({"views": {"/": 10}, "site_visits": 50, "source": "json"})
    assert api.request("POST", "/api/import", body, {"Content-Type": "application/json", **AUTH}).status == 200
    assert api.request("POST", "/api/import?source=csv", "/,5\n",
                       {"Content-Type": "text/csv", **AUTH}).status == 200
    assert api.views("/") == {"/": 15} and api.counts()["site_visits"] == 50


@pytest.mark.parametrize("body, query, code, status", [
    ("/khong-co/,5\n", "", "unknown_path", 400), ("/,five\n", "", "invalid_count", 400),
    ("/,5,6\n", "", "invalid_csv", 400), ("/,5\n/,6\n", "", "invalid_csv", 400),
    ("/,5\n", "site_visits=-3", "invalid_count", 400)])
def test_errors_on_bad_imports_and_stores_nothing(api: Api, body, query, code, status):
    response = api.request("POST", f"/api/import?{query}", body, {"Content-Type": "text/csv", **AUTH})
    assert response.status == status and response.json["error"] == code
    assert api.views("/") == {"/": 0}


def test_errors_on_importing_the_same_source_twice(api: Api):
    headers = {"Content-Type": "text/csv", **AUTH}
    assert api.request("POST", "/api/import", "/,5\n", headers).status == 200
    again = api.request("POST", "/api/import", "/,5\n", headers)
    assert again.status == 409 and again.json["error"] == "duplicate_source"
    assert api.views("/") == {"/": 5}


def test_restart_keeps_every_count(tmp_path: Path, site_dir: Path, clock):
    db = tmp_path / "restart.sqlite3"
    with start_in_background(db, site_dir, clock=clock, rate=0, token=TOKEN) as handle:
        api = Api(handle.port)
        for i in range(5):
            api.hit("/tin-tuc/a/", ua=f"{BROWSER_UA} {i}")
        api.request("POST", "/api/import?site_visits=100", "/,9\n", {"Content-Type": "text/csv", **AUTH})
        before = api.request("GET", "/api/export", headers=AUTH).json
    with start_in_background(db, site_dir, clock=clock, rate=0, token=TOKEN) as handle:
        after = Api(handle.port).request("GET", "/api/export", headers=AUTH).json
    for data in (before, after):
        del data["generated"]
    assert after == before and after["views"] == {"/": 9, "/tin-tuc/a/": 5}


def test_rereads_the_manifest_when_the_build_rewrites_it(api: Api, site_dir: Path):
    assert api.hit("/tin-tuc/moi/").status == 404
    write_manifest(site_dir, PAGES + [("/tin-tuc/moi/", "Tin mới", "article")])
    assert api.hit("/tin-tuc/moi/").status == 200
    assert api.request("GET", "/api/health").json == {
        "status": "ok", "pages": 6, "manifest_error": None, "polls": 0, "polls_error": None,
        "db_writable": True, "db_error": None}


def test_keeps_the_last_good_manifest_while_a_rebuild_writes_it(api: Api, site_dir: Path):
    (site_dir / "_bantin" / "pages.json").write_text('{"version": 1, "pag', "utf-8")
    assert api.hit("/tin-tuc/a/").status == 200
    assert "not valid JSON" in api.request("GET", "/api/health").json["manifest_error"]


def test_stores_no_ip_or_user_agent(api: Api, tmp_path: Path):
    api.hit("/tin-tuc/a/", ua="Mozilla/5.0 UniqueAgentXYZ")
    dump = "\n".join(sqlite3.connect(tmp_path / "counter.sqlite3").iterdump())
    assert "UniqueAgentXYZ" not in dump and "127.0.0.1" not in dump
    assert not any("UniqueAgentXYZ".encode() in f.read_bytes() for f in tmp_path.glob("counter.sqlite3*"))


def test_openapi_documents_every_route(api: Api):
    import yaml

    spec = yaml.safe_load((Path(__file__).resolve().parents[2] / "docs" / "counter-openapi.yaml").read_text("utf-8"))
    assert spec["openapi"].startswith("3.1")
    from bantin.counter.api import Api as Routes

    routes = Routes.__new__(Routes)
    Routes.__init__(routes, None)  # type: ignore[arg-type]
    for path, methods in routes.routes.items():
        assert path in spec["paths"]
        for method in methods:
            assert method.lower() in spec["paths"][path]
