"""The widget `assets/js/counter.js`: size, safety, and its behaviour in Node against a live server."""

from __future__ import annotations

import gzip
import json
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .helpers import PAGES, TOKEN, Api, write_manifest

ROOT = Path(__file__).resolve().parents[2]
WIDGET = ROOT / "assets" / "js" / "counter.js"
HARNESS = Path(__file__).with_name("widget_harness.js")
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


def test_widget_is_under_3_kb_gzipped():
    assert len(gzip.compress(WIDGET.read_bytes(), 9)) < 3 * 1024


def test_widget_never_writes_html_uses_beacons_or_cookies():
    source = WIDGET.read_text("utf-8")
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                      "sendBeacon", "document.cookie", "eval("):
        assert forbidden not in source


def run_widget(html: dict[str, str], body: list[Any]) -> dict[str, Any]:
    page = json.dumps({"html": html, "body": body})
    done = subprocess.run([NODE, str(HARNESS), str(WIDGET), page], capture_output=True,
                          text=True, timeout=30, check=True)
    return json.loads(done.stdout)


def page_html(url: str, lang: str = "vi", path: str = "/tin-tuc/a/") -> dict[str, str]:
    return {"lang": lang, "data-path": path, "data-base": "/portal/", "data-counter": url}


BODY = [
    ["span", {"id": "views", "data-views": "/tin-tuc/a/"}, "1"],
    ["span", {"id": "other", "data-views": "/tin-tuc/b/"}, ""],
    ["span", {"data-views": "/tin-tuc/b/"}, ""],
    ["span", {"data-site-visits": ""}, "9"],
    ["span", {"data-online": ""}, ""],
    ["ol", {"data-top": "all", "data-limit": "5"},
     ["li", {"class": "top-item"}, ["a", {"href": "/portal/cu/"}, "Cũ"], " ", ["span", {"data-views": "/cu/"}, "5"]]],
]


@pytest.fixture
def seeded(api: Api, site_dir: Path) -> Api:
    write_manifest(site_dir, PAGES + [("/tin-tuc/x/", "<img src=x onerror=alert(1)>", "article")])
    csv = "/tin-tuc/a/,2421\n/tin-tuc/b/,1234567\n/tin-tuc/x/,3\n"
    response = api.request("POST", "/api/import?site_visits=16593683", csv,
                           {"Content-Type": "text/csv", "Authorization": f"Bearer {TOKEN}"})
    assert response.status == 200
    return api


@needs_node
def test_widget_counts_the_view_and_fills_every_number(seeded: Api, server):
    result = run_widget(page_html(server.url), BODY)
    views, other, other2, visits, online, top = result["body"]
    assert views[2] == "2.422" and other[2] == "1.234.567" and other2[2] == "1.234.567"
    assert visits[2] == "16.593.684" and online[2] == "1"
    assert top[2:] == [
        ["li", {"class": "top-item"}, ["a", {"href": "/portal/tin-tuc/b/"}, "Tin B"], " ",
         ["span", {"data-views": "/tin-tuc/b/"}, "1.234.567"]],
        ["li", {"class": "top-item"}, ["a", {"href": "/portal/tin-tuc/a/"}, "Tin A"], " ",
         ["span", {"data-views": "/tin-tuc/a/"}, "2.422"]],
        ["li", {"class": "top-item"}, ["a", {"href": "/portal/tin-tuc/x/"}, "<img src=x onerror=alert(1)>"],
         " ", ["span", {"data-views": "/tin-tuc/x/"}, "3"]],
    ]
    hit = result["fetches"][0]
    assert hit["url"] == server.url + "/api/hit"
    assert hit["options"]["method"] == "POST" and hit["options"]["keepalive"] is True
    assert json.loads(hit["options"]["body"]) == {"path": "/tin-tuc/a/"}
    assert all(f["options"]["credentials"] == "omit" for f in result["fetches"])
    assert seeded.views("/tin-tuc/a/") == {"/tin-tuc/a/": 2422}


@needs_node
def test_widget_writes_english_numbers_for_english_pages(seeded: Api, server):
    result = run_widget(page_html(server.url, lang="en"), BODY)
    assert result["body"][0][2] == "2,422" and result["body"][3][2] == "16,593,684"


@needs_node
def test_widget_asks_for_other_counts_in_chunks_of_100(api: Api, server):
    body = [["span", {"data-views": f"/p{i}/"}, "7"] for i in range(150)]
    result = run_widget(page_html(server.url, path=""), body)
    counts = [f["url"] for f in result["fetches"] if "/api/counts?" in f["url"]]
    assert [url.count("path=") for url in counts] == [100, 50]
    assert "path=%2Fp0%2F" in counts[0]
    assert {span[2] for span in result["body"]} == {"0"}
    assert not any("/api/hit" in f["url"] for f in result["fetches"])


@needs_node
def test_widget_does_nothing_without_an_endpoint():
    html = page_html("")
    del html["data-counter"]
    result = run_widget(html, BODY)
    assert result["fetches"] == [] and result["body"] == json.loads(json.dumps(BODY))


@needs_node
def test_widget_keeps_baked_numbers_when_the_service_is_down():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused
        result = run_widget(page_html(f"http://127.0.0.1:{port}"), BODY)
    assert len(result["fetches"]) == 3
    assert result["body"] == json.loads(json.dumps(BODY))


@needs_node
def test_widget_keeps_baked_numbers_on_an_unknown_page(api: Api, server):
    result = run_widget(page_html(server.url, path="/khong-co/"),
                        [["span", {"data-views": "/khong-co/"}, "12"]])
    assert result["body"] == [["span", {"data-views": "/khong-co/"}, "12"]]
    assert Api(server.port).views("/khong-co/") == {"/khong-co/": 0}
