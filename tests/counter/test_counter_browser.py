"""The widget in a real browser: opening an article counts one view and shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bantin.counter import start_in_background
from bantin.pipeline import Options, build
from tests.conftest import ROOT, free_port, serve_folder

pytestmark = pytest.mark.browser
READER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/156.0.0.0 Safari/537.36")


@pytest.fixture(scope="module")
def counted_site(tmp_path_factory):
    """The sample portal built to talk to a counter on localhost, served next to it."""
    folder = tmp_path_factory.mktemp("counted")
    site = folder / "site"
    counter_port = free_port()
    build(Options(content=ROOT / "content", out=site, jobs=1, search=False,
                  counter_endpoint=f"http://127.0.0.1:{counter_port}"))
    url, server = serve_folder(site)
    counter = start_in_background(folder / "counter.sqlite3", site, port=counter_port, origin=url)
    yield url, site
    counter.stop()
    server.shutdown()


def _first_article(site: Path) -> str:
    page = sorted(site.glob("tin-tuc/*/*/*/index.html"))[0]
    return "/" + page.parent.relative_to(site).as_posix() + "/"


def test_can_count_an_article_view_and_show_it(browser, counted_site):
    url, site = counted_site
    path = _first_article(site)
    # Headless Chromium says so in its User-Agent, and the counter rightly ignores robots.
    page = browser.new_page(user_agent=READER_AGENT)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(url + path)
    views = page.locator(f'article [data-views="{path}"]')
    views.wait_for(state="visible")
    page.wait_for_function(f"document.querySelector('article [data-views=\"{path}\"]').textContent === '1'")
    assert page.locator("[data-site-visits]").first.text_content() == "1"
    assert page.locator("[data-online]").first.text_content() == "1"
    page.reload()
    page.wait_for_function(f"document.querySelector('article [data-views=\"{path}\"]').textContent !== ''")
    assert views.text_content() == "1", "the same reader within 30 minutes is counted once"
    assert errors == []
    page.close()
