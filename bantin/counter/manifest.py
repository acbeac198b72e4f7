"""The build's page manifest (`site/_bantin/pages.json`): which paths count, and their titles."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Generic, TypeVar

MANIFEST_RELPATH = Path("_bantin") / "pages.json"
MAX_PATH_LENGTH = 512
T = TypeVar("T")


class ManifestError(Exception):
    """The manifest is missing or malformed; the message names the file and field."""


@dataclass(frozen=True)
class Manifest:
    """Site paths that count, with their titles."""

    titles: dict[str, str] = field(default_factory=dict)
    base_url: str | None = None

    def __contains__(self, path: object) -> bool:
        return path in self.titles

    def __len__(self) -> int:
        return len(self.titles)


def valid_site_path(path: object) -> str | None:
    """Why `path` cannot be a site path, or None when it can."""
    if not isinstance(path, str):
        return "must be a string"
    if not path.startswith("/"):
        return "must start with '/'"
    if len(path) > MAX_PATH_LENGTH:
        return f"must be at most {MAX_PATH_LENGTH} characters"
    if any(ch in path for ch in "\0\r\n?#"):
        return "must not contain control characters, '?' or '#'"
    return None


def parse_manifest(text: str, source: str = "<manifest>") -> Manifest:
    """Parse manifest JSON; raise ManifestError naming `source` and the field."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ManifestError(f"{source}: not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise ManifestError(f"{source}: must be a JSON object")
    if data.get("version") != 1:
        raise ManifestError(f"{source}: version: must be 1, not {data.get('version')!r}")
    pages = data.get("pages")
    if not isinstance(pages, list):
        raise ManifestError(f"{source}: pages: must be a list")
    titles: dict[str, str] = {}
    for i, page in enumerate(pages):
        if not isinstance(page, dict):
            raise ManifestError(f"{source}: pages[{i}]: must be an object")
        path, title = page.get("path"), page.get("title", "")
        problem = valid_site_path(path)
        if problem:
            raise ManifestError(f"{source}: pages[{i}].path: {problem}")
        if not isinstance(title, str):
            raise ManifestError(f"{source}: pages[{i}].title: must be a string")
        titles[path] = title
    base_url = data.get("base_url")
    return Manifest(titles, base_url if isinstance(base_url, str) else None)


class WatchedFile(Generic[T]):
    """A JSON file of the built site, re-read whenever its mtime or size changes.

    A rebuild may leave the file half-written for a moment: a file that does not
    parse keeps the previous value in force (its error is in `last_error`) and is
    read again on the next change. At start a file that does not parse is an error;
    a missing file is one too unless `missing` gives the value to use.
    """

    def __init__(self, path: Path, parse: Callable[[str, str], T], what: str,
                 poll_interval: float = 1.0, missing: T | None = None):
        self.path = Path(path)
        self.parse = parse
        self.poll_interval = poll_interval
        self.missing = missing
        self._next_poll = 0.0
        self._stamp: tuple[int, int] | None = None
        self.last_error: str | None = None
        self.value = self._read_first(what)

    def _read_first(self, what: str) -> T:
        try:
            stat = os.stat(self.path)
            value = self.parse(self.path.read_text("utf-8-sig"), str(self.path))
        except FileNotFoundError:
            if self.missing is None:
                raise ManifestError(f"{self.path}: cannot read the {what} (no such file); "
                                    "build the site first") from None
            return self.missing
        except OSError as error:
            raise ManifestError(f"{self.path}: cannot read the {what} ({error.strerror})") from None
        except UnicodeDecodeError:
            raise ManifestError(f"{self.path}: the {what} is not UTF-8 text") from None
        self._stamp = (stat.st_mtime_ns, stat.st_size)
        return value

    def current(self) -> T:
        """The value in force, re-read if the file changed (looked at once per poll interval)."""
        if self.poll_interval > 0:
            # A stat per hit is a syscall per hit; a rebuild takes seconds anyway.
            now = time.monotonic()
            if now < self._next_poll:
                return self.value
            self._next_poll = now + self.poll_interval
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            if self.missing is not None and self._stamp is not None:
                self._stamp, self.value, self.last_error = None, self.missing, None
            return self.value
        except OSError:
            return self.value
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self.value = self.parse(self.path.read_text("utf-8-sig"), str(self.path))
                self.last_error = None
            except (OSError, ManifestError, UnicodeDecodeError) as error:
                self.last_error = str(error)
        return self.value


class ManifestWatcher(WatchedFile[Manifest]):
    """The current page manifest of `site_dir`; a missing manifest is an error at start."""

    def __init__(self, site_dir: Path, poll_interval: float = 1.0):
        super().__init__(Path(site_dir) / MANIFEST_RELPATH, parse_manifest, "page manifest", poll_interval)

    @property
    def manifest(self) -> Manifest:
        """The manifest in force, without looking for changes."""
        return self.value
