"""Builders for Unit and YearStats objects, so statistics tests need no files."""

from __future__ import annotations

from bantin.source.units import Unit, YearStats

SCALE = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
         "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ")
XS, TOT, HT, KHT = SCALE


def ys(year: int, line: int = 0, **values) -> YearStats:
    """One year's figures; `line` is the entry's line and each given key sits on the next lines."""
    keys = ["year"] + [k for k in ("members", "new_members", "grassroots", "branches",
                                   "ratings", "member_ratings") if k in values]
    lines = {key: line + i for i, key in enumerate(keys)} if line else {}
    return YearStats(year=year, line=line, lines=lines, **values)


def unit(uid: str, parent: str | None = None, *stats: YearStats, level: str | None = None,
         name: str | None = None) -> Unit:
    """A unit at content/units/<uid>.yaml."""
    return Unit(id=uid, name=name or uid, short_name=name or uid, level=level, parent=parent,
                secretary=None, description="", stats=tuple(sorted(stats, key=lambda s: s.year)),
                path=f"content/units/{uid}.yaml", lines={"stats": 7} if stats else {})


def tree(*units: Unit) -> dict[str, Unit]:
    return {u.id: u for u in units}
