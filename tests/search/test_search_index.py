"""The search index the build writes: what is indexed and how, the shards, byte-identical output."""

from __future__ import annotations

import filecmp
import json
import re
from pathlib import Path

import pytest

from bantin.output import search
from bantin.output.search import documents as docs
from bantin.output.search.pagefind import pagefind_binary
from bantin.pipeline import Options, build
from bantin.problems import BuildFailed
from tests.conftest import ROOT
from tests.support import SAMPLE_NOW


def _doc(title: str, text: str = "", iso: str = "2024-05-01T08:00:00+07:00", year: int | None = 2024) -> docs.Document:
    return docs.Document("/tin-tuc/2024/05/x/", docs.ARTICLE, year, title, text, "Sapo gốc", iso, "01/05/2024 08:00",
                         (("type", docs.ARTICLE),))


def _indexed(html: str) -> str:
    """The words Pagefind indexes in a prepared page: the <h1> and the <p> after it."""
    return " ".join(re.findall(r"<h1[^>]*>([^<]*)</h1><p>([^<]*)</p>", html)[0])


def test_indexes_folded_words_and_keeps_the_originals_for_display():
    html = docs.page_html(_doc("Đảng bộ xã Phú Thuận", "Chi bộ bốn tốt, Đảng bộ cơ sở bốn tốt"))
    words = _indexed(html)
    assert "dang bo xa phu thuan" in words and "chi bo bon tot" in words
    assert words.isascii()  # no tone, no đ: "dang bo" and "Đảng bộ" are one query
    assert 'data-pagefind-meta="title:Đảng bộ xã Phú Thuận"' in html
    assert 'data-pagefind-meta="excerpt:Sapo gốc"' in html


def test_lists_each_body_word_once():
    words = docs.page_html(_doc("T", "đảng bộ đảng bộ đảng viên")).split("<p>")[1]
    assert words.startswith("dang bo vien<")


def test_title_fills_a_fixed_number_of_word_places():
    slots = docs.title_slots("Chi bộ ấp Phú Hữu: chi bộ bốn tốt")
    assert slots.split()[:6] == ["chi", "bo", "ap", "phu", "huu", "bon"]
    assert len(slots.split()) == docs.TITLE_SLOTS
    assert len(docs.title_slots(" ".join(f"w{i}" for i in range(100))).split()) == docs.TITLE_SLOTS


def test_markdown_markup_and_link_targets_are_not_indexed():
    text = docs.plain_text("## Tiêu đề\n\n**Đậm** và [liên kết](https://vi.example/x) <b>thẻ</b>[^1]\n\n- mục")
    assert text == "Tiêu đề Đậm và liên kết thẻ mục"


def test_only_the_start_of_a_long_body_is_indexed():
    assert docs.first_words("một hai ba bốn năm", 3) == "một hai ba"


def test_newest_article_comes_first_in_the_page_order():
    old, new, unit = _doc("a", iso="2023-01-01T00:00"), _doc("b", iso="2024-01-01T00:00"), _doc("c", iso="", year=None)
    assert docs.newest_first([unit, old, new]) == [new, old, unit]


def test_shards_by_year_and_splits_a_big_year_by_months():
    small = {2023: 10, 2024: 10}
    assert search.shard_of(_doc("a"), small) == "2024"
    assert search.shard_of(_doc("a", iso="", year=None), small) == search.OTHER_SHARD  # units and pages
    big = {2024: search.SHARD_PAGES * 2}
    assert search.shard_of(_doc("a", iso="2024-05-01T08:00"), big) == "2024-01"
    assert search.shard_of(_doc("a", iso="2024-07-01T08:00"), big) == "2024-07"


def _entries(site: Path) -> dict[str, dict]:
    order = json.loads((site / search.SHARDS_FILE).read_text(encoding="utf-8"))["shards"]
    return {s: json.loads((site / "pagefind" / s / "pagefind-entry.json").read_text(encoding="utf-8")) for s in order}


def test_sample_index_holds_every_article_unit_and_page(sample_site):
    manifest = json.loads((sample_site / "_bantin/pages.json").read_text(encoding="utf-8"))
    kinds = [p["kind"] for p in manifest["pages"]]
    wanted = kinds.count("article") + kinds.count("unit") + kinds.count("page")
    counted = sum(entry["languages"]["vi"]["page_count"] for entry in _entries(sample_site).values())
    assert counted == wanted


def test_shards_are_listed_newest_first_then_units_and_pages(sample_site):
    order = list(_entries(sample_site))
    assert order[-1] == search.OTHER_SHARD
    assert order[:-1] == sorted(order[:-1], reverse=True) and len(order) > 2


def test_unit_names_for_the_filter_box_are_in_tree_order(sample_site):
    units = json.loads((sample_site / search.UNITS_FILE).read_text(encoding="utf-8"))["units"]
    assert units[0] == {"id": "an-giang", "name": "Đảng bộ tỉnh An Giang", "depth": 0}
    assert units[1]["id"] == "thoai-son" and units[1]["depth"] == 1


def _same_tree(a: Path, b: Path) -> bool:
    compared = filecmp.dircmp(a, b)
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, compared.common_files, shallow=False)
    return not mismatch and not errors and all(_same_tree(a / d, b / d) for d in compared.common_dirs)


def test_two_builds_of_the_same_content_write_identical_indexes(sample_site, tmp_path):
    build(Options(content=ROOT / "content", out=tmp_path / "again", jobs=1, now=SAMPLE_NOW))
    assert _same_tree(sample_site / "pagefind", tmp_path / "again" / "pagefind")


def test_errors_clearly_when_the_pagefind_binary_is_missing(monkeypatch):
    import pagefind.service
    monkeypatch.setattr(pagefind.service, "get_executable", lambda: None)
    with pytest.raises(BuildFailed, match="Pagefind binary is not installed"):
        pagefind_binary()


def test_sort_filter_orders_the_values_of_a_filter_file():
    from bantin.output.search.pagefind import sort_filter

    def text(value: str) -> bytes:
        return bytes([0x60 + len(value)]) + value.encode()

    def item(value: str, pages: list[int]) -> bytes:
        return b"\x82" + text(value) + bytes([0x80 + len(pages)]) + bytes(pages)

    head = b"pagefind_dcd\x82" + text("unit") + b"\x83"
    shuffled = head + item("b", [1]) + item("c", [3, 4]) + item("a", [0, 2])
    assert sort_filter(shuffled) == head + item("a", [0, 2]) + item("b", [1]) + item("c", [3, 4])
    with pytest.raises(ValueError):
        sort_filter(b"something else")
