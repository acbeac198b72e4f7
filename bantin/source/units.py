"""Party units (đảng bộ / chi bộ) as editors write them in content/units/<id>.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from .fields import Fields
from .markdown_limits import limit_problem
from ..messages import msg
from ..problems import Problem, did_you_mean
from ..text import shorten
from .parse import LineDict

LEVELS = ("province", "district", "commune", "branch")
UNIT_KEYS = ("name", "short_name", "level", "parent", "secretary", "description", "stats")
COUNT_FIELDS = ("members", "new_members", "grassroots", "branches")
STAT_KEYS = ("year",) + COUNT_FIELDS + ("ratings", "member_ratings")
# The whole Communist Party of Vietnam has about 5.6 million members: no figure of one unit comes near.
MAX_COUNT = 10_000_000
MAX_YEAR = 2100


@dataclass(frozen=True)
class YearStats:
    """Figures one unit gives for one year; None means "not given" (it may be rolled up)."""

    year: int
    members: int | None = None
    new_members: int | None = None
    grassroots: int | None = None
    branches: int | None = None
    ratings: dict[str, int] = field(default_factory=dict)
    member_ratings: dict[str, int] = field(default_factory=dict)
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Unit:
    """One party unit; `path` and `line` point at its file for messages."""

    id: str
    name: str
    short_name: str
    level: str | None
    parent: str | None
    secretary: str | None
    description: str
    stats: tuple[YearStats, ...]
    path: str
    lines: dict[str, int] = field(default_factory=dict)

    def stats_for(self, year: int) -> YearStats | None:
        return next((s for s in self.stats if s.year == year), None)


def parse_unit(unit_id: str, data: object, shown: str,
               scale: Sequence[str]) -> tuple[Unit | None, list[Problem]]:
    """Validate one unit file's data; return the unit (None on errors) and problems."""
    if not isinstance(data, LineDict):
        return None, [Problem(shown, 1, "", msg("a unit file must be `key: value` lines"),
                              msg("start with `name: Đảng bộ …`"))]
    f = Fields(data, shown)
    f.reject_unknown(UNIT_KEYS)
    name = f.text("name", required=True)
    level = f.text("level")
    if level is not None and level not in LEVELS:
        f.error("level", msg("unknown level `{level}`", level=shorten(level)), did_you_mean(level, LEVELS, msg("levels")))
    stats = _stats(f, scale)
    unit = Unit(id=unit_id, name=name or "", short_name=f.text("short_name") or name or "",
                level=level, parent=f.text("parent"), secretary=f.text("secretary"),
                description=f.text("description") or "", stats=stats, path=shown,
                lines=dict(data.key_lines))
    problem = limit_problem(unit.description, shown, data.line_of("description"), "description")
    if problem is not None:
        f.problems.append(problem)
    return (None if f.problems else unit), f.problems


def _stats(f: Fields, scale: Sequence[str]) -> tuple[YearStats, ...]:
    entries = f.sequence("stats")
    result: dict[int, YearStats] = {}
    for index, (item, line) in enumerate(zip(entries or [], entries.item_lines if entries else [])):
        sub = f.nested(item, f"stats[{index}]", line)
        if sub is None:
            continue
        sub.reject_unknown(STAT_KEYS)
        year = sub.integer("year", MAX_YEAR, required=True, minimum=1900)
        if year is None:
            continue
        if year in result:
            sub.error("year", msg("year {year} is given twice", year=year), msg("merge the two entries"))
            continue
        counts = {name: sub.integer(name, MAX_COUNT) for name in COUNT_FIELDS}
        result[year] = YearStats(year=year, ratings=_ratings(sub, "ratings", scale),
                                 member_ratings=_ratings(sub, "member_ratings", scale),
                                 line=line, lines=dict(item.key_lines), **counts)
    return tuple(result[y] for y in sorted(result))


def _ratings(f: Fields, key: str, scale: Sequence[str]) -> dict[str, int]:
    data = f.mapping(key)
    result: dict[str, int] = {}
    for label in data or {}:
        sub = Fields(data, f.path, f"{f.name(key)}.", f.problems)
        if label not in scale:
            sub.error(str(label), msg("rating label is not in `rating_scale` of site.yaml"),
                      did_you_mean(str(label), scale, msg("labels")))
            continue
        value = sub.integer(label, MAX_COUNT)
        if value is not None:
            result[label] = value
    return result
