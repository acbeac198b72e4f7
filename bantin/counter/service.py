"""Running the counter: `build.py counter` options, the foreground service, a background thread.

Exit codes of `build.py counter` (for systemd, see deploy/bantin-counter.service):
0 stopped by a signal; 75 (EX_TEMPFAIL) the database is locked by another process,
worth a restart; 78 (EX_CONFIG) a problem only the operator can fix (a corrupt,
read-only or unopenable database, a missing or malformed manifest or polls file, a
bad option): one line on stderr naming the file, and `RestartPreventExitStatus=78`
keeps systemd from restarting it in a loop.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from .app import CounterConfig, RunningServer
from .http import Limits
from .manifest import ManifestError
from .store import StoreError

TOKEN_ENV = "BANTIN_COUNTER_TOKEN"
EXIT_TEMPFAIL = 75
EXIT_CONFIG = 78
FD_RESERVE = 64   # descriptors kept for the database, its WAL and the listening socket


class StartupError(Exception):
    """The service cannot start; `exit_code` says whether a restart may help."""

    def __init__(self, message: str, exit_code: int = EXIT_CONFIG):
        super().__init__(message)
        self.exit_code = exit_code


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
                        help="take the reader's IP from X-Forwarded-For: the rightmost hop that is "
                             "not a trusted proxy (loopback and --trusted-proxy); only behind your own proxy")
    parser.add_argument("--trusted-proxy", action="append", default=[], metavar="CIDR",
                        help="another proxy of yours in front of the counter (repeatable), e.g. 10.0.0.0/8")
    parser.add_argument("--max-connections", type=int, default=1000,
                        help="open connections in all (default 1000; also kept under the file limit)")
    parser.add_argument("--max-connections-per-ip", type=int, default=50,
                        help="open connections per client address (default 50; trusted proxies exempt)")
    parser.add_argument("--synchronous", choices=["full", "normal"], default="full",
                        help="SQLite synchronous mode: full survives power loss, normal survives kill -9")
    parser.add_argument("--rate", type=float, default=20.0,
                        help="requests per second allowed per client (0: no limit)")
    parser.add_argument("--burst", type=float, default=40.0, help="burst allowed per client")


def _config(db_path: Path, site_dir: Path, host: str, port: int, origin: str | Iterable[str] | None,
            token: str | None, **options: object) -> CounterConfig:
    return CounterConfig(db_path=Path(db_path), site_dir=Path(site_dir), host=host, port=port,
                         origins=_origins(origin), token=token or None, **options)  # type: ignore[arg-type]


def raise_fd_limit() -> int:
    """Raise this process's open-file limit to its hard limit (a flood needs descriptors); return it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass  # keep the soft limit; the connection cap follows it below
    return soft


def run_server(db_path: Path, site_dir: Path, host: str = "127.0.0.1", port: int = 8787,
               origin: str | None = None, token: str | None = None, *, trust_proxy: bool = False,
               trusted_proxies: Iterable[str] = (), synchronous: str = "FULL", rate: float = 20.0,
               burst: float = 40.0, max_connections: int = 1000, max_connections_per_ip: int = 50,
               clock: Callable[[], float] = time.time) -> None:
    """Run the service in the foreground until SIGINT or SIGTERM; pending hits are committed.

    Prints one line `bantin counter listening on http://HOST:PORT` once it accepts hits.
    Raises StartupError (one line, naming the file) when it cannot start.
    """
    fd_limit = raise_fd_limit()
    if fd_limit != resource.RLIM_INFINITY:
        max_connections = max(1, min(max_connections, fd_limit - FD_RESERVE))
    limits = Limits(max_connections=max_connections, per_address=max_connections_per_ip)
    config = _config(db_path, site_dir, host, port, origin, token, trust_proxy=trust_proxy,
                     trusted_proxies=tuple(trusted_proxies), synchronous=synchronous.upper(),
                     rate=rate, burst=burst, limits=limits, clock=clock)
    try:
        asyncio.run(_serve_forever(config))
    except StoreError as error:
        raise StartupError(str(error), EXIT_TEMPFAIL if error.temporary else EXIT_CONFIG) from None
    except (ManifestError, ValueError) as error:
        raise StartupError(str(error)) from None
    except OSError as error:  # e.g. the port is taken
        raise StartupError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


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
                   trust_proxy=args.trust_proxy, trusted_proxies=args.trusted_proxy,
                   synchronous=args.synchronous, rate=args.rate, burst=args.burst,
                   max_connections=args.max_connections,
                   max_connections_per_ip=args.max_connections_per_ip)
    except StartupError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
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
                        top_max_age: float = 1.0, clock: Callable[[], float] = time.time,
                        **options: Any) -> CounterHandle:
    """Start the service in a daemon thread of this process; returns once it listens.

    `port=0` picks a free port (see `handle.port` / `handle.url`). Call
    `handle.stop()` when done. Raises ManifestError if the manifest is missing.
    The manifest is looked at for changes every `manifest_poll` seconds (0: on every request);
    "most read" lists may lag the counts by `top_max_age` seconds (0: never). Other
    `options` are CounterConfig fields (e.g. `limits`, `trusted_proxies`, `busy_timeout`).
    """
    config = _config(db_path, site_dir, host, port, origin, token, trust_proxy=trust_proxy,
                     synchronous=synchronous.upper(), rate=rate, burst=burst,
                     manifest_poll=manifest_poll, top_max_age=top_max_age, clock=clock, **options)
    return CounterHandle(config).start()
