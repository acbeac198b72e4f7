"""Helpers every test folder shares: the project's paths, a writable copy of the sample, the CLI
run as an editor runs it, a free port, a snapshot of a folder, waiting for a condition."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content"
# The sample portal is built "now" = this moment, so tests never depend on today's date (the
# sample has an article scheduled in 2027 and drafts that must stay unpublished).
SAMPLE_NOW = datetime(2026, 6, 1, 8, 0, tzinfo=timezone(timedelta(hours=7)))


def copy_sample(tmp_path: Path) -> Path:
    """The sample content/ copied under tmp_path, so a test may add and break files."""
    target = tmp_path / "content"
    shutil.copytree(SAMPLE, target, symlinks=True)
    return target


def run_cli(*args: str, cwd: Path = ROOT, timeout: float = 120, env: dict | None = None
            ) -> subprocess.CompletedProcess:
    """`python build.py ARGS` as an editor would type it; text output, never raises on exit code."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout, env=environment)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` with its bytes and modification time: equal means untouched."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def wait_for(condition, what: str, timeout: float = 90.0):
    """Poll until `condition()` returns something truthy (connection errors count as not yet); fail
    naming `what` after `timeout` seconds, an upper bound for a loaded CI machine."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = condition()
        except (urllib.error.URLError, ConnectionError, OSError):
            result = None
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")
