"""Fixtures for the counter tests: a site manifest, a controllable clock, a live server."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from bantin.counter import CounterHandle, start_in_background

from .helpers import ORIGIN, PAGES, TOKEN, Api, FakeClock, write_manifest


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    write_manifest(site, PAGES)
    return site


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(tmp_path: Path, site_dir: Path, clock: FakeClock) -> Iterator[CounterHandle]:
    # No rate limit here: the frozen clock never refills a bucket. The flood test sets one.
    handle = start_in_background(tmp_path / "counter.sqlite3", site_dir, origin=ORIGIN,
                                 token=TOKEN, clock=clock, rate=0, manifest_poll=0,
                                 top_max_age=0)
    yield handle
    handle.stop()


@pytest.fixture
def api(server: CounterHandle) -> Api:
    return Api(server.port)
