"""Text pasted from word processors: invisible characters never reach a page or a feed.

VT and FF (Word's manual line and page breaks) become spaces; every other character that XML 1.0
forbids or HTML reads as an error is reported at its line and left out, so the rest of the file is
still checked.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st

from bantin.source.load import load
from bantin.source.parse import read_source

from tests.core.helpers import ARTICLE, minimal_files, shown, write_tree

# The characters XML 1.0 allows (https://www.w3.org/TR/xml/#charsets) less those HTML reads as errors
# (https://html.spec.whatwg.org/#preprocessing-the-input-stream: controls and noncharacters).
XML_CHAR = set(map(chr, (0x9, 0xA, 0xD))).union(map(chr, range(0x20, 0xD800)), map(chr, range(0xE000, 0xFFFE)))
HTML_ERROR = set(map(chr, range(0x7F, 0xA0))).union(map(chr, range(0xFDD0, 0xFDF0)))


def allowed(ch: str) -> bool:
    return (ch in XML_CHAR or ord(ch) >= 0x10000) and ch not in HTML_ERROR


def article_with(title: str, body: str) -> str:
    return ARTICLE.format(title=title, date="2024-01-09 06:25") + body


def messages(problems, root: Path) -> list[str]:
    return [shown(p, root) for p in problems]


def test_can_turn_word_line_and_page_breaks_into_spaces(tmp_path):
    root = write_tree(tmp_path / "content", minimal_files(**{
        "posts/bai-mot.md": article_with("Dòng một\x0bdòng hai", "Trang một.\x0cTrang hai.\n")}))
    content, problems = load(root)
    assert problems == []
    article = next(a for a in content.articles if a.slug == "bai-mot")
    assert article.title == "Dòng một dòng hai"
    assert "Trang một. Trang hai." in article.body


def test_errors_on_control_characters_at_their_line_and_reads_the_rest(tmp_path):
    text = article_with("Chi bộ\x13 ấp An Mỹ", "Đoạn đầu.\n\nÔng nói: \x93Đoàn kết\x94.\n")
    text = text.replace("category: xay-dung-dang", "draft: có")
    root = write_tree(tmp_path / "content", minimal_files(**{"posts/bai-mot.md": text}))
    content, problems = load(root)
    assert content is None
    hint = " (delete them: they come with text pasted from a word processor or a damaged file)"
    assert messages(problems, root) == [
        "content/posts/bai-mot.md:2: invisible character U+0013 in the text" + hint,
        "content/posts/bai-mot.md:11: invisible characters U+0093, U+0094 in the text" + hint,
        "content/posts/bai-mot.md:5: draft: must be true or false, not `có`"]


def test_errors_on_invisible_characters_in_unit_files_and_site_yaml(tmp_path):
    files = minimal_files()
    files["units/tinh.yaml"] = files["units/tinh.yaml"].replace("level: province", "level: province\x7f")
    files["site.yaml"] = files["site.yaml"] + "footer: Bản quyền\ufffe\n"
    root = write_tree(tmp_path / "content", files)
    content, problems = load(root)
    assert content is None
    assert [(Path(p.path).name, p.line, p.message) for p in problems] == [
        ("site.yaml", 8, "invisible character U+FFFE in the text"),
        ("tinh.yaml", 2, "invisible character U+007F in the text")]


def test_errors_once_on_a_file_saved_as_utf16(tmp_path):
    root = write_tree(tmp_path / "content", minimal_files(**{
        "pages/gioi-thieu.md": "---\ntitle: Gioi thieu\n---\nNoi dung.\n".encode("utf-16-le")}))
    content, problems = load(root)
    assert content is None
    assert [(Path(p.path).name, p.line, p.message) for p in problems] == [
        ("gioi-thieu.md", 1, "the file contains NUL characters (U+0000)")]


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(["a", "ả", "\n", "\t", " ", "\r", "\ufeff", "\U0001f600"]
                                + [chr(c) for c in [*range(0x20), 0x7f, 0x85, 0x93, 0x9f, 0xfdd0, 0xfffe, 0xffff]]),
               max_size=40))
def test_never_hands_on_a_character_that_xml_forbids(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("t") / "a.md"
    path.write_bytes(text.encode("utf-8"))
    cleaned, problems = read_source(path, "a.md")
    assert all(allowed(ch) for ch in cleaned)
    assert bool(problems) == any(not allowed(ch) and ch not in "\x0b\x0c\r" for ch in text)
