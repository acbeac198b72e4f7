"""The search page in a real browser, over the sample portal's Pagefind index."""

from __future__ import annotations

import re

import unicodedata
from urllib.parse import quote

import pytest

from bantin.pipeline import Options, build
from tests.conftest import ROOT, serve_folder

pytestmark = pytest.mark.browser

CHI_BO_BON_TOT = "/tin-tuc/2023/03/thoai-son-phat-dong-phong-trao-thi-dua-chi-bo-bon-tot-dang-bo-co-so-bon-tot/"
DAI_HOI_PHU_THUAN = "/tin-tuc/2025/03/dai-hoi-diem-dang-bo-xa-phu-thuan-nhiem-ky-2025-2030/"
PHU_HUU = "/tin-tuc/2022/11/chi-bo-ap-phu-huu-nang-chat-sinh-hoat-chuyen-de/"  # unit: a branch of Phú Thuận
DANG_HOA = {"/tin-tuc/2022/05/thoai-son-ky-niem-132-nam-ngay-sinh-chu-tich-ho-chi-minh/",
            "/tin-tuc/2025/05/ky-niem-135-nam-ngay-sinh-chu-tich-ho-chi-minh-tuyen-duong-25-dien-hinh/"}
READY = "window.bantinSearch && window.bantinSearch.find && !document.querySelector('[data-search-filters]').hidden"
SETTLED = ("document.querySelector('[data-search-status]').textContent !== ''"
           " && !document.querySelector('[data-search-status]').textContent.startsWith('Đang tìm')")


@pytest.fixture(scope="module")
def page(browser, sample_url):
    """One search page for the module's API-level tests (Pagefind loaded once)."""
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{sample_url}/tim-kiem/")
    tab.wait_for_function(READY)
    yield tab
    context.close()


@pytest.fixture
def tab(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def find(page, query: str, filters: dict | None = None) -> list[dict]:
    """Every result of the page's own search, best first: url, excerpt and filters."""
    return page.evaluate("""async ([query, filters]) => {
        const found = await window.bantinSearch.find(query, filters);
        return Promise.all(found.map(async (r) => { const d = await r.data();
            return {url: d.url, excerpt: d.excerpt, filters: d.filters, iso: d.meta.iso}; }));
    }""", [query, filters or {}])


def urls(page, query: str, filters: dict | None = None) -> list[str]:
    return [r["url"] for r in find(page, query, filters)]


def test_unaccented_words_find_accented_articles(page):
    assert DAI_HOI_PHU_THUAN in urls(page, "dang bo")[:5]


def test_chi_bo_bon_tot_finds_the_movement_article_first_with_or_without_accents(page):
    assert urls(page, "chi bo bon tot")[0] == CHI_BO_BON_TOT
    assert urls(page, "Chi bộ bốn tốt")[0] == CHI_BO_BON_TOT


def test_d_matches_d_with_stroke(page):
    accented = set(urls(page, "đảng bộ"))
    assert accented and accented <= set(urls(page, "dang bo"))
    assert DAI_HOI_PHU_THUAN in urls(page, "dang")


def test_exact_accents_rank_first(page):
    assert set(urls(page, "dâng hoa")[:2]) == DANG_HOA
    first = find(page, "Đảng bộ")[0]["excerpt"]
    assert "<mark>Đảng</mark>" in first or "<mark>đảng</mark>" in first


def test_nfd_query_gives_the_nfc_results(page):
    for query in ("Chi bộ bốn tốt", "Đảng bộ xã Phú Thuận"):
        assert urls(page, unicodedata.normalize("NFD", query)) == urls(page, query)


def test_unit_filter_includes_the_news_of_sub_units(page):
    found = urls(page, "chi bo", {"unit": "phu-thuan"})
    assert PHU_HUU in found
    assert len(found) < len(urls(page, "chi bo"))


def test_year_and_category_filters_narrow_the_results(page):
    results = find(page, "chi bo", {"year": "2022", "category": "Xây dựng Đảng"})
    assert results
    assert all(r["iso"].startswith("2022") and r["filters"]["category"] == ["Xây dựng Đảng"] for r in results)


def test_query_variants_cover_d_and_d_with_stroke(page):
    variants = page.evaluate("window.bantinSearch.queryVariants('dang bo')")
    assert variants == ["dang bo", "đang bo"]
    assert page.evaluate("window.bantinSearch.queryVariants('Đảng')") == ["Đảng", "Dảng"]
    assert page.evaluate("window.bantinSearch.fold('Đảng bộ Chi bộ bốn tốt')") == "dang bo chi bo bon tot"
    many = page.evaluate("window.bantinSearch.queryVariants('d d d d d d')")
    assert len(many) == 16  # only the first four d-words vary


def test_merge_puts_the_spelling_typed_first_then_phrases_then_score(page):
    order = page.evaluate("""() => {
        const r = (id, score) => ({id, score, words: [1]});
        const typed = [r('a', 1), r('b', 2)], variant = [r('c', 9), r('a', 5)];
        const ids = (list) => list.map((x) => x.id).join('');
        const m = window.bantinSearch.mergeResults;
        return [ids(m([typed, variant], true)), ids(m([typed, variant], false)),
                ids(m([typed, variant], true, new Set(['b'])))];
    }""")
    assert order == ["bac", "bca", "bac"]  # scores count relative to their own list


def test_page_reads_the_query_from_the_address_and_links_results_with_dates(tab, sample_url):
    tab.goto(f"{sample_url}/tim-kiem/?q={quote('chi bo bon tot')}")
    tab.wait_for_function(SETTLED)
    assert tab.input_value("#search-q") == "chi bo bon tot"
    assert re.search(r"\d+", tab.text_content("[data-search-status]"))
    first = tab.locator(".search-result").first
    assert first.locator("h3 a").get_attribute("href") == CHI_BO_BON_TOT
    assert first.locator("time").get_attribute("datetime").startswith("2023-03-22")
    assert first.locator(".search-result__excerpt mark").count() > 0
    assert tab.locator(".search-result").count() == 10


def test_header_search_box_leads_to_the_results(tab, sample_url):
    tab.goto(f"{sample_url}/")
    tab.fill("#header-q", "dang bo")
    tab.press("#header-q", "Enter")
    tab.wait_for_url("**/tim-kiem/?q=dang+bo")
    tab.wait_for_function(SETTLED)
    assert tab.locator(".search-result").count() > 0


def test_typing_searches_and_the_more_button_moves_focus_to_new_results(tab, sample_url):
    tab.goto(f"{sample_url}/tim-kiem/")
    tab.wait_for_function(READY)
    tab.fill("#search-q", "đảng")
    tab.wait_for_function("document.querySelectorAll('.search-result').length === 10")
    assert "q=%C4%91%E1%BA%A3ng" in tab.url  # the address follows the search
    tab.click("[data-search-more]")
    tab.wait_for_function("document.querySelectorAll('.search-result').length > 10")
    assert tab.evaluate("document.activeElement === document.querySelectorAll('.search-result a')[10]")


def test_empty_query_shows_a_hint_and_no_results(tab, sample_url):
    tab.goto(f"{sample_url}/tim-kiem/?q=")
    tab.wait_for_function(SETTLED)
    assert "Nhập từ khóa" in tab.text_content("[data-search-status]")
    assert tab.locator(".search-result").count() == 0


def test_nonsense_query_says_nothing_was_found(tab, sample_url):
    tab.goto(f"{sample_url}/tim-kiem/?q=xyzzyqwv")
    tab.wait_for_function(SETTLED)
    assert "Không tìm thấy" in tab.text_content("[data-search-status]")
    assert tab.locator(".search-result").count() == 0


def test_without_javascript_the_page_explains_and_links_the_archive(browser, sample_url):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{sample_url}/tim-kiem/?q=dang+bo")
    notice = tab.locator("noscript p.notice, p.notice").first
    assert "JavaScript" in notice.text_content()
    assert notice.locator("a").get_attribute("href") == "/luu-tru/"
    context.close()


def test_respects_the_base_path(browser, tmp_path_factory):
    root = tmp_path_factory.mktemp("based")
    build(Options(content=ROOT / "content", out=root / "portal", jobs=1, base_url="https://x.example/portal/"))
    url, server = serve_folder(root)
    try:
        context = browser.new_context()
        tab = context.new_page()
        tab.goto(f"{url}/portal/tim-kiem/?q=chi+bo+bon+tot")
        tab.wait_for_function(SETTLED)
        assert tab.locator(".search-result h3 a").first.get_attribute("href") == "/portal" + CHI_BO_BON_TOT
        context.close()
    finally:
        server.shutdown()
