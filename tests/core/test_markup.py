"""Markdown bodies: what readers see (figures, captions, media, tables, typography), and that it is
the library's own rendering once bantin's additions are set aside."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import unquote

import markdown
from hypothesis import HealthCheck, example, given, settings, strategies as st

from bantin.render import sanitize
from bantin.render.pictures import Picture
from bantin.render.markup import EXTENSIONS, TYPOGRAPHY, MarkdownRenderer, MediaInfo
from bantin.source.links import media_path


def renderer(base_path: str = "/", sizes: dict | None = None) -> MarkdownRenderer:
    return MarkdownRenderer(MediaInfo(base_path, sizes or {}, "Bảng số liệu"))


def test_can_keep_footnotes_inside_their_own_document():
    md = renderer()
    first = md.convert("Một[^1] và hai[^2].\n\n[^1]: Ghi chú một.\n[^2]: Ghi chú hai.\n")
    second = md.convert("Không có chú thích.\n")
    third = md.convert("Ba[^1].\n\n[^1]: Ghi chú ba.\n")
    assert "Ghi chú một" in first and "Ghi chú hai" in first
    assert "footnote" not in second and "Ghi chú" not in second
    assert "Ghi chú ba" in third and "Ghi chú một" not in third and "Ghi chú hai" not in third
    assert third.count('class="footnote-ref"') == 1


# ---------------------------------------------------------------- figures


def test_can_make_a_figure_with_a_caption():
    html = renderer(sizes={"media/a.png": Picture("media/a.png", 800, 600, "GIF", "")}).convert(
        "![Đại biểu dự hội nghị](media/a.png)\n*Quang cảnh hội nghị*\n")
    assert html.startswith('<figure class="figure"><img alt="Đại biểu dự hội nghị"')
    assert 'width="800"' in html and 'height="600"' in html and 'loading="lazy"' in html
    assert html.endswith("<figcaption>Quang cảnh hội nghị</figcaption></figure>")


def test_can_keep_a_caption_on_two_lines_with_its_line_break():
    html = renderer().convert("![Ảnh](media/a.png)\n*Quang cảnh  \nhội nghị*\n")
    assert "<figcaption>Quang cảnh<br>\nhội nghị</figcaption>" in html


def test_can_keep_the_source_link_in_a_caption():
    html = renderer().convert("![Ảnh](media/a.png)\n*Ảnh: [TTXVN](https://ttxvn.vn/a)*\n")
    assert '<figcaption>Ảnh: <a href="https://ttxvn.vn/a">TTXVN</a></figcaption>' in html


def test_can_take_a_figure_caption_from_the_image_title():
    html = renderer().convert('![ảnh](media/a.png "Chú thích ảnh")\n')
    assert "<figcaption>Chú thích ảnh</figcaption>" in html and "title=" not in html


def test_can_keep_attributes_written_under_an_image_on_its_figure():
    html = renderer().convert("![Ảnh](media/a.png)\n{: .rong #anh-1 }\n")
    assert html.startswith('<figure class="figure rong" id="anh-1"><img')
    html = renderer().convert("![Ảnh](media/a.png){: .rong #anh-1 }\n")
    assert '<figure class="figure"><img alt="Ảnh" class="rong"' in html and 'id="anh-1"' in html


def test_can_render_attribute_lists_without_values_on_an_image():
    html = renderer().convert("![Ảnh](media/a.png){title}\n")
    assert '<img alt="Ảnh"' in html and "<figcaption" not in html
    html = renderer().convert("![Ảnh](media/a.png){src}\n")
    assert '<img alt="Ảnh"' in html and "media/a.png" not in html


def test_can_leave_an_image_inside_prose_inline():
    html = renderer().convert("Xem ![ảnh](media/a.png) ở đây.\n")
    assert "<figure" not in html and html.startswith("<p>Xem <img")


# ---------------------------------------------------------------- media URLs


def test_can_put_media_urls_under_the_base_path():
    html = renderer("/portal/").convert(
        "![a](media/2024/a.png)\n\n[Tải văn bản](media/van-ban.pdf), [báo](https://nhandan.vn/x), [trang](/gioi-thieu/)"
        ", [tệp](/media/b.pdf#page=2)\n")
    assert 'src="/portal/media/2024/a.png"' in html and 'href="/portal/media/van-ban.pdf"' in html
    assert 'href="https://nhandan.vn/x"' in html and 'href="/gioi-thieu/"' in html
    assert 'href="/portal/media/b.pdf#page=2"' in html


def test_can_leave_a_link_to_another_host_alone_even_if_its_path_starts_with_media():
    html = renderer("/portal/").convert("[video](//media/x.mp4) và [ảnh](https://cdn.vn/media/a.png)\n")
    assert 'href="//media/x.mp4"' in html and 'href="https://cdn.vn/media/a.png"' in html


def test_can_link_media_whose_names_have_spaces_and_diacritics():
    sizes = {"media/anh le/Lễ kết nạp 1.jpg": Picture("media/anh le/Lễ kết nạp 1.jpg", 640, 480, "GIF", ""), "media/anh le/x.jpg": Picture("media/anh le/x.jpg", 10, 20, "GIF", "")}
    md = renderer("/portal/", sizes)
    html = md.convert("![Lễ kết nạp](<media/anh le/Lễ kết nạp 1.jpg>)\n")
    assert 'src="/portal/media/anh%20le/Lễ%20kết%20nạp%201.jpg"' in html
    assert 'height="480"' in html and 'width="640"' in html
    html = md.convert("![x](media/anh%20le/x.jpg)\n\n[tải](/media/anh%20le/x.jpg)\n")
    assert 'src="/portal/media/anh%20le/x.jpg"' in html and 'width="10"' in html
    assert 'href="/portal/media/anh%20le/x.jpg"' in html and "%25" not in html
    html = md.convert("[bảng](<media/50% [bản] %232.pdf#page=3>)\n")
    assert 'href="/portal/media/50%25%20%5Bbản%5D%20%232.pdf#page=3"' in html


def test_can_tell_which_media_file_a_reference_names():
    assert media_path("media/anh%20le/Le%CC%82%CC%83.jpg") == "media/anh le/Lễ.jpg"
    assert media_path("/media/a.png?v=2") == "media/a.png"
    assert media_path("//media/x.mp4") is None and media_path("https://x.vn/media/a.png") is None


# ---------------------------------------------------------------- other blocks


def test_can_wrap_tables_in_a_scrollable_region():
    html = renderer().convert("Trước\n\n| Năm | Đảng viên |\n|---|---:|\n| 2023 | 45.239 |\n\nSau\n")
    assert '<div aria-label="Bảng số liệu" class="table-wrap" role="region" tabindex="0"><table>' in html
    assert '<th style="text-align:right">Đảng viên</th>' in html
    assert html.index("</table>") < html.index("</div>") < html.index("<p>Sau</p>")


def test_can_render_fenced_code_and_attributes():
    html = renderer().convert("```\n<b>x</b> -- \"y\"\n```\n\n## Tiêu đề {: #muc-1 }\n")
    assert '&lt;b&gt;x&lt;/b&gt; -- "y"' in html and '<h2 id="muc-1">Tiêu đề</h2>' in html


def test_can_style_the_paragraph_from_an_attribute_list_after_a_line_break():
    assert renderer().convert("Đoạn văn  \n{: .ghi-chu }\n") == '<p class="ghi-chu">Đoạn văn<br></p>'


def test_can_keep_braces_that_start_the_line_after_a_line_break():
    html = renderer().convert("Số liệu  \n{tạm tính} theo báo cáo\n")
    assert html == "<p>Số liệu<br>\n{tạm tính} theo báo cáo</p>"


# ---------------------------------------------------------------- typography


def test_can_curl_quotes_and_make_dashes_around_vietnamese_words():
    html = renderer().convert('Phong trào "Toàn dân đoàn kết" -- năm 2020--2025 --- và \'nhỏ\'...\n')
    assert html == "<p>Phong trào “Toàn dân đoàn kết” – năm 2020–2025 — và ‘nhỏ’…</p>"


def test_can_leave_quotes_and_dashes_in_code_as_typed():
    html = renderer().convert('Gõ `"a" -- b...` như vậy.\n\n    x = "--"\n')
    assert '<code>"a" -- b...</code>' in html and '<code>x = "--"\n</code>' in html


def test_can_write_apostrophes_in_names():
    assert renderer().convert("Chị H'Hen Niê và ('Hà Nội')\n") == "<p>Chị H’Hen Niê và (‘Hà Nội’)</p>"


# ---------------------------------------------------------------- the library's own rendering

MEDIA = MediaInfo("/portal/", {}, "Bảng số liệu", "Về chú thích {} trong bài")
OURS = MarkdownRenderer(MEDIA)
LIBRARY = markdown.Markdown(extensions=EXTENSIONS, output_format="html", extension_configs={
    "footnotes": {"BACKLINK_TITLE": MEDIA.footnote_back}, "smarty": {"substitutions": TYPOGRAPHY}})
_BLOCK = ("p|div|hr|ol|ul|li|table|thead|tbody|tr|th|td|blockquote|h[1-6]|figure|figcaption|pre|dl|dt|dd")
_AROUND_BLOCK = re.compile(rf"\s*(</?(?:{_BLOCK})\b[^>]*>|<br>)\s*")
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.S)


def library(text: str) -> str:
    """Python-Markdown's own HTML for `text`, with bantin's extension settings, under the same HTML policy."""
    LIBRARY.reset()
    return sanitize.clean(LIBRARY.convert(text))


class _Canonical(HTMLParser):
    """HTML with bantin's additions set aside: figures back to the paragraphs they were made of, no
    table wrapper, no lazy-loading attributes, media links as written. Attributes sorted."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.divs: list[bool] = []   # for each open div: is it the table wrapper?

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div":
            self.divs.append(attrs.get("class") == "table-wrap")
            if self.divs[-1]:
                return
        if tag == "figure":
            tag, attrs["class"] = "p", " ".join(attrs["class"].split()[1:]) or None
        elif tag == "figcaption":
            tag = "em"
        for name in ("loading", "decoding"):
            attrs.pop(name, None)
        for name in ("src", "href"):
            ref = attrs.get(name) or ""
            ref = ref[len(MEDIA.base_path) - 1:] if ref.startswith(MEDIA.base_path + "media/") else ref
            if media_path(ref) is not None:
                attrs[name] = "media:" + media_path(ref)
        self.out.append(_tag(tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "div" and self.divs.pop():
            return
        self.out.append(f"</{ {'figure': 'p', 'figcaption': 'em'}.get(tag, tag) }>")

    def handle_data(self, data):
        self.out.append(data.replace("<", "&lt;").replace(">", "&gt;"))

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")


def _tag(tag: str, attrs: dict) -> str:
    return "<" + " ".join([tag, *(f'{k}="{v}"' for k, v in sorted(attrs.items()) if v is not None)]) + ">"


_TITLE_ONLY_FIGURE = re.compile(r'(<p\b[^>]*>)(<img\b[^>]*?) title="([^"]*\S[^"]*)"([^>]*>)</p>')


def canonical(html: str) -> str:
    parser = _Canonical()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out)
    # An image alone in its paragraph with a title shows the title as its caption.
    text = _TITLE_ONLY_FIGURE.sub(lambda m: f"{m[1]}{m[2]}{m[4]}<em>{m[3].strip()}</em></p>", text)
    parts = _PRE.split(text)
    for i in range(0, len(parts), 2):   # whitespace between blocks is prettify's, not the reader's
        parts[i] = _AROUND_BLOCK.sub(r"\1", re.sub(r"\s+", " ", parts[i]))
    return "".join(parts).strip()


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
    "<span>html</span> trong đoạn và <br> thẻ <script>alert(1)</script> <a href=\"javascript:x\" onclick=\"y\">z</a>",
    "2 * 3 * 4 = 24 và a_b_c và snake_case_word",
    "Chữ ~~gạch~~ và ^mũ^ và {: .lop }",
    "# Tiêu đề\n\nĐoạn văn\n\n---\n\n## Mục {: #m }",
    "Đoạn văn  \n{: .x}",
    "Số liệu  \n{tạm tính} theo quy định",
    "![Ảnh](media/a.png)\n*Quang cảnh  \nhội nghị*",
    "![Ảnh](media/a.png)\n*Nguồn: [TTXVN](https://ttxvn.vn)*",
    "![Ảnh](media/a.png){title}",
    "![Ảnh](media/a.png){src}",
    "![Ảnh](media/a.png)\n{: .x #id}",
    '![Ảnh](/media/a.png "Chú thích") và [x](//media/x.mp4)',
    "![Ảnh](<media/anh le/Lễ kết nạp 1.jpg>) [tệp](media/anh%20le/x.pdf)",
    'Phong trào "Toàn dân" -- 2020--2025 --- ...',
]


def test_can_render_varied_text_as_the_library_does():
    for text in VARIED:
        assert canonical(OURS.convert(text)) == canonical(library(text)), text


def test_can_tell_a_changed_rendering_from_the_library_one():
    """The comparison is not blind: glued captions, lost text or attributes show up."""
    good = OURS.convert("![Ảnh](media/a.png)\n*Quang cảnh  \nhội nghị*\n{: .x}")
    assert canonical(good) == canonical(library("![Ảnh](media/a.png)\n*Quang cảnh  \nhội nghị*\n{: .x}"))
    for broken in (good.replace("<br>\n", ""), good.replace(' x"', '"'), good.replace("hội", "")):
        assert canonical(broken) != canonical(good)


TOKENS = st.sampled_from([
    "Đảng", "bộ", "xã", "Phú", "Thuận", "2024", " ", " ", " ", "\n", "\n\n", "  \n", "*", "**", "_", "__", "`",
    "[", "]", "(", ")", "![", "](media/a.png)", "](https://x.vn)", "<", ">", "&", "&amp;", "#", "## ", "- ",
    "1. ", "> ", "|", "---", "[^1]", "\n\n[^1]: ", "\\", "~", "^", ":", "{: .x}", "```", "    ", "<b>", "</b>",
    "<https://x.vn>", "\t", "'", '"', "=", "\x02", ".", "--", "...",
    "  \n{: .x}", "  \n{tạm tính}", "{title}", "{src}", "{: .x #id}", "\n{: .x #id}", "](//media/x.mp4)",
    "](<media/anh le/Lễ 1.jpg>)", "](media/anh%20le/x.jpg)", '](media/a.png "Chú thích")', "\n*Quang cảnh  \nhội*",
    "*Nguồn: [TTXVN](https://ttxvn.vn)*", "<script>x</script>", ' onclick="x"', "](javascript:alert(1))",
])


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, max_size=40).map("".join))
@example("![Ảnh](media/a.png)\n*Quang cảnh  \nhội nghị*")
@example("Đoạn văn  \n{: .x}")
def test_can_render_random_text_as_the_library_does(text):
    assert canonical(OURS.convert(text)) == canonical(library(text))
