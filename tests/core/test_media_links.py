"""Media named as editors write them: in angle brackets with spaces, in Vietnamese (NFC or NFD), `%20`-encoded.

Every such link is found and checked against the files in content/media/; find_media_links skips from
"]" to "]", and must find what the link pattern finds over the whole body.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st

from bantin.source.articles import _MD_LINK, find_media_links
from bantin.source.load import load

from .helpers import ARTICLE, minimal_files, png, shown, write_tree


def by_pattern(body: str, first_line: int) -> tuple[tuple[str, int], ...]:
    links = []
    for match in _MD_LINK.finditer(body):
        ref = match.group(1) or match.group(2) or ""
        if ref.lstrip("/").startswith("media/") or ref.startswith(".."):
            links.append((ref, first_line + body.count("\n", 0, match.start())))
    return tuple(links)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["](", "]", "(", ")", " ", "\n", "<", ">", "media/", "../", "/", "a", "x.png",
                                 "]( ", "\t", "](<", "]](", "ả", "%20"]), max_size=24).map("".join))
@example("![a](media/x.png) [b](../y) [c](/media/z.jpg) [d](https://e.vn) ](media/a]b)")
@example("![a](<media/anh le/x.png>) ![b](media/a(1).png) ![c](<media/a>b>)")
def test_finds_what_the_link_pattern_finds(body):
    assert find_media_links(body, 7) == by_pattern(body, 7)


@pytest.mark.parametrize("body, target", [
    ("![Ảnh](<media/anh le/Lễ kết nạp 1.jpg>)", "media/anh le/Lễ kết nạp 1.jpg"),
    ('![Ảnh](media/anh%20le/x.jpg "Chú thích")', "media/anh%20le/x.jpg"),
    ("[Tệp](<media/van ban/Nghị quyết.pdf> 'Tải về')", "media/van ban/Nghị quyết.pdf"),
    ("![Ảnh]( media/a(1).jpg )", "media/a(1).jpg"),
    ("![Ảnh](/media/a.jpg#khung)", "/media/a.jpg#khung"),
])
def test_finds_media_links_as_editors_write_them(body, target):
    assert find_media_links("Đoạn một.\n\n" + body + "\n", 5) == ((target, 7),)


def article_with(body: str, **front: str) -> str:
    extra = "".join(f"{key}: {value}\n" for key, value in front.items())
    text = ARTICLE.format(title="Bài ba", date="2024-03-01 08:00")
    return text.replace("---\nĐoạn", extra + "---\nĐoạn") + body


def load_with(tmp_path: Path, **files: str | bytes) -> tuple[object, list[str]]:
    root = write_tree(tmp_path / "content", minimal_files(**files))
    content, problems = load(root)
    return content, [shown(p, root) for p in problems]


def test_can_find_media_with_spaces_vietnamese_nfd_names_and_percent_encoding(tmp_path):
    nfd = unicodedata.normalize("NFD", "media/anh le/Lễ kết nạp 1.jpg")  # saved on a Mac
    body = ("![Lễ kết nạp](<media/anh le/Lễ kết nạp 1.jpg>)\n\n"
            "![Cùng ảnh](media/anh%20le/L%E1%BB%85%20k%E1%BA%BFt%20n%E1%BA%A1p%201.jpg)\n\n"
            "[Tải về](</media/anh le/Lễ kết nạp 1.jpg?v=2#dau>)\n")
    content, problems = load_with(tmp_path, **{nfd: png(), "posts/bai-ba.md": article_with(
        body, image="media/anh le/Lễ kết nạp 1.jpg")})
    assert problems == [] and content is not None


def test_errors_on_a_missing_file_with_spaces_naming_all_of_it(tmp_path):
    _, problems = load_with(tmp_path, **{"media/anh le/a.jpg": png(), "posts/bai-ba.md": article_with(
        "![Ảnh](<media/anh le/Lễ kết nạp 2.jpg>)\n")})
    assert problems == ["content/posts/bai-ba.md:9: body: `media/anh le/Lễ kết nạp 2.jpg` does not exist "
                        "(paths are relative to content/, e.g. media/2024/anh.jpg)"]


@pytest.mark.parametrize("ref, message", [
    ("media/%00.jpg", "`media/%00.jpg` does not exist"),
    ("media/%2e%2e/%2e%2e/bi-mat.txt", "`media/%2e%2e/%2e%2e/bi-mat.txt` points outside content/"),
    ("/media/../../bi-mat.txt", "`/media/../../bi-mat.txt` points outside content/"),
])
def test_errors_on_encoded_names_that_are_not_a_media_file(tmp_path, ref, message):
    _, problems = load_with(tmp_path, **{"posts/bai-ba.md": article_with(f"![Ảnh]({ref})\n")})
    assert [p.split(" (")[0] for p in problems] == [f"content/posts/bai-ba.md:9: body: {message}"]


def test_errors_on_an_image_field_that_is_a_script(tmp_path):
    _, problems = load_with(tmp_path, **{"posts/bai-ba.md": article_with("", image="javascript:alert(1)")})
    assert problems == ["content/posts/bai-ba.md:7: image: links may use http, https, mailto or tel, not "
                        "`javascript:` (write the path of a file under content/media/, e.g. media/2024/anh.jpg)"]


@pytest.mark.parametrize("name, text", [("posts/!!!.md", "---\ntitle: Bài\ndate: 2024-03-01 08:00\n---\n"),
                                        ("pages/???.md", "---\ntitle: Trang\n---\n")])
def test_errors_on_a_markdown_file_name_without_letters_or_digits(tmp_path, name, text):
    content, problems = load_with(tmp_path, **{name: text})
    assert content is None
    assert problems == [f"content/{name}: the file name has no letters or digits to make an address of "
                        "(rename the file, e.g. bai-viet.md, or add `slug: …`)"]


def test_can_take_a_slug_for_a_file_name_without_letters(tmp_path):
    content, problems = load_with(tmp_path, **{"posts/!!!.md": article_with("", slug="bai-ba")})
    assert problems == [] and "bai-ba" in [a.slug for a in content.articles]


def test_errors_on_a_unit_file_name_without_letters_or_digits(tmp_path):
    content, problems = load_with(tmp_path, **{"units/???.yaml": "name: Chi bộ\n"})
    assert content is None
    assert problems == ["content/units/???.yaml: the file name has no letters or digits to make a unit id of "
                        "(rename it after the unit, e.g. dang-bo-xa-phu-thuan.yaml)"]
