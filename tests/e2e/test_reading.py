"""A reader's view of the portal at 390 and 1280 px: the front page, counters, statistics, the article
and its printout, the date search (issue 15)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import serve_folder
from tests.e2e.conftest import WIDTHS
from tests.support import SAMPLE_NOW, free_port

pytestmark = pytest.mark.browser

STORY_LINKS = """() => [...document.querySelectorAll('main a[href*="/tin-tuc/"]')].map(a => a.getAttribute('href'))"""


def visit(contexts, width: int, url: str):
    page = contexts[width].new_page()
    page.goto(url, wait_until="load")
    return page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["home", "article", "unit", "units", "compare"])
def test_the_page_never_scrolls_sideways(contexts, sample_url, pages, kind, width):
    page = visit(contexts, width, sample_url + pages[kind])
    try:
        used = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    finally:
        page.close()
    assert used[0] <= used[1], f"{used[0]} px wide in {used[1]} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_no_story_appears_twice_on_the_home_page(contexts, sample_url, width):
    page = visit(contexts, width, sample_url + "/")
    try:
        links = page.evaluate(STORY_LINKS)
        lead_image = page.locator(".lead .lead__image")
        lead_visible = lead_image.is_visible()
    finally:
        page.close()
    assert len(links) > 20
    assert sorted({href for href in links if links.count(href) > 1}) == []
    assert lead_visible


def test_on_a_phone_home_stories_are_compact_rows_with_small_thumbnails(contexts, sample_url):
    page = visit(contexts, 390, sample_url + "/")
    try:
        widths = page.evaluate("[...document.querySelectorAll('main .cards .card__image')].map(i => i.getBoundingClientRect().width)")
        header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    finally:
        page.close()
    assert widths and max(widths) <= 120, widths
    assert header <= 160, f"the header takes {header} px of the first screen"


def test_on_a_desktop_the_menu_is_one_row(contexts, sample_url):
    page = visit(contexts, 1280, sample_url + "/")
    try:
        tops = page.evaluate("[...document.querySelectorAll('.menu__list a')].map(a => Math.round(a.getBoundingClientRect().top))")
        overflow = page.evaluate("(l => l.scrollWidth - l.clientWidth)(document.querySelector('.menu__list'))")
    finally:
        page.close()
    assert len(set(tops)) == 1 and overflow <= 0


def test_the_first_two_figures_of_the_unit_tree_are_in_view_on_a_phone(contexts, sample_url, pages):
    page = visit(contexts, 390, sample_url + pages["units"])
    try:
        box = page.evaluate("document.querySelector('.stats-scroll').getBoundingClientRect().right")
        headers = page.evaluate("""() => [...document.querySelectorAll('.stats-table--tree thead th')]
            .map(th => [th.textContent.trim(), th.getBoundingClientRect().right, getComputedStyle(th).textAlign])""")
    finally:
        page.close()
    numeric = headers[1:3]  # Năm, Đảng viên: the name column comes first
    assert [text for text, right, _ in numeric if right > box + 1] == [], (numeric, box)
    assert {align for _, _, align in headers[1:]} == {"right"}


def test_chart_text_is_at_least_12_px_on_a_phone(contexts, sample_url, pages):
    page = visit(contexts, 390, sample_url + pages["unit"])
    try:
        sizes = page.evaluate("""() => [...document.querySelectorAll('svg.stats-chart')].flatMap(svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale);
        })""")
    finally:
        page.close()
    assert sizes and min(sizes) >= 12, min(sizes)


@pytest.fixture(scope="module")
def counter_down_url(tmp_path_factory):
    """The sample portal built for a counter that is not running, without a snapshot."""
    from bantin.pipeline import Options, build
    from tests.conftest import ROOT
    out = tmp_path_factory.mktemp("counter-down") / "site"
    build(Options(content=ROOT / "content", out=out, jobs=1, cache_dir=None, search=False, now=SAMPLE_NOW,
                  counter_endpoint=f"http://127.0.0.1:{free_port()}"))
    url, server = serve_folder(out)
    yield url
    server.shutdown()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["/", "/khong-co-trang-nay/"])
def test_with_the_counter_down_and_no_snapshot_no_empty_counter_box_shows(contexts, counter_down_url, path, width):
    page = contexts[width].new_page()
    try:
        page.goto(counter_down_url + path, wait_until="networkidle")
        shown = {selector: page.locator(selector).first.is_visible()
                 for selector in (".block--counter", ".block--most-read", ".views", "[data-online]")}
    finally:
        page.close()
    assert not any(shown.values()), shown


def test_an_article_uses_vietnamese_quotes(contexts, sample_url):
    page = visit(contexts, 390, sample_url + "/tin-tuc/2025/02/thoai-son-long-trong-ky-niem-95-nam-ngay-thanh-lap-dang/")
    try:
        text = page.locator("article").inner_text()
    finally:
        page.close()
    assert "“Mừng Đảng, mừng Xuân Ất Tỵ”" in text and '"' not in text


def test_the_printout_carries_the_site_name_the_address_and_the_day(contexts, sample_url, pages):
    page = visit(contexts, 1280, sample_url + pages["article"])
    try:
        page.emulate_media(media="print")
        header = page.locator(".print-header")
        printed = header.inner_text() if header.is_visible() else ""
        cover = page.evaluate("document.querySelector('.article__cover img').getBoundingClientRect().height")
        page.emulate_media(media="screen")
        on_screen = header.is_visible()
    finally:
        page.close()
    assert "Cổng thông tin điện tử Đảng bộ huyện Thoại Sơn" in printed
    assert "https://dangbo-thoaison.example.vn" + pages["article"] in printed
    assert re.search(r"In ngày \d\d/\d\d/\d{4}", printed)
    assert cover <= 8 / 2.54 * 96 + 1, "the cover photo takes more than 8 cm"
    assert not on_screen


def test_copy_link_copies_the_address_and_says_so(browser, sample_url, pages):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=sample_url)
    page = context.new_page()
    try:
        page.goto(sample_url + pages["article"])
        page.get_by_role("button", name="Sao chép liên kết").click()
        status = page.locator(".action-status")
        status.wait_for(state="visible")
        copied = page.evaluate("navigator.clipboard.readText()")
        zalo = page.get_by_role("link", name="Zalo").get_attribute("href")
        said = status.inner_text()
    finally:
        context.close()
    assert said == "Đã sao chép liên kết"
    assert copied == "https://dangbo-thoaison.example.vn" + pages["article"]
    assert zalo.startswith("https://sp.zalo.me/share?url=https%3A")


@pytest.mark.parametrize("locale", ["vi-VN", "en-US"])
def test_the_date_search_reads_day_month_year_whatever_the_browser_locale(browser, sample_url, locale):
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale=locale)
    page = context.new_page()
    try:
        page.goto(sample_url + "/")
        form = page.locator("[data-archive-form]")
        assert form.get_by_role("button").inner_text() == "Xem"
        field = form.get_by_label("Ngày (ngày/tháng/năm)")
        field.fill("31/02/2025")
        form.get_by_role("button").click()
        invalid = form.locator("[data-archive-status]").inner_text()
        field.fill("04/06/2025")  # no news that day; the 5th has
        form.get_by_role("button").click()
        status = form.locator("[data-archive-status]")
        status.locator("a").first.wait_for()
        message, nearest = status.inner_text(), [a.get_attribute("href") for a in status.locator("a").all()]
        field.fill("5/6/2025")
        form.get_by_role("button").click()
        page.wait_for_url("**/luu-tru/2025/06/05/")
    finally:
        context.close()
    assert invalid.startswith("Ngày chưa đúng")
    assert message.startswith("Không có tin nào đăng ngày 04/06/2025.")
    assert nearest[-1] == "/luu-tru/2025/06/05/" and len(nearest) == 2
