"""Issue 11, counter side, class 7 and the file limit: `build.py counter` at start, as systemd runs it."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXIT_CONFIG = 78   # deploy/bantin-counter.service: RestartPreventExitStatus=78


def run_counter(db: Path, site_dir: Path, *extra: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "build.py", "counter", "--db", str(db), "--site", str(site_dir),
                           "--port", "0", *extra], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def assert_one_line_error(done: subprocess.CompletedProcess, names: Path) -> None:
    assert done.returncode == EXIT_CONFIG, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(names) in lines[0], done.stderr


def test_a_corrupt_database_is_a_one_line_error(tmp_path: Path, site_dir: Path):
    db = tmp_path / "counter.sqlite3"
    db.write_bytes(b"this is not a database, it was overwritten by mistake\n" * 200)
    assert_one_line_error(run_counter(db, site_dir), db)


def test_an_unopenable_database_is_a_one_line_error(tmp_path: Path, site_dir: Path):
    db = tmp_path / "no-such-folder" / "counter.sqlite3"
    assert_one_line_error(run_counter(db, site_dir), db)
    folder = tmp_path / "a-folder.sqlite3"
    folder.mkdir()
    assert_one_line_error(run_counter(folder, site_dir), folder)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
def test_a_read_only_database_is_a_one_line_error(tmp_path: Path, site_dir: Path):
    db = tmp_path / "counter.sqlite3"
    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.close()
    db.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        assert_one_line_error(run_counter(db, site_dir), db)
    finally:
        tmp_path.chmod(0o755)


def test_a_malformed_polls_file_is_a_one_line_error(tmp_path: Path, site_dir: Path):
    polls = site_dir / "_bantin" / "polls.json"
    polls.write_text('{"version": 1, "polls": [{"id": "p", "question": "?", "options": []}]}', "utf-8")
    done = run_counter(tmp_path / "c.sqlite3", site_dir)
    assert_one_line_error(done, polls)
    assert "options" in done.stderr


def test_raises_the_open_file_limit_to_the_hard_limit(tmp_path: Path, site_dir: Path):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    low = min(256, hard)

    def lower() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (low, hard))

    process = subprocess.Popen([sys.executable, "-m", "bantin.counter", "--db", str(tmp_path / "c.sqlite3"),
                                "--site", str(site_dir), "--port", "0"], cwd=ROOT, preexec_fn=lower,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        assert "listening on" in process.stdout.readline()
        limits = Path(f"/proc/{process.pid}/limits").read_text()
        line = next(line for line in limits.splitlines() if line.startswith("Max open files"))
        assert line.split()[3] == line.split()[4] == (str(hard) if hard != resource.RLIM_INFINITY else "unlimited")
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert process.returncode == 0
