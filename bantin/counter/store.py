"""SQLite storage, the in-memory running totals, and the group-commit writer.

Only aggregates are stored: views per page, views per page per day (for "the
last 7 days"), the site-wide visit count and the imported baseline. No row
names a visitor.

Durability: the database runs in WAL mode. With `synchronous=FULL` (default)
every commit is fsynced before the hit is acknowledged, so an acknowledged hit
survives even a power loss. With `synchronous=NORMAL` a commit is written to the
WAL file but not fsynced: that is still safe against `kill -9` of the service,
because the written pages sit in the operating system's page cache, which
outlives the process; only an OS crash or power loss may drop the last commits.
Group commit makes FULL affordable: one fsync covers every hit that arrived
while the previous commit was running.
"""

from __future__ import annotations

import heapq
import os
import queue
import sqlite3
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Union

SCHEMA = """
CREATE TABLE IF NOT EXISTS page_views (
    path  TEXT PRIMARY KEY,
    views INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS daily_views (
    day   INTEGER NOT NULL,          -- local (UTC+7) day number, see rules.day_of
    path  TEXT NOT NULL,
    views INTEGER NOT NULL,
    PRIMARY KEY (day, path)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_counts (
    name  TEXT PRIMARY KEY,          -- 'visits'
    value INTEGER NOT NULL
) WITHOUT ROWID;
-- Starting counts migrated from an old portal, kept apart from counted hits so
-- they can be audited and told apart. path NULL is the site-wide visit total.
CREATE TABLE IF NOT EXISTS baseline (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    path        TEXT,
    views       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS baseline_source ON baseline (source);
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY,          -- 'poll_key': the secret that keys voter hashes
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS poll_votes (
    poll   TEXT NOT NULL,
    option TEXT NOT NULL,
    votes  INTEGER NOT NULL,
    PRIMARY KEY (poll, option)
) WITHOUT ROWID;
-- Who has voted in a poll, as a keyed hash of address and browser; never linked
-- to the option chosen (that is only ever a count in poll_votes).
CREATE TABLE IF NOT EXISTS poll_voters (
    poll  TEXT NOT NULL,
    voter TEXT NOT NULL,
    PRIMARY KEY (poll, voter)
) WITHOUT ROWID;
"""

DAYS_KEPT = 8       # 7 days for the top list, plus the day that is ending
TOP_MAX = 20


@dataclass(frozen=True)
class HitOp:
    """A hit that counts: a view of `path` on `day`, and maybe a new site visit."""

    path: str
    day: int
    view: bool
    visit: bool


@dataclass(frozen=True)
class ImportOp:
    """A baseline import: starting views per path and a site-wide starting total."""

    source: str
    imported_at: str
    views: dict[str, int]
    site_visits: int


@dataclass(frozen=True)
class PruneOp:
    """Drop per-day rows older than the 7-day window (sent when a new day begins)."""

    today: int


@dataclass(frozen=True)
class VoteOp:
    """One reader's vote: `option` of `poll` gains a vote and `voter` is marked as having voted."""

    poll: str
    option: str
    voter: str


@dataclass(frozen=True)
class ForgetVotersOp:
    """Delete who voted in polls that closed over a day ago: no vote can use them any more."""

    polls: tuple[str, ...]


@dataclass(frozen=True)
class ProbeOp:
    """A tiny write that proves the database can still be written (for /api/health)."""


Op = Union[HitOp, ImportOp, PruneOp, VoteOp, ForgetVotersOp, ProbeOp]


class StoreError(OSError):
    """The database cannot be opened or written; the message names the file."""

    def __init__(self, message: str, temporary: bool = False):
        super().__init__(message)
        self.temporary = temporary  # locked by another process: worth trying again later


def connect(db_path: Path, synchronous: str = "FULL", busy_timeout: float = 5.0) -> sqlite3.Connection:
    """Open the database in WAL mode with the schema in place, and prove it can be written.

    Raises StoreError naming the file when it is not a database, cannot be opened,
    is read-only or is locked.
    """
    if synchronous.upper() not in ("FULL", "NORMAL"):
        raise ValueError(f"synchronous must be FULL or NORMAL, not {synchronous!r}")
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(str(db_path), isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous.upper()}")
        conn.executescript(SCHEMA)
        write_batch(conn, [ProbeOp()])
        return conn
    except sqlite3.Error as error:
        if conn is not None:
            conn.close()
        raise store_error(db_path, error) from None


def store_error(db_path: Path, error: sqlite3.Error) -> StoreError:
    """A one-line StoreError for an sqlite3 error on `db_path`."""
    text = str(error)
    temporary = "locked" in text or "busy" in text
    return StoreError(f"{db_path}: cannot use the counter database: {text}", temporary)


def poll_key(conn: sqlite3.Connection) -> bytes:
    """The secret that keys voter hashes, made on first use and kept in the database."""
    row = conn.execute("SELECT value FROM meta WHERE name = 'poll_key'").fetchone()
    if row is None:
        conn.execute("INSERT INTO meta (name, value) VALUES ('poll_key', ?)", (os.urandom(32).hex(),))
        row = conn.execute("SELECT value FROM meta WHERE name = 'poll_key'").fetchone()
    return bytes.fromhex(row[0])


def write_batch(conn: sqlite3.Connection, ops: list[Op]) -> None:
    """Apply every op in one transaction: one commit (one fsync) for the batch."""
    views: dict[str, int] = defaultdict(int)
    daily: dict[tuple[int, str], int] = defaultdict(int)
    visits = 0
    imports = [op for op in ops if isinstance(op, ImportOp)]
    votes: dict[tuple[str, str], int] = defaultdict(int)
    voters: list[tuple[str, str]] = []
    for op in ops:
        if isinstance(op, HitOp):
            if op.view:
                views[op.path] += 1
                daily[(op.day, op.path)] += 1
            visits += op.visit
        elif isinstance(op, VoteOp):
            votes[(op.poll, op.option)] += 1
            voters.append((op.poll, op.voter))
    conn.execute("BEGIN IMMEDIATE")
    try:
        if views:
            conn.executemany(
                "INSERT INTO page_views (path, views) VALUES (?, ?) "
                "ON CONFLICT (path) DO UPDATE SET views = views + excluded.views",
                views.items())
            conn.executemany(
                "INSERT INTO daily_views (day, path, views) VALUES (?, ?, ?) "
                "ON CONFLICT (day, path) DO UPDATE SET views = views + excluded.views",
                [(day, path, n) for (day, path), n in daily.items()])
        if visits:
            conn.execute(
                "INSERT INTO site_counts (name, value) VALUES ('visits', ?) "
                "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value", (visits,))
        if votes:
            conn.executemany(
                "INSERT INTO poll_votes (poll, option, votes) VALUES (?, ?, ?) "
                "ON CONFLICT (poll, option) DO UPDATE SET votes = votes + excluded.votes",
                [(poll, option, n) for (poll, option), n in votes.items()])
            conn.executemany("INSERT OR IGNORE INTO poll_voters (poll, voter) VALUES (?, ?)", voters)
        for op in ops:
            if isinstance(op, PruneOp):
                prune_days(conn, op.today)
            elif isinstance(op, ForgetVotersOp):
                conn.executemany("DELETE FROM poll_voters WHERE poll = ?", [(poll,) for poll in op.polls])
            elif isinstance(op, ProbeOp):
                conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('written', ?)", (now_iso(),))
        for op in imports:
            conn.executemany(
                "INSERT INTO baseline (source, imported_at, path, views) VALUES (?, ?, ?, ?)",
                [(op.source, op.imported_at, None, op.site_visits)]
                + [(op.source, op.imported_at, p, n) for p, n in sorted(op.views.items())])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def prune_days(conn: sqlite3.Connection, today: int) -> None:
    """Drop per-day rows older than the 7-day window; totals are kept separately."""
    conn.execute("DELETE FROM daily_views WHERE day <= ?", (today - DAYS_KEPT,))


def import_sources(conn: sqlite3.Connection) -> set[str]:
    """Names of the imports already stored."""
    return {row[0] for row in conn.execute("SELECT DISTINCT source FROM baseline")}


def _top(counts: dict[str, int], limit: int, keep: Callable[[str], bool]) -> list[tuple[str, int]]:
    """Most viewed first, ties by path, only paths `keep` accepts."""
    items = ((p, n) for p, n in counts.items() if n > 0 and keep(p))
    return heapq.nsmallest(limit, items, key=lambda item: (-item[1], item[0]))


@dataclass
class Totals:
    """Running totals in memory: every read is served from here, never from SQLite.

    Owned by one thread (the event loop); the writer hands it committed ops.
    """

    views: dict[str, int] = field(default_factory=dict)           # baseline + counted
    daily: dict[int, dict[str, int]] = field(default_factory=dict)
    site_visits: int = 0                                          # baseline + counted
    sources: set[str] = field(default_factory=set)
    votes: dict[str, dict[str, int]] = field(default_factory=dict)   # poll -> option -> votes
    voters: dict[str, set[str]] = field(default_factory=dict)        # poll -> voter hashes
    version: int = 0
    _top_cache: dict[tuple[str, int], tuple[int, float, list[tuple[str, int]]]] = field(
        default_factory=dict, repr=False)

    @classmethod
    def load(cls, conn: sqlite3.Connection, today: int) -> "Totals":
        """Rebuild the totals from the database at start."""
        totals = cls()
        views = defaultdict(int)
        for path, n in conn.execute("SELECT path, views FROM page_views"):
            views[path] += n
        for path, n in conn.execute("SELECT path, views FROM baseline WHERE path IS NOT NULL"):
            views[path] += n
        totals.views = dict(views)
        for day, path, n in conn.execute(
                "SELECT day, path, views FROM daily_views WHERE day > ?", (today - DAYS_KEPT,)):
            totals.daily.setdefault(day, {})[path] = n
        counted = conn.execute("SELECT value FROM site_counts WHERE name = 'visits'").fetchone()
        base = conn.execute("SELECT COALESCE(SUM(views), 0) FROM baseline WHERE path IS NULL").fetchone()
        totals.site_visits = (counted[0] if counted else 0) + base[0]
        totals.sources = import_sources(conn)
        for poll, option, n in conn.execute("SELECT poll, option, votes FROM poll_votes"):
            totals.votes.setdefault(poll, {})[option] = n
        for poll, voter in conn.execute("SELECT poll, voter FROM poll_voters"):
            totals.voters.setdefault(poll, set()).add(voter)
        return totals

    def apply(self, ops: Iterable[Op]) -> None:
        """Add committed ops to the totals."""
        views, daily = self.views, self.daily
        for op in ops:
            if isinstance(op, HitOp):
                if op.view:
                    views[op.path] = views.get(op.path, 0) + 1
                    day = daily.get(op.day)
                    if day is None:
                        day = daily[op.day] = {}
                        for old in [d for d in daily if d <= op.day - DAYS_KEPT]:
                            del daily[old]
                    day[op.path] = day.get(op.path, 0) + 1
                self.site_visits += op.visit
            elif isinstance(op, ImportOp):
                for path, n in op.views.items():
                    views[path] = views.get(path, 0) + n
                self.site_visits += op.site_visits
                self.sources.add(op.source)
            elif isinstance(op, VoteOp):
                options = self.votes.setdefault(op.poll, {})
                options[op.option] = options.get(op.option, 0) + 1
                self.voters.setdefault(op.poll, set()).add(op.voter)
            elif isinstance(op, ForgetVotersOp):
                for poll in op.polls:
                    self.voters.pop(poll, None)
        self.version += 1

    def last_7_days(self, today: int) -> dict[str, int]:
        """Views per path over today and the six days before."""
        summed: dict[str, int] = defaultdict(int)
        for day, counts in self.daily.items():
            if today - 7 < day <= today:
                for path, n in counts.items():
                    summed[path] += n
        return summed

    def top(self, period: str, today: int, keep: Callable[[str], bool],
            limit: int = TOP_MAX, max_age: float = 0.0) -> list[tuple[str, int]]:
        """Top paths of a period ("7d" or "all").

        Cached until the totals change, and then still for `max_age` seconds: every
        page view asks for the top lists, and ranking every page on every hit would
        cost more than the hits themselves.
        """
        key = (period, today)
        cached = self._top_cache.get(key)
        now = time.monotonic()
        if cached is None or (cached[0] != self.version and now - cached[1] >= max_age):
            counts = self.views if period == "all" else self.last_7_days(today)
            # Keep spare entries so that filtering by `keep` later rarely runs short.
            cached = (self.version, now, _top(counts, TOP_MAX * 3, lambda p: True))
            self._top_cache = {k: v for k, v in self._top_cache.items() if k[1] == today}
            self._top_cache[key] = cached
        top = [item for item in cached[2] if keep(item[0])]
        if len(top) < min(limit, TOP_MAX) and len(cached[2]) == TOP_MAX * 3:
            counts = self.views if period == "all" else self.last_7_days(today)
            top = _top(counts, TOP_MAX, keep)
        return top[:limit]


class GroupCommitter:
    """A writer thread: drains every pending op, commits once, then reports back.

    `deliver(ops, error)` is called from the writer thread after each commit
    (error is None) or failed transaction; the caller moves it to its own thread.
    """

    def __init__(self, conn: sqlite3.Connection,
                 deliver: Callable[[list[Op], list[object], BaseException | None], None],
                 max_batch: int = 5000):
        self._conn = conn
        self._deliver = deliver
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="bantin-counter-writer", daemon=True)
        self._stopping = object()

    def start(self) -> None:
        """Start the writer thread."""
        self._thread.start()

    def submit(self, op: Op, token: object) -> None:
        """Queue an op; `token` comes back with it in `deliver` (e.g. a future)."""
        self._queue.put((op, token))

    def stop(self) -> None:
        """Commit what is pending, then end the thread."""
        self._queue.put(self._stopping)
        self._thread.join()

    def _run(self) -> None:
        stop = False
        while not stop:
            first = self._queue.get()
            batch = [] if first is self._stopping else [first]
            stop = first is self._stopping
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is self._stopping:
                    stop = True
                    break
                batch.append(item)
            if not batch:
                continue
            ops = [op for op, _ in batch]
            tokens = [token for _, token in batch]
            try:
                write_batch(self._conn, ops)
            except Exception as error:  # reported to every waiting request
                self._deliver(ops, tokens, error)
            else:
                self._deliver(ops, tokens, None)


def now_iso() -> str:
    """Current UTC time, to the second, as ISO 8601."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
