"""The HTML an article or unit description may put on a page: what editors need stays, scripts go."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from bantin.render import sanitize
from bantin.render.pictures import Picture
from bantin.render.markup import MarkdownRenderer, MediaInfo

MD = MarkdownRenderer(MediaInfo("/portal/", {"media/a.png": Picture("media/a.png", 8, 6, "GIF", "")}, "Bảng số liệu", "Về chú thích {}"))


def html(text: str) -> str:
    return MD.convert(text)


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    "Chữ <script>alert(1)</script> giữa đoạn",
    '<img src="media/a.png" onerror="alert(1)">',
    '<a href="https://x.vn" onclick="alert(1)" onmouseover="alert(2)">x</a>',
    '<iframe src="https://www.youtube.com/embed/x"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<style>body{display:none}</style><p style="position:fixed">x</p>',
    '<form action="https://x.vn"><input name="q"><button formaction="javascript:alert(1)">Gửi</button></form>',
    '<svg><script>alert(1)</script></svg><math><mi>x</mi></math>',
    '<div data-counter="https://evil.vn">x</div>',
    "<a href=\"javascript:alert(1)\">a</a>",
    "[a](javascript:alert(1))",
    "[a](JaVaScRiPt:alert(1))",
    "[a](java\tscript:alert(1))",
    "<a href=\"&#106;avascript:alert(1)\">a</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">a</a>",
    "[a](&#x6A;avascript&colon;alert(1))",
    "![a](data:image/svg+xml;base64,PHN2Zz4=)",
    "[a](vbscript:msgbox(1))",
    "<a href=\" javascript:alert(1)\">a</a>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://x.vn\"><base href=\"https://x.vn/\"><link rel=stylesheet href=x>",
])
def test_errors_on_nothing_but_removes_scripts_styles_frames_forms_and_handlers(text):
    out = html(text)
    assert not re.search(r"<(script|style|iframe|object|embed|form|input|button|svg|math|meta|base|link)\b", out)
    assert not re.search(r"\s(on\w+|style|data-[\w-]+|formaction)=", out)
    assert "javascript" not in out.lower() and "vbscript" not in out.lower() and "data:" not in out


def test_can_keep_the_text_of_elements_it_removes():
    assert html("<form>Điền <b>phiếu</b></form>") == "Điền phiếu"
    assert html("Chữ <span class=\"do\">đỏ</span> và <u>gạch</u>.") == "<p>Chữ đỏ và gạch.</p>"


def test_can_keep_links_that_editors_write():
    out = html("[a](https://x.vn/a?b=1&c=2) [b](http://x.vn) [c](mailto:a@b.vn) [d](tel:+84123456) "
               "[e](/gioi-thieu/) [f](../x/) [g](#muc-1) [h](media/a.pdf) [i](HTTPS://X.VN)")
    for href in ("https://x.vn/a?b=1&amp;c=2", "http://x.vn", "mailto:a@b.vn", "tel:+84123456", "/gioi-thieu/",
                 "../x/", "#muc-1", "/portal/media/a.pdf", "HTTPS://X.VN"):
        assert f'href="{href}"' in out
    assert "rel=" not in out and "target=" not in out


def test_can_keep_everything_markdown_makes():
    text = ("# Một\n\n## Hai {: #muc-2 .lon }\n\nĐoạn *nghiêng* **đậm** `mã`  \ndòng mới\n\n---\n\n"
            "> Trích\n\n- a\n- b\n\n3. ba\n4. bốn\n\n```python\nx = 1\n```\n\n"
            "| Trái | Giữa | Phải |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n\n"
            '![Ảnh](media/a.png "Chú thích")\n\nGhi chú[^1].\n\n[^1]: Nguồn: [x](https://x.vn).\n')
    out = html(text)
    for piece in ("<h1>Một</h1>", '<h2 class="lon" id="muc-2">Hai</h2>', "<em>nghiêng</em>", "<strong>đậm</strong>",
                  "<code>mã</code>", "<br>", "<hr>", "<blockquote>", "<ul>", '<ol start="3">',
                  '<pre><code class="language-python">x = 1', '<th style="text-align:left">Trái</th>',
                  '<th style="text-align:center">Giữa</th>', '<td style="text-align:right">3</td>',
                  '<div aria-label="Bảng số liệu" class="table-wrap" role="region" tabindex="0">',
                  '<figure class="figure"><img alt="Ảnh" decoding="async" height="6" loading="lazy" '
                  'src="/portal/media/a.png" width="8">', "<figcaption>Chú thích</figcaption>",
                  '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>', '<div class="footnote">',
                  '<li id="fn:1">', '<a class="footnote-backref" href="#fnref:1" title="Về chú thích 1">↩</a>'):
        assert piece in out, piece


def test_can_keep_the_inline_html_editors_need():
    text = ('<abbr title="Ủy ban nhân dân">UBND</abbr> H<sub>2</sub>O m<sup>2</sup> <mark>mới</mark> '
            '<del>cũ</del> <ins>thêm</ins> <em>a</em> <strong>b</strong> dòng<br>mới')
    assert html(text) == "<p>" + text + "</p>"


@pytest.mark.parametrize("attributes, kept", [
    ('{: #muc-1 .lon .nho }', 'class="lon nho" id="muc-1"'),
    ('{: #"x" }', ""),
    ('{: .lon .x"y }', 'class="lon"'),
    ('{: style="color:red" }', ""),
    ('{: onclick="alert(1)" }', ""),
    ('{: lang="en" }', 'lang="en"'),
])
def test_can_keep_reasonable_ids_and_classes_from_attribute_lists(attributes, kept):
    assert html(f"## Mục {attributes}\n") == f"<h2{' ' if kept else ''}{kept}>Mục</h2>"


def test_can_limit_image_attributes_to_sensible_values():
    out = html('![a](media/a.png){: width="100" height="x" loading="eager" decoding="bad" }\n')
    assert 'width="100"' in out and "height=" not in out and 'loading="lazy"' in out and "decoding" in out
    assert html('<img src="https://x.vn/a.png" width="1e9" alt="">') == '<p><img src="https://x.vn/a.png" alt=""></p>'


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from([
    "<", ">", "a", "script", "img", "iframe", " ", "=", '"', "'", "on", "error", "src", "href", "javascript:",
    "&#", "x", ";", "/", "!--", "-->", "style", "svg", "\n", "java\tscript:", "&colon;", "](", "[", ")",
]), max_size=30).map("".join))
def test_can_leave_no_script_whatever_the_input(text):
    out = html(text)
    assert not re.search(r"<(script|iframe|svg|style)\b|\son\w*=", out, re.I)
    assert not re.search(r"(href|src)=\"\s*(java|vb)", out, re.I)
    assert sanitize.clean(out) == out   # already clean: nothing left to remove
