"""Links in the content tree: those that leave content/ are refused, those that stay inside are followed.

A link that leaves content/ could publish any file the build machine can read (a home folder, a key);
the load fails naming the link, and no media path it returns lies outside content/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bantin.source.load import load

from tests.core.helpers import ARTICLE, minimal_files, png, shown, write_tree

HINT_FILE = "links that leave content/ are not followed: copy the file into content/"


@pytest.fixture
def tree(tmp_path) -> Path:
    """A valid content/ with an image, beside a folder `outside/` that holds a secret and an article."""
    write_tree(tmp_path / "outside", {"secret.txt": "mật khẩu", "anh.png": png(),
                                      "bai-ngoai.md": ARTICLE.format(title="Bài ngoài", date="2024-03-01 08:00"),
                                      "don-vi.yaml": "name: Ngoài\n",
                                      "site.yaml": "title: T\nbase_url: https://x.vn/\n"})
    return write_tree(tmp_path / "content", minimal_files(**{"media/2024/anh.png": png()}))


def link(path: Path, target: str | Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def messages(root: Path) -> list[str]:
    content, problems = load(root)
    assert content is None
    return [shown(p, root) for p in problems]


@pytest.mark.parametrize("name, target", [("media/mat-khau.txt", "secret.txt"), ("posts/bai-ngoai.md", "bai-ngoai.md"),
                                          ("units/don-vi.yaml", "don-vi.yaml"), ("pages/trang.md", "bai-ngoai.md"),
                                          ("media/2024/anh-ngoai.png", "anh.png")])
def test_errors_on_a_link_to_a_file_outside_content(tree, name, target):
    link(tree / name, tree.parent / "outside" / target)
    assert messages(tree) == [f"content/{name}: this is a link to a file outside content/ ({HINT_FILE})"]


@pytest.mark.parametrize("name", ["media/ngoai", "posts/ngoai", "media"])
def test_errors_on_a_link_to_a_folder_outside_content(tree, name):
    if name == "media":
        (tree / "media/2024/anh.png").unlink()
        (tree / "media/2024").rmdir()
        (tree / "media").rmdir()
    link(tree / name, tree.parent / "outside")
    assert messages(tree) == [f"content/{name}: this is a link to a folder outside content/ "
                              "(links that leave content/ are not followed: copy the folder into content/)"]


def test_errors_on_site_yaml_linked_from_outside(tree):
    (tree / "site.yaml").unlink()
    link(tree / "site.yaml", "../outside/site.yaml")
    assert messages(tree) == [f"content/site.yaml: this is a link to a file outside content/ ({HINT_FILE})"]


def test_errors_on_a_link_that_climbs_out_by_a_relative_path(tree):
    link(tree / "media/2024/lien-ket.png", "../../../outside/anh.png")
    assert messages(tree) == [
        f"content/media/2024/lien-ket.png: this is a link to a file outside content/ ({HINT_FILE})"]


def test_follows_links_that_stay_inside_content(tree):
    link(tree / "media/ban-sao", "2024")  # a folder link
    link(tree / "media/anh-chinh.png", "2024/anh.png")  # a file link
    article = ARTICLE.format(title="Bài ba", date="2024-03-01 08:00") + "![Ảnh](media/ban-sao/anh.png)\n"
    write_tree(tree, {"posts/bai-ba.md": article})
    content, problems = load(tree)
    assert problems == []
    assert content.media == ("media/2024/anh.png", "media/anh-chinh.png", "media/ban-sao/anh.png")
    assert all(Path(os.path.realpath(tree / name)).is_relative_to(os.path.realpath(tree)) for name in content.media)


def test_warns_once_on_a_link_back_to_a_folder_that_contains_it(tree):
    link(tree / "media/2024/vong", "..")
    content, problems = load(tree)
    assert content is not None and content.media == ("media/2024/anh.png",)
    assert [(shown(p, tree), p.severity) for p in problems] == [
        ("content/media/2024/vong: this link points to a folder that contains it: skipped (remove the link)",
         "warning")]


def test_publishes_the_files_that_links_inside_content_point_to(tree, tmp_path):
    from bantin.pipeline import Options, build
    link(tree / "media/ban-sao", "2024")
    link(tree / "media/anh-chinh.png", "2024/anh.png")
    build(Options(content=tree, out=tmp_path / "site", jobs=1, search=False, cache_dir=None))
    # Photos are published as resized copies (bantin/output/images.py), one set per name.
    for stem in ("media/anh-chinh", "media/ban-sao/anh", "media/2024/anh"):
        published = sorted((tmp_path / "site").glob(stem + "-*w.*.png"))
        assert published and all(p.is_file() and not p.is_symlink() for p in published), stem
