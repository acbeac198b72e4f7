"""Load benchmark of the counter service on loopback.

Starts `python -m bantin.counter` (its own process) on a temp database and a
manifest of 5,000 pages, then drives it from this process with many concurrent
keep-alive HTTP/1.1 connections (a small asyncio client). Every hit comes from a
distinct synthetic visitor, told apart by X-Forwarded-For, which the service
trusts only because it runs with --trust-proxy (as it would behind nginx).

Reports sustained acknowledged hits/s with p50/p99 latency, then GET /api/counts
reads/s, then checks that the database holds exactly the acknowledged hits.

    python benchmarks/counter_load.py [--duration 10] [--connections 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
TOKEN = "bench-token"
SITE_ORIGIN = "http://127.0.0.1"


def write_site(site: Path, pages: int) -> list[str]:
    """A manifest like the build's, with `pages` article paths."""
    paths = [f"/tin-tuc/2024/{i % 12 + 1:02d}/bai-viet-so-{i}/" for i in range(pages)]
    (site / "_bantin").mkdir(parents=True)
    data = {"version": 1, "base_url": SITE_ORIGIN + "/",
            "pages": [{"path": p, "title": f"Bài viết số {i}", "kind": "article"}
                      for i, p in enumerate(sorted(paths))]}
    (site / "_bantin" / "pages.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return paths


def start_service(db: Path, site: Path, synchronous: str) -> tuple[subprocess.Popen, int]:
    """Run the counter as a separate process; return it and its port."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "bantin.counter", "--db", str(db), "--site", str(site), "--port", "0",
         "--trust-proxy", "--token", TOKEN, "--synchronous", synchronous],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if "listening on" not in line:
        raise SystemExit(f"the counter did not start: {line!r}")
    return process, int(line.rsplit(":", 1)[1])


@dataclass
class Phase:
    """Results of one phase of load."""

    ok: int = 0
    errors: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # the service's own CPU time: steadier than req/s on a shared machine
    warmup_ok: int = 0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Read one HTTP/1.1 response with Content-Length (all the service sends)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return status, await reader.readexactly(length)


class Connection(asyncio.Protocol):
    """One keep-alive connection sending requests back to back until the deadline.

    A bare protocol, not streams: the client must spend less CPU than the service
    it measures, on the same two cores.
    """

    def __init__(self, make_request, deadline: float, phase: Phase, record: bool, done: asyncio.Future):
        self.make_request, self.deadline, self.phase, self.record, self.done = (
            make_request, deadline, phase, record, done)
        self.buffer = b""
        self.started = 0.0

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.send()

    def send(self) -> None:
        self.started = time.perf_counter()
        if self.started >= self.deadline:
            self.transport.close()
            return
        self.transport.write(self.make_request())

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.buffer[:end]
        marker = head.lower().find(b"content-length:")
        length = int(head[marker + 15:].split(b"\r\n", 1)[0]) if marker >= 0 else 0
        if len(self.buffer) < end + 4 + length:
            return
        self.buffer = self.buffer[end + 4 + length:]
        status = int(head[9:12])
        if status == 200:
            self.phase.ok += 1
            if self.record:
                self.phase.latencies.append(time.perf_counter() - self.started)
        else:
            self.phase.errors[status] = self.phase.errors.get(status, 0) + 1
        self.send()

    def connection_lost(self, exc) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def load(port: int, connections: int, deadline: float, make_request, phase: Phase, record: bool) -> None:
    """Run `connections` connections until the deadline."""
    loop = asyncio.get_running_loop()
    waits = []
    for _ in range(connections):
        done = loop.create_future()
        await loop.create_connection(lambda d=done: Connection(make_request, deadline, phase, record, d),
                                     "127.0.0.1", port)
        waits.append(done)
    await asyncio.gather(*waits)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far (Linux /proc), 0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_phase(port: int, connections: int, seconds: float, make_request, warmup: float = 1.0,
                    pid: int = 0) -> Phase:
    """Warm up, then measure `seconds` of load over `connections` connections."""
    warm = Phase()
    await load(port, connections, time.perf_counter() + warmup, make_request, warm, False)
    phase = Phase(warmup_ok=warm.ok)
    started, cpu = time.perf_counter(), cpu_seconds(pid)
    await load(port, connections, started + seconds, make_request, phase, True)
    phase.seconds = time.perf_counter() - started
    phase.cpu_seconds = cpu_seconds(pid) - cpu
    return phase


def hit_requests(paths: list[str]):
    """Hits by distinct visitors (one per request) on random pages."""
    visitor = iter(range(1, 10**9))
    rng = random.Random(1)

    def make() -> bytes:
        n = next(visitor)
        body = json.dumps({"path": rng.choice(paths)}).encode()
        # Origin: the site's (base_url of the manifest), as a browser on one of its pages sends it.
        return (f"POST /api/hit HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {UA}\r\nOrigin: {SITE_ORIGIN}\r\n"
                f"X-Forwarded-For: 192.0.2.1, 10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    return make


def count_requests(paths: list[str], per_request: int):
    """GET /api/counts for `per_request` random pages, as a listing page asks."""
    rng = random.Random(2)
    visitor = iter(range(1, 10**9))

    def make() -> bytes:
        n = next(visitor)
        query = "&".join(f"path={p}" for p in rng.sample(paths, per_request))
        return (f"GET /api/counts?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {UA}\r\n"
                f"X-Forwarded-For: 10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}\r\n\r\n").encode()
    return make


def top_requests():
    """GET /api/top, alternating the two lists, as every page view asks."""
    visitor = iter(range(1, 10**9))

    def make() -> bytes:
        n = next(visitor)
        period = "7d" if n % 2 else "all"
        return (f"GET /api/top?period={period}&limit=10 HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {UA}\r\n"
                f"X-Forwarded-For: 10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}\r\n\r\n").encode()
    return make


async def fetch_json(port: int, target: str, headers: str = "") -> dict:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode())
    _, body = await read_response(reader)
    writer.close()
    return json.loads(body)


def report(name: str, phase: Phase, unit: str) -> None:
    rate = phase.ok / phase.seconds
    errors = f", errors {phase.errors}" if phase.errors else ""
    cpu = f", service CPU {1e6 * phase.cpu_seconds / phase.ok:.0f} µs per answer" if phase.cpu_seconds else ""
    print(f"{name}: {rate:,.0f} {unit}/s over {phase.seconds:.1f} s ({phase.ok:,} answered), "
          f"p50 {phase.percentile(0.5):.1f} ms, p99 {phase.percentile(0.99):.1f} ms{cpu}{errors}", flush=True)


async def main_async(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="bantin-counter-bench-") as tmp:
        paths = write_site(Path(tmp) / "site", args.pages)
        process, port = start_service(Path(tmp) / "counter.sqlite3", Path(tmp) / "site", args.synchronous)
        try:
            print(f"counter pid {process.pid}, synchronous={args.synchronous}, {args.pages:,} pages, "
                  f"{args.connections} connections, {os.cpu_count()} CPUs", flush=True)
            hits = await run_phase(port, args.connections, args.duration, hit_requests(paths), pid=process.pid)
            report("hits (acknowledged after commit)", hits, "hits")
            for per in (1, 10):
                reads = await run_phase(port, args.connections, args.duration, count_requests(paths, per),
                                       pid=process.pid)
                report(f"GET /api/counts with {per} path(s)", reads, "requests")
            tops = await run_phase(port, args.connections, args.duration, top_requests(), pid=process.pid)
            report("GET /api/top (7d and all alternately)", tops, "requests")
            export = await fetch_json(port, "/api/export", f"Authorization: Bearer {TOKEN}\r\n")
            counted = sum(export["views"].values())
            acknowledged = hits.ok + hits.warmup_ok
            print(f"acknowledged hits (warm-up included): {acknowledged:,}; views in the database: "
                  f"{counted:,}; site visits: {export['site_visits']:,}", flush=True)
            if counted != acknowledged:
                print("MISMATCH: the database does not hold exactly the acknowledged hits", flush=True)
                return 1
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase (default 10)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent keep-alive connections")
    parser.add_argument("--pages", type=int, default=5000, help="pages in the manifest")
    parser.add_argument("--synchronous", choices=["full", "normal"], default="full")
    args = parser.parse_args()
    if not 1 <= args.connections <= 1000 or not 0 < args.duration <= 120:
        parser.error("keep --connections within 1..1000 and --duration within 0..120 s")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
