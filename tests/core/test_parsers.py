"""Pure parsers fed with strings: sources, site/unit/article parsing, dates, Vietnamese text, i18n, summary."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from bantin import i18n
from bantin.source.articles import parse_article, parse_date, parse_page
from bantin.source.config import DEFAULT_RATING_SCALE, parse_site
from bantin.problems import did_you_mean
from bantin.source.parse import SourceError, parse_yaml, read_text, split_front_matter
from bantin.site.summary import first_paragraph
from bantin.text import fold, format_number, is_slug, slugify, sort_key
from bantin.source.units import parse_unit

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def yaml(text: str):
    data, problems = parse_yaml(text, "x.yaml")
    assert problems == []
    return data


def article(text: str, stem: str = "bai-viet", tz=HCM):
    return parse_article(split_front_matter(text, "posts/a.md"), stem, "posts/a.md", tz)


# -- sources -------------------------------------------------------------------------

def test_can_remember_lines_of_keys_and_items():
    data = yaml("title: A\n\nstats:\n  - year: 2023\n    members: 5\n  - year: 2024\n")
    assert data.line_of("title") == 1 and data.line_of("stats") == 3
    assert data["stats"].item_lines == [4, 6]
    assert data["stats"][1].line_of("year") == 6


def test_can_keep_dates_as_text():
    assert yaml("date: 2024-01-09 06:25\nday: 2024-01-09\n") == {"date": "2024-01-09 06:25", "day": "2024-01-09"}


def test_errors_on_malformed_yaml_with_its_line():
    with pytest.raises(SourceError) as err:
        parse_yaml("name: A\n  parent: b\n", "units/x.yaml")
    assert (err.value.problem.line, err.value.problem.message) == (
        2, "malformed YAML: mapping values are not allowed in this context")


def test_errors_on_an_unclosed_bracket_at_its_line():
    with pytest.raises(SourceError) as err:
        parse_yaml("title: A\nname: [unclosed\nother: b\n", "units/x.yaml")
    problem = err.value.problem
    assert (problem.path, problem.line) == ("units/x.yaml", 2)  # where the `[` was opened
    assert problem.message.startswith("malformed YAML") and "not closed" in problem.hint


def test_errors_on_duplicate_keys_naming_the_second_line():
    _, problems = parse_yaml("title: A\nname: B\ntitle: C\n", "site.yaml")
    assert [(p.line, p.field, p.message) for p in problems] == [(3, "title", "this key appears twice")]


def test_can_normalise_keys_and_values_to_nfc():
    data = yaml(nfd("tên: Đảng bộ xã Phú Thuận\n"))
    assert data == {"tên": "Đảng bộ xã Phú Thuận"}
    assert all(unicodedata.is_normalized("NFC", s) for s in [*data, *data.values()])


def test_can_read_bom_crlf_and_nfd(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf" + nfd("---\r\ntitle: Đảng\r\n---\r\nThân bài\r\n").encode())
    assert read_text(path, "a.md") == "---\ntitle: Đảng\n---\nThân bài\n"


def test_errors_on_text_that_is_not_utf8_with_its_line(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes("---\ntitle: Đảng\n".encode() + b"author: Tr\xe2\xecn\n")  # "Trần" in Windows-1258
    with pytest.raises(SourceError) as err:
        read_text(path, "a.md")
    assert (err.value.problem.line, err.value.problem.message) == (3, "the file is not UTF-8 text")


def test_can_split_front_matter_with_lines():
    doc = split_front_matter("---\ntitle: A\ndate: 2024-01-09\n---\nBody\nmore\n", "a.md")
    assert doc.meta == {"title": "A", "date": "2024-01-09"}
    assert doc.meta.line_of("title") == 2 and doc.meta.line_of("date") == 3
    assert doc.body == "Body\nmore\n" and doc.body_line == 5


def test_can_split_front_matter_closed_by_dots_and_empty():
    assert split_front_matter("---\ntitle: A\n...\nB", "a.md").body == "B"
    assert split_front_matter("---\n---\n", "a.md").meta == {}


def test_errors_on_missing_front_matter():
    with pytest.raises(SourceError) as err:
        split_front_matter("title: A\n\nBody\n", "a.md")
    assert err.value.problem.message == "the file has no front matter"


def test_errors_on_unclosed_front_matter():
    with pytest.raises(SourceError) as err:
        split_front_matter("---\ntitle: A\nBody\n", "a.md")
    assert err.value.problem.message == "the front matter is not closed"


def test_errors_on_malformed_front_matter_with_file_line():
    with pytest.raises(SourceError) as err:
        split_front_matter("---\ntitle: A\ntags: [a, b\ndate: x\n---\n", "a.md")
    assert err.value.problem.line == 3


def test_errors_on_front_matter_that_is_not_a_mapping():
    with pytest.raises(SourceError) as err:
        split_front_matter("---\n- a\n- b\n---\n", "a.md")
    assert "key: value" in err.value.problem.message


def test_can_keep_dates_as_text_even_when_tagged():
    assert yaml("date: !!timestamp 2024-01-09 06:25\n") == {"date": "2024-01-09 06:25"}


def test_can_read_merge_keys_and_quoted_escapes():
    data = yaml('a:\n  <<: {x: 1}\n  y: 2\nb: "e\\u0301"\n')
    assert data == {"a": {"x": 1, "y": 2}, "b": "é"} and data["b"] == unicodedata.normalize("NFC", "é")


@pytest.mark.parametrize("text, line", [
    ("title: &t Tiêu đề\nsummary: *t\n", 1),
    ("title: A\ntags: [&x a, b]\n", 2),
    ("title: A\nbase: {a: 1}\nother:\n  <<: *base\n", 4),
])
def test_errors_on_anchors_and_aliases_with_their_line(text, line):
    with pytest.raises(SourceError) as err:
        parse_yaml(text, "units/x.yaml")
    problem = err.value.problem
    assert (problem.line, problem.message) == (line, "anchors and aliases (`&name`, `*name`) are not supported")


def billion_laughs(levels: int) -> str:
    """The classic YAML bomb: each level lists the previous one ten times (10**levels strings)."""
    names = "abcdefghij"
    lines = ["a: &a lol"] + [f"{names[n]}: &{names[n]} [{','.join([f'*{names[n - 1]}'] * 10)}]"
                             for n in range(1, levels + 1)]
    return "\n".join(lines) + f"\ntags: *{names[levels]}\n"


def test_errors_on_a_billion_laughs_in_front_matter_at_its_first_anchor():
    text = "---\ntitle: Bom\ndate: 2024-01-09\n" + billion_laughs(9) + "---\n"
    assert len(text.encode()) < 450
    with pytest.raises(SourceError) as err:
        split_front_matter(text, "posts/bom.md")
    assert (err.value.problem.line, err.value.problem.field) == (4, "")


def test_never_expands_a_yaml_bomb(tmp_path):
    """10**6 strings if expanded (megabytes in any message that quotes them); refused, it costs kilobytes."""
    import tracemalloc
    write_unit = tmp_path / "u.yaml"
    write_unit.write_text("name: Đơn vị\n" + billion_laughs(6), encoding="utf-8")
    text = "---\ntitle: Bom\ndate: 2024-01-09\n" + billion_laughs(6) + "---\n"
    tracemalloc.start()
    try:
        for parse in (lambda: parse_yaml(write_unit.read_text(encoding="utf-8"), "u.yaml"),
                      lambda: article(text)):
            with pytest.raises(SourceError):
                parse()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


@pytest.mark.parametrize("text, line", [("a: " + "[" * 100_000 + "]" * 100_000, 1),
                                        ("a:\n" + "- " * 100_000 + "x\n", 2),
                                        ("a: " + "{b: " * 30 + "1" + "}" * 30, 1)])
def test_errors_on_yaml_nested_too_deep(text, line):
    """libyaml's composer recurses in C: 100,000 brackets would crash the process, not report a problem."""
    with pytest.raises(SourceError) as err:
        parse_yaml(text, "units/x.yaml")
    assert (err.value.problem.line, err.value.problem.message) == (line, "the YAML is nested more than 20 levels deep")


def test_can_read_yaml_nested_as_deep_as_editors_need():
    data = yaml("a: " + "[" * 19 + "1" + "]" * 19 + "\n")
    for _ in range(19):
        data = data[0] if isinstance(data, list) else data["a"]
    assert data == [1]


@pytest.mark.parametrize("text, code", [('title: "Chi bộ\\x13 ấp"\n', "U+0013"),
                                        ('image: "media/a\\0.jpg"\n', "U+0000"), ('summary: "\\u0085"\n', "U+0085")])
def test_errors_on_an_escape_that_writes_an_invisible_character(text, code):
    with pytest.raises(SourceError) as err:
        parse_yaml("name: A\n" + text, "units/x.yaml")
    problem = err.value.problem
    assert (problem.line, problem.message) == (2, f"malformed YAML: an escape writes the invisible character {code}")


def test_errors_on_a_number_too_long_for_python():
    with pytest.raises(SourceError) as err:
        parse_yaml("name: U\nmembers: " + "9" * 5000 + "\n", "units/x.yaml")
    problem = err.value.problem
    assert problem.line == 2 and problem.message.startswith("malformed YAML: the number `999")
    assert "…" in problem.message and len(problem.message) < 120


# -- site.yaml ---------------------------------------------------------------------

def test_can_parse_site_with_defaults():
    config, problems = parse_site(yaml("title: T\nbase_url: https://x.vn/portal\n"), "site.yaml")
    assert problems == []
    assert (config.language, config.timezone, config.per_page) == ("vi", "Asia/Ho_Chi_Minh", 20)
    assert config.base_url == "https://x.vn/portal/" and config.base_path == "/portal/"
    assert config.rating_scale == DEFAULT_RATING_SCALE and config.categories == {}


def test_can_keep_category_order_and_custom_scale():
    config, _ = parse_site(yaml("title: T\nbase_url: https://x.vn/\ncategories:\n  b-b: B\n  a-a: A\n"
                                "rating_scale: [Tốt, Khá]\n"), "site.yaml")
    assert list(config.categories) == ["b-b", "a-a"] and config.rating_scale == ("Tốt", "Khá")


def test_errors_on_site_without_title_and_base_url():
    config, problems = parse_site(yaml("language: vi\n"), "site.yaml")
    assert config is None
    assert sorted((p.field, p.message) for p in problems) == [
        ("base_url", "missing required field"), ("title", "missing required field")]


@pytest.mark.parametrize("text, field, message", [
    ("base_url: dangbo.vn\n", "base_url", "must be an absolute http(s) address, not `dangbo.vn`"),
    ("base_url: https://x.vn/\nlanguage: fr\n", "language", "unsupported language `fr`"),
    ("base_url: https://x.vn/\ntimezone: Mars/Base\n", "timezone", "unknown time zone `Mars/Base`"),
    ("base_url: https://x.vn/\nper_page: 0\n", "per_page", "must be 1 or more, not 0"),
    ("base_url: https://x.vn/\nper_page: 1000000\n", "per_page", "must be 500 or less, not 1000000"),
    ("base_url: https://x.vn/\nper_page: 10**30\n", "per_page", "must be a whole number, not `10**30`"),
    ("base_url: https://x.vn/\ncategories:\n  Xây dựng: X\n", "categories.Xây dựng", "category id must be a slug"),
    ("base_url: https://x.vn/\ncategory:\n  a: A\n", "category", "unknown field"),
])
def test_errors_on_bad_site_values(text, field, message):
    _, problems = parse_site(yaml("title: T\n" + text), "site.yaml")
    assert [(p.field, p.message) for p in problems] == [(field, message)]


def test_can_hint_the_closest_known_key():
    _, problems = parse_site(yaml("title: T\nbase_url: https://x.vn/\ncategores: {}\n"), "site.yaml")
    assert problems[0].hint == "did you mean `categories`?" and problems[0].line == 3


# -- units ---------------------------------------------------------------------------

def test_can_parse_unit_with_stats_in_year_order():
    unit, problems = parse_unit("phu-thuan", yaml(
        "name: Đảng bộ xã Phú Thuận\nlevel: commune\nparent: thoai-son\nstats:\n"
        "  - year: 2024\n    members: 312\n  - year: 2023\n    members: 300\n"
        "    ratings:\n      Hoàn thành tốt nhiệm vụ: 8\n"), "u.yaml", DEFAULT_RATING_SCALE)
    assert problems == []
    assert (unit.id, unit.short_name, unit.parent) == ("phu-thuan", "Đảng bộ xã Phú Thuận", "thoai-son")
    assert [s.year for s in unit.stats] == [2023, 2024]
    assert unit.stats_for(2023).ratings == {"Hoàn thành tốt nhiệm vụ": 8}
    assert unit.stats_for(2024).members == 312 and unit.stats_for(2024).branches is None


@pytest.mark.parametrize("stats, field, message, line", [
    ("members: -5", "stats[0].members", "must be 0 or more, not -5", 4),
    ("members: 12.5", "stats[0].members", "must be a whole number, not `12.5`", 4),
    ("members: nhiều", "stats[0].members", "must be a whole number, not `nhiều`", 4),
    ("ratings:\n      Xuất sắc: 2", "stats[0].ratings.Xuất sắc", "rating label is not in `rating_scale` of site.yaml", 5),
    ("ratings:\n      Hoàn thành tốt nhiệm vụ: -1", "stats[0].ratings.Hoàn thành tốt nhiệm vụ",
     "must be 0 or more, not -1", 5),
    ("member: 2", "stats[0].member", "unknown field", 4),
    ("members: 99999999999999999999999", "stats[0].members",
     "must be 10000000 or less, not 99999999999999999999999", 4),
    ("ratings:\n      Hoàn thành nhiệm vụ: 10000001", "stats[0].ratings.Hoàn thành nhiệm vụ",
     "must be 10000000 or less, not 10000001", 5),
])
def test_errors_on_bad_figures(stats, field, message, line):
    unit, problems = parse_unit("u", yaml(f"name: U\nstats:\n  - year: 2023\n    {stats}\n"), "u.yaml",
                                DEFAULT_RATING_SCALE)
    assert unit is None
    assert [(p.field, p.message, p.line) for p in problems] == [(field, message, line)]


def test_errors_on_unit_without_name_and_with_unknown_level():
    _, problems = parse_unit("u", yaml("level: ward\n"), "u.yaml", DEFAULT_RATING_SCALE)
    assert sorted((p.field, p.message) for p in problems) == [
        ("level", "unknown level `ward`"), ("name", "missing required field")]


def test_errors_on_year_given_twice():
    _, problems = parse_unit("u", yaml("name: U\nstats:\n  - year: 2023\n  - year: 2023\n"), "u.yaml",
                             DEFAULT_RATING_SCALE)
    assert [(p.line, p.message) for p in problems] == [(4, "year 2023 is given twice")]


# -- articles and pages ----------------------------------------------------------------

def test_can_parse_a_full_article():
    a, problems = article("---\ntitle: Xây dựng Đảng\ndate: 2024-01-09 06:25\nunit: chau-thanh\n"
                          "category: xay-dung-dang\ntags: [Chi bộ bốn tốt, Chỉ thị 05, chi bo bon tot]\n"
                          "author: Trung Hiếu\nsummary: Sapo\nimage: media/a.png\ndraft: true\n---\nThân\n",
                          stem="Xây dựng Đảng")
    assert problems == []
    assert a.slug == "xay-dung-dang" and a.site_path == "/tin-tuc/2024/01/xay-dung-dang/"
    assert a.date == datetime(2024, 1, 9, 6, 25, tzinfo=HCM)
    assert [(t.label, t.slug) for t in a.tags] == [("Chi bộ bốn tốt", "chi-bo-bon-tot"),
                                                   ("Chỉ thị 05", "chi-thi-05")]
    assert (a.unit, a.category, a.draft, a.body, a.line_of("category")) == (
        "chau-thanh", "xay-dung-dang", True, "Thân\n", 5)


def test_can_take_slug_from_front_matter_and_tags_as_text():
    a, _ = article("---\ntitle: A\ndate: 2024-01-09\nslug: tieu-de-khac\ntags: Một, Hai\n---\n")
    assert a.slug == "tieu-de-khac" and [t.slug for t in a.tags] == ["mot", "hai"]


@pytest.mark.parametrize("front, field, message", [
    ("date: 2024-01-09", "title", "missing required field"),
    ("title: A", "date", "missing required field"),
    ("title: A\ndate: 09/01/2024", "date", "cannot read the date `09/01/2024`"),
    ("title: A\ndate: 2024-02-30", "date", "cannot read the date `2024-02-30`"),
    ("title: A\ndate: 2024-01-09\ncategori: x", "categori", "unknown field"),
    ("title: A\ndate: 2024-01-09\nslug: Bài Một", "slug", "`Bài Một` is not a slug"),
    ("title: A\ndate: 2024-01-09\ndraft: có", "draft", "must be true or false, not `có`"),
    ("title: A\ndate: 2024-01-09\ntags: {a: 1}", "tags", "must be a list"),
])
def test_errors_on_bad_front_matter(front, field, message):
    a, problems = article(f"---\n{front}\n---\nBody\n")
    assert a is None and [(p.field, p.message) for p in problems] == [(field, message)]


def test_can_hint_category_for_a_typo_key():
    _, problems = article("---\ntitle: A\ndate: 2024-01-09\ncatgory: x\n---\n")
    assert (problems[0].line, problems[0].hint) == (4, "did you mean `category`?")


def test_can_parse_a_page():
    page, problems = parse_page(split_front_matter("---\ntitle: Giới thiệu\nmenu: 2\n---\nA\n", "p.md"),
                                "Giới thiệu", "p.md")
    assert problems == [] and (page.slug, page.menu, page.site_path) == ("gioi-thieu", 2, "/gioi-thieu/")


@pytest.mark.parametrize("menu, message", [
    ("1e400", "must be a whole number, not `1e400`"),
    ("1.0e+400", "must be a whole number, not `inf`"),
    ("100000", "must be 1000 or less, not 100000"),
])
def test_errors_on_a_menu_position_out_of_bounds(menu, message):
    page, problems = parse_page(split_front_matter(f"---\ntitle: A\nmenu: {menu}\n---\n", "p.md"), "a", "p.md")
    assert page is None and [(p.line, p.field, p.message) for p in problems] == [(3, "menu", message)]


def test_errors_on_year_out_of_bounds():
    _, problems = parse_unit("u", yaml("name: U\nstats:\n  - year: 20233\n"), "u.yaml", DEFAULT_RATING_SCALE)
    assert [(p.field, p.message) for p in problems] == [("stats[0].year", "must be 2100 or less, not 20233")]


def test_can_quote_long_values_in_messages_cut_to_80_characters():
    _, problems = article("---\ntitle: A\ndate: 2024-01-09\ndraft: " + "có " * 200 + "\n" + "k" * 300 + ": 1\n---\n")
    draft, unknown = sorted(problems, key=lambda p: p.line)
    assert draft.message == f"must be true or false, not `{'có ' * 26}c…`"
    assert unknown.field == "k" * 79 + "…" and unknown.message == "unknown field"
    assert all(len(str(p)) < 200 for p in problems)


def test_errors_on_page_without_title():
    page, problems = parse_page(split_front_matter("---\nmenu: 1\n---\n", "p.md"), "p", "p.md")
    assert page is None and [p.field for p in problems] == ["title"]


# -- dates -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2024-01-09 06:25", datetime(2024, 1, 9, 6, 25, tzinfo=HCM)),
    ("2024-01-09", datetime(2024, 1, 9, tzinfo=HCM)),
    ("2024-1-9 6:25:30", datetime(2024, 1, 9, 6, 25, 30, tzinfo=HCM)),
    ("2024-01-09T06:25:00+07:00", datetime(2024, 1, 9, 6, 25, tzinfo=HCM)),
    ("2024-01-08T23:25:00Z", datetime(2024, 1, 9, 6, 25, tzinfo=HCM)),
    ("2024-01-09 01:25 +02:00", datetime(2024, 1, 9, 6, 25, tzinfo=HCM)),
    ("2024-01-09 06:25-0100", datetime(2024, 1, 9, 14, 25, tzinfo=HCM)),
])
def test_can_parse_dates(text, expected):
    moment = parse_date(text, HCM)
    assert moment == expected and moment.utcoffset() == timedelta(hours=7)


def test_can_parse_dates_in_the_site_zone():
    assert parse_date("2024-07-01 12:00", ZoneInfo("Europe/Paris")).utcoffset() == timedelta(hours=2)
    assert parse_date("2024-07-01 12:00", timezone.utc).hour == 12


@pytest.mark.parametrize("text", ["", "hôm nay", "09/01/2024", "2024-13-01", "2024-02-30", "2024-01-09 25:00",
                                  "2024-01-09 06:25 GMT", "2024/01/09", "2024-01-09 06:25+24:00",
                                  "2024-01-09 06:25+07:99", "9999-12-31T23:59Z", "0001-01-01T00:00+14:00"])
def test_errors_on_unparseable_dates(text):
    assert parse_date(text, HCM) is None


# -- Vietnamese text ------------------------------------------------------------------------

@pytest.mark.parametrize("text, slug", [
    ("Đảng bộ xã Phú Thuận", "dang-bo-xa-phu-thuan"),
    ("ĐẢNG BỘ ĐỒNG THÁP", "dang-bo-dong-thap"),
    ("  Chỉ thị 05 -- (2024)! ", "chi-thi-05-2024"),
    ("Kinh tế - Xã hội", "kinh-te-xa-hoi"),
    ("Người ưu tú", "nguoi-uu-tu"),
])
def test_can_slugify_vietnamese(text, slug):
    assert slugify(text) == slug and slugify(nfd(text)) == slug and is_slug(slug)


def test_can_fold_for_matching():
    assert fold("Đảng bộ") == fold(nfd("Đảng bộ")) == "dang bo"


def test_can_sort_in_vietnamese_alphabet_order():
    letters = ["đ", "b", "â", "d", "ă", "a", "ơ", "o", "ô", "ư", "u", "e", "ê"]
    assert sorted(letters, key=sort_key) == ["a", "ă", "â", "b", "d", "đ", "e", "ê", "o", "ô", "ơ", "u", "ư"]
    assert sorted(["ạ", "á", "ã", "ả", "à", "a"], key=sort_key) == ["a", "à", "ả", "ã", "á", "ạ"]
    names = ["Đảng bộ xã Định Mỹ", "Đảng bộ xã Ân Hảo", "Đảng bộ xã An Bình", "Đảng bộ xã Ấp Bắc", "Đảng bộ xã Bình Hòa"]
    assert sorted(names, key=sort_key) == ["Đảng bộ xã An Bình", "Đảng bộ xã Ân Hảo", "Đảng bộ xã Ấp Bắc",
                                           "Đảng bộ xã Bình Hòa", "Đảng bộ xã Định Mỹ"]
    assert sort_key(nfd("Định")) [:2] == sort_key("Định")[:2]


@pytest.mark.parametrize("value, vi, en", [
    (45239, "45.239", "45,239"), (0, "0", "0"), (999, "999", "999"), (1234567, "1.234.567", "1,234,567"),
    (12.5, "12,5", "12.5"), (3.0, "3", "3"), (None, "", ""),
])
def test_can_format_numbers(value, vi, en):
    assert format_number(value) == vi and format_number(value, "en") == en


def test_can_hint_the_closest_choice():
    assert did_you_mean("xay-dung-dan", ["xay-dung-dang", "tin-hoat-dong"]) == "did you mean `xay-dung-dang`?"
    assert did_you_mean("zzz", ["a", "b"], "units") == "units: `a`, `b`"


# -- i18n -----------------------------------------------------------------------------------

def test_can_write_dates_the_vietnamese_way():
    assert i18n.format_datetime(datetime(2024, 1, 9, 6, 25), "vi") == "Thứ Ba, 09/01/2024 06:25"
    assert i18n.format_long_date(date(2024, 5, 2), "vi") == "Thứ Năm, ngày 2 tháng 5 năm 2024"
    assert i18n.format_long_date(date(2024, 5, 5), "vi") == "Chủ Nhật, ngày 5 tháng 5 năm 2024"
    assert i18n.format_short(datetime(2024, 1, 9, 6, 25), "vi") == "09/01/2024 06:25"
    assert i18n.format_long_date(date(2024, 5, 2), "en") == "Thursday, 2 May 2024"


def test_can_translate_every_key_in_both_languages():
    assert set(i18n.STRINGS["vi"]) == set(i18n.STRINGS["en"])
    for language in i18n.LANGUAGES:
        table = i18n.STRINGS[language]
        assert all(value.strip() for value in table.values())
    t = i18n.translator("vi")
    assert t("archive_day", day=2, month=5, year=2024) == "Ngày 2/5/2024"
    with pytest.raises(KeyError):
        t("no_such_key")


def test_can_use_the_same_placeholders_in_both_languages():
    import string
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}
    for key, vi in i18n.STRINGS["vi"].items():
        assert fields(vi) == fields(i18n.STRINGS["en"][key]), key


# -- summary -------------------------------------------------------------------------------

def test_can_take_the_first_prose_paragraph():
    body = ("## Tiêu đề\n\n![ảnh](media/a.png)\n\n- mục\n\n"
            "Sáng 9/1, **Huyện ủy** tổ chức [hội nghị](https://x.vn)[^1].\nDòng hai.\n\nĐoạn sau.\n")
    assert first_paragraph(body) == "Sáng 9/1, Huyện ủy tổ chức hội nghị. Dòng hai."


def test_can_cut_a_long_paragraph_at_a_word():
    text = first_paragraph("từ " * 200, limit=20)
    assert text.endswith("…") and len(text) <= 21 and not text[:-1].endswith(" ")
    assert first_paragraph("") == "" and first_paragraph("# Chỉ có tiêu đề\n") == ""


@pytest.mark.parametrize("text, line", [("---\ntitle: A\n[Chi bộ]: x\n---\n", 3), ("---\n{a: 1}: b\n---\n", 2)])
def test_errors_on_a_list_or_mapping_as_a_key(text, line):
    with pytest.raises(SourceError) as err:
        split_front_matter(text, "a.md")
    assert err.value.problem.line == line
    assert err.value.problem.message == "malformed YAML: a key must be a word, not a list or a mapping"


_PIECES = st.sampled_from(list("-:ab \n\t#[]{}'\"|>*&!%@`,.?0123\\") + [
    "---\n", "...\n", "title: ", "date: ", "tags: ", "draft: ", "slug: ", "\n  - ", "year: ", "stats:\n",
    "members: ", "ratings:\n", "name: ", "categories:\n", "links:\n", "base_url: ", "per_page: ", "2024-01-09",
    "+24:00", "Z", "null", "true", "~", "-5", "1.5", "Đảng"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_can_report_any_text_as_problems_without_crashing(text):
    try:
        doc = split_front_matter("---\n" + text, "a.md")
    except SourceError:
        doc = None
    if doc is not None:
        article(("---\n" + text))
    try:
        data, _ = parse_yaml(text, "x.yaml")
    except SourceError:
        return
    parse_unit("u", data, "u.yaml", DEFAULT_RATING_SCALE)
    parse_site(data, "site.yaml")
