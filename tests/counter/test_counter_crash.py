"""kill -9 under load loses no acknowledged hit: SIGKILL the service mid-stream, restart, recount."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from .helpers import ORIGIN, PAGES, Api

ROOT = Path(__file__).resolve().parents[2]
PATHS = [path for path, _, _ in PAGES]
THREADS = 8
KILL_AFTER = 400  # acknowledged hits before the kill


def start_service(db: Path, site_dir: Path, synchronous: str) -> tuple[subprocess.Popen, int]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "bantin.counter", "--db", str(db), "--site", str(site_dir),
         "--port", "0", "--rate", "0", "--synchronous", synchronous, "--trust-proxy"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert "listening on http://" in line, process.stderr.read()
    return process, int(line.rsplit(":", 1)[1])


class Client(threading.Thread):
    """Sends hits by distinct visitors until the service goes away; counts what was acknowledged."""

    def __init__(self, name: str, port: int, enough: threading.Event, total: list[int], lock: threading.Lock):
        super().__init__(daemon=True)
        self.name, self.port, self.enough, self.total, self.lock = name, port, enough, total, lock
        self.acked: Counter[str] = Counter()
        self.unacked: Counter[str] = Counter()

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        i = 0
        while True:
            path = PATHS[i % len(PATHS)]
            try:
                # Each hit a reader of its own, from its own address as a proxy would say.
                address = f"10.{int(self.name)}.{i >> 8 & 255}.{i & 255}"
                conn.request("POST", "/api/hit", json.dumps({"path": path}),
                             {"Content-Type": "application/json", "Origin": ORIGIN,
                              "X-Forwarded-For": address, "User-Agent": f"Mozilla/5.0 crash-{self.name}-{i}"})
                response = conn.getresponse()
                response.read()
            except OSError:  # includes RemoteDisconnected and refused connections
                self.unacked[path] += 1  # may or may not have been committed
                return
            assert response.status == 200
            self.acked[path] += 1
            i += 1
            with self.lock:
                self.total[0] += 1
                if self.total[0] >= KILL_AFTER:
                    self.enough.set()


def kill_while_busy(process, workers, enough: threading.Event) -> tuple[Counter, Counter]:
    """Start the workers, SIGKILL the service once they have had enough answers, and return what
    was acknowledged and what was not, summed over the workers."""
    try:
        for worker in workers:
            worker.start()
        assert enough.wait(60), "the workers could not reach the service"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
        process.stderr.close()
    for worker in workers:
        worker.join(30)
    return sum((w.acked for w in workers), Counter()), sum((w.unacked for w in workers), Counter())


@pytest.mark.parametrize("synchronous", ["full", "normal"])
def test_sigkill_loses_no_acknowledged_hit(tmp_path: Path, site_dir: Path, synchronous: str):
    db = tmp_path / "crash.sqlite3"
    process, port = start_service(db, site_dir, synchronous)
    enough, lock, total = threading.Event(), threading.Lock(), [0]
    # One sequential client and several concurrent ones, as the brief asks.
    clients = [Client(str(n), port, enough, total, lock) for n in range(THREADS + 1)]
    acked, unacked = kill_while_busy(process, clients, enough)

    process, port = start_service(db, site_dir, synchronous)
    try:
        answer = Api(port).request("GET", "/api/counts?" + "&".join(f"path={p}" for p in PATHS)).json
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    for path in PATHS:
        assert acked[path] <= answer["views"][path] <= acked[path] + unacked[path]
    assert sum(acked.values()) >= KILL_AFTER
    assert sum(unacked.values()) == len(clients)  # every client was cut off by the kill
    # Every hit was a new visitor: its visit was committed in the same transaction as its view.
    assert answer["site_visits"] == sum(answer["views"].values())


OPTIONS = ["tot", "kha", "can-cai-thien"]
VOTES_BEFORE_KILL = 150


class Voter(threading.Thread):
    """Votes as distinct readers (each its own address) until the service goes away."""

    def __init__(self, n: int, port: int, enough: threading.Event, total: list[int], lock: threading.Lock):
        super().__init__(daemon=True)
        self.n, self.port, self.enough, self.total, self.lock = n, port, enough, total, lock
        self.acked: Counter[str] = Counter()
        self.unacked: Counter[str] = Counter()

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        i = 0
        while True:
            option = OPTIONS[(i + self.n) % len(OPTIONS)]
            try:
                conn.request("POST", "/api/vote", json.dumps({"poll": "danh-gia", "option": option}),
                             {"Content-Type": "application/json", "Origin": ORIGIN,
                              "X-Forwarded-For": f"10.{self.n}.{i >> 8 & 255}.{i & 255}",
                              "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120"})
                response = conn.getresponse()
                response.read()
            except OSError:
                self.unacked[option] += 1
                return
            assert response.status == 200
            self.acked[option] += 1
            i += 1
            with self.lock:
                self.total[0] += 1
                if self.total[0] >= VOTES_BEFORE_KILL:
                    self.enough.set()


def test_sigkill_loses_no_acknowledged_vote(tmp_path: Path, site_dir: Path):
    polls = {"version": 1, "polls": [{"id": "danh-gia", "question": "?", "opens": None, "closes": None,
                                      "options": [{"id": o, "label": o} for o in OPTIONS]}]}
    (site_dir / "_bantin" / "polls.json").write_text(json.dumps(polls), "utf-8")
    db = tmp_path / "votes.sqlite3"
    process, port = start_service(db, site_dir, "normal")
    enough, lock, total = threading.Event(), threading.Lock(), [0]
    voters = [Voter(n, port, enough, total, lock) for n in range(6)]
    acked, unacked = kill_while_busy(process, voters, enough)

    process, port = start_service(db, site_dir, "normal")
    try:
        answer = Api(port).request("GET", "/api/poll?id=danh-gia").json
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    stored = {o["id"]: o["votes"] for o in answer["options"]}
    assert sum(acked.values()) >= VOTES_BEFORE_KILL
    for option in OPTIONS:
        assert acked[option] <= stored[option] <= acked[option] + unacked[option]
