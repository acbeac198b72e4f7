"""The Markdown fast paths (bantin.render.markup) give byte-identical HTML to Python-Markdown's own processors.

Each input is converted three ways and the results must be equal byte for byte:
our renderer, the renderer built with fast=False (the library's processors only), and a stock
markdown.Markdown configured here, independently, with the same extensions and tree polish.
"""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st
from markdown.blockprocessors import BlockProcessor
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.preprocessors import HtmlBlockPreprocessor, NormalizeWhitespace
from markdown.extensions import Extension

from bantin.render import markup
from bantin.render.markup import EXTENSIONS, MarkdownRenderer, MediaInfo
from bantin.source.parse import split_front_matter

from .helpers import ROOT, generated_corpus

MEDIA = MediaInfo("/portal/", {"media/a.png": (40, 30)}, "Bảng số liệu", "Về chú thích {} trong bài")


class _StockPolish(Extension):
    """bantin's choices on a stock Python-Markdown: no prettify step, the tree polish."""

    def extendMarkdown(self, md):  # noqa: N802
        md.treeprocessors.deregister("prettify")
        md.treeprocessors.register(markup._Polish(md, MEDIA), "bantin-polish", 0)


FAST = MarkdownRenderer(MEDIA)
SLOW = MarkdownRenderer(MEDIA, fast=False)
STOCK = markdown.Markdown(extensions=[*EXTENSIONS, _StockPolish()],
                          extension_configs={"footnotes": {"BACKLINK_TITLE": MEDIA.footnote_back}},
                          output_format="html")


def stock(text: str) -> str:
    STOCK.reset()
    return STOCK.convert(text)


def assert_same(text: str, *, with_stock: bool = True) -> None:
    fast = FAST.convert(text)
    assert fast == SLOW.convert(text), text
    if with_stock:
        assert fast == stock(text), text


def test_installs_the_fast_paths_only_when_asked():
    md = FAST._md
    assert type(md.preprocessors["normalize_whitespace"]) is markup._FastNormalizeWhitespace
    assert type(md.preprocessors["fenced_code_block"]) is markup._FastFencedBlock
    assert type(md.preprocessors["html_block"]) is markup._FastHtmlBlock
    assert type(md.treeprocessors["attr_list"]) is markup._FastAttrList
    assert "parseBlocks" in vars(md.parser)
    slow = SLOW._md
    assert "parseBlocks" not in vars(slow.parser)
    assert not any(type(p).__module__ == "bantin.render.markup"
                   for registry in (slow.preprocessors, slow.treeprocessors, slow.parser.blockprocessors)
                   for p in registry if type(p) is not markup._Polish)
    # Every processor keeps the library's name and priority, hence its place in the order.
    for name in ("preprocessors", "treeprocessors"):
        assert _order(getattr(md, name)) == _order(getattr(slow, name))


def _order(registry) -> list[tuple[str, float]]:
    registry._sort()
    return [(item.name, item.priority) for item in registry._priority]


class _Aside(BlockProcessor):
    def test(self, parent, block):
        return block.startswith("!!!")

    def run(self, parent, blocks):
        blocks.pop(0)


class _AsideExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802
        md.parser.blockprocessors.register(_Aside(md.parser), "aside", 12)


def test_keeps_the_library_block_loop_when_the_processors_are_not_the_expected_ones():
    md = markdown.Markdown(extensions=[*EXTENSIONS, _AsideExtension()])
    assert not markup._install_fast_blocks(md.parser)
    assert "parseBlocks" not in vars(md.parser)
    md = markdown.Markdown(extensions=EXTENSIONS, tab_length=2)
    assert not markup._install_fast_blocks(md.parser)


# ---------------------------------------------------------------- real and generated content


def _bodies(content: Path) -> list[str]:
    texts = []
    for folder in ("posts", "pages"):
        for path in sorted((content / folder).rglob("*.md")):
            texts.append(split_front_matter(path.read_text(encoding="utf-8-sig"), path.name).body)
    for path in sorted((content / "units").rglob("*.yaml")):
        description = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("description")
        if description:
            texts.append(description)
    return texts


def test_renders_the_sample_portal_identically():
    texts = _bodies(ROOT / "content")
    assert len(texts) > 60
    for text in texts:
        assert_same(text)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return generated_corpus(tmp_path_factory.mktemp("md-corpus") / "tree", articles=250, units=40, seed=11)


def test_renders_a_generated_corpus_identically(corpus):
    texts = _bodies(corpus)
    assert len(texts) > 250
    for text in texts:
        assert_same(text, with_stock=False)  # SLOW is the stock library; the other tests compare it too


# ---------------------------------------------------------------- hypothesis: random documents

WORDS = st.sampled_from([
    "Đảng", "bộ", "xã", "Phú", "Thuận", "nghị", "quyết", "đảng", "viên", "Chi", "ấp", "Vọng", "Thê",
    "2024", "45.239", "hội nghị", "x", "a_b", "snake_case", "2 * 3", "1.", "-", "+", "#", ">", "|", "=",
    "*nhấn*", "**đậm**", "***cả hai***", "_gạch_", "__dưới__", "`mã < b`", "``a ` b``", "\\*", "\\{",
    "&amp;", "&copy;", "&#123;", "&#x41", "& ", "<span>html</span>", "<br>", "<b>", "<!-- chú -->",
    "[liên kết](https://x.vn \"tiêu đề\")", "[tham chiếu][r]", "[r]", "<https://x.vn>", "<a@b.vn>",
    "![ảnh](media/a.png)", "![ảnh](/media/b.png \"Chú thích\")", "[^1]", "[^ghi-chu]", "{: .lop }",
    "{: #muc }", "{", "}", "~", "~~", "^", "\x02", "\x03", "  \n", "\n",
])


def _words(min_size: int = 1, max_size: int = 12) -> st.SearchStrategy[str]:
    return st.lists(WORDS, min_size=min_size, max_size=max_size).map(" ".join)


def _lines(max_lines: int = 3) -> st.SearchStrategy[str]:
    return st.lists(_words(), min_size=1, max_size=max_lines).map("\n".join)


def _indent(block: str, by: int) -> str:
    return "\n".join(" " * by + line if line else line for line in block.split("\n"))


@st.composite
def _list(draw, depth: int = 0) -> str:
    ordered = draw(st.booleans())
    items = []
    for number in range(draw(st.integers(1, 4))):
        marker = f"{draw(st.sampled_from([1, number + 1, 7]))}." if ordered else draw(st.sampled_from("-*+"))
        item = f"{marker} {draw(_lines(2))}"
        if depth < 2 and draw(st.integers(0, 4)) == 0:
            item += "\n" + _indent(draw(_list(depth + 1)), 4)
        if draw(st.integers(0, 5)) == 0:
            item += "\n\n" + _indent(draw(_lines(2)), draw(st.sampled_from([2, 4, 8])))
        items.append(item)
    return draw(st.sampled_from(["\n", "\n\n"])).join(items)


@st.composite
def _table(draw) -> str:
    columns = draw(st.integers(1, 4))
    cell = st.sampled_from(["Năm", "2023", "*x*", "`y|z`", "45.239", "", "a \\| b", "Tỷ lệ"])
    align = st.sampled_from(["---", ":---", "---:", ":---:", "-"])
    border = draw(st.booleans())

    def row(cells):
        text = " | ".join(cells)
        return f"| {text} |" if border else text
    rows = [row(draw(st.lists(cell, min_size=columns, max_size=columns))),
            row(draw(st.lists(align, min_size=columns, max_size=columns)))]
    rows += [row(draw(st.lists(cell, min_size=columns, max_size=columns))) for _ in range(draw(st.integers(0, 3)))]
    return "\n".join(rows)


BLOCK = st.one_of(
    _lines(4),                                                              # paragraphs (most weight)
    _lines(4),
    _words().map(lambda w: "#" * 1 + " " + w),
    st.tuples(st.integers(1, 7), _words(), st.sampled_from(["", " #", " ##", " {: #muc }"])).map(
        lambda t: "#" * t[0] + " " + t[1] + t[2]),
    st.tuples(_words(), st.sampled_from(["===", "---", "=", "-", "- - -"])).map("\n".join),   # setext
    st.sampled_from(["---", "***", "___", "- - -", "* * *", "  ---", "----  ", "-- -"]),         # rules
    _list(),
    _lines(3).map(lambda text: "\n".join("> " + line for line in text.split("\n"))),
    _lines(2).map(lambda text: "> > " + text),
    _table(),
    st.tuples(st.sampled_from(["1", "ghi-chu", "2"]), _lines(2), st.booleans()).map(
        lambda t: f"[^{t[0]}]: {t[1]}" + ("\n\n    Đoạn tiếp theo của ghi chú." if t[2] else "")),
    st.sampled_from(['[r]: https://r.vn "Tiêu đề"', "[r]: <https://r.vn>", "   [R]: /gioi-thieu/\n  (tiêu đề)"]),
    _lines(3).map(lambda text: _indent(text, 4)),                            # indented code
    st.tuples(st.sampled_from(["```", "~~~", "````"]), st.sampled_from(["", "python", "{ .lang #id }"]),
              _lines(3)).map(lambda t: f"{t[0]}{t[1]}\n{t[2]}\n{t[0]}"),
    st.sampled_from(["<div>\n<p>Khối *HTML*</p>\n</div>", "<table><tr><td>ô</td></tr></table>",
                     "<!-- ghi chú -->", "<hr>", "<p markdown=\"1\">x</p>"]),
    st.tuples(_lines(2), st.sampled_from(["{: .lop }", "{: #muc .a }", "{:}", "{ data-x=\"1\" }"])).map(
        "\n".join),                                                         # attribute lists
    st.sampled_from(["![Đại biểu](media/a.png)\n*Quang cảnh hội nghị*", '![ảnh](media/a.png "Chú thích")']),
)
GAP = st.sampled_from(["\n\n", "\n\n", "\n\n", "\n", "\n\n\n", "\n  \n", "\n    \n", "\n\t\n"])


@st.composite
def documents(draw) -> str:
    blocks = draw(st.lists(BLOCK, min_size=1, max_size=10))
    text = ""
    for block in blocks:
        shift = draw(st.sampled_from([0, 0, 0, 0, 1, 2, 3, 4, 5]))
        text += _indent(block, shift) + draw(GAP)
    if draw(st.integers(0, 9)) == 0:
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 9)) == 0:
        text = text.replace("    ", "\t")
    return text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_renders_random_documents_identically(text):
    assert_same(text)


# Short texts made of the characters the fast paths look for, at any place in a line.
TOKENS = st.sampled_from([
    "Đảng", "bộ", " ", " ", "\n", "\n", "\n\n", "  \n", "    ", "\t", "\r", "*", "**", "_", "-", "+", "=",
    "#", ">", "[", "]", "^", ":", "|", "`", "```", "~~~", "~", "{", "}", "{: .x}", "<", ">", "<b>", "</b>",
    "<div>", "</div>", "&", "&amp;", "&#65", "\\", "1.", "2", "٣", "(", ")", "[^1]: ", "[r]: ", "\x02", ".",
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, max_size=40).map("".join))
def test_renders_random_token_soup_identically(text):
    assert_same(text)


# ---------------------------------------------------------------- the paragraph test itself

BLOCK_TOKENS = st.sampled_from([
    "chữ", "Đ", "a", " ", "  ", "    ", "\n", "\n\n", "#", "=", "-", "_", "*", "+", ">", "[", "]", "^", ":",
    "|", "1", "2.", "٣.", "\\", "`", "(", ")", "x", "https://x.vn", '"t"', "\x02",
])


def _library_would_take(parser, block: str) -> bool:
    """Whether any block processor before ParagraphProcessor takes `block`, for some parent and state."""
    import xml.etree.ElementTree as etree
    root = etree.Element("div")
    li = etree.Element("li")
    after_list = etree.Element("div")
    etree.SubElement(after_list, "ul")
    processors = list(parser.blockprocessors)
    for processor in processors[:-1]:
        name = type(processor).__name__
        if name in ("FootnoteBlockProcessor", "ReferenceProcessor"):
            if processor.RE.search(block):  # their run gives up (returns False) without a match
                return True
            continue
        for state in ([], ["list"], ["looselist"], ["detabbed"], ["blockquote"]):
            parser.state[:] = state
            try:
                if any(processor.test(parent, block) for parent in (root, li, after_list)):
                    return True
            finally:
                parser.state[:] = []
    return False


@settings(max_examples=800, deadline=None)
@given(st.lists(BLOCK_TOKENS, max_size=25).map("".join))
def test_calls_a_block_plain_only_when_no_other_processor_could_take_it(block):
    parser = SLOW._md.parser
    if markup._plain_paragraph(block):
        assert not _library_would_take(parser, block)


# ---------------------------------------------------------------- the skipped preprocessors, one by one

LINE_TOKENS = st.sampled_from([
    "Đảng", "a", " ", "  ", "\t", "\r", "\r\n", "\n", "\n\n", "\n  \n", "\x02", "\x03", "`", "```", "~", "~~~",
    "<", ">", "<div>", "</div>", "<b>", "&", "&amp;", "&#65", "&#x4", "{", "}", "*", "-",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(LINE_TOKENS, max_size=30).map("".join))
def test_skips_a_preprocessor_only_when_the_library_would_return_the_same_lines(text):
    fast, slow = FAST._md, SLOW._md
    fast.reset()
    slow.reset()
    lines = text.split("\n")
    normalized = NormalizeWhitespace.run(slow.preprocessors["normalize_whitespace"], lines)
    assert fast.preprocessors["normalize_whitespace"].run(lines) == normalized
    fenced = FencedBlockPreprocessor.run(slow.preprocessors["fenced_code_block"], normalized)
    assert fast.preprocessors["fenced_code_block"].run(normalized) == fenced
    assert fast.htmlStash.rawHtmlBlocks == slow.htmlStash.rawHtmlBlocks
    assert fast.preprocessors["html_block"].run(fenced) == HtmlBlockPreprocessor.run(
        slow.preprocessors["html_block"], fenced)
    assert fast.htmlStash.rawHtmlBlocks == slow.htmlStash.rawHtmlBlocks
