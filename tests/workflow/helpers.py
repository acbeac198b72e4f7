"""Shared by the workflow tests: a writable copy of the sample portal and the CLI run in-process."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "content"
BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken" / "content"


def copy_sample(tmp_path: Path) -> Path:
    """The sample content/ copied under tmp_path, so a test may add and break files."""
    target = tmp_path / "content"
    shutil.copytree(SAMPLE, target)
    return target


def run_cli(*args: str, cwd: Path = ROOT, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python build.py ARGS` as an editor would type it; text output, never raises on exit code."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
