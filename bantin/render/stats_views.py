"""Plain dicts for the statistics templates: a unit's figures and charts, the unit tree, comparisons.

Numbers arrive preformatted (Vietnamese or English style) together with a raw `sort` value, and
every cell says whether it was rolled up, so templates only place them.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from typing import Callable, Mapping, Sequence

from . import charts
from ..i18n import translator
from ..site import urls as U
from ..site.stats import Change, Figure, StatsTable, YearFigures, is_rolled_up, share, total
from ..text import format_number, sort_key
from ..source.units import LEVELS, Unit

Url = Callable[[str], str]


@dataclass(frozen=True)
class StatsPage:
    """One page the statistics add to the site."""

    path: str
    template: str
    kind: str
    title: str
    context: dict


# ---------------------------------------------------------------- cells


def cell(figure: Figure, language: str) -> dict:
    """A table cell: text, raw sort value and whether it was summed from sub-units."""
    return {"value": figure.value, "text": format_number(figure.value, language),
            "rolled_up": figure.rolled_up and figure.value is not None,
            "sort": "" if figure.value is None else figure.value}


def total_cell(distribution: Mapping[str, Figure], language: str) -> dict:
    """The total of a rating distribution as a cell."""
    return cell(Figure(total(distribution), is_rolled_up(distribution)), language)


def format_percent(ratio: float | None, language: str) -> str:
    """0.125 -> "12,5%" (Vietnamese) or "12.5%"; None -> ""."""
    if ratio is None:
        return ""
    return format_number(round(ratio * 100, 1), language) + "%"


def share_cell(distribution: Mapping[str, Figure], label: str, language: str) -> dict:
    """Share of one rating label as a cell (rolled up when the distribution is). A distribution of
    one (a unit with a single branch) shows that one rating's label: "100 %" or "0 %" says less."""
    ratio = share(distribution, label)
    single = [name for name, f in distribution.items() if f.value] if total(distribution) == 1 else []
    if single:
        return {"value": ratio, "text": single[0], "label": True,
                "rolled_up": is_rolled_up(distribution), "sort": round(ratio or 0, 6)}
    return {"value": ratio, "text": format_percent(ratio, language),
            "rolled_up": ratio is not None and is_rolled_up(distribution),
            "sort": "" if ratio is None else round(ratio, 6)}


def change_cell(change: Change | None, language: str, t: Callable[..., str]) -> dict:
    """"+12" / "−3" with the year compared against, or an empty cell."""
    if change is None:
        return {"value": None, "text": "", "since": "", "rolled_up": False, "sort": ""}
    sign = "+" if change.delta > 0 else ("−" if change.delta < 0 else "")
    return {"value": change.delta, "text": sign + format_number(abs(change.delta), language),
            "since": t("stats_change_since", year=change.previous_year), "rolled_up": change.rolled_up,
            "sort": change.delta}


def capitalise(text: str) -> str:
    """First letter upper case, the rest untouched (Jinja's `capitalize` lowercases the rest)."""
    return text[:1].upper() + text[1:]


# A level covers several kinds of place: a "commune" unit may be a thị trấn or a phường, a "district"
# one a thị xã, thành phố or quận. The unit's own name says which (checked longest first).
PLACE_KINDS = {"commune": (("thị trấn", "town"), ("phường", "ward")),
               "district": (("thị xã", "town"), ("thành phố", "city"), ("quận", "urban"))}


def level_label(level: str | None, t: Callable[..., str], name: str = "") -> str:
    """"Đảng bộ xã" for a commune, "Đảng bộ thị trấn" when its name says so; "" without a level."""
    if not level:
        return ""
    lowered = name.lower()
    kind = next((k for words, k in PLACE_KINDS.get(level, ()) if words in lowered), "")
    return t(f"level_{level}_{kind}" if kind else f"level_{level}")


# ---------------------------------------------------------------- unit page


def unit_stats_view(table: StatsTable, units: Mapping[str, Unit], unit_id: str, scale: Sequence[str],
                    language: str, url: Url) -> dict:
    """Everything templates/partials/unit_stats.html shows for one unit."""
    t = translator(language)
    unit = units[unit_id]
    years = table.by_unit.get(unit_id, ())
    ids = {name: f"stats-{unit_id}-{name}" for name in ("figures", "ratings", "member-ratings")}
    ratings = _distribution_rows(years, "ratings", scale, language)
    member_ratings = _distribution_rows(years, "member_ratings", scale, language)
    sub_units = [_sub_unit_row(table, units, c, scale, language, url, t) for c in table.children[unit_id]]
    return {
        "id": unit_id,
        "has_figures": bool(years),
        "latest_year": years[-1].year if years else None,
        "table_ids": ids,
        "years": [_year_row(table, unit_id, f, language, t) for f in years],
        # A chi bộ has no grassroots or branches: empty columns would only add noise on a phone.
        "show": {name: any(f.count(name).value is not None for f in years) for name in ("grassroots", "branches")},
        "rating_labels": list(scale),
        "ratings": ratings,
        "member_ratings": member_ratings,
        "charts": _charts(unit, years, scale, language, t, ids) if years else [],
        "sub_unit_counts": _count_texts(table.sub_unit_counts.get(unit_id, {}), t),
        "sub_units": sub_units,
        "top_label": scale[0] if scale else "",
        "any_rolled_up": _any_rolled(years, sub_units),
        "tree_url": url(U.UNITS),
    }


def _year_row(table: StatsTable, unit_id: str, figures: YearFigures, language: str, t) -> dict:
    row = {name: cell(figures.count(name), language)
           for name in ("members", "new_members", "grassroots", "branches")}
    row["year"] = figures.year
    row["change"] = change_cell(table.change(unit_id, figures.year, "members"), language, t)
    return row


def _distribution_rows(years: Sequence[YearFigures], name: str, scale: Sequence[str],
                       language: str) -> list[dict]:
    # Only years with a distribution: an empty row per year would hide the ones that matter.
    rows = []
    for figures in years:
        dist = figures.distribution(name)
        if total(dist) is None:
            continue
        rows.append({"year": figures.year, "cells": [cell(dist[label], language) for label in scale],
                     "total": total_cell(dist, language)})
    return rows


def _count_texts(counts: Mapping[str, int], t) -> list[str]:
    return [t(f"stats_count_{level}", count=counts[level]) for level in LEVELS if counts.get(level)]


def _sub_unit_row(table: StatsTable, units: Mapping[str, Unit], uid: str, scale: Sequence[str],
                  language: str, url: Url, t) -> dict:
    """Key figures of one unit for its latest year (sub-unit lists and the tree page)."""
    unit = units[uid]
    latest = table.latest(uid)
    empty = cell(Figure(None), language)
    top = scale[0] if scale else ""
    return {
        "id": uid, "name": unit.name, "url": url(U.unit(uid)), "level": level_label(unit.level, t, unit.name),
        "year": latest.year if latest else None,
        "members": cell(latest.members, language) if latest else empty,
        "new_members": cell(latest.new_members, language) if latest else empty,
        "grassroots": cell(latest.grassroots, language) if latest else empty,
        "branches": cell(latest.branches, language) if latest else empty,
        "share_orgs": share_cell(latest.ratings, top, language) if latest and top else empty,
        "share_members": share_cell(latest.member_ratings, top, language) if latest and top else empty,
    }


def _any_rolled(years: Sequence[YearFigures], rows: Sequence[dict]) -> bool:
    counts = any(f.count(n).rolled_up for f in years for n in ("members", "new_members", "grassroots", "branches"))
    dists = any(is_rolled_up(f.ratings) or is_rolled_up(f.member_ratings) for f in years)
    return counts or dists or any(c.get("rolled_up") for r in rows for c in r.values() if isinstance(c, dict))


def _charts(unit: Unit, years: Sequence[YearFigures], scale: Sequence[str], language: str, t,
            ids: Mapping[str, str]) -> list[dict]:
    """Members line, new-members bars and rating stacked bars; a chart without data is left out."""
    legend = charts.Legend(given=t("stats_given"), rolled_up=t("stats_rolled_up"), language=language)
    missing = t("stats_no_figure")
    result = []
    for name, key, kind in (("members", "stats_chart_members", charts.line_chart),
                            ("new_members", "stats_chart_new_members", charts.bar_chart)):
        points = [charts.Point(str(f.year), f.count(name).value, f.count(name).rolled_up) for f in years]
        if sum(1 for p in points if p.value is not None) == 0:
            continue
        title = t(key)
        desc = t("stats_chart_desc", title=title, unit=unit.name, data=charts.describe(points, language, missing))
        chart_id = f"chart-{unit.id}-{name.replace('_', '-')}"
        result.append({"id": chart_id, "title": title, "svg": Markup(kind(chart_id, points, title, desc, legend)),
                       "table_id": ids["figures"],
                       "table_note": t("stats_chart_table", caption=t("stats_figures_caption"))})
    rated = [f for f in years if total(f.ratings) is not None]
    if rated and scale:
        result.append(_ratings_chart(unit, rated, scale, language, t, legend, ids["ratings"]))
    return result


def _ratings_chart(unit: Unit, rated: Sequence[YearFigures], scale: Sequence[str], language: str, t,
                   legend: charts.Legend, table_id: str) -> dict:
    categories = [charts.Point(str(f.year), total(f.ratings), is_rolled_up(f.ratings)) for f in rated]
    series = [charts.Series(label, tuple(f.ratings[label].value for f in rated)) for label in scale]
    title = t("stats_chart_ratings")
    data = "; ".join(
        f"{f.year}: " + ", ".join(f"{label} {format_number(f.ratings[label].value, language)}" for label in scale)
        + (f" ({t('stats_rolled_up')})" if is_rolled_up(f.ratings) else "")
        for f in rated)
    desc = t("stats_chart_desc", title=title, unit=unit.name, data=data)
    chart_id = f"chart-{unit.id}-ratings"
    return {"id": chart_id, "title": title,
            "svg": Markup(charts.stacked_bar_chart(chart_id, categories, series, title, desc, legend)),
            "table_id": table_id, "table_note": t("stats_chart_table", caption=t("stats_ratings_caption"))}


# ---------------------------------------------------------------- tree and comparison pages


def stats_pages(table: StatsTable, units: Mapping[str, Unit], scale: Sequence[str], language: str,
                url: Url) -> list[StatsPage]:
    """The unit tree page and one comparison page per level and year that has figures."""
    t = translator(language)
    combos = _comparisons(table, units)
    pages = [_tree_page(table, units, scale, language, url, t, combos)]
    for level, years in combos.items():
        for year in years:
            pages.append(_compare_page(table, units, scale, language, url, t, combos, level, year))
    return pages


def _comparisons(table: StatsTable, units: Mapping[str, Unit]) -> dict[str, list[int]]:
    """Level -> years in which at least two units of that level have figures (nothing to compare otherwise)."""
    found: dict[tuple[str, int], int] = {}
    for uid in table.order:
        level = units[uid].level
        if level in U.LEVEL_SLUGS:
            for f in table.by_unit[uid]:
                found[level, f.year] = found.get((level, f.year), 0) + 1
    return {level: years for level in LEVELS
            if (years := sorted(y for (lv, y), n in found.items() if lv == level and n >= 2))}


def _tree_page(table, units, scale, language, url, t, combos) -> StatsPage:
    rows = []
    for index, uid in enumerate(table.order):
        row = _sub_unit_row(table, units, uid, scale, language, url, t)
        row["depth"] = table.depth[uid]
        row["order"] = index
        rows.append(row)
    context = {
        "rows": rows,
        "top_label": scale[0] if scale else "",
        "compare": [{"label": capitalise(t(f"stats_levels_{level}")),
                     "links": [{"year": y, "url": url(U.compare(level, y))} for y in years]}
                    for level, years in combos.items()],
        "any_rolled_up": any(c.get("rolled_up") for r in rows for c in r.values() if isinstance(c, dict)),
        "open_data": _open_data_links(url),
    }
    return StatsPage(U.UNITS, "units.html", "units", t("stats_tree_title"), context)


def _open_data_links(url: Url) -> list[dict]:
    return [{"label": "CSV", "url": url(U.OPEN_DATA_CSV)},
            {"label": "JSON", "url": url(U.OPEN_DATA_JSON)}]


def _compare_page(table, units, scale, language, url, t, combos, level: str, year: int) -> StatsPage:
    members = [uid for uid in table.order if units[uid].level == level and table.year(uid, year)]
    members.sort(key=lambda uid: (sort_key(units[uid].name), uid))
    top = scale[0] if scale else ""
    rows = [_compare_row(table, units, uid, year, top, language, url, t) for uid in members]
    level_text = t(f"stats_levels_{level}")
    context = {
        "level": level, "level_label": level_text, "year": year, "rows": rows, "top_label": top,
        "caption": t("stats_compare_caption", level=level_text, year=year),
        "count": t("stats_compare_count", count=len(rows)),
        "other_years": [{"year": y, "url": url(U.compare(level, y)), "current": y == year}
                        for y in combos[level]],
        "other_levels": [{"label": capitalise(t(f"stats_levels_{other}")), "url": url(U.compare(other, year))}
                         for other, years in combos.items() if other != level and year in years],
        "tree_url": url(U.UNITS),
        "any_rolled_up": any(c.get("rolled_up") for r in rows for c in r.values() if isinstance(c, dict)),
    }
    title = capitalise(t("stats_compare_title", level=level_text, year=year))
    return StatsPage(U.compare(level, year), "compare.html", "compare", title, context)


def _compare_row(table, units, uid: str, year: int, top: str, language: str, url: Url, t) -> dict:
    unit = units[uid]
    figures = table.year(uid, year)
    parent = units.get(unit.parent) if unit.parent else None
    empty = cell(Figure(None), language)
    return {
        "id": uid, "name": unit.name, "url": url(U.unit(uid)),
        "parent": parent.name if parent else "", "parent_url": url(U.unit(parent.id)) if parent else "",
        "members": cell(figures.members, language),
        "change": change_cell(table.change(uid, year, "members"), language, t),
        "new_members": cell(figures.new_members, language),
        "share_orgs": share_cell(figures.ratings, top, language) if top else empty,
        "share_members": share_cell(figures.member_ratings, top, language) if top else empty,
    }
