"""The side column's site-visits block: shown only when there are numbers to put in it."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT

BLOCK = 'class="block block--counter"'
MOST_READ = 'class="block block--most-read"'
ARTICLE = "/tin-tuc/2025/06/dua-chuyen-doi-so-vao-sinh-hoat-chi-bo-ap/"
# The home page and a listing are counted too, but they are not articles.
SNAPSHOT_VIEWS = {"/": 5000, "/chuyen-muc/xay-dung-dang/": 700, ARTICLE: 1200,
                  "/tin-tuc/2025/03/dai-hoi-diem-dang-bo-xa-phu-thuan-nhiem-ky-2025-2030/": 34}


def _build(out, **options) -> str:
    from bantin.pipeline import Options, build
    build(Options(content=ROOT / "content", out=out, jobs=1, cache_dir=None, search=False, **options))
    return (out / "index.html").read_text(encoding="utf-8")


def test_without_counter_or_snapshot_no_page_has_the_visits_block(sample_site, site_pages):
    # The sample portal configures neither: an empty "Số lượt truy cập" box would only puzzle readers.
    assert 'data-counter="' not in (sample_site / "index.html").read_text(encoding="utf-8")
    shown = [url for url, page in site_pages.items() if BLOCK in page.file.read_text(encoding="utf-8")]
    assert shown == []


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> dict[str, str]:
    """The home page built with a live counter, and with a snapshot but no counter."""
    folder = tmp_path_factory.mktemp("side")
    snapshot = folder / "snapshot.json"
    snapshot.write_text(json.dumps({"version": 1, "generated": "2026-01-01T00:00:00+00:00",
                                    "site_visits": 16593684, "views": SNAPSHOT_VIEWS, "top": {"7d": [], "all": []}}))
    return {"counter": _build(folder / "counter", counter_endpoint="https://counter.example.vn"),
            "snapshot": _build(folder / "snapshot", counts=snapshot)}


def test_with_a_counter_the_block_shows_visits_and_who_is_online(variants):
    html = variants["counter"]
    assert BLOCK in html and "data-site-visits" in html and "data-online" in html


def test_with_only_a_snapshot_the_block_shows_the_baked_visits_without_online_now(variants):
    html = variants["snapshot"]
    assert BLOCK in html and "data-site-visits>16.593.684</dd>" in html
    assert "data-online" not in html  # nothing would ever fill it in


def test_without_counter_or_snapshot_no_page_has_an_empty_most_read_block(sample_site, site_pages):
    shown = [url for url, page in site_pages.items() if MOST_READ in page.file.read_text(encoding="utf-8")]
    assert shown == []


def test_the_snapshot_gives_the_total_of_article_views_without_other_pages(variants):
    html = variants["snapshot"]
    assert "Số lần xem các bài viết" in html and "data-article-views>1.234</dd>" in html


def test_figures_the_counter_has_not_sent_yet_are_hidden_not_empty(variants):
    html = variants["counter"]
    assert '<div class="counter-row" data-views-wrap hidden><dt>Số lượt truy cập' in html
    assert "data-article-views" not in html  # only a snapshot knows it


def test_a_card_never_says_it_was_read_zero_times(tmp_path):
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(json.dumps({"version": 1, "generated": "2026-01-01T00:00:00+00:00", "site_visits": 3,
                                    "views": {ARTICLE: 0}, "top": {"7d": [], "all": []}}))
    _build(tmp_path / "site", counts=snapshot)
    page = (tmp_path / "site" / ARTICLE.strip("/") / "index.html").read_text(encoding="utf-8")
    assert f'<span class="views" hidden data-views-wrap>Lượt xem: <span data-views="{ARTICLE}"></span>' in page
