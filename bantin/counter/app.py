"""The counter service's state and its server on the event loop.

The event loop owns all in-memory state (rules, totals, manifest, polls); the
writer thread owns the SQLite connection. A hit or vote that changes a count
waits for its commit before it is answered; everything else is answered from
memory at once.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import guard, rules
from .api import Api
from .bodies import ApiError
from .http import Connections, HttpProtocol, Limits, bind, sweep
from .manifest import ManifestWatcher
from .polls import VoteLedger, polls_watcher
from .store import (TOP_MAX, ForgetVotersOp, GroupCommitter, HitOp, Op, ProbeOp, PruneOp, Totals,
                    connect, now_iso, poll_key, prune_days, store_error)

log = logging.getLogger("bantin.counter")
IP_RATE_FACTOR = 10
PROBE_MAX_AGE = 2.0   # seconds one test write of /api/health answers for


@dataclass
class CounterConfig:
    """Everything the service needs to start; see `add_arguments` for the CLI names."""

    db_path: Path
    site_dir: Path
    host: str = "127.0.0.1"
    port: int = 8787
    origins: tuple[str, ...] = ()
    token: str | None = None
    trust_proxy: bool = False
    trusted_proxies: tuple[str, ...] = ()   # besides loopback
    synchronous: str = "FULL"
    rate: float = 20.0
    burst: float = 40.0
    manifest_poll: float = 1.0
    top_max_age: float = 1.0   # seconds a "most read" list may lag behind the counts
    busy_timeout: float = 5.0  # seconds a write waits for a database locked by another process
    limits: Limits = field(default_factory=Limits)
    clock: Callable[[], float] = field(default=time.time, repr=False)


class Counter:
    """The service's state: rules, totals, manifest, polls, writer. Used from the event loop only."""

    def __init__(self, config: CounterConfig):
        self.config = config
        self.clock = config.clock
        self.trusted = guard.parse_networks(config.trusted_proxies)
        self.watcher = ManifestWatcher(config.site_dir, config.manifest_poll)
        self.polls = polls_watcher(config.site_dir, config.manifest_poll)
        self.conn = connect(config.db_path, config.synchronous, config.busy_timeout)
        try:
            today = rules.day_of(self.clock())
            prune_days(self.conn, today)
            self.poll_key = poll_key(self.conn)
            self.totals = Totals.load(self.conn, today)
        except sqlite3.Error as error:
            self.conn.close()
            raise store_error(config.db_path, error) from None
        self.pruned_day = today
        self.counting = rules.Counting()
        self.vote_ledger = VoteLedger()
        self.pending_votes: set[tuple[str, str]] = set()
        self.limiter = rules.RateLimiter(config.rate, config.burst)
        # A looser bucket per address stops one machine that varies its User-Agent,
        # yet leaves room for an office of readers behind one NAT address.
        self.ip_limiter = rules.RateLimiter(config.rate * IP_RATE_FACTOR, config.burst * IP_RATE_FACTOR)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.committer = GroupCommitter(self.conn, self._deliver)
        self._origins: tuple[str | None, frozenset[str]] = ("", frozenset())
        self._probe: asyncio.Task | None = None
        self._last_ok = self._last_failed = 0.0   # monotonic times of the last commits

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the writer; results come back on `loop`."""
        self.loop = loop
        self.committer.start()

    def close(self) -> None:
        """Commit what is pending and close the database."""
        self.committer.stop()
        self.conn.close()

    def site_origins(self) -> frozenset[str]:
        """`--origin` values and the origin of the manifest's base_url (cached per base_url)."""
        base_url = self.watcher.current().base_url
        if self._origins[0] != base_url:
            self._origins = (base_url, guard.site_origins(self.config.origins, base_url))
        return self._origins[1]

    def _deliver(self, ops: list[Op], futures: list[Any], error: BaseException | None) -> None:
        # Writer thread: hand the batch to the loop, which alone touches the totals.
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self._committed, ops, futures, error)

    def _committed(self, ops: list[Op], futures: list[asyncio.Future | None],
                   error: BaseException | None) -> None:
        if error is None:
            self.totals.apply(ops)
            self._last_ok = time.monotonic()
        else:
            self._last_failed = time.monotonic()
            log.error("%s", store_error(self.config.db_path, error) if isinstance(error, sqlite3.Error)
                      else error)
        for future in futures:
            if future is None or future.done():
                continue
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)

    async def commit(self, op: Op) -> None:
        """Queue `op` for the writer and wait until it is committed.

        A failed commit is a 503 for the client, who may retry; it is logged once
        without a traceback (the database's own message says what is wrong).
        """
        assert self.loop is not None
        if isinstance(op, HitOp) and op.day > self.pruned_day:
            # A long-running service must not keep per-day rows, or voters of closed polls, forever.
            self.pruned_day = op.day
            self.committer.submit(PruneOp(op.day), None)
            closed = self.closed_polls()
            if closed:
                self.committer.submit(ForgetVotersOp(closed), None)
        future = self.loop.create_future()
        self.committer.submit(op, future)
        try:
            await future
        except (sqlite3.Error, OSError):
            raise ApiError(503, "store_unavailable", "The count could not be stored; try again later.",
                           {"Retry-After": "5"}) from None

    def closed_polls(self) -> tuple[str, ...]:
        """Polls with stored voters that closed over a day ago (voters kept a day for late answers)."""
        now = self.clock()
        polls = self.polls.current()
        return tuple(sorted(poll_id for poll_id in self.totals.voters
                            if (poll := polls.get(poll_id)) is not None and poll.closes is not None
                            and now - poll.closes > rules.DAY_SECONDS))

    async def probe(self) -> str | None:
        """None if a write to the database commits, else the reason it does not.

        A test write costs an fsync and /api/health is not rate limited: a commit that
        succeeded in the last PROBE_MAX_AGE seconds (and none failed since) answers
        without one, and concurrent callers share the probe in flight.
        """
        if self.loop is None:
            return "the writer is not running"
        if self._last_ok > self._last_failed and time.monotonic() - self._last_ok < PROBE_MAX_AGE:
            return None
        if self._probe is None or self._probe.done():
            self._probe = self.loop.create_task(self._write_probe())
        return await asyncio.shield(self._probe)

    async def _write_probe(self) -> str | None:
        assert self.loop is not None
        future = self.loop.create_future()
        self.committer.submit(ProbeOp(), future)
        try:
            await future
        except (sqlite3.Error, OSError) as error:
            return str(store_error(self.config.db_path, error) if isinstance(error, sqlite3.Error) else error)
        return None

    def counts(self, path: str) -> dict[str, int]:
        """The answer to a hit: this page's views, site visits, online now."""
        return {"views": self.totals.views.get(path, 0),
                "site_visits": self.totals.site_visits,
                "online": self.counting.online(self.clock())}

    def top(self, period: str, limit: int) -> list[tuple[str, int]]:
        """Most viewed pages that are still in the site."""
        manifest = self.watcher.current()
        return self.totals.top(period, rules.day_of(self.clock()), manifest.__contains__, limit,
                               self.config.top_max_age)

    def poll_counts(self) -> dict[str, dict[str, int]]:
        """Votes per option of every poll: the site's polls (every option) and any stored ones."""
        result = {poll: dict(sorted(options.items())) for poll, options in self.totals.votes.items()}
        for poll in self.polls.current().by_id.values():
            stored = self.totals.votes.get(poll.id, {})
            result[poll.id] = {**{oid: stored.get(oid, 0) for oid, _ in poll.options}, **stored}
        return dict(sorted(result.items()))

    def snapshot(self) -> dict[str, Any]:
        """The export, exactly as docs/contracts.md describes it."""
        views = {p: n for p, n in sorted(self.totals.views.items()) if n > 0}
        return {"version": 1, "generated": now_iso(), "site_visits": self.totals.site_visits,
                "views": views,
                "top": {period: [{"path": p, "views": n} for p, n in self.top(period, TOP_MAX)]
                        for period in ("7d", "all")},
                "polls": self.poll_counts()}


class RunningServer:
    """A started service on the current event loop."""

    def __init__(self, config: CounterConfig):
        self.counter = Counter(config)
        self.server: asyncio.AbstractServer | None = None
        limits = config.limits
        if config.trust_proxy:  # many readers share our proxy's connections
            limits.exempt = lambda peer: guard.is_trusted(peer, self.counter.trusted)
        self.connections = Connections(limits)
        self.port = 0

    async def start(self) -> int:
        """Bind (SO_REUSEADDR), start the writer, serve; return the port."""
        config = self.counter.config
        loop = asyncio.get_running_loop()
        self.counter.start(loop)
        sock = bind(config.host, config.port)
        api = Api(self.counter)
        self.server = await loop.create_server(lambda: HttpProtocol(api, self.connections), sock=sock)
        self.port = sock.getsockname()[1]
        self.sweeper = loop.create_task(sweep(self.connections))
        return self.port

    async def stop(self) -> None:
        """Stop accepting, let answers waiting for a commit finish, close the database."""
        if self.server is not None:
            self.server.close()
            self.sweeper.cancel()
        for _ in range(100):  # up to 5 s for hits waiting on their commit
            if not any(c.busy for c in self.connections):
                break
            await asyncio.sleep(0.05)
        for connection in self.connections:
            connection.close()
        await asyncio.get_running_loop().run_in_executor(None, self.counter.close)
