"""Open data: every unit's figures by year as JSON and CSV, each value marked given or rolled up.

The columns are documented in docs/open-data.md; change both together.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Mapping, Sequence

from ..site.stats import RATING_FIELDS, Figure, StatsTable, YearFigures, is_rolled_up, total
from ..source.units import COUNT_FIELDS, Unit

JSON_PATH = "du-lieu/don-vi.json"
CSV_PATH = "du-lieu/don-vi.csv"
FORMAT_VERSION = 1
UNIT_COLUMNS = ("unit_id", "name", "short_name", "level", "parent_id", "depth", "year")


def open_data_files(table: StatsTable, units: Mapping[str, Unit], scale: Sequence[str]) -> dict[str, bytes]:
    """The open-data files by output path, as deterministic bytes."""
    return {JSON_PATH: json_bytes(table, units, scale), CSV_PATH: csv_bytes(table, units, scale)}


# ---------------------------------------------------------------- JSON


def json_bytes(table: StatsTable, units: Mapping[str, Unit], scale: Sequence[str]) -> bytes:
    """Compact UTF-8 JSON with sorted keys, one unit per line; units in tree order, years ascending."""
    dump = _compact_json
    units = ",\n".join(dump(_unit_json(table, units[uid], scale)) for uid in table.order)
    # Written by hand around the units so that each unit sits on its own line (readable diffs between
    # builds); `indent` would make json fall back to its pure-Python encoder, 5x slower on big sites.
    # Keys stay in sorted order: rating_scale, units, version.
    text = f'{{"rating_scale":{dump(list(scale))},"units":[\n{units}\n],"version":{FORMAT_VERSION}}}\n'
    return text.encode("utf-8")


def _compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _figure_json(figure: Figure) -> dict:
    return {"value": figure.value, "source": figure.source or None}


def _unit_json(table: StatsTable, unit: Unit, scale: Sequence[str]) -> dict:
    return {
        "id": unit.id, "name": unit.name, "short_name": unit.short_name, "level": unit.level,
        "parent": unit.parent, "depth": table.depth[unit.id],
        "children": list(table.children[unit.id]),
        "sub_units": dict(table.sub_unit_counts[unit.id]),
        "years": [_year_json(f, scale) for f in table.by_unit[unit.id]],
    }


def _year_json(figures: YearFigures, scale: Sequence[str]) -> dict:
    data: dict = {"year": figures.year}
    for name in COUNT_FIELDS:
        data[name] = _figure_json(figures.count(name))
    for name in RATING_FIELDS:
        data[name] = _distribution_json(figures.distribution(name), scale)
    return data


def _distribution_json(distribution: Mapping[str, Figure], scale: Sequence[str]) -> dict:
    # A list keeps the scale's order, which sorted keys would lose.
    known = total(distribution) is not None
    return {
        "source": ("rolled_up" if is_rolled_up(distribution) else "given") if known else None,
        "total": total(distribution),
        "counts": [{"label": label, "value": distribution[label].value} for label in scale],
    }


# ---------------------------------------------------------------- CSV


def csv_header(scale: Sequence[str]) -> list[str]:
    """Column names: unit columns, each count with its source, then each rating label per distribution."""
    columns = list(UNIT_COLUMNS)
    for name in COUNT_FIELDS:
        columns += [name, f"{name}_source"]
    for name in RATING_FIELDS:
        columns += [f"{name}[{label}]" for label in scale] + [f"{name}_total", f"{name}_source"]
    return columns


def csv_bytes(table: StatsTable, units: Mapping[str, Unit], scale: Sequence[str]) -> bytes:
    """One row per unit and year, UTF-8 with a BOM (spreadsheets then read Vietnamese right), CRLF lines."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(csv_header(scale))
    for uid in table.order:
        unit = units[uid]
        for figures in table.by_unit[uid]:
            writer.writerow(_csv_row(table, unit, figures, scale))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_row(table: StatsTable, unit: Unit, figures: YearFigures, scale: Sequence[str]) -> list:
    row: list = [unit.id, unit.name, unit.short_name, unit.level or "", unit.parent or "",
                 table.depth[unit.id], figures.year]
    for name in COUNT_FIELDS:
        figure = figures.count(name)
        row += [_blank(figure.value), figure.source]
    for name in RATING_FIELDS:
        dist = figures.distribution(name)
        known = total(dist) is not None
        source = ("rolled_up" if is_rolled_up(dist) else "given") if known else ""
        row += [_blank(dist[label].value) for label in scale] + [_blank(total(dist)), source]
    return row


def _blank(value: int | None) -> object:
    return "" if value is None else value
