"""The view counter: an HTTP service that counts page views, visits and poll votes, and its snapshot.

Public names for the CLI (`build.py counter`) and `build.py serve`:
`add_arguments`, `cli_main`, `run_server`, `start_in_background`; for the build:
`load_snapshot`, `Snapshot`, `SnapshotError`.

The service's names are loaded on first use (PEP 562): a build reads snapshots and
must not import the server, its event loop or its database code.
"""

from __future__ import annotations

import importlib
from typing import Any

from .manifest import ManifestError
from .snapshot import Snapshot, SnapshotError, TopItem, load_snapshot, parse_snapshot

_SERVICE_NAMES = ("add_arguments", "cli_main", "run_server", "start_in_background", "CounterHandle",
                  "CounterConfig", "StartupError")

__all__ = [*_SERVICE_NAMES, "load_snapshot", "parse_snapshot", "Snapshot", "SnapshotError",
           "TopItem", "ManifestError"]


def __getattr__(name: str) -> Any:
    if name in _SERVICE_NAMES:
        return getattr(importlib.import_module(".service", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
