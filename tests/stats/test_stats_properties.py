"""Property-based tests of roll-ups on random trees."""

from hypothesis import given, settings, strategies as st
from stats_builders import SCALE, tree, unit, ys

from bantin.site.stats import compute, contribution

YEARS = (2021, 2022, 2023)
counts = st.none() | st.integers(min_value=0, max_value=500)


@st.composite
def year_figures(draw, year):
    ratings = draw(st.none() | st.dictionaries(st.sampled_from(SCALE), st.integers(0, 20), max_size=4))
    return ys(year, members=draw(counts), new_members=draw(counts), branches=draw(counts),
              **({"ratings": ratings} if ratings else {}))


@st.composite
def random_trees(draw, leaves_only=False):
    """Units 0..n-1, each with a parent among the earlier ones (or none), figures for some years."""
    n = draw(st.integers(1, 25))
    parents = [None] + [draw(st.none() | st.integers(0, i - 1)) for i in range(1, n)]
    has_children = {p for p in parents if p is not None}
    units = []
    for i, parent in enumerate(parents):
        years = draw(st.sets(st.sampled_from(YEARS)))
        stats = [] if leaves_only and i in has_children else [draw(year_figures(y)) for y in sorted(years)]
        units.append(unit(f"u{i}", None if parent is None else f"u{parent}", *stats))
    return tree(*units)


def descendants(units, uid):
    found = [c for c, u in units.items() if u.parent == uid]
    return found + [d for c in found for d in descendants(units, c)]


@settings(max_examples=60, deadline=None)
@given(random_trees(leaves_only=True))
def test_rolled_up_totals_equal_the_sum_of_the_leaves(units):
    table = compute(units, SCALE)
    for uid in units:
        leaves = [units[d] for d in descendants(units, uid) + [uid] if units[d].stats]
        for figures in table.by_unit[uid]:
            given = [s for leaf in leaves if (s := leaf.stats_for(figures.year))]
            for name in ("members", "new_members", "branches"):
                values = [getattr(s, name) for s in given if getattr(s, name) is not None]
                assert figures.count(name).value == (sum(values) if values else None)
            rated = [s.ratings for s in given if s.ratings]
            for label in SCALE:
                expected = sum(r.get(label, 0) for r in rated) if rated else None
                assert figures.ratings[label].value == expected


@settings(max_examples=60, deadline=None)
@given(random_trees())
def test_a_given_figure_is_never_overwritten(units):
    table = compute(units, SCALE)
    for uid, u in units.items():
        for s in u.stats:
            figures = table.year(uid, s.year)
            for name in ("members", "new_members", "branches"):
                if getattr(s, name) is not None:
                    assert (figures.count(name).value, figures.count(name).rolled_up) == (getattr(s, name), False)
            if s.ratings:
                assert {k: f.value for k, f in figures.ratings.items()} == {k: s.ratings.get(k, 0) for k in SCALE}
                assert not any(f.rolled_up for f in figures.ratings.values())


@settings(max_examples=60, deadline=None)
@given(random_trees())
def test_an_omitted_figure_is_the_sum_over_children_that_have_the_year(units):
    table = compute(units, SCALE)
    for uid, u in units.items():
        kids = table.children[uid]
        for figures in table.by_unit[uid]:
            own = u.stats_for(figures.year)
            if own is not None and own.members is not None:
                continue
            parts = [contribution(None, f, "members") for c in kids if (f := table.year(c, figures.year))]
            parts = [p for p in parts if p is not None]
            assert figures.members.value == (sum(parts) if parts else None)
            assert figures.members.rolled_up == bool(parts)
