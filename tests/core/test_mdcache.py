"""The Markdown cache: one pack per build at most, merged when packs pile up or hold stale documents."""

from __future__ import annotations

from bantin.incremental.mdcache import open_cache


def fill(folder, entries: dict[str, str]) -> None:
    cache = open_cache(folder)
    for key, html in entries.items():
        if cache.get(key) is None:
            cache.put(key, html)
    cache.save(*cache.take())


def test_can_keep_documents_in_one_pack_per_build(tmp_path):
    fill(tmp_path, {"a": "<p>A</p>", "b": "<p>B</p>"})
    fill(tmp_path, {"a": "<p>A</p>", "b": "<p>B</p>", "c": "<p>C</p>"})
    assert len(list(tmp_path.glob("*.pack"))) == 2
    cache = open_cache(tmp_path)
    assert [cache.get(k) for k in "abc"] == ["<p>A</p>", "<p>B</p>", "<p>C</p>"]
    fill(tmp_path, {"a": "<p>A</p>"})  # nothing new: no pack written
    assert len(list(tmp_path.glob("*.pack"))) == 2


def test_can_merge_packs_when_they_pile_up(tmp_path):
    for n in range(8):  # each build adds one document and uses all earlier ones
        fill(tmp_path, {f"k{i}": f"<p>{i}</p>" for i in range(n + 1)})
    assert len(list(tmp_path.glob("*.pack"))) == 8
    fill(tmp_path, {f"k{i}": f"<p>{i}</p>" for i in range(9)})
    assert len(list(tmp_path.glob("*.pack"))) == 1
    assert set(open_cache(tmp_path).known) == {f"k{i}" for i in range(9)}


def test_can_drop_stale_documents_when_they_outnumber_the_used_ones(tmp_path):
    fill(tmp_path, {f"old{n}": "<p>x</p>" for n in range(10)})
    fill(tmp_path, {"new": "<p>y</p>"})
    assert set(open_cache(tmp_path).known) == {"new"}


def test_can_skip_an_unreadable_pack(tmp_path):
    fill(tmp_path, {"a": "<p>A</p>"})
    (tmp_path / "broken.pack").write_bytes(b"not a pickle")
    assert open_cache(tmp_path).get("a") == "<p>A</p>"


def test_can_work_without_a_folder():
    cache = open_cache(None)
    cache.put("a", "<p>A</p>")
    cache.save(*cache.take())
    assert cache.get("a") is None
