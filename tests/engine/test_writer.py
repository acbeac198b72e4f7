"""The writer's two ways (staging folder, update in place) publish the same files and never touch
the published site before commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from bantin.output.writer import abandon, commit, open_output


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name == "build.json"}


def publish(out: Path, in_place: bool, pages: dict[str, bytes], tool: dict[str, bytes] | None = None,
            keep_tool: bool = False) -> None:
    output = open_output(out, in_place)
    for name, data in pages.items():
        output.write(name, data)
    if keep_tool:
        assert output.keep_tree("pagefind/b-2024")
    elif tool is not None:
        produced = output.work_dir("shard")
        for name, data in tool.items():
            (produced / name).parent.mkdir(parents=True, exist_ok=True)
            (produced / name).write_bytes(data)
        output.adopt("pagefind/b-2024", produced)
    commit(output)


@pytest.mark.parametrize("in_place", [False, True])
def test_keeps_a_tool_made_folder_and_replaces_changed_pages(tmp_path, in_place):
    out = tmp_path / "site"
    publish(out, False, {"index.html": b"v1", "a/index.html": b"a"}, {"index.json": b"{}", "f/1.pf": b"x"})
    publish(out, in_place, {"index.html": b"v2"}, keep_tool=True)
    assert files(out) == {"index.html": b"v2", "pagefind/b-2024/index.json": b"{}", "pagefind/b-2024/f/1.pf": b"x"}
    assert not any(p.name.startswith(".site.") for p in tmp_path.iterdir() if p.name != "site"
                   and not p.name.startswith(".site.old-"))


def test_never_writes_through_a_kept_file_into_the_published_one(tmp_path):
    out = tmp_path / "site"
    publish(out, False, {"index.html": b"one"})
    output = open_output(out, False)
    assert output.keep("index.html", output.previous["index.html"])
    output.write("index.html", b"two")  # replaces the staged hard link, not the file it links to
    assert (out / "index.html").read_bytes() == b"one"
    abandon(output)
    assert files(out) == {"index.html": b"one"}
