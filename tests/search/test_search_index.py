"""The search index the build writes: which pages, which filters, reuse, byte-identical output."""

from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path

import pytest

from bantin.output import search
from bantin.problems import BuildFailed

PARENTS = {"an-giang": None, "thoai-son": "an-giang", "phu-thuan": "thoai-son", "phu-thuan-ap-phu-huu": "phu-thuan"}


def test_ancestors_go_from_parent_up_to_the_top():
    assert search.ancestors("phu-thuan-ap-phu-huu", PARENTS) == ["phu-thuan", "thoai-son", "an-giang"]
    assert search.ancestors("an-giang", PARENTS) == []
    assert search.ancestors("unknown", PARENTS) == []


def test_ancestors_stop_on_a_cycle():
    assert search.ancestors("a", {"a": "b", "b": "a"}) == ["b", "a"]


def test_can_add_ancestor_unit_filters_inside_the_indexed_element():
    html = ('<main><article class="article" data-pagefind-body><h1>T</h1>'
            '<a data-pagefind-filter="unit:phu-thuan">x</a></article></main>')
    prepared = search.prepare_page(html, PARENTS)
    assert prepared == ('<main><article class="article" data-pagefind-body>'
                        '<span data-pagefind-filter="unit:thoai-son"></span>'
                        '<span data-pagefind-filter="unit:an-giang"></span><h1>T</h1>'
                        '<a data-pagefind-filter="unit:phu-thuan">x</a></article></main>')


def test_leaves_pages_without_a_unit_alone():
    html = "<article data-pagefind-body><h1>T</h1></article>"
    assert search.prepare_page(html, PARENTS) == html


def test_knows_the_output_folder_a_staging_folder_replaces(tmp_path):
    assert search.published_site(tmp_path / ".site.staging-4242") == tmp_path / "site"
    assert search.published_site(tmp_path / "site") is None


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    return bytes([0x60 + len(data)]) + data


def test_can_sort_the_values_of_a_filter_file():
    def item(value: str, pages: list[int]) -> bytes:
        return b"\x82" + _cbor_text(value) + bytes([0x80 + len(pages)]) + bytes(pages)

    head = b"pagefind_dcd\x82" + _cbor_text("unit") + b"\x83"
    shuffled = head + item("b", [1]) + item("c", [3, 4]) + item("a", [0, 2])
    assert search.sort_filter(shuffled) == head + item("a", [0, 2]) + item("b", [1]) + item("c", [3, 4])


def test_errors_on_a_file_that_is_not_a_filter_file():
    with pytest.raises(ValueError):
        search.sort_filter(b"something else")


def test_sample_index_holds_every_article_and_nothing_else(sample_site):
    manifest = json.loads((sample_site / "_bantin/pages.json").read_text(encoding="utf-8"))
    articles = [p for p in manifest["pages"] if p["kind"] == "article"]
    entry = json.loads((sample_site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["vi"]["page_count"] == len(articles)


def test_unit_names_for_the_filter_box_are_in_tree_order(sample_site):
    units = json.loads((sample_site / "pagefind/bantin-units.json").read_text(encoding="utf-8"))["units"]
    assert units[0] == {"id": "an-giang", "name": "Đảng bộ tỉnh An Giang", "depth": 0}
    assert units[1]["id"] == "thoai-son" and units[1]["depth"] == 1


def _copy_without_index(site: Path, target: Path) -> Path:
    shutil.copytree(site, target, ignore=shutil.ignore_patterns("pagefind", "search.json"))
    return target


def _same_tree(a: Path, b: Path) -> bool:
    compared = filecmp.dircmp(a, b)
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, compared.common_files, shallow=False)
    return not mismatch and not errors and all(_same_tree(a / d, b / d) for d in compared.common_dirs)


def test_two_runs_over_the_same_pages_write_identical_files(sample_site, tmp_path):
    first, second = _copy_without_index(sample_site, tmp_path / "a"), _copy_without_index(sample_site, tmp_path / "b")
    search.index_site(first, "vi")
    search.index_site(second, "vi")
    assert _same_tree(first / "pagefind", second / "pagefind")


def test_reuses_the_previous_index_when_no_article_changed(sample_site, tmp_path):
    stage = _copy_without_index(sample_site, tmp_path / "stage")
    search.index_site(stage, "vi", previous=sample_site)
    entry = stage / "pagefind/pagefind-entry.json"
    assert entry.stat().st_ino == (sample_site / "pagefind/pagefind-entry.json").stat().st_ino  # a hard link


def test_reindexes_when_an_article_changed(sample_site, tmp_path):
    stage = _copy_without_index(sample_site, tmp_path / "stage")
    manifest = json.loads((stage / "_bantin/pages.json").read_text(encoding="utf-8"))
    path = next(p["path"] for p in manifest["pages"] if p["kind"] == "article")
    page = stage / search.page_file(path)
    page.write_text(page.read_text(encoding="utf-8").replace("</h1>", " xyzzyword</h1>", 1), encoding="utf-8")
    search.index_site(stage, "vi", previous=sample_site)
    entry = stage / "pagefind/pagefind-entry.json"
    assert entry.stat().st_ino != (sample_site / "pagefind/pagefind-entry.json").stat().st_ino
    assert json.loads((stage / "_bantin/search.json").read_text())["digest"] != \
        json.loads((sample_site / "_bantin/search.json").read_text())["digest"]


def test_errors_clearly_when_the_pagefind_binary_is_missing(monkeypatch):
    import pagefind.service
    monkeypatch.setattr(pagefind.service, "get_executable", lambda: None)
    with pytest.raises(BuildFailed, match="Pagefind binary is not installed"):
        search.pagefind_binary()


def test_header_date_and_view_counts_do_not_count_as_changes():
    page = ('<header>Thứ Hai, {day}</header><main><article data-pagefind-body><h1>T</h1>'
            '<span data-views="/a/">{views}</span></article></main><aside>{views}</aside>')
    one = search.indexed_part(page.format(day="01/01/2026", views="12").encode())
    two = search.indexed_part(page.format(day="02/01/2026", views="1.345").encode())
    assert one == two
    assert search.indexed_part(page.replace("<h1>T", "<h1>U").encode()) != one
