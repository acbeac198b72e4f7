"""The sample portal in content/: every URL of the spec's scheme, publishing rules, one h1, escaping."""

from __future__ import annotations

import json
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bantin.source.load import load
from bantin.text import slugify

from tests.support import SAMPLE_NOW

from .helpers import ROOT, build_tree, every_file, minimal_files, write_tree

SAMPLE = ROOT / "content"


@pytest.fixture(scope="module")
def content():
    loaded, problems = load(SAMPLE)
    assert loaded is not None, [str(p) for p in problems]
    return loaded


def published(content, now: datetime):
    return [a for a in content.articles if not a.draft and a.date <= now.astimezone(a.date.tzinfo)]


def page_file(site: Path, path: str) -> Path:
    return site / (path.lstrip("/") + "index.html" if path.endswith("/") else path.lstrip("/"))


def test_can_publish_every_url_of_the_scheme(sample_site, content):
    now = SAMPLE_NOW
    articles = published(content, now)
    config = content.config
    paths = ["/", "/don-vi/", "/luu-tru/", "/tim-kiem/", "/feed.xml", "/sitemap.xml", "/robots.txt", "/404.html",
             "/du-lieu/don-vi.json", "/du-lieu/don-vi.csv"]
    paths += [a.site_path for a in articles]
    for cat in config.categories:
        count = sum(a.category == cat for a in articles)
        paths += [f"/chuyen-muc/{cat}/", f"/chuyen-muc/{cat}/feed.xml"]
        paths += [f"/chuyen-muc/{cat}/trang/{n}/" for n in range(2, -(-count // config.per_page) + 1)]
    tags = {slugify(t.label) for a in articles for t in a.tags}
    paths += [f"/the/{tag}/" for tag in tags]
    paths += [p for unit_id in content.units for p in (f"/don-vi/{unit_id}/", f"/don-vi/{unit_id}/feed.xml")]
    for a in articles:
        d = a.date
        paths += [f"/luu-tru/{d.year}/", f"/luu-tru/{d.year}/{d.month:02d}/", f"/luu-tru/{d.year}/{d.month:02d}/{d.day:02d}/"]
    paths += [p.site_path for p in content.pages if not p.draft]
    assert any("/trang/2/" in p for p in paths), "the sample should have a category with a second page"
    assert len(articles) >= 60 and len(content.units) >= 31
    assert sorted({p for p in paths if not page_file(sample_site, p).is_file()}) == []


def test_can_link_only_to_pages_that_exist(sample_site):
    missing = set()
    for html in sample_site.rglob("*.html"):
        for link in re.findall(r'(?:href|src)="(/[^"]*)"', html.read_text(encoding="utf-8")):
            path = link.split("#")[0].split("?")[0]
            if path and not page_file(sample_site, path).is_file():
                missing.add((html.relative_to(sample_site).as_posix(), path))
    assert sorted(missing)[:10] == []


def test_can_keep_drafts_and_future_articles_unpublished(sample_site, content):
    now = SAMPLE_NOW
    hidden = [a for a in content.articles if a.draft or a.date > now]
    assert any(a.draft for a in hidden)  # future ones too while the sample has some (golden site: always)
    assert [a.site_path for a in hidden if page_file(sample_site, a.site_path).exists()] == []
    sitemap = (sample_site / "sitemap.xml").read_text(encoding="utf-8")
    assert [a.site_path for a in hidden if a.site_path in sitemap] == []


def test_can_include_drafts_with_the_drafts_option(tmp_path, content):
    build_tree(SAMPLE, tmp_path / "site", drafts=True, now=SAMPLE_NOW)
    assert all(page_file(tmp_path / "site", a.site_path).is_file() for a in content.articles)


class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1 = 0
        self.lang = None

    def handle_starttag(self, tag, attrs):
        if tag == "h1":
            self.h1 += 1
        if tag == "html":
            self.lang = dict(attrs).get("lang")


def test_can_give_every_page_one_h1_and_a_language(sample_site):
    wrong = []
    for html in sorted(sample_site.rglob("*.html")):
        parser = _Headings()
        parser.feed(html.read_text(encoding="utf-8"))
        if parser.h1 != 1 or parser.lang != "vi":
            wrong.append((html.relative_to(sample_site).as_posix(), parser.h1, parser.lang))
    assert wrong == []


def test_can_describe_articles_for_sharing_and_search_engines(sample_site, content):
    article = sorted(published(content, SAMPLE_NOW), key=lambda a: a.site_path)[0]
    html = page_file(sample_site, article.site_path).read_text(encoding="utf-8")
    absolute = content.config.base_url + article.site_path.lstrip("/")
    assert f'<link rel="canonical" href="{absolute}">' in html
    assert 'property="og:title"' in html and 'property="og:type" content="article"' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "NewsArticle" and data["headline"] == article.title
    assert data["datePublished"] == article.date.isoformat()


def test_can_write_vietnamese_dates_and_numbers(sample_site):
    html = (sample_site / "don-vi/thoai-son/index.html").read_text(encoding="utf-8")
    assert re.search(r"\d{1,3}\.\d{3}", html), "thousands with a dot"
    article = next((sample_site / "tin-tuc").rglob("index.html")).read_text(encoding="utf-8")
    assert re.search(r"(Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ Nhật), \d\d/\d\d/\d{4} \d\d:\d\d", article)


_LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
SCRIPT_TITLE = '<script>alert("tiêu đề")</script> Tin & "trích dẫn"'
SCRIPT_TAG = "<script>alert(1)</script>"


def test_can_show_markup_in_titles_and_tags_as_text(tmp_path):
    article = (f"---\ntitle: '{SCRIPT_TITLE}'\ndate: 2024-01-09 06:25\nunit: phu-thuan\ncategory: xay-dung-dang\n"
               f"tags: ['{SCRIPT_TAG}', Chi bộ]\nauthor: '<b>Tác giả</b>'\n---\nThân bài.\n")
    content = write_tree(tmp_path / "content", minimal_files(**{"posts/bai-ba.md": article}))
    build_tree(content, tmp_path / "site")
    files = {n: d.decode("utf-8", "replace") for n, d in every_file(tmp_path / "site").items()
             if n.endswith((".html", ".xml"))}
    # JSON-LD carries the raw title as JSON data, with "</" escaped so it cannot close its <script>.
    markup = {n: _LD_JSON.sub("", text) for n, text in files.items()}
    assert [n for n, text in markup.items() if "<script>alert" in text or "<b>Tác giả" in text] == []
    page = files["tin-tuc/2024/01/bai-ba/index.html"]
    # Shown with the quotes Vietnamese print uses, as a Markdown body gets them from smarty.
    assert "&lt;script&gt;alert(“tiêu đề”)&lt;/script&gt; Tin &amp; “trích dẫn”" in page
    assert "&lt;b&gt;Tác giả&lt;/b&gt;" in page
    tag_page = files[f"the/{slugify(SCRIPT_TAG)}/index.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in tag_page
    ld = _LD_JSON.search(page).group(1)
    assert "</" not in ld and json.loads(ld)["headline"] == SCRIPT_TITLE.replace('("', "(“").replace('")', "”)").replace(' "', " “").replace('"', "”")
    assert "&lt;script&gt;" in files["feed.xml"]


def test_can_list_sub_units_in_vietnamese_alphabetical_order(sample_site, content):
    from bantin.text import sort_key
    parent = content.config.root_unit
    children = [u for u in content.units.values() if u.parent == parent]
    expected = [u.id for u in sorted(children, key=lambda u: sort_key(u.name))]
    html = (sample_site / f"don-vi/{parent}/index.html").read_text(encoding="utf-8")
    positions = [html.find(f'href="/don-vi/{unit_id}/"') for unit_id in expected]
    assert len(expected) >= 6 and -1 not in positions and positions == sorted(positions)
    assert expected.index("dinh-my") < expected.index("phu-thuan")  # "Đ" sorts with D, not after Z


def test_can_link_archive_periods_and_listing_pages(sample_site):
    year = (sample_site / "luu-tru/2024/index.html").read_text(encoding="utf-8")
    assert 'href="/luu-tru/2023/"' in year and 'href="/luu-tru/2025/"' in year
    month = (sample_site / "luu-tru/2024/05/index.html").read_text(encoding="utf-8")
    assert 'href="/luu-tru/2024/04/"' in month and 'href="/luu-tru/2024/06/"' in month
    second = next(sample_site.glob("chuyen-muc/*/trang/2/index.html"))
    first = second.parent.parent.parent.relative_to(sample_site).as_posix()
    assert f'href="/{first}/"' in second.read_text(encoding="utf-8")


def test_can_show_markup_in_site_unit_category_and_page_names_as_text(tmp_path):
    files = minimal_files()
    files["site.yaml"] = (files["site.yaml"].replace("title: Cổng thông tin Đảng bộ thử nghiệm", "title: '<script>a()</script>'")
                          .replace("Tin hoạt động", "'<script>b()</script>'")
                          + "links:\n  - {title: '<script>c()</script>', url: 'https://x.vn'}\n")
    files["units/phu-thuan.yaml"] = (files["units/phu-thuan.yaml"].replace("name: Đảng bộ xã Phú Thuận", "name: '<script>d()</script>'")
                                     + "secretary: '<script>e()</script>'\n")
    files["pages/gioi-thieu.md"] = "---\ntitle: '<script>f()</script>'\nmenu: 1\n---\nGiới thiệu.\n"
    build_tree(write_tree(tmp_path / "content", files), tmp_path / "site")
    found = []
    for name, data in every_file(tmp_path / "site").items():
        if name.endswith((".html", ".xml")):
            text = _LD_JSON.sub("", data.decode())
            found += [(name, m) for m in re.findall(r"<script>\w\(\)", text)]
    assert found == []
    unit = (tmp_path / "site/don-vi/phu-thuan/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;d()&lt;/script&gt;" in unit and "&lt;script&gt;e()&lt;/script&gt;" in unit
