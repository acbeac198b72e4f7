"""The URL allow-list (bantin.source.links) and the site.yaml addresses that go through it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from bantin.source.config import parse_site
from bantin.source.links import ALLOWED_SCHEMES, is_allowed, url_problem
from bantin.source.parse import parse_yaml


@pytest.mark.parametrize("url", [
    "https://nhandan.vn/bai-viet?id=5#doan-2", "http://dangbo.example.vn", "HTTPS://X.VN/", "mailto:vanphong@x.vn",
    "tel:+842963852000", "/gioi-thieu/", "gioi-thieu/", "../tin-tuc/", "media/2024/anh.jpg", "media/a:b.jpg",
    "#muc-2", "?trang=2", "//cdn.example.vn/a.js", "", "Tiêu đề không phải địa chỉ",
])
def test_can_allow_web_mail_phone_and_relative_addresses(url):
    assert url_problem(url) is None and is_allowed(url)


@pytest.mark.parametrize("url, scheme", [
    ("javascript:alert(1)", "javascript"), ("JaVaScRiPt:alert(1)", "javascript"),
    ("java\tscript:alert(1)", "javascript"), ("java\nscript:alert(1)", "javascript"),
    (" \x00javascript:alert(1)", "javascript"), ("&#106;avascript:alert(1)", "javascript"),
    ("&#x6A;&#x61;vascript:alert(1)", "javascript"), ("javascript&colon;alert(1)", "javascript"),
    ("jav&#x09;ascript:alert(1)", "javascript"), ("ｊａｖａｓｃｒｉｐｔ:alert(1)", "javascript"),
    ("data:text/html;base64,PHNjcmlwdD4=", "data"), ("vbscript:msgbox(1)", "vbscript"),
    ("file:///etc/passwd", "file"), ("a:b", "a"),
])
def test_errors_on_every_other_scheme_however_it_is_disguised(url, scheme):
    assert url_problem(url) == f"links may use http, https, mailto or tel, not `{scheme}:`"
    assert not is_allowed(url)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["javascript", "data", "vbscript"]),
       st.lists(st.sampled_from(["", "\t", "\n", "\r", "\x00", " ", "&#9;", "&Tab;", "&NewLine;"]),
                min_size=10, max_size=10),
       st.lists(st.booleans(), min_size=10, max_size=10))
def test_errors_on_a_scheme_split_by_what_browsers_ignore(scheme, fillers, upper):
    disguised = "".join(filler + (ch.upper() if up else ch) for ch, filler, up in zip(scheme, fillers, upper))
    assert url_problem(disguised + ":x") is not None


def test_allows_exactly_the_documented_schemes():
    assert ALLOWED_SCHEMES == {"http", "https", "mailto", "tel"}


SITE = """\
title: T
base_url: https://x.vn/
counter:
  endpoint: "{endpoint}"
links:
  - {{title: Báo Nhân Dân, url: "https://nhandan.vn"}}
  - {{title: Liên hệ, url: "{link}"}}
banners:
  - title: Đại hội
    url: "{banner}"
    image: media/banners/dai-hoi.png
"""


def site_problems(endpoint: str = "https://dem.x.vn", link: str = "/lien-he/", banner: str = "/the/dai-hoi/"):
    data, _ = parse_yaml(SITE.format(endpoint=endpoint, link=link, banner=banner), "site.yaml")
    config, problems = parse_site(data, "site.yaml")
    return config, [str(p) for p in problems]


def test_can_take_site_links_banners_and_counter_that_pass():
    config, problems = site_problems()
    assert problems == []
    assert [link.url for link in config.links] == ["https://nhandan.vn", "/lien-he/"]
    assert config.counter_endpoint == "https://dem.x.vn"


def test_errors_on_site_addresses_the_allow_list_refuses_at_their_lines():
    config, problems = site_problems(endpoint="javascript:alert(1)", link="JaVa&#x09;Script:alert(1)",
                                     banner="data:text/html,x")
    hint = "(write an https://… address, or a path such as /gioi-thieu/)"
    assert config is None and problems == [
        "site.yaml:4: counter.endpoint: links may use http, https, mailto or tel, not `javascript:` "
        "(e.g. `https://dem.example.vn`)",
        f"site.yaml:7: links[1].url: links may use http, https, mailto or tel, not `javascript:` {hint}",
        f"site.yaml:10: banners[0].url: links may use http, https, mailto or tel, not `data:` {hint}"]


@pytest.mark.parametrize("endpoint", ["/dem", "mailto:a@x.vn", "https:"])
def test_errors_on_a_counter_endpoint_that_is_not_a_web_address(endpoint):
    _, problems = site_problems(endpoint=endpoint)
    assert problems == [f"site.yaml:4: counter.endpoint: must be an http(s) address, not `{endpoint}` "
                        "(e.g. `https://dem.example.vn`)"]


def test_quotes_a_long_scheme_cut_to_80_characters():
    assert url_problem("x" * 5000 + ":y") == f"links may use http, https, mailto or tel, not `{'x' * 79}…:`"
