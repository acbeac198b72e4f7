"""The counter snapshot (`GET /api/export`, `build.py build --counts FILE`): parse and validate.

Pure: `parse_snapshot` takes text, `load_snapshot` only adds reading the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .manifest import valid_site_path

TOP_PERIODS = ("7d", "all")
TOP_MAX = 20


class SnapshotError(ValueError):
    """A snapshot file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class TopItem:
    """One entry of a "most read" list."""

    path: str
    views: int


@dataclass(frozen=True)
class Snapshot:
    """Counts to bake into the pages."""

    generated: datetime
    site_visits: int
    views: dict[str, int] = field(default_factory=dict)
    top: dict[str, list[TopItem]] = field(default_factory=dict)
    polls: dict[str, dict[str, int]] = field(default_factory=dict)   # poll id -> option id -> votes


def _count(value: object, where: str, source: str) -> int:
    # bool is an int in Python; a JSON true is never a count.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SnapshotError(f"{source}: {where}: must be a whole number >= 0, not {value!r}")
    return value


def _path(value: object, where: str, source: str) -> str:
    problem = valid_site_path(value)
    if problem:
        raise SnapshotError(f"{source}: {where}: a site path {problem}, not {value!r}")
    return value  # type: ignore[return-value]


def parse_snapshot(text: str, source: str = "<snapshot>") -> Snapshot:
    """Parse snapshot JSON, checking every field; raise SnapshotError on the first bad one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SnapshotError(f"{source}: not valid JSON: line {error.lineno}: {error.msg}") from None
    except RecursionError:
        raise SnapshotError(f"{source}: not valid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise SnapshotError(f"{source}: must be a JSON object")
    if data.get("version") != 1:
        raise SnapshotError(f"{source}: version: must be 1, not {data.get('version')!r}")
    generated_text = data.get("generated")
    try:
        generated = datetime.fromisoformat(generated_text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SnapshotError(f"{source}: generated: must be an ISO 8601 date-time, "
                            f"not {generated_text!r}") from None
    site_visits = _count(data.get("site_visits"), "site_visits", source)
    raw_views = data.get("views")
    if not isinstance(raw_views, dict):
        raise SnapshotError(f"{source}: views: must be an object of path -> count")
    views = {_path(p, f"views[{p!r}]", source): _count(n, f"views[{p!r}]", source)
             for p, n in raw_views.items()}
    raw_top = data.get("top")
    if not isinstance(raw_top, dict):
        raise SnapshotError(f"{source}: top: must be an object with lists '7d' and 'all'")
    top: dict[str, list[TopItem]] = {}
    for period in TOP_PERIODS:
        items = raw_top.get(period)
        if not isinstance(items, list) or len(items) > TOP_MAX:
            raise SnapshotError(f"{source}: top.{period}: must be a list of at most {TOP_MAX} items")
        top[period] = []
        for i, item in enumerate(items):
            where = f"top.{period}[{i}]"
            if not isinstance(item, dict):
                raise SnapshotError(f"{source}: {where}: must be an object with path and views")
            top[period].append(TopItem(_path(item.get("path"), f"{where}.path", source),
                                       _count(item.get("views"), f"{where}.views", source)))
    return Snapshot(generated=generated, site_visits=site_visits, views=views, top=top,
                    polls=_polls(data.get("polls", {}), source))


def _polls(raw: object, source: str) -> dict[str, dict[str, int]]:
    """`"polls": {poll id: {option id: votes}}`; absent in snapshots from before polls."""
    if not isinstance(raw, dict):
        raise SnapshotError(f"{source}: polls: must be an object of poll id -> {{option id: votes}}")
    polls: dict[str, dict[str, int]] = {}
    for poll, options in raw.items():
        if not isinstance(options, dict):
            raise SnapshotError(f"{source}: polls[{poll!r}]: must be an object of option id -> votes")
        polls[poll] = {option: _count(n, f"polls[{poll!r}][{option!r}]", source)
                       for option, n in options.items()}
    return polls


def load_snapshot(path: Path) -> Snapshot:
    """Read and parse a snapshot file; errors name the file."""
    try:
        text = Path(path).read_text("utf-8-sig")
    except OSError as error:
        raise SnapshotError(f"{path}: cannot read the counter snapshot ({error.strerror})") from None
    except UnicodeDecodeError:
        raise SnapshotError(f"{path}: not UTF-8 text") from None
    return parse_snapshot(text, str(path))
