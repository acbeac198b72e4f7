"""Words the statistics show: a single branch's rating by name, levels named as the place is."""

from __future__ import annotations

from bantin.i18n import translator
from bantin.render.stats_views import level_label, share_cell
from bantin.site.stats import Figure

T = translator("vi")
EXCELLENT, GOOD = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"


def test_a_unit_with_one_rated_branch_shows_that_rating_not_a_percentage():
    cell = share_cell({EXCELLENT: Figure(0), GOOD: Figure(1)}, EXCELLENT, "vi")
    assert cell["text"] == GOOD and cell["label"] is True
    assert share_cell({EXCELLENT: Figure(1), GOOD: Figure(0)}, EXCELLENT, "vi")["text"] == EXCELLENT


def test_several_rated_branches_show_the_share_as_a_percentage():
    cell = share_cell({EXCELLENT: Figure(1), GOOD: Figure(3)}, EXCELLENT, "vi")
    assert cell["text"] == "25%" and "label" not in cell


def test_level_labels_follow_the_kind_of_place_in_the_name():
    assert level_label("commune", T, "Đảng bộ thị trấn Núi Sập") == "Đảng bộ thị trấn"
    assert level_label("commune", T, "Đảng bộ phường Mỹ Bình") == "Đảng bộ phường"
    assert level_label("commune", T, "Đảng bộ xã Vọng Thê") == "Đảng bộ xã"
    assert level_label("district", T, "Đảng bộ thành phố Long Xuyên") == "Đảng bộ thành phố"
    assert level_label("district", T, "Đảng bộ huyện Thoại Sơn") == "Đảng bộ huyện"
    assert level_label(None, T, "Ban Tuyên giáo") == ""


def test_the_unit_page_calls_the_level_field_cap_and_names_a_town_as_one(sample_site):
    page = (sample_site / "don-vi" / "nui-sap" / "index.html").read_text(encoding="utf-8")
    assert "<dt>Cấp</dt><dd>Đảng bộ thị trấn</dd>" in page
