"""Reading what clients send: JSON, form fields, CSV imports and counts, as 4xx on any fault.

Every parser here raises ApiError, never anything else, for malformed input:
a bad number, a deeply nested document or a stray byte is the client's mistake (400),
not the service's (500), and leaves no traceback in the log.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import parse_qs

from .http import Request
from .manifest import valid_site_path

COUNT_MAX = 10**15
NUMBER_DIGITS_MAX = 16


class ApiError(Exception):
    """An error answered as JSON `{"error": code, "message": ...}` (plus `extra` fields)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None,
                 extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra or {}


def media_type(request: Request) -> str:
    """The request's Content-Type without parameters, lowercased."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def parse_json(body: bytes, example: str) -> Any:
    """The JSON document in `body`; 400 naming `example` when it is not one."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid_json", f"The body must be JSON like {example}.") from None
    except RecursionError:  # the C decoder's guard against [[[[… thousands deep
        raise ApiError(400, "invalid_json", "The JSON body is nested too deeply.") from None


def parse_form(body: bytes) -> dict[str, str]:
    """Fields of an `application/x-www-form-urlencoded` body (last value of each wins)."""
    try:
        text = body.decode("utf-8")
        fields = parse_qs(text, keep_blank_values=True, strict_parsing=False, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "invalid_form", "The form must be UTF-8 with at most 20 fields.") from None
    return {name: values[-1] for name, values in fields.items()}


def is_number(text: str, digits: int = NUMBER_DIGITS_MAX) -> bool:
    """ASCII digits only, at most `digits` of them (str.isdigit also accepts '²' and '١')."""
    return 0 < len(text) <= digits and text.isascii() and text.isdigit()


def parse_count(text: object, where: str) -> int:
    """A whole number 0..10^15 from JSON or text; 400 naming `where` otherwise."""
    if isinstance(text, bool) or not (isinstance(text, int) or (isinstance(text, str) and is_number(text))):
        shown = repr(text)[:40]
        raise ApiError(400, "invalid_count", f"{where} must be a whole number >= 0, not {shown}.")
    value = int(text)  # type: ignore[arg-type]
    if value < 0 or value > COUNT_MAX:
        raise ApiError(400, "invalid_count", f"{where} must be between 0 and 10^15.")
    return value


def check_path(path: object, field_name: str = "path") -> str:
    """A site path, or 400 saying what is wrong with it."""
    problem = valid_site_path(path)
    if problem:
        raise ApiError(400, "invalid_path", f"{field_name} {problem}.")
    return path  # type: ignore[return-value]


def parse_csv(body: bytes) -> dict[str, int]:
    """`path,views` lines (an optional header line) of an import."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_csv", "The CSV must be UTF-8.") from None
    views: dict[str, int] = {}
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:  # e.g. a NUL byte or a field over the csv module's limit
        raise ApiError(400, "invalid_csv", f"Not a CSV file: {error}.") from None
    for line, row in enumerate(rows, start=1):
        if not row or all(not cell.strip() for cell in row):
            continue
        if line == 1 and [c.strip().lower() for c in row] == ["path", "views"]:
            continue
        if len(row) != 2:
            raise ApiError(400, "invalid_csv", f"line {line}: expected 2 columns path,views.")
        path = check_path(row[0].strip(), f"line {line}: path")
        if path in views:
            raise ApiError(400, "invalid_csv", f"line {line}: {path} appears twice.")
        views[path] = parse_count(row[1].strip(), f"line {line}: views")
    return views


def parse_import_json(body: bytes) -> tuple[dict[str, int], int, str]:
    """`{"views": {path: n}, "site_visits": n, "source": name}` of an import."""
    data = parse_json(body, '{"views": {"/a/": 5}, "site_visits": 9, "source": "old-portal"}')
    if not isinstance(data, dict) or not set(data) <= {"views", "site_visits", "source"}:
        raise ApiError(400, "invalid_body",
                       'Expected {"views": {path: n}, "site_visits": n, "source": name}.')
    raw = data.get("views", {})
    if not isinstance(raw, dict):
        raise ApiError(400, "invalid_body", "views must be an object of path -> count.")
    views = {check_path(p, f"views[{p[:40]!r}]"): parse_count(n, f"views[{p[:40]!r}]")
             for p, n in raw.items()}
    source = data.get("source", "import")
    if not isinstance(source, str):
        raise ApiError(400, "invalid_source", "source must be a string.")
    return views, parse_count(data.get("site_visits", 0), "site_visits"), source
