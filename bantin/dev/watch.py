"""Watching the sources of `build.py serve`: a polling thread that hands every change to the builder."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

from ..pipeline import BUILTIN_ASSETS, Options
from ..render.environment import template_folders

POLL_SECONDS = 0.3      # how often the watcher looks at the sources
_IGNORED_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", "~")

Snapshot = dict[str, tuple[int, int]]


def ignored(name: str) -> bool:
    """Editors' swap, backup and lock files, and hidden files, never trigger a rebuild."""
    return name.startswith((".", "#")) or name.endswith(_IGNORED_SUFFIXES)


def snapshot(folders: Iterable[Path], skip: Iterable[Path] = ()) -> Snapshot:
    """(mtime, size) of every file under `folders`, except hidden ones and those under `skip`."""
    skipped = {str(p.resolve()) for p in skip}
    files: Snapshot = {}
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if not ignored(d) and str(Path(root, d).resolve()) not in skipped]
            for name in names:
                if ignored(name):
                    continue
                path = os.path.join(root, name)
                try:
                    stat = os.stat(path)
                except OSError:  # removed between listing and stat: the next poll sees it gone
                    continue
                files[path] = (stat.st_mtime_ns, stat.st_size)
    return files


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """Files added, removed or modified between two snapshots, sorted."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def watched_folders(options: Options) -> list[Path]:
    """Content, the site's and the built-in templates and assets: everything a build reads."""
    folders = [options.content, *template_folders(options.templates), BUILTIN_ASSETS]
    if options.assets:
        folders.append(options.assets)
    unique: dict[Path, Path] = {}
    for folder in folders:
        if folder.is_dir():
            unique.setdefault(folder.resolve(), folder)
    return list(unique.values())


class SourceWatcher:
    """Polls the source folders in a thread and hands every change to the builder."""

    def __init__(self, folders: list[Path], skip: list[Path], on_change: Callable[[list[str]], None]):
        self.folders = folders
        self.skip = skip
        self.on_change = on_change
        self._stop = threading.Event()
        self._last = snapshot(folders, skip)
        self._thread = threading.Thread(target=self._loop, name="bantin-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        pause = POLL_SECONDS
        while not self._stop.wait(pause):
            started = time.perf_counter()
            current = snapshot(self.folders, self.skip)
            # On a large site a scan takes a while: keep it under a tenth of one core.
            pause = max(POLL_SECONDS, 10 * (time.perf_counter() - started))
            changed = changes(self._last, current)
            self._last = current
            if changed:
                self.on_change(changed)
