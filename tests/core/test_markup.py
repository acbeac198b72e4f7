"""Markdown bodies: footnotes per document, figures, media under the base path, tables, the fast inline path."""

from __future__ import annotations

import re

import markdown
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from markdown.extensions import Extension

from bantin.render import markup
from bantin.render.markup import EXTENSIONS, MarkdownRenderer, MediaInfo


def renderer(base_path: str = "/", **sizes) -> MarkdownRenderer:
    return MarkdownRenderer(MediaInfo(base_path, {k.replace("__", "/").replace("_", "."): v
                                                  for k, v in sizes.items()}, "Bảng số liệu"))


class _PolishOnly(Extension):
    """bantin's tree polish on a stock Python-Markdown, without the fast inline path."""

    def __init__(self, media: MediaInfo):
        super().__init__()
        self.media = media

    def extendMarkdown(self, md):  # noqa: N802
        md.treeprocessors.register(markup._Polish(md, self.media), "bantin-polish", 0)


def plain(text: str, media: MediaInfo) -> str:
    return markdown.Markdown(extensions=[*EXTENSIONS, _PolishOnly(media)], output_format="html").convert(text)


_PRE = re.compile(r"(<pre\b.*?</pre>)", re.S)
_BLOCK = re.compile(r"\s*(</?(?:p|div|hr|ol|ul|li|table|thead|tbody|tr|th|td|blockquote|h[1-6]|figure|figcaption"
                    r"|pre|dl|dt|dd)\b[^>]*>|<br>)\s*")


def rendered(html: str) -> str:
    """HTML as a browser renders it: outside <pre>, whitespace runs are one space and whitespace
    around block tags (what Python-Markdown's prettify step adds) does not count."""
    parts = _PRE.split(html)
    for i in range(0, len(parts), 2):
        parts[i] = _BLOCK.sub(r"\1", re.sub(r"\s+", " ", parts[i]))
    return "".join(parts).strip()


def test_can_keep_footnotes_inside_their_own_document():
    md = renderer()
    first = md.convert("Một[^1] và hai[^2].\n\n[^1]: Ghi chú một.\n[^2]: Ghi chú hai.\n")
    second = md.convert("Không có chú thích.\n")
    third = md.convert("Ba[^1].\n\n[^1]: Ghi chú ba.\n")
    assert "Ghi chú một" in first and "Ghi chú hai" in first
    assert "footnote" not in second and "Ghi chú" not in second
    assert "Ghi chú ba" in third and "Ghi chú một" not in third and "Ghi chú hai" not in third
    assert third.count('class="footnote-ref"') == 1


def test_can_make_a_figure_with_a_caption():
    html = renderer(media__a_png=(800, 600)).convert("![Đại biểu dự hội nghị](media/a.png)\n*Quang cảnh hội nghị*\n")
    assert html.startswith('<figure class="figure"><img alt="Đại biểu dự hội nghị"')
    assert 'width="800"' in html and 'height="600"' in html and 'loading="lazy"' in html
    assert html.endswith("<figcaption>Quang cảnh hội nghị</figcaption></figure>")


def test_can_take_a_figure_caption_from_the_image_title():
    html = renderer().convert('![ảnh](media/a.png "Chú thích ảnh")\n')
    assert "<figcaption>Chú thích ảnh</figcaption>" in html and "title=" not in html


def test_can_leave_an_image_inside_prose_inline():
    html = renderer().convert("Xem ![ảnh](media/a.png) ở đây.\n")
    assert "<figure" not in html and html.startswith("<p>Xem <img")


def test_can_put_media_urls_under_the_base_path():
    html = renderer("/portal/").convert(
        "![a](media/2024/a.png)\n\n[Tải văn bản](media/van-ban.pdf), [báo](https://nhandan.vn/x), [trang](/gioi-thieu/)\n")
    assert 'src="/portal/media/2024/a.png"' in html and 'href="/portal/media/van-ban.pdf"' in html
    assert 'href="https://nhandan.vn/x"' in html and 'href="/gioi-thieu/"' in html


def test_can_wrap_tables_in_a_scrollable_region():
    html = renderer().convert("Trước\n\n| Năm | Đảng viên |\n|---|---:|\n| 2023 | 45.239 |\n\nSau\n")
    assert '<div aria-label="Bảng số liệu" class="table-wrap" role="region" tabindex="0"><table>' in html
    assert html.index("</table>") < html.index("</div>") < html.index("<p>Sau</p>")


def test_can_render_fenced_code_and_attributes():
    html = renderer().convert("```\n<b>x</b>\n```\n\n## Tiêu đề {: #muc-1 }\n")
    assert "&lt;b&gt;x&lt;/b&gt;" in html and '<h2 id="muc-1">Tiêu đề</h2>' in html


VARIED = [
    "Đảng bộ xã Phú Thuận tổ chức hội nghị.",
    "Một *nhấn* và **đậm** và ***cả hai*** và _gạch_ __dưới__.",
    "Mã `a < b` và \\*không nhấn\\* & ký hiệu &amp; &copy;.",
    "Dòng một  \nDòng hai\nDòng ba",
    "[liên kết](https://x.vn \"tiêu đề\") <https://x.vn> <a@b.vn> [tham chiếu][r]\n\n[r]: https://r.vn",
    "![ảnh](media/a.png)\n*chú thích*",
    "Chú thích[^n] cuối câu.\n\n[^n]: Nội dung **ghi chú**.",
    "> Trích dẫn *nghiêng*\n> dòng hai",
    "- mục một\n- mục *hai*\n    - con\n\n1. số một\n2. số hai",
    "| a | b |\n|---|---|\n| *x* | `y` |",
    "<span>html</span> trong đoạn và <br> thẻ",
    "2 * 3 * 4 = 24 và a_b_c và snake_case_word",
    "Chữ ~~gạch~~ và ^mũ^ và {: .lop }",
    "# Tiêu đề\n\nĐoạn văn\n\n---\n\n## Mục {: #m }",
]


def test_can_render_varied_text_like_plain_python_markdown():
    media = MediaInfo("/portal/", {}, "Bảng số liệu")
    md = MarkdownRenderer(media)
    for text in VARIED:
        assert rendered(md.convert(text)) == rendered(plain(text, media)), text


TOKENS = st.sampled_from([
    "Đảng", "bộ", "xã", "Phú", "Thuận", "2024", " ", " ", " ", "\n", "\n\n", "  \n", "*", "**", "_", "__", "`",
    "[", "]", "(", ")", "![", "](media/a.png)", "](https://x.vn)", "<", ">", "&", "&amp;", "#", "## ", "- ",
    "1. ", "> ", "|", "---", "[^1]", "\n\n[^1]: ", "\\", "~", "^", ":", "{: .x}", "```", "    ", "<b>", "</b>",
    "<https://x.vn>", "\t", "'", '"', "=", "\x02", ".",
])


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, max_size=40).map("".join))
def test_can_skip_plain_text_without_changing_the_html(text):
    # Known, accepted difference: without the prettify step an attribute list right after a hard
    # line break ("a  \n{: .x}") goes on the <br>, not on the paragraph.
    assume(not re.search(r"  \n[ \t]*\{:", text))
    media = MediaInfo("/", {"media/a.png": (4, 3)}, "Bảng")
    fast = MarkdownRenderer(media).convert(text)
    assert fast == MarkdownRenderer(media, accelerate=False).convert(text)
    assert rendered(fast) == rendered(plain(text, media))
