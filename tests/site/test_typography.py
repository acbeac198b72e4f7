"""Front-matter text (titles, summaries, captions) with the quotes Vietnamese print uses."""

from __future__ import annotations

from hypothesis import given, strategies as st

from bantin.render.views import curly_quotes

ARTICLE = "tin-tuc/2025/02/thoai-son-long-trong-ky-niem-95-nam-ngay-thanh-lap-dang/index.html"


def test_quoted_words_get_opening_and_closing_quotes():
    assert curly_quotes('Chương trình "Mừng Đảng, mừng Xuân" và ("Dân vận khéo")') == \
        "Chương trình “Mừng Đảng, mừng Xuân” và (“Dân vận khéo”)"
    assert curly_quotes('"Chi bộ bốn tốt" năm 2025') == "“Chi bộ bốn tốt” năm 2025"


@given(st.text(alphabet='ab "(-', max_size=30))
def test_no_straight_double_quote_is_left_and_nothing_else_changes(text):
    result = curly_quotes(text)
    assert '"' not in result and len(result) == len(text)
    assert result.replace("“", '"').replace("”", '"') == text


def test_the_sapo_taken_from_the_body_shows_vietnamese_quotes(sample_site):
    page = (sample_site / ARTICLE).read_text(encoding="utf-8")
    sapo = page[page.index('class="article__sapo"'):]
    sapo = sapo[:sapo.index("</p>")]
    assert "“Mừng Đảng, mừng Xuân Ất Tỵ”" in sapo and "&#34;" not in sapo
