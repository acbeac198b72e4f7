"""The build's page manifest (`site/_bantin/pages.json`): which paths count, and their titles."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_RELPATH = Path("_bantin") / "pages.json"
MAX_PATH_LENGTH = 512


class ManifestError(Exception):
    """The manifest is missing or malformed; the message names the file and field."""


@dataclass(frozen=True)
class Manifest:
    """Site paths that count, with their titles."""

    titles: dict[str, str] = field(default_factory=dict)

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
    except json.JSONDecodeError as error:
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
    return Manifest(titles)


class ManifestWatcher:
    """The current manifest, re-read whenever the file's mtime or size changes.

    A rebuild may leave the file half-written for a moment: a file that does not
    parse keeps the previous manifest in force and is read again on the next change.
    """

    def __init__(self, site_dir: Path, poll_interval: float = 1.0):
        self.path = Path(site_dir) / MANIFEST_RELPATH
        self.poll_interval = poll_interval
        self._next_poll = 0.0
        self._stamp: tuple[int, int] | None = None
        self.last_error: str | None = None
        self.manifest = self._read_first()

    def _read_first(self) -> Manifest:
        try:
            stat = os.stat(self.path)
            manifest = parse_manifest(self.path.read_text("utf-8-sig"), str(self.path))
        except OSError as error:
            raise ManifestError(f"{self.path}: cannot read the page manifest "
                                f"({error.strerror}); build the site first") from None
        self._stamp = (stat.st_mtime_ns, stat.st_size)
        return manifest

    def current(self) -> Manifest:
        """The manifest in force, re-read if the file changed (looked at once per poll interval)."""
        if self.poll_interval > 0:
            # A stat per hit is a syscall per hit; a rebuild takes seconds anyway.
            now = time.monotonic()
            if now < self._next_poll:
                return self.manifest
            self._next_poll = now + self.poll_interval
        try:
            stat = os.stat(self.path)
        except OSError:
            return self.manifest
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self.manifest = parse_manifest(self.path.read_text("utf-8-sig"), str(self.path))
                self.last_error = None
            except (OSError, ManifestError, UnicodeDecodeError) as error:
                self.last_error = str(error)
        return self.manifest
