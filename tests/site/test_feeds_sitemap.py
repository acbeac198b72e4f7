"""Every Atom feed and the sitemap of the sample portal parse and carry what readers and crawlers need."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
W3C_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")


def text(el, tag: str) -> str:
    child = el.find(ATOM + tag)
    return (child.text or "").strip() if child is not None else ""


def alternate(el) -> str:
    links = [l for l in el.findall(ATOM + "link") if l.get("rel", "alternate") == "alternate"]
    return links[0].get("href", "") if links else ""


@pytest.fixture(scope="session")
def origin(published) -> str:
    return published["base_url"].rstrip("/") + "/"


@pytest.fixture(scope="session")
def feeds(sample_site):
    files = sorted(sample_site.rglob("feed.xml"))
    return {"/" + f.relative_to(sample_site).as_posix(): ET.parse(f).getroot() for f in files}


def published_path(url: str, origin: str) -> str:
    assert url.startswith(origin), f"{url} is not on the site ({origin})"
    return "/" + url[len(origin):]


def test_the_site_has_a_main_feed_and_one_per_category_and_unit(feeds, published):
    kinds = {p["path"]: p["kind"] for p in published["pages"]}
    assert "/feed.xml" in feeds
    for path, kind in kinds.items():
        if kind == "category" and "/trang/" not in path or kind == "unit":
            assert path + "feed.xml" in feeds, f"{kind} {path} has no feed"


def test_every_feed_carries_the_required_atom_elements(feeds, origin, published):
    pages = {p["path"] for p in published["pages"]}
    problems = []
    for name, feed in feeds.items():
        assert feed.tag == ATOM + "feed", name
        for tag in ("id", "title", "updated"):
            if not text(feed, tag):
                problems.append(f"{name}: no <{tag}>")
        if not RFC3339.match(text(feed, "updated")):
            problems.append(f"{name}: updated {text(feed, 'updated')!r} is not RFC 3339")
        self_links = [l.get("href") for l in feed.findall(ATOM + "link") if l.get("rel") == "self"]
        if self_links != [origin + name.lstrip("/")]:
            problems.append(f"{name}: rel=self {self_links}")
        home = alternate(feed)
        if not home or published_path(home, origin) not in pages:
            problems.append(f"{name}: rel=alternate {home!r} is not a published page")
        if feed.find(ATOM + "author") is None and any(e.find(ATOM + "author") is None
                                                      for e in feed.findall(ATOM + "entry")):
            problems.append(f"{name}: an entry has no author and the feed has none either")
        entries = feed.findall(ATOM + "entry")
        ids = [text(e, "id") for e in entries]
        if len(set(ids)) != len(ids):
            problems.append(f"{name}: duplicate entry ids")
        newest = max((text(e, "updated") for e in entries), default=None)
        for entry in entries:
            for tag in ("id", "title", "updated"):
                if not text(entry, tag):
                    problems.append(f"{name}: entry {ids[0] if ids else '?'} has no <{tag}>")
            if not RFC3339.match(text(entry, "updated")):
                problems.append(f"{name}: entry updated {text(entry, 'updated')!r} is not RFC 3339")
            link = alternate(entry)
            if not link or published_path(link, origin) not in pages:
                problems.append(f"{name}: entry link {link!r} is not a published page")
        if newest and text(feed, "updated") < newest:
            problems.append(f"{name}: feed updated {text(feed, 'updated')} is older than its newest entry")
    assert not problems, "\n".join(problems)


def test_the_main_feed_lists_articles_newest_first(feeds):
    entries = feeds["/feed.xml"].findall(ATOM + "entry")
    assert entries, "the main feed is empty"
    dates = [text(e, "updated") for e in entries]
    assert dates == sorted(dates, reverse=True)


def test_sitemap_lists_every_published_page_and_nothing_else(sample_site, published, origin):
    root = ET.parse(sample_site / "sitemap.xml").getroot()
    assert root.tag == SITEMAP + "urlset"
    locs = [u.findtext(SITEMAP + "loc", "").strip() for u in root.findall(SITEMAP + "url")]
    assert len(locs) == len(set(locs)), "the sitemap lists a URL twice"
    listed = {published_path(loc, origin) for loc in locs}
    pages = {p["path"] for p in published["pages"]}
    assert sorted(pages - listed) == [], "published pages missing from the sitemap"
    assert sorted(listed - pages) == [], "sitemap URLs that are not published pages"
    bad_dates = [d.text for d in root.iter(SITEMAP + "lastmod") if not W3C_DATE.match(d.text or "")]
    assert not bad_dates


def test_the_build_lists_exactly_the_html_pages_it_wrote(sample_site, site_pages, published):
    pages = {p["path"] for p in published["pages"]}
    written = set(site_pages) - {"/404.html"}
    assert sorted(written - pages) == [], "HTML files the build does not list as published"
    assert sorted(pages - written) == [], "published pages without an HTML file"


def test_robots_txt_points_at_the_sitemap(sample_site, origin):
    robots = (sample_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {origin}sitemap.xml" in robots
