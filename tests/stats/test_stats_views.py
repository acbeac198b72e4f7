"""Views for templates, pages and their paths, and the templates rendered with a stand-in base."""

from html.parser import HTMLParser
from pathlib import Path

import jinja2
from markupsafe import escape
import pytest
from stats_builders import SCALE, TOT, XS, tree, unit, ys

from bantin.i18n import translator
from bantin.site.stats import compute
from bantin.render.stats_views import format_percent, stats_pages, unit_stats_view
from bantin.text import format_number

ROOT = Path(__file__).resolve().parents[2]


def url(path):
    return "/portal" + path


@pytest.fixture
def units():
    return tree(
        unit("huyen", None, ys(2023, grassroots=2, branches=3), level="district", name="Đảng bộ huyện Thoại Sơn"),
        unit("so-sanh", "huyen", ys(2022, members=30), ys(2023, branches=2, ratings={XS: 1, TOT: 1}),
             level="commune", name="Đảng bộ xã Óc Eo"),
        unit("xa-b", "huyen", ys(2023, members=50, branches=1, ratings={TOT: 1}), level="commune",
             name="Đảng bộ xã Bình Thành"),
        unit("cb-1", "so-sanh", ys(2022, members=10), ys(2023, members=12, new_members=2, member_ratings={XS: 3}),
             level="branch", name="Chi bộ ấp Tân Đông"),
        unit("cb-2", "so-sanh", ys(2022, members=20), ys(2023, members=21), level="branch", name="Chi bộ ấp Trung Sơn"),
    )


def env(language="vi"):
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(Path(__file__).parent / "fixtures" / "templates"), str(ROOT / "templates")]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.globals.update(t=translator(language), url=url, asset=lambda name: "/portal/assets/" + name)
    environment.filters["num"] = lambda value: format_number(value, language)
    return environment


class Outline(HTMLParser):
    """Counts headings, tables with captions and header cells without scope."""

    def __init__(self):
        super().__init__()
        self.tags, self.unscoped = [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "th" and "scope" not in dict(attrs):
            self.unscoped += 1


def outline(html):
    parser = Outline()
    parser.feed(html)
    return parser


def test_unit_view_has_years_changes_and_rolled_up_cells(units):
    view = unit_stats_view(compute(units, SCALE), units, "so-sanh", SCALE, "vi", url)
    assert [row["year"] for row in view["years"]] == [2022, 2023]
    members_2023 = view["years"][1]["members"]
    assert members_2023 == {"value": 33, "text": "33", "rolled_up": True, "sort": 33}
    assert view["years"][1]["change"]["text"] == "+3"
    assert view["years"][0]["members"]["rolled_up"] is False
    assert [row["year"] for row in view["ratings"]] == [2023]
    assert view["ratings"][0]["total"]["text"] == "2"
    assert [s["url"] for s in view["sub_units"]] == ["/portal/don-vi/cb-1/", "/portal/don-vi/cb-2/"]
    assert view["sub_unit_counts"] == ["2 chi bộ"]
    assert view["any_rolled_up"] is True
    assert [c["id"] for c in view["charts"]] == ["chart-so-sanh-members", "chart-so-sanh-new-members",
                                                 "chart-so-sanh-ratings"]
    assert all(isinstance(c["svg"], str) for c in view["charts"])


def test_unit_without_figures_has_no_charts():
    units = tree(unit("x", None))
    view = unit_stats_view(compute(units, SCALE), units, "x", SCALE, "en", url)
    assert view["has_figures"] is False and view["charts"] == [] and view["years"] == []


def test_pages_are_the_tree_and_comparisons_that_cannot_collide_with_unit_pages(units):
    pages = stats_pages(compute(units, SCALE), units, SCALE, "vi", url)
    paths = [p.path for p in pages]
    assert paths == ["/don-vi/", "/don-vi/so-sanh/xa/2023/", "/don-vi/so-sanh/chi-bo/2022/",
                     "/don-vi/so-sanh/chi-bo/2023/"]
    assert "/don-vi/so-sanh/" not in paths  # that is the page of the unit called so-sanh
    tree_page, compare = pages[:2]
    assert (tree_page.template, tree_page.kind) == ("units.html", "units")
    assert (compare.template, compare.kind, compare.title) == ("compare.html", "compare", "So sánh các đảng bộ xã, phường, thị trấn năm 2023")
    assert tree_page.context["compare"][0] == {"label": "Các đảng bộ xã, phường, thị trấn",
                                               "links": [{"year": 2023, "url": "/portal/don-vi/so-sanh/xa/2023/"}]}
    assert [r["id"] for r in tree_page.context["rows"]] == ["huyen", "xa-b", "so-sanh", "cb-1", "cb-2"]
    assert [r["depth"] for r in tree_page.context["rows"]] == [0, 1, 1, 2, 2]
    assert [r["name"] for r in compare.context["rows"]] == ["Đảng bộ xã Bình Thành", "Đảng bộ xã Óc Eo"]
    assert compare.context["rows"][1]["share_orgs"]["text"] == "50%"


def test_percent_is_written_the_local_way():
    assert format_percent(0.125, "vi") == "12,5%"
    assert format_percent(0.125, "en") == "12.5%"
    assert format_percent(None, "vi") == ""


@pytest.mark.parametrize("language", ["vi", "en"])
def test_unit_partial_renders_tables_charts_and_marks(units, language):
    view = unit_stats_view(compute(units, SCALE), units, "so-sanh", SCALE, language, url)
    html = env(language).get_template("unit.html").render(stats=view, page={"title": "Óc Eo", "path": "/don-vi/so-sanh/"})
    parsed = outline(html)
    assert parsed.tags.count("h1") == 1
    assert parsed.tags.count("table") == parsed.tags.count("caption") == 4
    assert parsed.unscoped == 0
    assert parsed.tags.count("svg") == 3
    assert 'class="stats-rolled"' in html and str(escape(translator(language)("stats_rolled_up_legend"))) in html
    assert 'href="/portal/don-vi/cb-1/"' in html


def test_unit_partial_renders_a_unit_without_figures():
    units = tree(unit("x", None))
    view = unit_stats_view(compute(units, SCALE), units, "x", SCALE, "vi", url)
    html = env().get_template("unit.html").render(stats=view, page={"title": "X", "path": "/don-vi/x/"})
    assert "Đơn vị chưa có số liệu thống kê." in html and "<table" not in html


@pytest.mark.parametrize("language", ["vi", "en"])
def test_tree_and_compare_pages_render(units, language):
    environment = env(language)
    for page in stats_pages(compute(units, SCALE), units, SCALE, language, url):
        html = environment.get_template(page.template).render(page={"title": page.title, "path": page.path},
                                                              **page.context)
        parsed = outline(html)
        assert parsed.tags.count("h1") == 1 and parsed.unscoped == 0
        assert parsed.tags.count("table") == parsed.tags.count("caption") == 1
        assert '<script src="/portal/assets/js/sortable.js" defer></script>' in html
        assert "data-sortable" in html
        if page.kind == "units":
            assert 'href="/portal/don-vi/so-sanh/xa/2023/"' in html
            assert 'class="stats-tree__row stats-depth-2"' in html
            assert 'href="/portal/du-lieu/don-vi.csv"' in html


def test_sortable_script_exists():
    script = (ROOT / "assets" / "js" / "sortable.js").read_text(encoding="utf-8")
    assert "data-sortable" in script and "aria-sort" in script
