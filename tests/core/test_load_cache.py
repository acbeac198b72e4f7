"""Loading with a ParseCache gives what a fresh load gives.

load(root, cache) reuses what an earlier load parsed for files whose (path, size, mtime_ns) did not
change. It is only allowed to be faster: same Content, same problems, in the same order.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
from pathlib import Path

from bantin.source.load import ParseCache, load

from .helpers import ARTICLE, minimal_files, png, write_tree


def article_text(title: str, date: str = "2024-01-09 06:25", body: str = "Đoạn mở đầu.\n", **extra: str) -> str:
    fields = "".join(f"{key}: {value}\n" for key, value in extra.items())
    return f"---\ntitle: {title}\ndate: {date}\nunit: phu-thuan\n{fields}---\n{body}"


def summary(content, problems) -> tuple:
    """Everything load() returned, as comparable data (Articles compare by identity otherwise)."""
    def fields(item):
        return tuple((f.name, getattr(item, f.name)) for f in dataclasses.fields(item))
    if content is None:
        data = None
    else:
        data = (content.config, sorted((k, fields(u)) for k, u in content.units.items()),
                [fields(a) + (a.media_links, a.site_path) for a in content.articles],
                [fields(p) for p in content.pages], content.media)
    return data, [str(p) for p in problems]


def many_articles(count: int) -> dict[str, str | bytes]:
    """A tree with `count` articles of every kind the loader must handle, some of them invalid."""
    files = minimal_files(**{"media/anh.png": png(), "pages/gioi-thieu.md": "---\ntitle: Giới thiệu\n---\nTrang.\n"})
    for n in range(count):
        kind = n % 10
        name = f"posts/{2020 + n % 3}/bai-{n:03d}.md"
        if kind == 0:
            files[name] = article_text(f"Bài {n}", tags="[Chi bộ bốn tốt, Hội Nông dân]",
                                       body=f"Ảnh ![x](media/anh.png) và ![y](media/thieu-{n}.png).\n")
        elif kind == 1:
            files[name] = article_text(f"Ascii {n}", body="Only ASCII here.\n")
        elif kind == 2:
            files[name] = "\ufeff" + article_text(f"BOM {n}").replace("\n", "\r\n")
        elif kind == 3:
            files[name] = article_text(f"Ngày sai {n}", date="2024-13-40")
        elif kind == 4:
            files[name] = b"---\ntitle: Latin-1 \xe9\n---\n"
        elif kind == 5:
            files[name] = "Không có front matter.\n"
        elif kind == 6:
            files[name] = article_text(f"Khóa lạ {n}", tieu_de="x", summary="'Tóm tắt: có hai chấm'")
        elif kind == 7:
            files[name] = article_text(f"Nhiều dòng {n}", summary="|\n  Dòng một\n  Dòng hai")
        elif kind == 8:
            files[name] = article_text(f"Trùng {n}", slug="bai-trung")
        else:
            files[name] = article_text(f"Đơn vị lạ {n}").replace("unit: phu-thuan", "unit: khong-co")
    return files


# -- ParseCache --------------------------------------------------------------------------------------

def touch_same(path: Path, text: str) -> None:
    """Write `text` (of the same size) and give the file back its mtime: it looks unchanged."""
    before = path.stat()
    data = text.encode("utf-8")
    assert len(data) == before.st_size
    path.write_bytes(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def edit(path: Path, text: str) -> None:
    """Write `text` with an mtime that surely differs from the previous one."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def titles(content) -> list[str]:
    return [a.title for a in content.articles]


def test_cache_reads_unchanged_files_only_once(tmp_path):
    root = write_tree(tmp_path / "content", minimal_files(**{"pages/lien-he.md": "---\ntitle: Liên hệ\n---\n"}))
    cache = ParseCache()
    first, _ = load(root, cache)
    assert cache.reads == 5  # 2 units, 2 articles, 1 page (+ site.yaml, which is always read)
    second, problems = load(root, cache)
    assert cache.reads == 0 and problems == []
    assert summary(second, problems) == summary(first, [])
    assert all(a is b for a, b in zip(first.articles, second.articles))  # immutable, shared
    # Proof that nothing is read: a change that keeps size and mtime goes unseen.
    touch_same(root / "posts/bai-mot.md", ARTICLE.format(title="Bài MỘT", date="2024-01-09 06:25"))
    assert "Bài MỘT" not in titles(load(root, cache)[0])


def test_cache_rereads_an_edited_file(tmp_path):
    root = write_tree(tmp_path / "content", minimal_files())
    cache = ParseCache()
    load(root, cache)
    edit(root / "posts/bai-mot.md", ARTICLE.format(title="Bài một (sửa)", date="2024-01-09 06:25"))
    content, problems = load(root, cache)
    assert cache.reads == 1 and problems == []
    assert titles(content) == ["Bài hai", "Bài một (sửa)"]
    assert summary(content, problems) == summary(*load(root))


def test_cache_forgets_a_deleted_file_and_reads_a_new_one(tmp_path):
    root = write_tree(tmp_path / "content", minimal_files())
    cache = ParseCache()
    load(root, cache)
    (root / "posts/bai-hai.md").unlink()
    write_tree(root, {"posts/bai-ba.md": ARTICLE.format(title="Bài ba", date="2024-03-01 07:00")})
    content, _ = load(root, cache)
    assert titles(content) == ["Bài ba", "Bài một"] and cache.reads == 1
    assert sorted(Path(p).name for p in cache.articles) == ["bai-ba.md", "bai-mot.md"]


def test_cache_reports_a_broken_file_on_every_load(tmp_path):
    root = write_tree(tmp_path / "content", minimal_files(**{
        "posts/bai-ba.md": ARTICLE.format(title="Bài ba", date="2024-13-40"),
        "posts/bai-bon.md": b"---\ntitle: \xe9\n---\n",
        "units/hong.yaml": "name: [unclosed\n"}))
    cache = ParseCache()
    expected = summary(*load(root))
    assert expected[0] is None and len(expected[1]) == 3
    assert summary(*load(root, cache)) == expected
    assert summary(*load(root, cache)) == expected and cache.reads == 0


def test_cache_still_checks_references_across_files(tmp_path):
    root = write_tree(tmp_path / "content", minimal_files())
    cache = ParseCache()
    assert load(root, cache)[1] == []
    (root / "units/phu-thuan.yaml").unlink()  # both unchanged articles refer to it
    content, problems = load(root, cache)
    assert content is None and cache.reads == 0
    assert sorted((Path(p.path).name, p.message) for p in problems) == [
        ("bai-hai.md", "unknown unit `phu-thuan`"), ("bai-mot.md", "unknown unit `phu-thuan`")]


def test_cache_rereads_articles_when_the_timezone_changes(tmp_path):
    root = write_tree(tmp_path / "content", minimal_files())
    cache = ParseCache()
    before = load(root, cache)[0].articles[0].date
    site = root / "site.yaml"
    edit(site, site.read_text(encoding="utf-8") + "timezone: UTC\n")
    after = load(root, cache)[0].articles[0].date
    assert cache.reads == 2 and str(after.tzinfo) == "UTC" and after != before


def test_cache_checks_unchanged_units_against_a_new_rating_scale(tmp_path):
    root = write_tree(tmp_path / "content", minimal_files())
    cache = ParseCache()
    assert load(root, cache)[1] == []
    site = root / "site.yaml"
    edit(site, site.read_text(encoding="utf-8") + "rating_scale: [Tốt, Khá]\n")
    content, problems = load(root, cache)
    assert cache.reads == 0 and content is None
    assert [p.message for p in problems] == ["rating label is not in `rating_scale` of site.yaml"]
    # Units are built anew on every load: changing one cannot change what a later load returns.
    edit(site, site.read_text(encoding="utf-8").replace("rating_scale: [Tốt, Khá]\n", ""))
    first = load(root, cache)[0]
    first.units["tinh"].stats[0].ratings.clear()
    assert load(root, cache)[0].units["tinh"].stats[0].ratings == {"Hoàn thành tốt nhiệm vụ": 3}


def test_cache_gives_a_fresh_load_after_edits_and_deletions(tmp_path):
    root = write_tree(tmp_path / "content", many_articles(41))
    cache = ParseCache()
    assert summary(*load(root, cache)) == summary(*load(root))
    edit(root / "posts/2021/bai-001.md", article_text("Đã sửa"))
    (root / "posts/2020/bai-003.md").unlink()
    assert summary(*load(root, cache)) == summary(*load(root))
    assert cache.reads == 1


def test_cache_survives_pickling(tmp_path):
    """Another build may keep the cache on disk: what comes back must serve a load as well."""
    root = write_tree(tmp_path / "content", many_articles(23))
    cache = ParseCache()
    expected = summary(*load(root, cache))
    restored = pickle.loads(pickle.dumps(cache))
    assert summary(*load(root, restored)) == expected
    assert restored.reads == 0
