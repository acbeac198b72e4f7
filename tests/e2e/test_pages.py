"""Every kind of page of the sample portal in headless Chromium, on a phone (390 px) and a desktop (1280 px)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import MISSING, WIDTHS, watch

pytestmark = pytest.mark.browser

KINDS = ["home", "article", "category-page-2", "tag", "unit", "units", "archive-year", "archive-month",
         "archive-day", "page", "404"]

# Scroll every image into view (they are lazy) and wait until each has loaded or failed.
LOAD_IMAGES = """async () => {
  const images = [...document.images];
  for (const img of images) {
    img.scrollIntoView({block: "center"});
    if (!img.complete) {
      await new Promise(done => { img.addEventListener("load", done, {once: true});
                                 img.addEventListener("error", done, {once: true});
                                 setTimeout(done, 5000); });
    }
  }
  window.scrollTo(0, 0);
  return images.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.currentSrc || img.src);
}"""


@pytest.fixture(scope="session")
def counter_endpoint(sample_site) -> str:
    """The view counter the portal talks to, if one is configured (the sample has none)."""
    found = re.search(r'<html[^>]* data-counter="([^"]+)"', (sample_site / "index.html").read_text(encoding="utf-8"))
    return found.group(1) if found else ""


@pytest.fixture(scope="session")
def site_language(sample_site) -> str:
    import yaml
    from tests.conftest import ROOT
    return yaml.safe_load((ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))["language"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", KINDS)
def test_page_works_in_the_browser(contexts, sample_url, pages, counter_endpoint, site_language, kind, width):
    page = contexts[width].new_page()
    url = sample_url + pages[kind]
    visit = watch(page, url, counter_endpoint)
    try:
        response = page.goto(url, wait_until="load")
        assert response.status == (404 if kind == "404" else 200)
        broken_images = page.evaluate(LOAD_IMAGES)
        page.wait_for_load_state("networkidle")
        width_used = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        landmarks = {role: page.get_by_role(role).count() for role in ("banner", "navigation", "main", "contentinfo")}
        h1s = page.locator("h1").count()
        lang = page.get_attribute("html", "lang")
    finally:
        page.close()
    assert visit.errors == []
    assert broken_images == [], "images that did not load"
    assert width_used[0] <= width_used[1], f"the page scrolls sideways: {width_used[0]} px wide in {width_used[1]} px"
    assert lang == site_language
    assert h1s == 1
    assert landmarks["banner"] == 1 and landmarks["main"] == 1 and landmarks["contentinfo"] == 1, landmarks
    assert landmarks["navigation"] >= 1, landmarks


@pytest.mark.parametrize("kind", ["home", "article", "404"])
def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(contexts, sample_url, pages, kind):
    page = contexts[390].new_page()
    try:
        page.goto(sample_url + pages[kind])
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const a = document.activeElement, r = a.getBoundingClientRect();
                                   return {cls: a.className, href: a.getAttribute('href'), top: r.top, bottom: r.bottom,
                                           text: a.textContent.trim()}; }""")
        assert focused["cls"] == "skip-link" and focused["text"]
        assert focused["top"] >= 0 and focused["bottom"] <= 900, "the focused skip link is off screen"
        page.keyboard.press("Enter")
        target = focused["href"].lstrip("#")
        page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=target)
        assert page.evaluate("id => document.getElementById(id).tagName", target) == "MAIN"
    finally:
        page.close()


def test_print_layout_shows_the_article_without_navigation_or_side_column(contexts, sample_url, pages):
    page = contexts[1280].new_page()
    try:
        page.goto(sample_url + pages["article"])
        page.emulate_media(media="print")
        assert page.locator("h1").is_visible()
        assert page.locator(".article__body").is_visible()
        for hidden in ("header nav", ".site-header", ".side", ".site-footer", ".article__actions"):
            assert not page.locator(hidden).first.is_visible(), f"{hidden} shows in print"
        page.emulate_media(media="screen")
        assert page.locator("header nav").first.is_visible()
        assert page.locator(".side").is_visible()
    finally:
        page.close()


def test_a_missing_page_gets_the_404_page(contexts, sample_url):
    page = contexts[1280].new_page()
    try:
        response = page.goto(sample_url + MISSING)
        assert response.status == 404
        assert page.locator("main h1").count() == 1
        page.locator("main a[href='/']").first.click()
        page.wait_for_url(sample_url + "/")
    finally:
        page.close()
