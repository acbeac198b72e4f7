"""The search page in a real browser, over the sample portal's Pagefind shards."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

import pytest

from bantin.pipeline import Options, build
from bantin.text import fold
from tests.conftest import ROOT, serve_folder
from tests.support import SAMPLE_NOW

pytestmark = pytest.mark.browser

CHI_BO_BON_TOT = "/tin-tuc/2023/03/thoai-son-phat-dong-phong-trao-thi-dua-chi-bo-bon-tot-dang-bo-co-so-bon-tot/"
DAI_HOI_PHU_THUAN = "/tin-tuc/2025/03/dai-hoi-diem-dang-bo-xa-phu-thuan-nhiem-ky-2025-2030/"
PHU_HUU = "/tin-tuc/2022/11/chi-bo-ap-phu-huu-nang-chat-sinh-hoat-chuyen-de/"  # unit: a branch of Phú Thuận
VONG_THE_SCHOOL = "/don-vi/vong-the-truong-tieu-hoc/"  # its secretary: Thái Quốc Đạt
READY = "window.bantinSearch && window.bantinSearch.find && !document.querySelector('[data-search-filters]').hidden"
SETTLED = ("document.querySelector('[data-search-status]').textContent !== ''"
           " && !document.querySelector('[data-search-status]').textContent.startsWith('Đang tìm')")
# Queries whose words are both in some titles and only in the bodies of other pages.
RANKED_QUERIES = ("ket nap dang vien", "chi bo", "Đảng bộ", "dai hoi", "chuyen doi so")


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


def find(page, query: str, filters: dict | None = None, newest: bool = False) -> list[dict]:
    """Every result of the page's own search, in its order: path, title, kind, date, score."""
    return page.evaluate("""async ([query, filters, newest]) => {
        const found = await window.bantinSearch.find(query, filters, newest);
        return Promise.all(found.map(async (r) => { const d = await r.data();
            return {path: d.meta.path, title: d.meta.title, kind: d.meta.kind, iso: d.meta.iso || '',
                    filters: d.filters, score: r.score}; }));
    }""", [query, filters or {}, newest])


def paths(page, query: str, filters: dict | None = None) -> list[str]:
    return [r["path"] for r in find(page, query, filters)]


def title_has_every_word(title: str, query: str) -> bool:
    words = re.findall(r"\w+", fold(title))
    return all(any(w.startswith(q) for w in words) for q in re.findall(r"\w+", fold(query)))


def test_unaccented_words_find_accented_articles(page):
    assert DAI_HOI_PHU_THUAN in paths(page, "dang bo")


def test_chi_bo_bon_tot_finds_the_movement_article_first_with_or_without_accents(page):
    assert paths(page, "chi bo bon tot")[0] == CHI_BO_BON_TOT
    assert paths(page, "Chi bộ bốn tốt")[0] == CHI_BO_BON_TOT


def test_d_and_d_with_stroke_and_tones_give_the_same_results(page):
    assert paths(page, "Đảng bộ") == paths(page, "dang bo") == paths(page, "ĐẢNG BỘ")


def test_nfd_query_gives_the_nfc_results(page):
    for query in ("Chi bộ bốn tốt", "Đảng bộ xã Phú Thuận"):
        assert paths(page, unicodedata.normalize("NFD", query)) == paths(page, query)


@pytest.mark.parametrize("query", RANKED_QUERIES)
def test_titles_holding_every_word_rank_above_pages_that_only_mention_them(page, query):
    results = find(page, query)
    in_title = [title_has_every_word(r["title"], query) for r in results]
    assert any(in_title) and not all(in_title), "the query should test both kinds"
    assert in_title == sorted(in_title, reverse=True)


@pytest.mark.parametrize("query", RANKED_QUERIES)
def test_among_equals_results_come_newest_first(page, query):
    results = [r for r in find(page, query) if r["kind"] == "bai"]
    for in_title in (True, False):
        dates = [r["iso"] for r in results if title_has_every_word(r["title"], query) == in_title]
        assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("query", ("dang bo", "chi bo bon tot", "Thoại Sơn"))
def test_newest_sort_lists_articles_by_date_then_units_and_pages(page, query):
    results = find(page, query, newest=True)
    dated = [r["iso"] for r in results if r["kind"] == "bai"]
    assert dated == sorted(dated, reverse=True) and len(dated) > 3
    kinds = [r["kind"] == "bai" for r in results]
    assert kinds == sorted(kinds, reverse=True)  # units and pages after every article
    assert sorted(r["path"] for r in results) == sorted(paths(page, query))  # the same results, reordered


def test_a_secretary_finds_the_unit_and_the_type_filter_keeps_units(page):
    units = find(page, "Thai Quoc Dat", {"type": "don-vi"})
    assert [r["path"] for r in units] == [VONG_THE_SCHOOL]
    assert {r["kind"] for r in find(page, "Thai Quoc Dat")} >= {"don-vi", "bai"}


def test_standalone_pages_are_searchable(page):
    found = find(page, "gioi thieu", {"type": "trang"})
    assert found and found[0]["path"] == "/gioi-thieu/" and {r["kind"] for r in found} == {"trang"}


def test_unit_filter_includes_the_news_of_sub_units(page):
    found = paths(page, "chi bo", {"unit": "phu-thuan"})
    assert PHU_HUU in found
    assert len(found) < len(paths(page, "chi bo"))


def test_year_and_category_filters_narrow_the_results(page):
    results = find(page, "chi bo", {"year": "2022", "category": "Xây dựng Đảng"})
    assert results
    assert all(r["iso"].startswith("2022") and r["filters"]["category"] == ["Xây dựng Đảng"] for r in results)


def test_query_words_are_folded_once_each(page):
    assert page.evaluate("window.bantinSearch.queryWords('Đảng bộ, đảng BỘ! Chi bộ')") == ["dang", "bo", "chi"]


def test_page_reads_the_query_from_the_address_and_links_results_with_dates(tab, sample_url):
    tab.goto(f"{sample_url}/tim-kiem/?q={quote('chi bo bon tot')}")
    tab.wait_for_function(SETTLED)
    assert tab.input_value("#search-q") == "chi bo bon tot"
    assert re.search(r"\d+", tab.text_content("[data-search-status]"))
    first = tab.locator(".search-result").first
    assert first.locator("h3 a").get_attribute("href") == CHI_BO_BON_TOT
    assert first.locator("h3 a").text_content().startswith("Thoại Sơn phát động")  # the title as written
    assert first.locator("time").get_attribute("datetime").startswith("2023-03-22")
    assert first.locator(".search-result__excerpt mark").count() > 0
    assert tab.locator(".search-result").count() == 10


def test_newest_sort_is_chosen_on_the_page_and_kept_in_the_address(tab, sample_url):
    tab.goto(f"{sample_url}/tim-kiem/?q=dang+bo")
    tab.wait_for_function(SETTLED)
    tab.select_option("#search-sort", "moi-nhat")
    tab.wait_for_url("**sap-xep=moi-nhat**")
    tab.wait_for_function(SETTLED + " && document.querySelectorAll('.search-result time').length === 10")
    dates = tab.eval_on_selector_all(".search-result time", "els => els.map((e) => e.dateTime)")
    assert dates == sorted(dates, reverse=True)


def test_type_filter_on_the_page_shows_units(tab, sample_url):
    tab.goto(f"{sample_url}/tim-kiem/?q={quote('Thái Quốc Đạt')}&loai=don-vi")
    tab.wait_for_function(SETTLED)
    assert tab.input_value("#search-type") == "don-vi"
    assert tab.locator(".search-result h3 a").first.get_attribute("href") == VONG_THE_SCHOOL
    assert "Đơn vị" in tab.locator(".search-result .meta").first.text_content()


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
    # Results show one by one as their data arrives; focus lands on the first new one.
    tab.wait_for_function("document.activeElement === document.querySelectorAll('.search-result a')[10]")


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
    build(Options(content=ROOT / "content", out=root / "portal", jobs=1, base_url="https://x.example/portal/",
                  now=SAMPLE_NOW))
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
