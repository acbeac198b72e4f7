"""Pathological Markdown is refused before conversion, with the line to look at; long articles pass."""

from __future__ import annotations

import random
from pathlib import Path
from unittest import mock

import markdown
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from markdown.treeprocessors import Treeprocessor
from markdown.extensions import Extension

from bantin.source import markdown_limits as limits
from bantin.render.markup import EXTENSIONS, MarkdownLimitError, MarkdownRenderer, MediaInfo, check_limits
from bantin.source.parse import split_front_matter

ROOT = Path(__file__).resolve().parents[2]

PATHOLOGICAL = {
    "48 KB of nested brackets": "[" * 24_000 + "x" + "]" * 24_000,
    "thousands of unclosed brackets": "Xem [a " * 8_000,
    "unclosed image brackets": "![a " * 8_000,
    "thousands of unclosed tags": "<b>" * 16_000,
    "unclosed attribute quotes": "<span title='" * 4_000,
    "nested raw blocks": "<div>\n\n" * 10_000,
    "unclosed backticks": "`a " * 16_000,
    "unclosed comments": "<!--" * 12_000,
    "quote soup": "\"a' " * 12_000,
    "one long line of emphasis": "*a " * 30_000,
    "the same footnote again and again": "Ý[^1] " * 2_000 + "\n\n[^1]: Ghi chú.",
    "thousands of footnotes": " ".join(f"x[^{i}]" for i in range(1_500)) + "\n\n"
                              + "\n".join(f"[^{i}]: y" for i in range(1_500)),
    "quotes nested deep": ">" * 5_000 + " x",
    "lists nested deep": "".join(" " * (2 * i) + "- x\n" for i in range(600)),
    "a paragraph disguised as a list": "- a\n---\nx\n" + "- [\n" * 5_000,
    "an ordered list with lazy lines": "1. a\n" + "- [\n" * 5_000,
    "more than a megabyte": "Đảng bộ xã Phú Thuận. " * 50_000,
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_errors_on_pathological_markdown_before_converting_it(name):
    text = PATHOLOGICAL[name]
    problem = check_limits(text)
    assert problem is not None
    message, line = problem
    assert message and 1 <= line <= text.count("\n") + 1
    with mock.patch.object(markdown.Markdown, "convert", side_effect=AssertionError("converted")):
        with pytest.raises(MarkdownLimitError) as caught:
            MarkdownRenderer(MediaInfo()).convert(text)
    assert (caught.value.message, caught.value.line) == problem and str(caught.value) == message


def test_errors_on_the_line_where_the_trouble_is():
    text = "Đoạn mở đầu.\n\n```\n[[[[[[[[\n```\n\nĐoạn hai.\n\n" + "[" * 40_000 + "\n\nĐoạn cuối.\n"
    assert check_limits(text)[1] == 9
    assert check_limits("Một\n\n" + "> " * 20 + "x\n")[1] == 3
    assert check_limits("a\n\n" + "Ý[^1] " * 200 + "\n\n[^1]: x")[1] == 3
    assert check_limits("a\n\n" + "<div>\n\n" * 3_000)[1] == 2 * limits.MAX_HTML_TAGS + 3
    assert "\\[" in check_limits("[" * 40_000)[0]


def _paragraph(rng: random.Random, words: int) -> str:
    vocabulary = "Đảng bộ xã Phú Thuận tổ chức hội nghị tổng kết công tác năm và triển khai nhiệm vụ".split()
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def long_article() -> str:
    """About 60 KB: 150 paragraphs with emphasis, quotes, links and footnotes, a 400-row table,
    a 300-item list, 150 footnotes and a code block full of quotes."""
    rng = random.Random(7)
    p = "\n\n".join(f'{_paragraph(rng, 30)} *{_paragraph(rng, 2)}* "{_paragraph(rng, 3)}" '
                    f"[liên kết](https://x.vn/{i}) {_paragraph(rng, 5)}[^{i}]." for i in range(150))
    table = "| STT | Đơn vị | Đảng viên | Ghi chú |\n|---:|---|---:|---|\n" + "\n".join(
        f'| {i} | **{_paragraph(rng, 2)}** | {i * 7} | [xem](https://x.vn/{i}) "tốt" |' for i in range(400))
    items = "\n".join(f'- **{_paragraph(rng, 2)}**: [văn bản {i}](media/{i}.pdf) "{_paragraph(rng, 2)}"'
                      for i in range(300))
    notes = "\n".join(f"[^{i}]: {_paragraph(rng, 8)} [nguồn](https://x.vn/{i})." for i in range(150))
    code = "```json\n" + "\n".join(f'{{"a": "{i}", "b": [1, 2]}}' for i in range(600)) + "\n```"
    return "\n\n".join([p, table, items, code, notes])


def test_can_convert_a_long_article_with_big_tables_and_many_footnotes():
    text = long_article()
    assert len(text.encode()) > 50_000
    assert check_limits(text) is None
    html = MarkdownRenderer(MediaInfo()).convert(text)
    assert html.count("<tr>") == 401 and html.count('class="footnote-backref"') == 150


def _bodies() -> list[str]:
    return [split_front_matter(p.read_text(encoding="utf-8-sig"), p.name).body
            for p in sorted((ROOT / "content").rglob("*.md"))]


def test_can_convert_every_article_of_the_sample_portal():
    texts = _bodies()
    assert len(texts) > 50 and all(check_limits(text) is None for text in texts)


# ---------------------------------------------------------------- the estimates never fall short


class _Record(Treeprocessor):
    """Every text the inline patterns are about to run over."""

    def __init__(self, md, texts: list[str]):
        super().__init__(md)
        self.texts = texts

    def run(self, root):
        for element in root.iter():
            for text in (element.text, element.tail):
                if text and not isinstance(text, markdown.util.AtomicString):
                    self.texts.append(text)


class _RecordExtension(Extension):
    def __init__(self, texts: list[str]):
        super().__init__()
        self.texts = texts

    def extendMarkdown(self, md):  # noqa: N802
        md.treeprocessors.register(_Record(md, self.texts), "record", 21)   # just before the inline pass


def _inline_texts(text: str) -> list[str]:
    texts: list[str] = []
    markdown.Markdown(extensions=[*EXTENSIONS, _RecordExtension(texts)]).convert(text)
    return texts


def _work(pieces: list[str]) -> tuple[int, int]:
    return (sum(len(p) * limits._marks(p) for p in pieces),
            sum(limits._bracket_work(p) for p in pieces))


LINE = st.lists(st.sampled_from([
    "a", "Đảng", " ", "[", "]", "*", "`", "<b>", '"', "'", "&", "[^1]", "|", "- ", "* ", "1. ", "2. ", "# ",
    "---", "===", "> ", "    ", "  ", "***", "|---|---|", "```", ":", "\\[", "\xa0", "\t",
]), max_size=8).map("".join)


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE, max_size=14).map("\n".join))
@example("- a\n---\nx [\n- [ [\n- [")
@example("1. a\n- [ [\n- [")
@example("| a | b |\n|---|---|\n| [ | [ |\nx\n| [ |")
def test_never_estimates_less_work_than_the_library_does(text):
    units = [unit for _, unit in limits._units(limits._without_fenced_code(limits._normalized(text)))]
    estimated, actual = _work(units), _work(_inline_texts(text))
    assert estimated[0] >= actual[0] and estimated[1] >= actual[1]
