"""One page of every kind of the sample portal, and a browser context per screen width."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

WIDTHS = (390, 1280)
MISSING = "/khong-co-trang-nay/"


@dataclass
class Visit:
    """What went wrong while a page loaded: console errors, uncaught exceptions, failed requests."""
    url: str
    errors: list[str] = field(default_factory=list)


def html_of(site: Path, path: str) -> str:
    return (site / path.lstrip("/") / "index.html").read_text(encoding="utf-8")


def _archive_with_both_links(site: Path, paths: list[str]) -> str:
    """The first archive page that links to both the previous and the next period (else any)."""
    for path in paths:
        text = html_of(site, path)
        if 'rel="prev"' in text and 'rel="next"' in text:
            return path
    return paths[0]


@pytest.fixture(scope="session")
def pages(sample_site) -> dict[str, str]:
    """Site path of one page of every kind, picked from the build's page list (`_bantin/pages.json`)."""
    listed = json.loads((sample_site / "_bantin" / "pages.json").read_text(encoding="utf-8"))["pages"]
    by_kind: dict[str, list[str]] = {}
    for p in listed:
        by_kind.setdefault(p["kind"], []).append(p["path"])
    archives = {depth: [p for p in by_kind["archive"] if p.count("/") == depth + 2] for depth in (1, 2, 3)}
    units = sorted(by_kind["unit"], key=lambda p: -len(html_of(sample_site, p)))
    with_cover = [p for p in by_kind["article"] if 'class="article__cover"' in html_of(sample_site, p)]
    compare = re.search(r'href="([^"]*/so-sanh/[^"]*)"', html_of(sample_site, "/don-vi/"))
    return {
        "home": "/",
        "article": (with_cover or by_kind["article"])[0],
        "category-page-2": next(p for p in by_kind["category"] if p.endswith("/trang/2/")),
        "tag": by_kind["tag"][0],
        "unit": units[0],  # the richest unit page: charts, tables, sub-units
        "units": "/don-vi/",
        "compare": compare.group(1) if compare else by_kind["compare"][0],
        "archive-year": _archive_with_both_links(sample_site, archives[1]),
        "archive-month": _archive_with_both_links(sample_site, archives[2]),
        "archive-day": _archive_with_both_links(sample_site, archives[3]),
        "page": by_kind["page"][0],
        "search": by_kind["search"][0],
        "404": MISSING,
    }


@pytest.fixture(scope="session")
def contexts(browser):
    """One browser context per width, shared by every page visit at that width."""
    made = {w: browser.new_context(viewport={"width": w, "height": 900}, locale="vi-VN") for w in WIDTHS}
    yield made
    for ctx in made.values():
        ctx.close()


def watch(page, url: str, counter: str = "") -> Visit:
    """Record everything that goes wrong on `page`; the 404 page's own status is expected, nothing else."""
    visit = Visit(url)

    def expected(request_url: str) -> bool:
        return (url.endswith(MISSING) and request_url == url) or bool(counter and request_url.startswith(counter))

    def on_console(msg):
        if msg.type == "error" and not expected(msg.location.get("url", "")):
            visit.errors.append(f"console: {msg.text} ({msg.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: visit.errors.append(f"uncaught: {exc}"))
    def on_failed(request):
        # ERR_ABORTED is the browser cancelling a request because the page navigated on (a favicon
        # still loading when a test clicks a link); a missing file shows as an HTTP error below.
        if not expected(request.url) and request.failure != "net::ERR_ABORTED":
            visit.errors.append(f"failed: {request.url} {request.failure}")

    page.on("requestfailed", on_failed)
    page.on("response", lambda r: r.status >= 400 and not expected(r.url)
            and visit.errors.append(f"HTTP {r.status}: {r.url}"))
    return visit
