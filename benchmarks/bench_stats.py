"""Benchmark unit statistics: 5,000 units x 9 years -> compute, check, every unit's view, charts and partial.

Run: .venv/bin/python benchmarks/bench_stats.py [--units 5000] [--years 9]
Prints seconds per stage. Units are built in memory (no files), with a fixed random seed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bantin import opendata, stats, stats_views  # noqa: E402
from bantin.i18n import translator  # noqa: E402
from bantin.text import format_number  # noqa: E402
from bantin.source.units import Unit, YearStats  # noqa: E402

SCALE = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ")


def make_units(count: int, years: int, seed: int = 7) -> dict[str, Unit]:
    """1 province, 20 districts, 20 communes each, the rest chi bộ spread over the communes."""
    rng = random.Random(seed)
    first = 2024 - years + 1
    units = [("tinh", None, "province", "Đảng bộ tỉnh")]
    districts = [f"huyen-{i}" for i in range(20)]
    units += [(d, "tinh", "district", f"Đảng bộ huyện {i}") for i, d in enumerate(districts)]
    communes = [f"{d}-xa-{j}" for d in districts for j in range(20)]
    units += [(c, c.rsplit("-xa-", 1)[0], "commune", f"Đảng bộ xã {c}") for c in communes]
    for k in range(count - len(units)):
        parent = communes[k % len(communes)]
        units.append((f"{parent}-cb-{k}", parent, "branch", f"Chi bộ ấp {k}"))
    kids = {uid: sum(1 for _, p, _, _ in units if p == uid) for uid, _, level, _ in units if level == "commune"}
    result = {}
    for index, (uid, parent, level, name) in enumerate(units):
        stats_ = tuple(_year(rng, level, first + y, kids.get(uid, 0), index) for y in range(years))
        result[uid] = Unit(id=uid, name=name, short_name=name, level=level, parent=parent, secretary=None,
                           description="", stats=stats_ if level != "province" else (),
                           path=f"content/units/{uid}.yaml", lines={"stats": 5})
    return result


def _year(rng: random.Random, level: str, year: int, branches: int, index: int) -> YearStats:
    if level == "branch":
        members = rng.randint(8, 60)
        rated = rng.choices(SCALE, weights=(2, 7, 1, 0.2))[0]
        return YearStats(year=year, members=members, new_members=rng.randint(0, 3), ratings={rated: 1},
                         member_ratings={SCALE[0]: members // 8, SCALE[1]: members - members // 8 - 1, SCALE[2]: 1},
                         line=10, lines={"year": 10, "members": 11})
    if level == "commune":
        # Consistent branch counts; one commune in 40 also reports new members, usually not matching.
        extra = {"new_members": rng.randint(0, 12)} if index % 40 == 0 else {}
        return YearStats(year=year, branches=branches, line=10, lines={"year": 10, "branches": 11}, **extra)
    return YearStats(year=year, grassroots=20, line=10, lines={"year": 10, "grassroots": 11})


def environment(language: str) -> jinja2.Environment:
    """The real templates with the globals and filters the build provides, stubbed."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "templates")), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(t=translator(language), url=lambda p: "/portal" + p, asset=lambda n: "/portal/assets/" + n)
    env.filters["num"] = lambda value: format_number(value, language)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--years", type=int, default=9)
    args = parser.parse_args()
    units = make_units(args.units, args.years)
    url = lambda p: "/portal" + p  # noqa: E731
    partial = environment("vi").get_template("partials/unit_stats.html")
    timings: dict[str, float] = {}
    start = time.perf_counter()
    table = stats.compute(units, SCALE)
    timings["compute"] = time.perf_counter() - start
    mark = time.perf_counter()
    problems = stats.check(units, table, SCALE)
    timings["check"] = time.perf_counter() - mark
    mark = time.perf_counter()
    views = [stats_views.unit_stats_view(table, units, uid, SCALE, "vi", url) for uid in table.order]
    timings["views + charts"] = time.perf_counter() - mark
    mark = time.perf_counter()
    size = sum(len(partial.render(stats=view)) for view in views)
    timings["render partial"] = time.perf_counter() - mark
    mark = time.perf_counter()
    pages = stats_views.stats_pages(table, units, SCALE, "vi", url)
    timings["tree + comparison views"] = time.perf_counter() - mark
    mark = time.perf_counter()
    files = opendata.open_data_files(table, units, SCALE)
    timings["open data"] = time.perf_counter() - mark
    total = time.perf_counter() - start
    charts = sum(len(v["charts"]) for v in views)
    print(f"{len(units)} units x {args.years} years: {charts} charts, {size / 1e6:.1f} MB of partial HTML, "
          f"{len(pages)} pages, {len(problems)} warnings, "
          + ", ".join(f"{name} {len(data) / 1e6:.1f} MB" for name, data in files.items()))
    for name, seconds in timings.items():
        print(f"  {name:<26}{seconds:7.2f} s")
    print(f"  {'total':<26}{total:7.2f} s")


if __name__ == "__main__":
    main()
