"""One fixture per consistency warning of bantin.site.stats.check, asserting its text."""

from stats_builders import HT, SCALE, TOT, XS, tree, unit, ys

from bantin.site.stats import check, compute


def warnings_for(units):
    return check(units, compute(units, SCALE), SCALE)


def test_consistent_tree_has_no_warnings():
    units = tree(unit("h", None, ys(2023, 10, members=30, branches=2, ratings={XS: 1, TOT: 1}),
                      level="district"),
                 unit("a", "h", ys(2023, members=10, new_members=1, ratings={XS: 1}), level="branch"),
                 unit("b", "h", ys(2023, members=20, ratings={TOT: 1}), level="branch"))
    assert warnings_for(units) == []


def test_warns_when_parent_and_children_sum_disagree():
    units = tree(unit("h", None, ys(2023, 10, members=100)),
                 unit("a", "h", ys(2023, members=40)), unit("b", "h", ys(2023, members=50)))
    [problem] = warnings_for(units)
    assert problem.severity == "warning"
    assert (problem.path, problem.line) == ("content/units/h.yaml", 11)
    assert str(problem) == (
        "content/units/h.yaml:11: stats 2023 members: members for 2023 is 100 in content/units/h.yaml "
        "but 90 summed from its sub-units: content/units/a.yaml 40, content/units/b.yaml 50 "
        "(correct one side, or leave the figure out here to use the sum)")


def test_disagreement_names_rolled_up_children():
    units = tree(unit("h", None, ys(2023, 10, members=9)), unit("x", "h"),
                 unit("c", "x", ys(2023, members=4)))
    [problem] = warnings_for(units)
    assert "is 9 in content/units/h.yaml but 4 summed from its sub-units: content/units/x.yaml 4 (rolled up)" \
        in problem.message


def test_warns_when_rating_distribution_disagrees_with_children():
    units = tree(unit("x", None, ys(2023, 20, ratings={XS: 2, TOT: 1})),
                 unit("a", "x", ys(2023, ratings={XS: 1})), unit("b", "x", ys(2023, ratings={TOT: 1})))
    [problem] = warnings_for(units)
    assert problem.line == 21
    assert problem.message == (
        f"ratings for 2023 in content/units/x.yaml disagree with its sub-units ({XS} 2 here vs 1 summed); "
        "sub-unit totals: content/units/a.yaml 1, content/units/b.yaml 1")


def test_warns_when_ratings_add_up_to_more_than_the_organisations_rated():
    units = tree(unit("x", None, ys(2023, 30, branches=3, ratings={XS: 2, TOT: 2}), level="commune"))
    [problem] = warnings_for(units)
    assert (problem.path, problem.line, problem.field) == ("content/units/x.yaml", 32, "stats 2023 ratings")
    assert problem.message == ("organisation ratings for 2023 add up to 4 in content/units/x.yaml, "
                               "more than the 3 organisations rated (branches 3)")


def test_warns_when_a_chi_bo_is_rated_more_than_once():
    units = tree(unit("cb", None, ys(2023, 5, ratings={XS: 1, HT: 1}), level="branch"))
    [problem] = warnings_for(units)
    assert problem.message == ("organisation ratings for 2023 add up to 2 in content/units/cb.yaml, "
                               "more than the 1 organisations rated (a branch rates itself)")


def test_warns_when_member_ratings_exceed_members():
    units = tree(unit("cb", None, ys(2024, 40, members=20, member_ratings={XS: 5, TOT: 16})))
    [problem] = warnings_for(units)
    assert problem.line == 42
    assert problem.message == ("member ratings for 2024 add up to 21 in content/units/cb.yaml, "
                               "more than its 20 members")


def test_warns_when_member_ratings_exceed_rolled_up_members():
    units = tree(unit("x", None, ys(2024, 40, member_ratings={XS: 30})), unit("cb", "x", ys(2024, members=20)))
    [problem] = warnings_for(units)
    assert problem.message.endswith("more than its 20 members (rolled up)")


def test_warns_when_new_members_exceed_members():
    units = tree(unit("cb", None, ys(2022, 3, members=5, new_members=6)))
    [problem] = warnings_for(units)
    assert (problem.line, problem.field) == (5, "stats 2022 new_members")
    assert problem.message == "new_members for 2022 is 6 in content/units/cb.yaml, more than its 5 members"


def test_warns_about_a_year_the_parent_does_not_give():
    units = tree(unit("x", None, ys(2022, members=5)), unit("cb", "x", ys(2022, members=5), ys(2023, 12, members=6)))
    [problem] = warnings_for(units)
    assert (problem.path, problem.line, problem.severity) == ("content/units/cb.yaml", 12, "warning")
    assert problem.message == ("content/units/cb.yaml has figures for 2023 but its parent `x` "
                               "(content/units/x.yaml:7) gives none for that year (it gives 2022)")


def test_parent_without_any_figures_is_a_pure_roll_up_not_a_warning():
    units = tree(unit("x", None), unit("cb", "x", ys(2023, members=6)))
    assert warnings_for(units) == []


def test_long_lists_of_sub_units_are_shortened():
    kids = [unit(f"c{i:02}", "x", ys(2023, members=1)) for i in range(15)]
    units = tree(unit("x", None, ys(2023, 3, members=1)), *kids)
    [problem] = warnings_for(units)
    assert problem.message.endswith("content/units/c09.yaml 1 and 5 more")
