"""Unit statistics: roll-ups of omitted figures, sub-unit counts, shares, changes and consistency checks.

Pure functions over loaded `Unit`s; no I/O. A figure a unit gives is kept as given; a figure it
omits is the sum of its children's figures (given or themselves rolled up) for that year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from ..messages import join, msg
from ..problems import Problem
from ..text import sort_key
from ..source.units import COUNT_FIELDS, LEVELS, Unit, YearStats

RATING_FIELDS = ("ratings", "member_ratings")
# A đảng bộ xã is itself a grassroots organisation and a chi bộ is itself a branch, so each counts
# once in its parent's roll-up of that figure (the seeds count "9 đảng bộ cơ sở, 37 chi bộ" that way).
SELF_COUNTED = {"grassroots": "commune", "branches": "branch"}
# Listing more sub-unit files than this in one warning buries the message.
_MAX_NAMED_CHILDREN = 10


@dataclass(frozen=True)
class Figure:
    """One number and where it comes from; `rolled_up` means summed from sub-units, not given."""

    value: int | None
    rolled_up: bool = False

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def source(self) -> str:
        """"given", "rolled_up", or "" when there is no value (the open-data vocabulary)."""
        if self.value is None:
            return ""
        return "rolled_up" if self.rolled_up else "given"


MISSING = Figure(None, False)


@dataclass(frozen=True)
class YearFigures:
    """Every figure of one unit for one year, given or rolled up."""

    year: int
    members: Figure
    new_members: Figure
    grassroots: Figure
    branches: Figure
    ratings: dict[str, Figure]
    member_ratings: dict[str, Figure]

    def count(self, name: str) -> Figure:
        """One of COUNT_FIELDS by name."""
        return getattr(self, name)

    def distribution(self, name: str) -> dict[str, Figure]:
        """One of RATING_FIELDS by name."""
        return getattr(self, name)


@dataclass(frozen=True)
class Change:
    """Change of one figure from the unit's previous year with a value."""

    year: int
    previous_year: int
    value: int
    previous: int
    rolled_up: bool = False   # either value was summed from sub-units

    @property
    def delta(self) -> int:
        return self.value - self.previous

    @property
    def ratio(self) -> float | None:
        """Relative change (0.1 = +10 %); None when the previous value is 0."""
        return self.delta / self.previous if self.previous else None


@dataclass(frozen=True)
class StatsTable:
    """Figures of every unit by year, plus the tree they roll up along."""

    by_unit: dict[str, tuple[YearFigures, ...]]
    children: dict[str, tuple[str, ...]]
    roots: tuple[str, ...]
    order: tuple[str, ...]                    # depth-first tree order, children alphabetical
    depth: dict[str, int]                     # 0 for roots
    sub_unit_counts: dict[str, dict[str, int]]  # unit id -> level -> number of descendants
    _index: dict[str, dict[int, YearFigures]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Pages look figures up by year thousands of times; a scan per lookup made views quadratic.
        index = {uid: {f.year: f for f in figures} for uid, figures in self.by_unit.items()}
        object.__setattr__(self, "_index", index)

    def latest(self, unit_id: str) -> YearFigures | None:
        """The unit's most recent year with any figure, or None."""
        years = self.by_unit.get(unit_id, ())
        return years[-1] if years else None

    def year(self, unit_id: str, year: int) -> YearFigures | None:
        """The unit's figures for one year, or None."""
        return self._index.get(unit_id, {}).get(year)

    def years(self) -> tuple[int, ...]:
        """Every year any unit has figures for, ascending."""
        return tuple(sorted({f.year for figures in self.by_unit.values() for f in figures}))

    def change(self, unit_id: str, year: int, name: str) -> Change | None:
        """Change of count `name` since the unit's previous year that has a value for it."""
        current = self.year(unit_id, year)
        if current is None or current.count(name).value is None:
            return None
        earlier = [f for f in self.by_unit[unit_id] if f.year < year and f.count(name).value is not None]
        if not earlier:
            return None
        before = earlier[-1]
        now, then = current.count(name), before.count(name)
        return Change(year, before.year, now.value, then.value, now.rolled_up or then.rolled_up)


def total(distribution: Mapping[str, Figure]) -> int | None:
    """Sum of a rating distribution, or None when it has no values."""
    values = [f.value for f in distribution.values() if f.value is not None]
    return sum(values) if values else None


def is_rolled_up(distribution: Mapping[str, Figure]) -> bool:
    """True when a distribution was summed from sub-units (all its labels share the source)."""
    return any(f.rolled_up for f in distribution.values())


def share(distribution: Mapping[str, Figure], label: str) -> float | None:
    """Share of `label` in a distribution (0..1), or None when nothing was rated."""
    whole = total(distribution)
    if not whole:
        return None
    return (distribution[label].value or 0) / whole


def organisations(figures: YearFigures, level: str | None) -> Figure:
    """How many organisations a unit's ratings can cover: grassroots + branches; a chi bộ rates itself."""
    parts = [figures.grassroots, figures.branches]
    known = [f for f in parts if f.value is not None]
    if known:
        return Figure(sum(f.value for f in known), all(f.rolled_up for f in known))
    if level == "branch":
        return Figure(1, False)
    return MISSING


# ---------------------------------------------------------------- compute


def compute(units: Mapping[str, Unit], scale: Sequence[str]) -> StatsTable:
    """Roll every unit's figures up the tree; given figures are kept, omitted ones summed from children."""
    children = _children(units)
    roots = _sorted_ids(units, (uid for uid, u in units.items() if u.parent not in units))
    order = _tree_order(roots, children)
    depth = _depths(order, units)
    by_year: dict[str, dict[int, YearFigures]] = {}
    for uid in reversed(order):  # children before parents
        kids = [(units[c].level, by_year[c]) for c in children[uid]]
        by_year[uid] = _unit_figures(units[uid], kids, scale)
    by_unit = {uid: tuple(by_year[uid][y] for y in sorted(by_year[uid])) for uid in order}
    return StatsTable(by_unit=by_unit, children=children, roots=roots, order=order, depth=depth,
                      sub_unit_counts=_sub_unit_counts(order, children, units))


def _sorted_ids(units: Mapping[str, Unit], ids: Iterable[str]) -> tuple[str, ...]:
    # Vietnamese alphabetical order of the name; the id breaks ties so output stays deterministic.
    return tuple(sorted(ids, key=lambda uid: (sort_key(units[uid].name), uid)))


def _children(units: Mapping[str, Unit]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {uid: [] for uid in units}
    for uid, unit in units.items():
        if unit.parent in grouped:
            grouped[unit.parent].append(uid)
    return {uid: _sorted_ids(units, kids) for uid, kids in grouped.items()}


def _tree_order(roots: Sequence[str], children: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    # Iterative so that a deep (or generated) tree cannot hit the recursion limit.
    order: list[str] = []
    stack = list(reversed(roots))
    while stack:
        uid = stack.pop()
        order.append(uid)
        stack.extend(reversed(children[uid]))
    return tuple(order)


def _depths(order: Sequence[str], units: Mapping[str, Unit]) -> dict[str, int]:
    depth: dict[str, int] = {}
    for uid in order:  # parents come first in tree order
        parent = units[uid].parent
        depth[uid] = depth[parent] + 1 if parent in depth else 0
    return depth


def _sub_unit_counts(order: Sequence[str], children: Mapping[str, Sequence[str]],
                     units: Mapping[str, Unit]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for uid in reversed(order):
        mine = {level: 0 for level in LEVELS}
        for child in children[uid]:
            for level, n in counts[child].items():
                mine[level] = mine.get(level, 0) + n
            level = units[child].level
            if level is not None:
                mine[level] = mine.get(level, 0) + 1
        counts[uid] = {level: n for level, n in mine.items() if n}
    return counts


def _unit_figures(unit: Unit, kids: Sequence[tuple[str | None, Mapping[int, YearFigures]]],
                  scale: Sequence[str]) -> dict[int, YearFigures]:
    own = {s.year: s for s in unit.stats}
    years = set(own).union(*(k.keys() for _, k in kids))
    result = {}
    for year in years:
        below = [(level, k[year]) for level, k in kids if year in k]
        result[year] = _year_figures(year, own.get(year), below, scale)
    return result


def _year_figures(year: int, own: YearStats | None, below: Sequence[tuple[str | None, YearFigures]],
                  scale: Sequence[str]) -> YearFigures:
    counts = {name: _count(own, below, name) for name in COUNT_FIELDS}
    dists = {name: _distribution(own, [f for _, f in below], name, scale) for name in RATING_FIELDS}
    return YearFigures(year=year, **counts, **dists)


def contribution(level: str | None, figures: YearFigures, name: str) -> int | None:
    """What a sub-unit adds to its parent's count `name` for a year: its figure, plus itself if it is one."""
    value = figures.count(name).value
    itself = 1 if SELF_COUNTED.get(name, "") == level else 0
    if value is None:
        return itself or None
    return value + itself


def _count(own: YearStats | None, below: Sequence[tuple[str | None, YearFigures]], name: str) -> Figure:
    given = getattr(own, name) if own is not None else None
    if given is not None:
        return Figure(given, False)
    values = [v for level, f in below if (v := contribution(level, f, name)) is not None]
    return Figure(sum(values), True) if values else MISSING


def gives_distribution(own: YearStats | None, name: str) -> bool:
    """A unit gives a rating distribution when it writes the key; labels it leaves out count 0."""
    return own is not None and (bool(getattr(own, name)) or name in own.lines)


def _distribution(own: YearStats | None, below: Sequence[YearFigures], name: str,
                  scale: Sequence[str]) -> dict[str, Figure]:
    if gives_distribution(own, name):
        given = getattr(own, name)
        return {label: Figure(given.get(label, 0), False) for label in scale}
    rated = [f.distribution(name) for f in below if total(f.distribution(name)) is not None]
    if not rated:
        return {label: MISSING for label in scale}
    return {label: Figure(sum(d[label].value or 0 for d in rated), True) for label in scale}


# ---------------------------------------------------------------- check


def check(units: Mapping[str, Unit], table: StatsTable, scale: Sequence[str]) -> list[Problem]:
    """Consistency warnings: parent vs sub-units, ratings vs organisations and members, orphan years."""
    problems: list[Problem] = []
    for uid in table.order:
        unit = units[uid]
        kids = [units[c] for c in table.children[uid]]
        for own in unit.stats:
            figures = table.year(uid, own.year)
            problems += _disagreements(unit, own, kids, table, scale)
            problems += _over_counts(unit, own, figures)
            problems += _orphan_year(unit, own, units)
    return problems


def _warning(unit: Unit, own: YearStats, name: str, message: str, hint: str = "") -> Problem:
    line = own.lines.get(name, own.line)
    return Problem(unit.path, line, f"stats {own.year} {name}", message, hint, severity="warning")


def _named(items: Sequence[tuple[Unit, int, bool]]) -> str:
    shown = [msg("{path} {value} (rolled up)", path=u.path, value=value) if rolled else f"{u.path} {value}"
             for u, value, rolled in items[:_MAX_NAMED_CHILDREN]]
    more = len(items) - len(shown)
    return msg("{units} and {more} more", units=join(", ", shown), more=more) if more > 0 else join(", ", shown)


def _disagreements(unit: Unit, own: YearStats, kids: Sequence[Unit], table: StatsTable,
                   scale: Sequence[str]) -> list[Problem]:
    below = [(k, table.year(k.id, own.year)) for k in kids]
    below = [(k, f) for k, f in below if f is not None]
    problems = []
    for name in COUNT_FIELDS:
        given = getattr(own, name)
        parts = [(k, v, f.count(name).rolled_up) for k, f in below
                 if (v := contribution(k.level, f, name)) is not None]
        if given is None or not parts:
            continue
        summed = sum(v for _, v, _ in parts)
        if summed != given:
            problems.append(_warning(
                unit, own, name,
                msg("{name} for {year} is {given} in {path} but {summed} summed from its sub-units: {units}",
                    name=name, year=own.year, given=given, path=unit.path, summed=summed, units=_named(parts)),
                msg("correct one side, or leave the figure out here to use the sum")))
    for name in RATING_FIELDS:
        problem = _distribution_disagreement(unit, own, below, name, scale)
        if problem:
            problems.append(problem)
    return problems


def _distribution_disagreement(unit: Unit, own: YearStats, below: Sequence[tuple[Unit, YearFigures]],
                               name: str, scale: Sequence[str]) -> Problem | None:
    if not gives_distribution(own, name):
        return None
    parts = [(k, f.distribution(name)) for k, f in below if total(f.distribution(name)) is not None]
    if not parts:
        return None
    given = getattr(own, name)
    differing = []
    for label in scale:
        summed = sum(d[label].value or 0 for _, d in parts)
        if summed != given.get(label, 0):
            differing.append(msg("{label} {given} here vs {summed} summed", label=label, given=given.get(label, 0),
                                 summed=summed))
    if not differing:
        return None
    named = [(k, total(d) or 0, is_rolled_up(d)) for k, d in parts]
    return _warning(unit, own, name,
                    msg("{name} for {year} in {path} disagree with its sub-units ({differences}); "
                        "sub-unit totals: {units}", name=name, year=own.year, path=unit.path,
                        differences=join("; ", differing), units=_named(named)),
                    msg("correct one side, or leave the ratings out here to use the sum"))


def _over_counts(unit: Unit, own: YearStats, figures: YearFigures | None) -> list[Problem]:
    if figures is None:
        return []
    problems = []
    rated = total(figures.ratings)
    orgs = organisations(figures, unit.level)
    if (rated is not None and orgs.value is not None and rated > orgs.value
            and (gives_distribution(own, "ratings") or not orgs.rolled_up)):
        problems.append(_warning(
            unit, own, "ratings",
            msg("organisation ratings for {year} add up to {rated} in {path}, more than the "
                "{organisations} organisations rated ({counted})", year=own.year, rated=rated, path=unit.path,
                organisations=orgs.value, counted=_orgs_text(figures, unit.level)),
            msg("an organisation is rated once a year")))
    members = figures.members
    rated_members = total(figures.member_ratings)
    if (rated_members is not None and members.value is not None and rated_members > members.value
            and (gives_distribution(own, "member_ratings") or not members.rolled_up)):
        problems.append(_warning(
            unit, own, "member_ratings",
            msg("member ratings for {year} add up to {count} in {path}, more than its {members}",
                year=own.year, count=rated_members, path=unit.path, members=_members(members)),
            msg("a member is rated once a year")))
    new = figures.new_members
    if (new.value is not None and members.value is not None and new.value > members.value
            and (not new.rolled_up or not members.rolled_up)):
        problems.append(_warning(
            unit, own, "new_members",
            msg("new_members for {year} is {count} in {path}, more than its {members}",
                year=own.year, count=new.value, path=unit.path, members=_members(members)),
            msg("members at the end of the year include those admitted during it")))
    return problems


def _members(members: Figure) -> str:
    """"20 members", or "20 members (rolled up)" when summed from the sub-units."""
    if members.rolled_up:
        return msg("{count} members (rolled up)", count=members.value)
    return msg("{count} members", count=members.value)


def _orgs_text(figures: YearFigures, level: str | None) -> str:
    parts = [f"{name} {figures.count(name).value}" for name in ("grassroots", "branches")
             if figures.count(name).value is not None]
    return " + ".join(parts) if parts else msg("a {level} rates itself", level=str(level))


def _orphan_year(unit: Unit, own: YearStats, units: Mapping[str, Unit]) -> list[Problem]:
    parent = units.get(unit.parent) if unit.parent else None
    # A parent that gives no figures at all is a pure roll-up; only a parent with gaps is suspicious.
    if parent is None or not parent.stats or parent.stats_for(own.year) is not None:
        return []
    years = ", ".join(str(s.year) for s in parent.stats)
    line = parent.lines.get("stats", 0)
    return [Problem(unit.path, own.line, f"stats {own.year}",
                    msg("{path} has figures for {year} but its parent `{parent}` ({parent_path}:{line}) gives "
                        "none for that year (it gives {years})", path=unit.path, year=own.year, parent=parent.id,
                        parent_path=parent.path, line=line, years=years),
                    msg("add a {year} entry to {path}, or check the year here", year=own.year, path=parent.path),
                    severity="warning")]
