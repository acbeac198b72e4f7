"""Charts are well-formed, accessible SVG that does not rely on colour alone."""

import xml.etree.ElementTree as ET

import pytest

from bantin.render.charts import Legend, Point, Series, bar_chart, describe, line_chart, nice_ticks, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"
LEGEND = Legend(given="số liệu đơn vị báo cáo", rolled_up="tổng hợp từ đơn vị trực thuộc", language="vi")
POINTS = [Point("2019", 45239, False), Point("2020", None), Point("2021", 46000, True), Point("2022", 47100, True)]


def charts():
    series = [Series("Hoàn thành xuất sắc nhiệm vụ", (2, 3, 0, 1)), Series("Hoàn thành tốt nhiệm vụ", (8, 7, 0, 9)),
              Series("Hoàn thành nhiệm vụ", (None, 1, 0, 0))]
    totals = [Point("2019", 10), Point("2020", 11), Point("2021", 0), Point("2022", 10, True)]
    return {
        "line": line_chart("c-line", POINTS, "Số đảng viên", "Số đảng viên <&> mô tả", LEGEND),
        "bar": bar_chart("c-bar", POINTS, "Kết nạp", "mô tả", LEGEND),
        "stacked": stacked_bar_chart("c-stack", totals, series, "Xếp loại", "mô tả", LEGEND),
    }


@pytest.mark.parametrize("kind", ["line", "bar", "stacked"])
def test_chart_is_well_formed_and_accessible(kind):
    root = ET.fromstring(charts()[kind])
    chart_id = {"line": "c-line", "bar": "c-bar", "stacked": "c-stack"}[kind]
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert root.find(f"{SVG}title").get("id") == f"{chart_id}-title"
    assert root.find(f"{SVG}desc").get("id") == f"{chart_id}-desc"
    assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 360 ")
    assert "sans-serif" in root.get("font-family")


@pytest.mark.parametrize("kind", ["line", "bar", "stacked"])
def test_chart_needs_nothing_external(kind):
    svg = charts()[kind]
    assert "@font-face" not in svg and "href" not in svg and "<script" not in svg
    assert svg.count("http://") == 1  # the SVG namespace only


def test_text_is_escaped():
    assert "<desc id=\"c-line-desc\">Số đảng viên &lt;&amp;&gt; mô tả</desc>" in charts()["line"]


def test_rolled_up_values_are_marked_by_text_not_colour_alone():
    root = ET.fromstring(charts()["line"])
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "45.239" in labels and "Σ46.000" in labels
    assert "tổng hợp từ đơn vị trực thuộc (Σ)" in labels
    bar = ET.fromstring(charts()["bar"])
    assert any(r.get("fill") == "url(#c-bar-rolled)" for r in bar.iter(f"{SVG}rect"))


def test_stacked_bands_use_distinct_patterns_with_a_legend():
    root = ET.fromstring(charts()["stacked"])
    patterns = [p.get("id") for p in root.iter(f"{SVG}pattern")]
    assert patterns == ["c-stack-s0", "c-stack-s1", "c-stack-s2"]
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"} <= set(labels)
    assert "Σ10" in labels and "Σ tổng hợp từ đơn vị trực thuộc" in labels


def test_a_missing_year_breaks_the_line():
    root = ET.fromstring(charts()["line"])
    lines = [p.get("points") for p in root.iter(f"{SVG}polyline")]
    assert len(lines) == 1 and len(lines[0].split()) == 2


def test_describe_lists_every_value():
    assert describe(POINTS, "vi", "không có") == "2019: 45.239; 2020: không có; 2021: Σ46.000; 2022: Σ47.100"


def test_nice_ticks():
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(4) == [0, 1, 2, 3, 4]
    assert nice_ticks(892) == [0, 500, 1000]
    assert nice_ticks(45239)[-1] >= 45239
