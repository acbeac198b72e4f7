"""Helpers for the counter tests: a site manifest, a controllable clock, an HTTP client."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ORIGIN = "https://dangbo.example.vn"
TOKEN = "s3cret-token"
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
PAGES = [("/", "Trang chủ", "home"), ("/tin-tuc/a/", "Tin A", "article"),
         ("/tin-tuc/b/", "Tin B", "article"), ("/tin-tuc/c/", "Tin C", "article"),
         ("/don-vi/", "Đơn vị", "units")]
START = 1_795_000_000.0  # a fixed moment (2026-11-18), far from a local midnight


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = START):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def write_manifest(site_dir: Path, pages: list[tuple[str, str, str]]) -> None:
    """Write `_bantin/pages.json` as the build does."""
    (site_dir / "_bantin").mkdir(parents=True, exist_ok=True)
    data = {"version": 1, "base_url": "https://dangbo.example.vn/",
            "pages": [{"path": p, "title": t, "kind": k} for p, t, k in sorted(pages)]}
    (site_dir / "_bantin" / "pages.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class Api:
    """A tiny HTTP client for one server; one connection per call keeps tests simple."""

    def __init__(self, port: int):
        self.port = port

    def request(self, method: str, url: str, body: bytes | str | None = None,
                headers: dict[str, str] | None = None, ua: str | None = BROWSER_UA) -> Response:
        all_headers = {"User-Agent": ua} if ua is not None else {}
        all_headers.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            if isinstance(body, str):
                body = body.encode()
            conn.request(method, url, body=body, headers=all_headers)
            response = conn.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            conn.close()

    def hit(self, path: str, ua: str | None = BROWSER_UA, headers: dict[str, str] | None = None) -> Response:
        """A hit as the widget on one of the site's pages sends it (with the site's Origin)."""
        return self.request("POST", "/api/hit", json.dumps({"path": path}),
                            {"Content-Type": "application/json", "Origin": ORIGIN, **(headers or {})}, ua=ua)

    def views(self, *paths: str) -> dict[str, int]:
        query = "&".join(f"path={p}" for p in paths)
        return self.request("GET", f"/api/counts?{query}").json["views"]

    def counts(self, path: str = "/") -> dict[str, Any]:
        return self.request("GET", f"/api/counts?path={path}").json

