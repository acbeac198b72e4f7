"""Publishing an edit with search on: only the edited article's shard is indexed again."""

from __future__ import annotations

from pathlib import Path

import pytest

from bantin.output.search import INDEX_DIR
from bantin.pipeline import Options, build
from tests.conftest import serve_folder
from tests.support import SAMPLE_NOW, copy_sample

ARTICLE = "posts/2023/trao-huy-hieu-dang-dot-3-2-cho-41-dang-vien.md"
PATH = "/tin-tuc/2023/02/trao-huy-hieu-dang-dot-3-2-cho-41-dang-vien/"
OLD_TITLE = "title: Trao Huy hiệu Đảng đợt 3/2 cho 41 đảng viên"
NEW_TITLE = "title: Trao Huy hiệu Đảng và kỷ niệm chương Quỳnh Lưu cho 41 đảng viên"


def index_files(site: Path) -> dict[str, tuple[int, int]]:
    """Every file of the index: (inode, mtime), which an untouched file keeps."""
    return {p.relative_to(site / INDEX_DIR).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in (site / INDEX_DIR).rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> tuple[Path, dict, dict, bool]:
    """The sample built with search and a cache, then again after one article's title changed."""
    root = tmp_path_factory.mktemp("edit")
    content = copy_sample(root)
    options = Options(content=content, out=root / "site", jobs=1, cache_dir=root / "cache", now=SAMPLE_NOW)
    build(options)
    before = index_files(options.out)
    article = content / ARTICLE
    article.write_text(article.read_text(encoding="utf-8").replace(OLD_TITLE, NEW_TITLE, 1), encoding="utf-8")
    report = build(options)
    return options.out, before, index_files(options.out), report.in_place


def test_an_edit_is_published_in_place_with_its_index(edited):
    _, _, _, in_place = edited
    assert in_place


def test_only_the_edited_articles_shard_changes(edited):
    _, before, after, _ = edited
    changed = {name.split("/")[0] for name in before.keys() ^ after.keys()}
    changed |= {name.split("/")[0] for name in before.keys() & after.keys() if before[name] != after[name]}
    assert changed == {"2023"}


@pytest.mark.browser
def test_the_new_title_is_found(edited, browser):
    site = edited[0]
    url, server = serve_folder(site)
    try:
        context = browser.new_context()
        tab = context.new_page()
        tab.goto(f"{url}/tim-kiem/?q=quynh+luu")
        tab.wait_for_function("document.querySelector('.search-result') !== null")
        link = tab.locator(".search-result h3 a").first
        assert link.get_attribute("href") == PATH
        assert "Quỳnh Lưu" in link.text_content()
        context.close()
    finally:
        server.shutdown()
