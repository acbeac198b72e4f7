"""Moving around the sample portal by clicking: archive periods, pagination, the date picker, the menu."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from tests.e2e.conftest import watch

pytestmark = pytest.mark.browser


@pytest.fixture
def page(contexts):
    tab = contexts[1280].new_page()
    yield tab
    tab.close()


@pytest.mark.parametrize("kind", ["archive-year", "archive-month", "archive-day"])
def test_archive_period_links_lead_to_the_next_period_and_back(page, sample_url, pages, kind):
    start = sample_url + pages[kind]
    visit = watch(page, start)
    page.goto(start)
    heading = page.locator("h1").inner_text()
    nav = page.locator(".period-nav")
    assert nav.get_by_role("link").count() >= 1, f"{pages[kind]} has no link to another period"
    direction, back = ("next", "prev") if nav.locator("a[rel=next]").count() else ("prev", "next")
    link = nav.locator(f"a[rel={direction}]")
    target = urljoin(start, link.get_attribute("href"))
    link.click()
    page.wait_for_url(target)
    assert target != start
    assert page.locator("h1").inner_text() != heading
    assert page.locator(".card, .archive-list li").count() >= 1, f"{page.url} lists nothing"
    page.locator(f".period-nav a[rel={back}]").click()
    page.wait_for_url(start)
    assert page.locator("h1").inner_text() == heading
    assert visit.errors == []


def test_archive_breadcrumb_climbs_from_day_to_month_to_year(page, sample_url, pages):
    day = pages["archive-day"]
    page.goto(sample_url + day)
    crumbs = page.locator(".breadcrumb a")
    hrefs = [crumbs.nth(i).get_attribute("href") for i in range(crumbs.count())]
    year, month = day.split("/")[2:4]
    assert f"/luu-tru/{year}/" in hrefs and f"/luu-tru/{year}/{month}/" in hrefs


def test_category_page_2_links_back_to_page_1(page, sample_url, pages):
    path = pages["category-page-2"]
    page.goto(sample_url + path)
    pager = page.locator("nav.pagination")
    assert pager.locator("[aria-current=page]").inner_text() == "2"
    pager.locator("a[rel=prev]").click()
    page.wait_for_url(sample_url + path.replace("trang/2/", ""))
    assert page.locator(".card").count() >= 1


def test_date_search_opens_the_day_typed_as_day_month_year(page, sample_url, pages):
    day = pages["archive-day"]  # /luu-tru/yyyy/mm/dd/
    year, month, dd = day.strip("/").split("/")[1:]
    form = page.locator("[data-archive-form]")
    page.goto(sample_url + "/")
    form.locator("input[name=ngay]").fill(f"{dd}/{month}/{year}")
    form.locator("button").click()
    page.wait_for_url(sample_url + day)
    # A day without news: see tests/e2e/test_reading.py (a message and the nearest days).


def test_main_menu_marks_the_current_section(page, sample_url, pages):
    page.goto(sample_url + pages["units"])
    menu = page.locator(".menu")
    current = menu.locator("[aria-current=page]")
    assert current.count() == 1
    assert current.get_attribute("href") == "/don-vi/"
    menu.get_by_role("link").first.click()
    page.wait_for_url(sample_url + "/")
    assert menu.locator("[aria-current=page]").get_attribute("href") == "/"
