"""Rendered Markdown kept between builds in a few pack files, not one file per document.

Creating thousands of small files costs seconds on some disks (it made a first build with the cache
~3 s slower than one without); a build adds at most one pack, and packs are merged when they pile up
or hold mostly documents that no build uses any more.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .store import read_pickle, write_pickle

_MAX_PACKS = 8


@dataclass
class MarkdownCache:
    """Converted Markdown by key (a hash of the text and everything that shapes its HTML)."""

    folder: Path | None
    known: dict[str, Any] = field(default_factory=dict)  # from earlier builds' packs
    new: dict[str, Any] = field(default_factory=dict)    # converted by this process since the last take()
    used: set[str] = field(default_factory=set)          # looked up or added since the last take()
    packs: list[Path] = field(default_factory=list)

    def get(self, key: str) -> Any:
        html = self.known.get(key)
        if html is None:
            html = self.new.get(key)
        if html is not None:
            self.used.add(key)
        return html

    def put(self, key: str, html: Any) -> None:
        if self.folder is None:
            return  # caching is off: nothing to hand to the parent or to save
        self.new[key] = html
        self.used.add(key)

    def take(self) -> tuple[dict[str, Any], set[str]]:
        """What this process added and used since the last call (a worker hands it to the parent)."""
        taken = self.new, self.used
        self.new, self.used = {}, set()
        return taken

    def save(self, new: dict[str, Any], used: set[str]) -> None:
        """Add this build's documents as one pack; merge into one pack of what is in use when needed."""
        if self.folder is None or (not new and len(self.packs) <= _MAX_PACKS):
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        stale = len(self.known.keys() - used)
        if len(self.packs) + 1 > _MAX_PACKS or stale > len(used):
            everything = {**self.known, **new}
            _write(self.folder, {k: everything[k] for k in sorted(used) if k in everything})
            for pack in self.packs:
                pack.unlink(missing_ok=True)
        else:
            _write(self.folder, new)


def open_cache(folder: Path | None) -> MarkdownCache:
    """The packs under `folder` (none when caching is off); an unreadable pack is skipped."""
    cache = MarkdownCache(folder)
    if folder is None or not folder.is_dir():
        return cache
    for pack in sorted(folder.glob("*.pack")):
        entries = read_pickle(pack)
        if isinstance(entries, dict):
            cache.known.update(entries)
        cache.packs.append(pack)
    return cache


def _write(folder: Path, data: dict[str, Any]) -> None:
    """A new pack under a name no earlier pack has."""
    write_pickle(folder / f"{time.time_ns()}-{os.getpid()}.pack", data)
