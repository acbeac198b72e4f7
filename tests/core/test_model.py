"""The published model of the sample portal: what each listing, "Tin khác" and "Tin liên quan" show."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bantin.source.load import load
from bantin.site.model import build_model
from bantin.site.queries import Queries

from .helpers import ROOT

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def model():
    content, problems = load(ROOT / "content")
    assert content is not None, [str(p) for p in problems]
    return build_model(content, NOW)


def test_can_list_newest_first_without_drafts_or_future(model):
    dates = [a.date for a in model.articles]
    assert dates == sorted(dates, reverse=True)
    assert all(not a.draft and a.date <= NOW for a in model.articles)
    everything = build_model(model.content, NOW, drafts=True)
    assert len(everything.articles) == len(model.content.articles) > len(model.articles)


def test_can_show_the_previous_ten_of_the_category_as_other_news(model):
    for a in model.articles:
        if not a.category:
            continue
        listing = model.by_category[a.category]
        index = listing.index(a)
        assert model.other_news(a) == listing[index + 1:index + 11]
        assert all(o.date <= a.date and o.category == a.category for o in model.other_news(a))


def test_can_relate_up_to_five_other_articles_deterministically(model):
    first, again = Queries(model), Queries(build_model(model.content, NOW))
    for a in model.articles:
        found = first.ask("related", a.site_path)[:5]
        assert a.site_path not in found and len(found) <= 5 and len(set(found)) == len(found)
        assert again.ask("related", a.site_path)[:5] == found
    assert sum(bool(first.ask("related", a.site_path)) for a in model.articles) > len(model.articles) * 0.9


def test_can_gather_a_unit_and_its_sub_units_news(model):
    root = model.config.root_unit
    ids = set(model.subtree(root))
    assert len(ids) > 10 and root in ids
    assert model.unit_news(root) == tuple(a for a in model.articles if a.unit in ids)
    leaf = next(u for u in model.units if u not in model.children and model.by_unit.get(u))
    assert model.unit_news(leaf) == model.by_unit[leaf]
    assert model.ancestors(leaf)[0] not in (leaf,) and model.units[leaf].parent == model.ancestors(leaf)[-1]


def test_can_index_the_archive_by_year_month_and_day(model):
    for a in model.articles:
        d = a.date
        for key in ((d.year,), (d.year, d.month), (d.year, d.month, d.day)):
            assert a in model.archive[key]
    assert sum(len(v) for k, v in model.archive.items() if len(k) == 1) == len(model.articles)
