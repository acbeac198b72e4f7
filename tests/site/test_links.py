"""No broken internal link, anchor or asset anywhere in the built sample portal, read from disk."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.site.sitecrawl import Page, parse_page

CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
EXTERNAL_SCHEMES = {"mailto", "tel", "javascript", "data", "sms"}


def internal_target(ref: str, base: str, own_origin: str) -> tuple[str, str] | None:
    """(site path, fragment) that `ref` written on page `base` points at; None when it leaves the site."""
    parts = urlsplit(ref.strip())
    if parts.scheme in EXTERNAL_SCHEMES:
        return None
    if parts.scheme or parts.netloc:
        absolute = urljoin(base if parts.scheme else "https:", ref)
        if not absolute.startswith(own_origin):
            return None
        ref = "/" + absolute[len(own_origin):].lstrip("/")
        parts = urlsplit(ref)
    path = urlsplit(urljoin(base, parts.path or base)).path
    return unquote(path), unquote(parts.fragment)


def file_for(root: Path, path: str) -> Path | None:
    """The file a static host serves for `path`: clean URLs map to folder/index.html."""
    candidate = (root / path.lstrip("/")).resolve()
    if root.resolve() not in (candidate, *candidate.parents):
        return None
    if path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def check(root: Path, pages: dict[str, Page], origin: str, source: str, base: str, ref: str) -> str | None:
    target = internal_target(ref, base, origin)
    if target is None:
        return None
    path, fragment = target
    file = file_for(root, path)
    if file is None:
        return f"{source}: {ref!r} -> {path} does not exist"
    if fragment:
        page = pages.get(path if path.endswith((".html", "/")) else path + "/") or pages.get(path)
        if page is None and file.suffix == ".html":
            page = parse_page(file, root)
        if page is not None and fragment not in page.ids:
            return f"{source}: {ref!r} -> no id={fragment!r} in {path}"
    return None


@pytest.fixture(scope="session")
def origin(published) -> str:
    """The deployed site's origin and base path: absolute links to it must resolve too."""
    return published["base_url"].rstrip("/") + "/"


def test_every_internal_link_and_anchor_resolves(sample_site, site_pages, origin):
    broken = []
    for page in site_pages.values():
        for tag, ref in page.refs:
            problem = check(sample_site, site_pages, origin, f"{page.url} <{tag}>", page.url, ref)
            if problem:
                broken.append(problem)
    assert not broken, f"{len(broken)} broken internal link(s):\n" + "\n".join(sorted(set(broken))[:80])


def test_every_css_url_resolves(sample_site, site_pages, origin):
    broken = []
    for css in sorted(sample_site.rglob("*.css")):
        url = "/" + css.relative_to(sample_site).as_posix()
        for _, ref in CSS_URL.findall(css.read_text(encoding="utf-8")):
            if ref.startswith("#"):  # an SVG filter or mask inside the document
                continue
            problem = check(sample_site, site_pages, origin, url, url, ref)
            if problem:
                broken.append(problem)
    for page in site_pages.values():
        for style in page.styles:
            for _, ref in CSS_URL.findall(style):
                if not ref.startswith("#"):
                    problem = check(sample_site, site_pages, origin, f"{page.url} style", page.url, ref)
                    if problem:
                        broken.append(problem)
    assert not broken, "\n".join(broken)


def test_the_crawl_really_follows_links(sample_site, site_pages, origin):
    """Guard against a checker that passes because it finds nothing."""
    home = site_pages["/"]
    assert len(site_pages) > 100
    assert sum(1 for tag, _ in home.refs if tag == "a") > 20
    assert any(tag == "img" for tag, _ in home.refs)
    assert check(sample_site, site_pages, origin, "x", "/", "/khong-co-trang-nay/")
    assert check(sample_site, site_pages, origin, "x", "/", "/#khong-co-muc-nay")
    assert check(sample_site, site_pages, origin, "x", "/", origin + "khong-co/")
    assert check(sample_site, site_pages, origin, "x", "/", "/#main") is None
    assert check(sample_site, site_pages, origin, "x", "/", "https://example.org/x") is None
