"""Workers are started safely: never forked from a process where another thread may hold a lock."""

from __future__ import annotations

import threading

from bantin.incremental import parallel
from bantin.pipeline import Options, build
from tests.core.helpers import FIXED_NOW, every_file
from tests.support import ROOT


def test_uses_forkserver_while_another_thread_runs():
    assert parallel.start_method() == ("fork" if threading.active_count() == 1 else "forkserver")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.start_method() == "forkserver"
    finally:
        stop.set()
        thread.join()


def test_builds_the_same_site_from_a_thread_with_workers_as_in_one_process(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)  # the sample is small: make it use workers anyway
    options = dict(content=ROOT / "content", search=False, now=FIXED_NOW, cache_dir=None)
    errors = []

    def in_thread() -> None:
        try:
            build(Options(out=tmp_path / "threaded", jobs=2, **options))
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    busy = threading.Event()
    other = threading.Thread(target=busy.wait)  # like serve's watcher: alive during the build
    other.start()
    builder = threading.Thread(target=in_thread)
    builder.start()
    builder.join(timeout=300)
    busy.set()
    other.join()
    assert errors == []
    build(Options(out=tmp_path / "single", jobs=1, **options))
    assert every_file(tmp_path / "threaded") == every_file(tmp_path / "single")
