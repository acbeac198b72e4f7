"""Caches cannot lie: after any edit, a build that reuses the last one equals a build from scratch."""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path
from typing import Callable

import pytest

from bantin.pipeline import Options, Session, build

from tests.core.helpers import FIXED_NOW, ROOT, every_file

ARTICLE = "posts/2023/trao-huy-hieu-dang-dot-3-2-cho-41-dang-vien.md"
OTHER = "posts/2023/thoai-son-hoan-thien-ho-so-de-nghi-cong-nhan-huyen-nong-thon-moi.md"
UNIT = "units/thoai-son/thoai-son-chi-bo-co-quan-huyen-uy.yaml"


def edit(path: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(content: Path) -> None:
        file = content / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
    apply.__name__ = f"edit {path}"
    return apply


def append(path: str, text: str) -> Callable[[Path], None]:
    def apply(content: Path) -> None:
        with open(content / path, "a", encoding="utf-8") as handle:
            handle.write(text)
    return apply


def add_article(content: Path) -> None:
    source = (content / ARTICLE).read_text(encoding="utf-8")
    text = source.replace("title: Trao Huy hiệu Đảng đợt 3/2 cho 41 đảng viên", "title: Huy hiệu Đảng cho đảng viên mới")
    (content / "posts/2023/huy-hieu-moi.md").write_text(text.replace("2023-02-03 09:30", "2023-02-04 10:00"),
                                                        encoding="utf-8")


def delete(path: str) -> Callable[[Path], None]:
    return lambda content: (content / path).unlink()


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + b"\x80\x10\x10" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def replace_photo(content: Path) -> None:
    """The cover photo replaced by one of other dimensions under the same name."""
    for path in (content / "media").rglob("huy-hieu-dang.*"):
        path.unlink()
    (content / "media/2023/huy-hieu-dang.jpg").write_bytes(png(40, 90))


EDITS = [
    ("nothing", lambda content: None),
    ("a sentence added to a body", append(ARTICLE, "\nMột câu mới của biên tập viên.\n")),
    ("a first paragraph (the card's sapo) changed", edit(OTHER, "\n---\n", "\n---\nMột đoạn mở đầu mới.\n\n")),
    ("a title changed", edit(ARTICLE, "title: Trao Huy hiệu Đảng đợt 3/2", "title: Trao tặng Huy hiệu Đảng đợt 3/2")),
    ("tags changed", edit(ARTICLE, "tags: [Huy hiệu Đảng]", "tags: [Huy hiệu Đảng, Ngày thành lập Đảng]")),
    ("category changed", edit(ARTICLE, "category: tin-hoat-dong", "category: xay-dung-dang")),
    ("date moved to another month", edit(ARTICLE, "date: 2023-02-03 09:30", "date: 2023-03-05 08:00")),
    ("an article added", add_article),
    ("an article made a draft", edit(OTHER, "\n---\n", "\ndraft: true\n---\n")),
    ("an article deleted", delete("posts/2023/huy-hieu-moi.md")),
    ("a unit renamed", edit(UNIT, "name: Chi bộ Cơ quan Huyện ủy Thoại Sơn", "name: Chi bộ Cơ quan Huyện ủy")),
    ("a unit description changed", edit(UNIT, "Chi bộ cơ sở trực thuộc", "Chi bộ trực thuộc")),
    ("a photo replaced by one of other dimensions", replace_photo),
    ("a category label changed", edit("site.yaml", "tin-hoat-dong: Tin hoạt động", "tin-hoat-dong: Hoạt động")),
    ("a page title changed", edit("pages/gioi-thieu.md", "title:", "title: Về")),
]


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("incremental")
    shutil.copytree(ROOT / "content", root / "content")
    return root


def options(tree: Path, out: str, cached: bool, jobs: int = 1) -> Options:
    return Options(content=tree / "content", out=tree / out, jobs=jobs, search=False, now=FIXED_NOW,
                   cache_dir=tree / ".bantin-cache" if cached else None)


def test_can_rebuild_after_each_edit_exactly_as_a_build_from_scratch(tree):
    session = Session()
    build(options(tree, "site", cached=True), session=session)
    for label, apply in EDITS:
        apply(tree / "content")
        again = build(options(tree, "site", cached=True), session=session)
        shutil.rmtree(tree / "fresh", ignore_errors=True)
        build(options(tree, "fresh", cached=False))
        site, fresh = every_file(tree / "site"), every_file(tree / "fresh")
        assert sorted(site) == sorted(fresh), label
        assert [name for name in site if site[name] != fresh[name]] == [], label
        if label == "nothing":
            assert again.rendered == 0 and again.written == 0, label


def test_can_rebuild_in_a_new_process_from_the_kept_cache_exactly_as_from_scratch(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    build(options(tmp_path, "site", cached=True, jobs=2))
    edit(ARTICLE, "tags: [Huy hiệu Đảng]", "tags: [Huy hiệu Đảng, Đảng viên]")(tmp_path / "content")
    report = build(options(tmp_path, "site", cached=True, jobs=2))  # no Session: the memo comes from disk
    build(options(tmp_path, "fresh", cached=False))
    assert 0 < report.rendered < report.pages / 4 and report.in_place
    assert every_file(tmp_path / "site") == every_file(tmp_path / "fresh")


def test_renders_only_the_edited_article_when_its_body_changes(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    build(options(tmp_path, "site", cached=True))
    append(ARTICLE, "\nThêm một câu ở cuối bài.\n")(tmp_path / "content")
    report = build(options(tmp_path, "site", cached=True))
    assert report.rendered == 1 and report.written == 1


def test_publishes_new_copies_of_a_replaced_photo_and_drops_the_old_ones(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    build(options(tmp_path, "site", cached=True))
    copies = lambda: sorted(p.name for p in (tmp_path / "site/media/2023").glob("huy-hieu-dang-*"))  # noqa: E731
    old = copies()
    replace_photo(tmp_path / "content")
    build(options(tmp_path, "site", cached=True))
    new = copies()
    assert old and new and not set(old) & set(new)
    page = (tmp_path / "site/tin-tuc/2023/02/trao-huy-hieu-dang-dot-3-2-cho-41-dang-vien/index.html").read_text("utf-8")
    assert all(name not in page for name in old) and new[0] in page


CROSS_PROCESS_EDITS = [EDITS[i] for i in (1, 3, 7, 9, 10, 14)]  # body, title, added, deleted, unit, page


def test_rebuilds_from_the_kept_cache_after_each_edit_exactly_as_from_scratch(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    build(options(tmp_path, "site", cached=True))
    for label, apply in CROSS_PROCESS_EDITS:
        apply(tmp_path / "content")
        build(options(tmp_path, "site", cached=True))  # a new process each time: caches come from disk
        shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
        build(options(tmp_path, "fresh", cached=False))
        assert every_file(tmp_path / "site") == every_file(tmp_path / "fresh"), label


def shard_files(tree: Path) -> dict[Path, int]:
    """The kept parse cache's and memo's shard files, with their modification times."""
    cache = tree / ".bantin-cache"
    return {p: p.stat().st_mtime_ns for p in [*cache.glob("parsed-site/*"), *cache.glob("memo-site/*")]}


def test_rebuilds_exactly_when_shards_of_the_kept_cache_are_lost_or_damaged(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    build(options(tmp_path, "site", cached=True))
    parsed = sorted((tmp_path / ".bantin-cache/parsed-site").iterdir())
    memo = sorted((tmp_path / ".bantin-cache/memo-site").iterdir())
    parsed[0].unlink()
    parsed[1].write_bytes(b"not a pickle")
    memo[0].write_bytes(memo[0].read_bytes()[:100])
    memo[1].unlink()
    append(ARTICLE, "\nThêm một câu ở cuối bài.\n")(tmp_path / "content")
    build(options(tmp_path, "site", cached=True))
    build(options(tmp_path, "fresh", cached=False))
    assert every_file(tmp_path / "site") == every_file(tmp_path / "fresh")
    assert parsed[0].is_file() and parsed[1].read_bytes() != b"not a pickle"  # restored for the next build


def test_an_edited_article_rewrites_only_a_few_shards_of_the_kept_cache(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    build(options(tmp_path, "site", cached=True))
    before = shard_files(tmp_path)
    append(ARTICLE, "\nThêm một câu ở cuối bài.\n")(tmp_path / "content")
    build(options(tmp_path, "site", cached=True))
    after = shard_files(tmp_path)
    assert after.keys() == before.keys()
    assert 1 <= len([p for p in after if after[p] != before[p]]) <= len(after) // 10
