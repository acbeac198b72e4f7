"""The view counter: an HTTP service that counts page views and visits, and its snapshot.

Public functions for the CLI (`build.py counter`) and `build.py serve`:
`add_arguments`, `cli_main`, `run_server`, `start_in_background`; for the build:
`load_snapshot`, `Snapshot`, `SnapshotError`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

from .app import CounterConfig, RunningServer
from .manifest import ManifestError
from .snapshot import Snapshot, SnapshotError, TopItem, load_snapshot, parse_snapshot

__all__ = ["add_arguments", "cli_main", "run_server", "start_in_background", "CounterHandle",
           "CounterConfig", "load_snapshot", "parse_snapshot", "Snapshot", "SnapshotError",
           "TopItem", "ManifestError"]

TOKEN_ENV = "BANTIN_COUNTER_TOKEN"


def _origins(origin: str | Iterable[str] | None) -> tuple[str, ...]:
    """Allowed CORS origins, each matched exactly; a string may list several, comma-separated."""
    if origin is None:
        return ()
    items = origin.split(",") if isinstance(origin, str) else list(origin)
    origins = tuple(o.strip().rstrip("/") for o in items if o.strip())
    if "*" in origins:
        raise ValueError("a wildcard origin is not allowed; name the site's origin exactly")
    return origins


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the counter's options to an (sub)parser of `build.py counter`."""
    parser.add_argument("--db", type=Path, default=Path("counter.sqlite3"),
                        help="SQLite database file (created if missing; default: counter.sqlite3)")
    parser.add_argument("--site", type=Path, default=Path("site"),
                        help="built site folder holding _bantin/pages.json (default: site/)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8787, help="port to listen on; 0 picks a free one")
    parser.add_argument("--origin", default=None,
                        help="the site's origin allowed by CORS, e.g. https://dangbo.example.vn "
                             "(exact match; several may be comma-separated)")
    parser.add_argument("--token", default=None,
                        help=f"bearer token for /api/export and /api/import (or set ${TOKEN_ENV})")
    parser.add_argument("--trust-proxy", action="store_true",
                        help="take the reader's IP from X-Real-IP / X-Forwarded-For "
                             "(only behind your own proxy)")
    parser.add_argument("--synchronous", choices=["full", "normal"], default="full",
                        help="SQLite synchronous mode: full survives power loss, normal survives kill -9")
    parser.add_argument("--rate", type=float, default=20.0,
                        help="requests per second allowed per client (0: no limit)")
    parser.add_argument("--burst", type=float, default=40.0, help="burst allowed per client")


def _config(db_path: Path, site_dir: Path, host: str, port: int, origin: str | Iterable[str] | None,
            token: str | None, **options: object) -> CounterConfig:
    return CounterConfig(db_path=Path(db_path), site_dir=Path(site_dir), host=host, port=port,
                         origins=_origins(origin), token=token or None, **options)  # type: ignore[arg-type]


def run_server(db_path: Path, site_dir: Path, host: str = "127.0.0.1", port: int = 8787,
               origin: str | None = None, token: str | None = None, *, trust_proxy: bool = False,
               synchronous: str = "FULL", rate: float = 20.0, burst: float = 40.0,
               clock: Callable[[], float] = time.time) -> None:
    """Run the service in the foreground until SIGINT or SIGTERM; pending hits are committed.

    Prints one line `bantin counter listening on http://HOST:PORT` once it accepts hits.
    Raises ManifestError if the site has no readable page manifest.
    """
    config = _config(db_path, site_dir, host, port, origin, token, trust_proxy=trust_proxy,
                     synchronous=synchronous.upper(), rate=rate, burst=burst, clock=clock)
    asyncio.run(_serve_forever(config))


async def _serve_forever(config: CounterConfig) -> None:
    server = RunningServer(config)
    port = await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"bantin counter listening on http://{config.host}:{port}", flush=True)
    await stop.wait()
    await server.stop()


def cli_main(args: argparse.Namespace) -> int:
    """Run the service from parsed `add_arguments` options; return the exit code."""
    token = args.token or os.environ.get(TOKEN_ENV)
    try:
        run_server(args.db, args.site, args.host, args.port, args.origin, token,
                   trust_proxy=args.trust_proxy, synchronous=args.synchronous,
                   rate=args.rate, burst=args.burst)
    except (ManifestError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


class CounterHandle:
    """A counter running in a background thread (for `build.py serve` and tests)."""

    def __init__(self, config: CounterConfig):
        self.config = config
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._server: RunningServer | None = None
        self._thread = threading.Thread(target=self._run, name="bantin-counter", daemon=True)

    @property
    def url(self) -> str:
        """Base URL of the service, e.g. http://127.0.0.1:8787 (the widget's data-counter)."""
        host = "127.0.0.1" if self.config.host in ("", "0.0.0.0") else self.config.host
        return f"http://{host}:{self.port}"

    def _run(self) -> None:
        loop = self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            self._server = RunningServer(self.config)
            self.port = loop.run_until_complete(self._server.start())
        except BaseException as error:  # handed to the starting thread
            self._error = error
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        loop.run_forever()
        loop.run_until_complete(self._server.stop())
        loop.close()

    def start(self) -> "CounterHandle":
        """Start and wait until the port is bound; re-raise a start-up error here."""
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            self._thread.join()
            raise self._error
        return self

    def stop(self) -> None:
        """Stop serving, commit pending hits, close the database, join the thread."""
        if self._loop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()

    def __enter__(self) -> "CounterHandle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_in_background(db_path: Path, site_dir: Path, host: str = "127.0.0.1", port: int = 0,
                        origin: str | Iterable[str] | None = None, token: str | None = None, *,
                        trust_proxy: bool = False, synchronous: str = "NORMAL",
                        rate: float = 20.0, burst: float = 40.0, manifest_poll: float = 1.0,
                        top_max_age: float = 1.0, clock: Callable[[], float] = time.time) -> CounterHandle:
    """Start the service in a daemon thread of this process; returns once it listens.

    `port=0` picks a free port (see `handle.port` / `handle.url`). Call
    `handle.stop()` when done. Raises ManifestError if the manifest is missing.
    The manifest is looked at for changes every `manifest_poll` seconds (0: on every request);
    "most read" lists may lag the counts by `top_max_age` seconds (0: never).
    """
    config = _config(db_path, site_dir, host, port, origin, token, trust_proxy=trust_proxy,
                     synchronous=synchronous.upper(), rate=rate, burst=burst,
                     manifest_poll=manifest_poll, top_max_age=top_max_age, clock=clock)
    return CounterHandle(config).start()
