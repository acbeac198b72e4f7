"""The Markdown accelerator (bantin.render.markdown_accel) gives the stock library's HTML, byte for byte.

Each input is converted by a stock markdown.Markdown with bantin's extensions and settings, and
by an identical one on which markdown_accel.accelerate() installed its fast paths; the results must
be equal. The renderer itself, with and without the accelerator, must agree too.
"""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.inlinepatterns import SimpleTagInlineProcessor
from markdown.preprocessors import HtmlBlockPreprocessor, NormalizeWhitespace

from bantin.render import markdown_accel
from bantin.render.pictures import Picture
from bantin.render.markup import EXTENSIONS, TYPOGRAPHY, MarkdownRenderer, MediaInfo
from bantin.source.parse import split_front_matter

from .helpers import ROOT, generated_corpus

MEDIA = MediaInfo("/portal/", {"media/a.png": Picture("media/a.png", 40, 30, "GIF", "")}, "Bảng số liệu", "Về chú thích {} trong bài")
CONFIGS = {"footnotes": {"BACKLINK_TITLE": MEDIA.footnote_back}, "smarty": {"substitutions": TYPOGRAPHY}}


def library(*extra: Extension) -> markdown.Markdown:
    return markdown.Markdown(extensions=[*EXTENSIONS, *extra], extension_configs=CONFIGS, output_format="html")


def accelerated(*extra: Extension) -> markdown.Markdown:
    md = library(*extra)
    assert markdown_accel.accelerate(md)
    return md


STOCK, FAST = library(), accelerated()
RENDERER, RENDERER_STOCK = MarkdownRenderer(MEDIA), MarkdownRenderer(MEDIA, accelerate=False)


def convert(md: markdown.Markdown, text: str) -> str:
    md.reset()
    return md.convert(text)


def assert_same(text: str, *, renderer: bool = True) -> None:
    assert convert(FAST, text) == convert(STOCK, text), text
    if renderer:
        assert RENDERER.convert(text) == RENDERER_STOCK.convert(text), text


def _bantin_processors(md: markdown.Markdown) -> list[str]:
    registries = (md.preprocessors, md.treeprocessors, md.parser.blockprocessors,
                  *(p.inlinePatterns for p in md.treeprocessors if hasattr(p, "inlinePatterns")))
    found = [type(p).__name__ for registry in registries for p in registry
             if type(p).__module__ == markdown_accel.__name__]
    return found + (["parseBlocks"] if "parseBlocks" in vars(md.parser) else [])


def test_installs_the_fast_paths_on_the_verified_version_only(monkeypatch, capsys):
    assert RENDERER.accelerated and not RENDERER_STOCK.accelerated
    assert _bantin_processors(FAST)  # some of the accelerator's processors are in place
    assert _bantin_processors(RENDERER_STOCK._md) == []
    monkeypatch.setattr(markdown_accel, "library_version", lambda: "3.12.0")
    first, second = library(), library()
    assert not markdown_accel.accelerate(first) and not markdown_accel.accelerate(second)
    assert _bantin_processors(first) == [] and _bantin_processors(second) == []
    notice = capsys.readouterr().err
    assert notice.count("Python-Markdown 3.12.0") == 1 and markdown_accel.VERIFIED_VERSION in notice
    assert not MarkdownRenderer(MEDIA).accelerated


def test_reads_the_version_from_the_installed_package():
    assert markdown_accel.library_version() == markdown.__version__


def test_keeps_every_processor_at_the_library_name_and_priority():
    for name in ("preprocessors", "treeprocessors"):
        assert _order(getattr(FAST, name)) == _order(getattr(STOCK, name))


def _order(registry) -> list[tuple[str, int]]:
    names = [n for n in ("normalize_whitespace", "fenced_code_block", "html_block", "inline", "prettify",
                         "attr_list", "smarty", "unescape") if n in registry]
    return [(name, registry.get_index_for_name(name)) for name in names]


class _Aside(BlockProcessor):
    def test(self, parent, block):
        return block.startswith("!!!")

    def run(self, parent, blocks):
        blocks.pop(0)


class _AsideExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802
        md.parser.blockprocessors.register(_Aside(md.parser), "aside", 12)


class _Strike(Extension):
    def extendMarkdown(self, md):  # noqa: N802
        md.inlinePatterns.register(SimpleTagInlineProcessor(r"()~~(.+?)~~", "del"), "strike", 65)


def test_keeps_the_library_code_where_another_extension_changed_what_it_was_checked_against():
    md = accelerated(_AsideExtension(), _Strike())
    assert "parseBlocks" not in vars(md.parser)
    assert type(md.treeprocessors["inline"]).__module__ != markdown_accel.__name__
    assert type(md.treeprocessors["smarty"]).__module__ == markdown_accel.__name__
    text = "Chữ ~~gạch~~ thôi\n\n!!! lời bên lề\n"
    assert convert(md, text) == convert(library(_AsideExtension(), _Strike()), text)
    assert "<del>gạch</del>" in convert(md, text) and "bên lề" not in convert(md, text)
    md = markdown.Markdown(extensions=EXTENSIONS, tab_length=2)
    markdown_accel.accelerate(md)
    assert "parseBlocks" not in vars(md.parser)


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
        assert_same(text, renderer=False)   # the renderer adds nothing the accelerator touches


# ---------------------------------------------------------------- hypothesis: random documents

WORDS = st.sampled_from([
    "Đảng", "bộ", "xã", "Phú", "Thuận", "nghị", "quyết", "đảng", "viên", "Chi", "ấp", "Vọng", "Thê",
    "2024", "45.239", "hội nghị", "x", "a_b", "snake_case", "2 * 3", "1.", "-", "+", "#", ">", "|", "=",
    "*nhấn*", "**đậm**", "***cả hai***", "_gạch_", "__dưới__", "`mã < b`", "``a ` b``", "\\*", "\\{",
    "&amp;", "&copy;", "&#123;", "&#x41", "& ", "<span>html</span>", "<br>", "<b>", "<!-- chú -->",
    "[liên kết](https://x.vn \"tiêu đề\")", "[tham chiếu][r]", "[r]", "<https://x.vn>", "<a@b.vn>",
    "![ảnh](media/a.png)", "![ảnh](/media/b.png \"Chú thích\")", "[^1]", "[^ghi-chu]", "{: .lop }",
    "{: #muc }", "{", "}", "~", "~~", "^", "\x02", "\x03", "  \n", "\n",
    '"Toàn dân đoàn kết"', "'", '"', "H'Hen", "'90s", "--", "---", "...", "....", "<<", ">>", '("trích")',
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


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_renders_random_documents_identically(text):
    assert_same(text)


# Short texts made of the characters the fast paths look for, at any place in a line.
TOKENS = st.sampled_from([
    "Đảng", "bộ", " ", " ", "\n", "\n", "\n\n", "  \n", "    ", "\t", "\r", "*", "**", "_", "-", "+", "=",
    "#", ">", "[", "]", "^", ":", "|", "`", "```", "~~~", "~", "{", "}", "{: .x}", "<", ">", "<b>", "</b>",
    "<div>", "</div>", "&", "&amp;", "&#65", "\\", "1.", "2", "٣", "(", ")", "[^1]: ", "[r]: ", "\x02", ".",
    '"', "'", "--", "---", "...", "&nbsp;", "&#8211;",
])


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
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


@settings(max_examples=800, deadline=None, derandomize=True)
@given(st.lists(BLOCK_TOKENS, max_size=25).map("".join))
def test_calls_a_block_plain_only_when_no_other_processor_could_take_it(block):
    parser = STOCK.parser
    if markdown_accel.plain_paragraph(block):
        assert not _library_would_take(parser, block)


# ---------------------------------------------------------------- the skipped preprocessors, one by one

LINE_TOKENS = st.sampled_from([
    "Đảng", "a", " ", "  ", "\t", "\r", "\r\n", "\n", "\n\n", "\n  \n", "\x02", "\x03", "`", "```", "~", "~~~",
    "<", ">", "<div>", "</div>", "<b>", "&", "&amp;", "&#65", "&#x4", "{", "}", "*", "-",
])


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(LINE_TOKENS, max_size=30).map("".join))
def test_skips_a_preprocessor_only_when_the_library_would_return_the_same_lines(text):
    fast, slow = FAST, STOCK
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
