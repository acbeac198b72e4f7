"""Roll-ups, sub-unit counts, shares and changes computed by bantin.site.stats.compute."""

from stats_builders import HT, KHT, SCALE, TOT, XS, tree, unit, ys

from bantin.site.stats import Figure, compute, organisations, share, total


def test_omitted_figure_is_the_sum_of_the_children():
    units = tree(unit("huyen", None, level="district"),
                 unit("xa-a", "huyen", ys(2023, members=10, new_members=1)),
                 unit("xa-b", "huyen", ys(2023, members=5)))
    figures = compute(units, SCALE).latest("huyen")
    assert figures.members == Figure(15, True)
    assert figures.new_members == Figure(1, True)
    assert figures.grassroots == Figure(None, False)


def test_given_figure_is_never_overwritten_by_the_sum():
    units = tree(unit("huyen", None, ys(2023, members=100)),
                 unit("xa", "huyen", ys(2023, members=5, new_members=2)))
    figures = compute(units, SCALE).latest("huyen")
    assert figures.members == Figure(100, False)
    assert figures.new_members == Figure(2, True)


def test_rolls_up_through_a_level_that_gives_nothing():
    units = tree(unit("tinh", None), unit("huyen", "tinh"), unit("xa", "huyen"),
                 unit("chi-bo-1", "xa", ys(2022, members=7)), unit("chi-bo-2", "xa", ys(2022, members=8)))
    table = compute(units, SCALE)
    assert table.latest("tinh").members == Figure(15, True)
    assert table.latest("huyen").members == Figure(15, True)


def test_a_unit_has_every_year_of_its_descendants():
    units = tree(unit("huyen", None, ys(2020, members=3)),
                 unit("xa", "huyen", ys(2022, members=1)), unit("chi-bo", "xa", ys(2019, members=1)))
    table = compute(units, SCALE)
    assert [f.year for f in table.by_unit["huyen"]] == [2019, 2020, 2022]
    assert [f.year for f in table.by_unit["chi-bo"]] == [2019]
    assert table.year("huyen", 2020).members == Figure(3, False)
    assert table.year("huyen", 2019).members == Figure(1, True)


def test_a_chi_bo_counts_as_a_branch_and_a_commune_as_grassroots_in_the_parents_sum():
    units = tree(unit("huyen", None, level="district"),
                 unit("xa", "huyen", ys(2023, branches=4), level="commune"),
                 unit("cb", "huyen", ys(2023, members=20), level="branch"))
    figures = compute(units, SCALE).latest("huyen")
    assert figures.branches == Figure(5, True)
    assert figures.grassroots == Figure(1, True)
    assert compute(units, SCALE).latest("cb").branches == Figure(None, False)


def test_ratings_a_unit_gives_fill_missing_labels_with_zero():
    units = tree(unit("cb", None, ys(2023, ratings={TOT: 1})))
    ratings = compute(units, SCALE).latest("cb").ratings
    assert list(ratings) == list(SCALE)
    assert ratings == {XS: Figure(0, False), TOT: Figure(1, False), HT: Figure(0, False), KHT: Figure(0, False)}


def test_rating_distribution_is_summed_by_label_from_children():
    units = tree(unit("xa", None, ys(2023, members=40)),
                 unit("cb-1", "xa", ys(2023, ratings={XS: 1}, member_ratings={XS: 3, TOT: 17})),
                 unit("cb-2", "xa", ys(2023, ratings={TOT: 1}, member_ratings={TOT: 20})),
                 unit("cb-3", "xa", ys(2023, members=2)))
    figures = compute(units, SCALE).latest("xa")
    assert figures.ratings == {XS: Figure(1, True), TOT: Figure(1, True), HT: Figure(0, True), KHT: Figure(0, True)}
    assert figures.member_ratings[TOT] == Figure(37, True)
    assert total(figures.member_ratings) == 40
    assert share(figures.ratings, XS) == 0.5
    assert share(compute(units, SCALE).latest("cb-3").ratings, XS) is None


def test_no_ratings_anywhere_gives_missing_labels():
    figures = compute(tree(unit("cb", None, ys(2023, members=3))), SCALE).latest("cb")
    assert all(f == Figure(None, False) for f in figures.ratings.values())
    assert total(figures.ratings) is None


def test_year_over_year_change_uses_the_previous_year_with_a_value():
    units = tree(unit("xa", None, ys(2020, members=100), ys(2021, new_members=3), ys(2022, members=110)))
    table = compute(units, SCALE)
    change = table.change("xa", 2022, "members")
    assert (change.previous_year, change.previous, change.value, change.delta) == (2020, 100, 110, 10)
    assert change.ratio == 0.1 and change.rolled_up is False
    assert table.change("xa", 2020, "members") is None
    assert table.change("xa", 2021, "members") is None


def test_children_are_in_vietnamese_alphabetical_order_and_tree_order_is_depth_first():
    units = tree(unit("huyen", None, name="Huyện"),
                 unit("d", "huyen", name="Đảng bộ xã Định Mỹ"), unit("b", "huyen", name="Đảng bộ xã Bình Thành"),
                 unit("a", "huyen", name="Chi bộ Ấp Trung"), unit("a2", "a", name="Tổ"),
                 unit("z", None, name="An Giang"))
    table = compute(units, SCALE)
    assert table.children["huyen"] == ("a", "b", "d")
    assert table.roots == ("z", "huyen")
    assert table.order == ("z", "huyen", "a", "a2", "b", "d")
    assert table.depth["a2"] == 2


def test_counts_sub_units_by_level():
    units = tree(unit("h", None, level="district"), unit("x1", "h", level="commune"),
                 unit("x2", "h", level="commune"), unit("c1", "x1", level="branch"),
                 unit("c2", "x2", level="branch"), unit("c3", "h", level="branch"))
    table = compute(units, SCALE)
    assert table.sub_unit_counts["h"] == {"commune": 2, "branch": 3}
    assert table.sub_unit_counts["c1"] == {}


def test_organisations_rated_are_grassroots_plus_branches_or_the_chi_bo_itself():
    units = tree(unit("h", None, ys(2023, grassroots=2, branches=5)), unit("cb", "h", ys(2023), level="branch"))
    table = compute(units, SCALE)
    assert organisations(table.latest("h"), "district") == Figure(7, False)
    assert organisations(table.latest("cb"), "branch") == Figure(1, False)
    assert organisations(table.latest("cb"), None) == Figure(None, False)


def test_latest_of_a_unit_without_figures_is_none():
    table = compute(tree(unit("x", None)), SCALE)
    assert table.latest("x") is None
    assert table.by_unit["x"] == ()


def test_change_from_or_to_a_rolled_up_value_is_marked():
    units = tree(unit("xa", None, ys(2022, members=10)), unit("cb", "xa", ys(2023, members=12)))
    change = compute(units, SCALE).change("xa", 2023, "members")
    assert (change.delta, change.rolled_up) == (2, True)
