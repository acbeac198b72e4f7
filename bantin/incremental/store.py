"""Reading and writing cache files: never half a file, and an unreadable one is simply absent."""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# What unpickling a cache file written by another version of bantin (or cut short) can raise.
UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError, ImportError,
              IndexError)


def read_pickle(file: Path) -> Any | None:
    """The object pickled in `file`, or None when it is missing or unreadable."""
    try:
        return pickle.loads(file.read_bytes())
    except UNREADABLE:
        return None


def write_pickle(file: Path, value: Any) -> None:
    write_atomic(file, pickle.dumps(value, protocol=5))


def write_atomic(file: Path, data: bytes) -> None:
    """Write aside, then rename: a reader sees the old file or the new one, never a part."""
    file.parent.mkdir(parents=True, exist_ok=True)
    temp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    temp.write_bytes(data)
    temp.replace(file)


@dataclass(frozen=True)
class CacheFiles:
    """Where a build keeps what the next build of the same output folder may reuse."""

    folder: Path
    out_name: str

    @classmethod
    def of(cls, cache_dir: Path | None, out: Path) -> "CacheFiles | None":
        return cls(cache_dir, out.resolve().name) if cache_dir is not None else None

    def named(self, kind: str, suffix: str) -> Path:
        return self.folder / f"{kind}-{self.out_name}.{suffix}"

    @property
    def last(self) -> Path:
        return self.named("last", "json")

    @property
    def parsed(self) -> Path:
        return self.named("parsed", "pickle")

    @property
    def memo(self) -> Path:
        return self.named("memo", "pickle")

    @property
    def stamps(self) -> Path:
        return self.named("stamps", "json")
