"""Typed reading of one YAML mapping, collecting a problem for every bad field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from ..messages import msg
from ..problems import Problem, did_you_mean
from ..text import shorten
from .parse import LineDict, LineList

MISSING = object()


@dataclass
class Fields:
    """Reads fields of `data` (from `path`) and records what is wrong with them."""

    data: LineDict
    path: str
    prefix: str = ""
    problems: list[Problem] = field(default_factory=list)

    def name(self, key: str) -> str:
        return f"{self.prefix}{shorten(key)}"

    def line(self, key: str) -> int:
        return self.data.line_of(key) if isinstance(self.data, LineDict) else 0

    def error(self, key: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, self.line(key), self.name(key), message, hint))

    def reject_unknown(self, allowed: Iterable[str]) -> None:
        """One problem per key that the format does not define (typos must not pass silently)."""
        allowed = list(allowed)
        for key in self.data:
            if key not in allowed:
                hint = did_you_mean(str(key), allowed, msg("known fields"))
                self.error(str(key), msg("unknown field"), hint)

    def get(self, key: str, required: bool = False, hint: str = "") -> Any:
        value = self.data.get(key, MISSING)
        if value is MISSING or value is None:
            if required:
                self.problems.append(Problem(self.path, self.data.line, self.name(key),
                                             msg("missing required field"),
                                             hint or msg("add `{key}: …`", key=key)))
            return None
        return value

    def text(self, key: str, required: bool = False, hint: str = "") -> str | None:
        """A non-empty string (numbers are accepted as their text)."""
        value = self.get(key, required, hint)
        if value is None:
            return None
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            self.error(key, msg("must be text"), msg("write it as `{key}: some text`", key=key))
            return None
        value = str(value).strip()
        if not value and required:
            self.error(key, msg("must not be empty"))
            return None
        return value or None

    def integer(self, key: str, maximum: int, required: bool = False, minimum: int = 0) -> int | None:
        """A whole number from `minimum` to `maximum`: every number has a sensible bound, and a figure
        with a digit too many is a typo that would otherwise reach charts and totals."""
        value = self.get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, msg("must be a whole number, not `{value}`", value=shorten(value)),
                       msg("write digits only, e.g. `120`"))
            return None
        if value < minimum:
            self.error(key, msg("must be {minimum} or more, not {value}", minimum=minimum, value=shorten(value)))
            return None
        if value > maximum:
            self.error(key, msg("must be {maximum} or less, not {value}", maximum=maximum, value=shorten(value)))
            return None
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, msg("must be true or false, not `{value}`", value=shorten(value)))
            return default
        return value

    def mapping(self, key: str, required: bool = False) -> LineDict | None:
        value = self.get(key, required)
        if value is None:
            return None
        if not isinstance(value, LineDict):
            self.error(key, msg("must be a list of `key: value` lines"), msg("indent the entries under `{key}:`", key=key))
            return None
        return value

    def sequence(self, key: str, required: bool = False) -> LineList | None:
        value = self.get(key, required)
        if value is None:
            return None
        if not isinstance(value, LineList):
            self.error(key, msg("must be a list"), msg("write `{key}: [a, b]` or one `- item` per line", key=key))
            return None
        return value

    def nested(self, value: Any, key: str, line: int) -> "Fields | None":
        """Fields of a mapping nested under `key` (a list item or a sub-mapping)."""
        if not isinstance(value, LineDict):
            self.problems.append(Problem(self.path, line, self.name(key),
                                         msg("must be a `key: value` mapping")))
            return None
        return Fields(value, self.path, f"{self.name(key)}.", self.problems)
