"""Nothing to do: a build whose every input is as the last build left it ends at once.

The inputs are the files under the content, template and asset folders (names, sizes, times),
bantin's code and libraries, the options, and the clock where it matters: the day shown in the
header and the time the next scheduled article is due. If all are the same and the published
site still carries the last build's marker, the site the build would make is the one already
there. Parsed sources kept between builds (ParseCache) live here too, for the same reason: both
save a CLI build the work of reading everything again.
"""

from __future__ import annotations

import json
import os
import weakref
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable
from zoneinfo import ZoneInfo

from ..output.writer import MARKER
from ..problems import Problem
from ..source.load import Content, ParseCache
from .facts import load_stamps
from .keys import digest_bytes, digest_value, environment_digest
from .store import CacheFiles, read_shards, shard_of, write_atomic, write_shards


@dataclass
class LastBuild:
    """What the last successful build saw and made."""

    inputs: str = ""
    timezone: str = ""
    today: str = ""
    next_change: str | None = None  # ISO time of the next scheduled article, if any
    marker: tuple[int, int] | None = None  # size and time of the published marker
    pages: int = 0
    files: int = 0
    warnings: list[dict] = field(default_factory=list)
    extra_files: list[str] = field(default_factory=list)  # inputs outside the folders (a counter snapshot)

    def still_current(self, inputs: str, now: datetime, marker: tuple[int, int] | None) -> bool:
        """True when building now from these inputs would give the published site again."""
        due = self.next_change is not None and now >= datetime.fromisoformat(self.next_change)
        return (bool(self.inputs) and inputs == self.inputs and now.date().isoformat() == self.today
                and not due and marker is not None and marker == self.marker)

    def problems(self) -> list[Problem]:
        return [Problem.from_record(w) for w in self.warnings]


@dataclass
class Shortcut:
    """The check that lets an unchanged build end at once, and the record the next build checks."""

    files: CacheFiles
    folders: list[Path]
    settings: Any
    last: LastBuild = field(default_factory=LastBuild)
    inputs: str = ""

    @classmethod
    def open(cls, files: CacheFiles, folders: list[Path], settings: Any) -> "Shortcut":
        """Read the last record and digest the inputs as they are now (before anything is read)."""
        shortcut = cls(files, folders, settings, load_last(files.last))
        shortcut.inputs = inputs_digest(folders, map(Path, shortcut.last.extra_files), settings)
        return shortcut

    def site_is_current(self, now: Callable[[ZoneInfo], datetime], out: Path) -> bool:
        """True when building now would give the published site again, which is still intact."""
        last = self.last
        return (last.still_current(self.inputs, now(ZoneInfo(last.timezone or "UTC")), marker_stamp(out))
                and outputs_intact(out, load_stamps(self.files.stamps)))

    def remember(self, content: Content, now: datetime, drafts: bool, out: Path, extra_files: list[Path],
                 pages: int, files: int, warnings: list[Problem]) -> None:
        """Record a successful build for the next one to compare with."""
        extra = [str(p) for p in extra_files]
        if extra != self.last.extra_files:  # the first build that reads a snapshot: digest it too
            self.inputs = inputs_digest(self.folders, map(Path, extra), self.settings)
        save_last(self.files.last, LastBuild(self.inputs, content.config.timezone, now.date().isoformat(),
                                             next_change(content, now, drafts), marker_stamp(out), pages, files,
                                             [w.as_record() for w in warnings], extra))


def marker_stamp(out: Path) -> tuple[int, int] | None:
    """Size and time of the published marker: changed whenever a build publishes."""
    try:
        st = os.lstat(out / MARKER)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def outputs_intact(out: Path, stamps: dict[str, tuple[int, int]]) -> bool:
    """True when every file the last build published still has the size and time it had then."""
    if not stamps:
        return False
    prefix = f"{out.resolve()}/"
    for relative, stamp in stamps.items():
        try:
            st = os.lstat(prefix + relative)
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns) != stamp:
            return False
    return True


def next_change(content: Content, now: datetime, drafts: bool) -> str | None:
    """When the next scheduled article is due or a pin on the home page ends (then the site changes
    by itself); None if neither is."""
    due = [a.pinned_until for a in content.articles if a.pinned_until is not None and a.pinned_until > now]
    if not drafts:
        due += [a.date for a in content.articles if not a.draft and a.date > now]
    due += [m for p in content.polls for m in (p.opens, p.closes) if m is not None and m > now]  # a poll opens or closes
    return min(due).isoformat() if due else None


def inputs_digest(folders: Iterable[Path], files: Iterable[Path | None], settings: Any) -> str:
    """Names, sizes and times of every file under the folders and of the single files, with
    bantin's code and libraries and the settings."""
    parts = [environment_digest().encode(), digest_value(settings).encode()]
    for folder in folders:
        parts.append(f"\0{folder.resolve()}\0".encode())
        for top, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(top, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                parts.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_mode}\n".encode())
    for file in files:
        st = os.lstat(file) if file is not None and os.path.lexists(file) else None
        parts.append(f"{file}\0{st.st_size if st else -1}\0{st.st_mtime_ns if st else -1}\n".encode())
    return digest_bytes(*parts)


def load_last(file: Path | None) -> LastBuild:
    if file is None:
        return LastBuild()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        data["marker"] = tuple(data["marker"]) if data.get("marker") else None
        return LastBuild(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return LastBuild()


def save_last(file: Path | None, last: LastBuild) -> None:
    if file is not None:
        write_atomic(file, json.dumps(asdict(last), ensure_ascii=False).encode("utf-8"))


Digests = dict[str, tuple[tuple, str]]  # source path: (its stamp in ParseCache, digest of what it gave)
_KINDS = ("articles", "units", "pages")  # the ParseCache fields kept


def load_parsed(folder: Path | None, key: str) -> tuple[ParseCache, Digests, dict[int, Any]]:
    """The parsed sources a previous CLI build kept, if made by the same code for the same tree,
    with the digests of the articles and pages among them, and the shards as read (for save_parsed)."""
    shards = read_shards(folder, key)
    cache, digests = ParseCache(), {}
    for shard in shards.values():
        for kind in _KINDS:
            getattr(cache, kind).update(shard[kind])
        digests.update(shard["digests"])
    return cache, digests, shards


def remembered_digests(cache: ParseCache, digests: Digests) -> weakref.WeakKeyDictionary:
    """Digests of the articles and pages still parsed from the same file as when they were
    digested, keyed by the objects, as TrackedQueries wants them (digesting 5,000 articles
    is most of the check of an edit)."""
    remembered: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
    for entries in (cache.articles, cache.pages):
        for path, (stamp, (value, _)) in entries.items():
            known = digests.get(path)
            if value is not None and known is not None and known[0] == stamp:
                remembered[value] = known[1]
    return remembered


def save_parsed(folder: Path | None, key: str, cache: ParseCache, remembered: weakref.WeakKeyDictionary,
                on_disk: dict[int, Any]) -> None:
    """Keep the parsed sources, and the digests computed for them, for the next CLI build; only the
    shards holding a changed file are written again."""
    if folder is None:
        return
    shards: dict[int, dict[str, dict]] = {}
    for kind in _KINDS:
        for path, entry in getattr(cache, kind).items():
            shard = shards.setdefault(shard_of(path), {"digests": {}, **{k: {} for k in _KINDS}})
            shard[kind][path] = entry
            value = entry[1][0] if kind != "units" else None
            if value is not None and value in remembered:
                shard["digests"][path] = (entry[0], remembered[value])
    write_shards(folder, key, shards, on_disk)


def parsed_key(content: Path) -> str:
    """Parsed results depend on the code that parsed them and on how paths are shown (the
    working directory), besides the files themselves (which ParseCache checks one by one)."""
    return digest_value((environment_digest(), str(content.resolve()), str(Path.cwd())))
