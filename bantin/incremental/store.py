"""Reading and writing cache files: never half a file, and an unreadable one is simply absent."""

from __future__ import annotations

import os
import pickle
import zlib
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


SHARDS = 64  # an edit rewrites the few shards holding what it changed, not one file of everything


def shard_of(name: str) -> int:
    """The shard that holds the entry named `name` (stable across processes, unlike hash())."""
    return zlib.crc32(name.encode("utf-8", "surrogatepass")) % SHARDS


def read_shards(folder: Path | None, key: str) -> dict[int, Any]:
    """The shards kept in `folder` under `key`; a missing, unreadable or foreign one is absent."""
    shards: dict[int, Any] = {}
    if folder is None or not folder.is_dir():
        return shards
    for number in range(SHARDS):
        saved = read_pickle(folder / f"{number}.pickle")
        if isinstance(saved, tuple) and len(saved) == 2 and saved[0] == key:
            shards[number] = saved[1]
    return shards


def write_shards(folder: Path, key: str, shards: dict[int, Any], on_disk: dict[int, Any]) -> None:
    """Write the shards that differ from `on_disk` (what was read or written last), drop empty ones."""
    for number in range(SHARDS):
        file = folder / f"{number}.pickle"
        value = shards.get(number)
        if value is None:
            if number in on_disk or file.exists():
                file.unlink(missing_ok=True)
        elif number not in on_disk or on_disk[number] != value:
            write_pickle(file, (key, value))


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
        """A folder of shards (see read_shards)."""
        return self.folder / f"parsed-{self.out_name}"

    @property
    def memo(self) -> Path:
        """A folder of shards (see read_shards)."""
        return self.folder / f"memo-{self.out_name}"

    @property
    def stamps(self) -> Path:
        return self.named("stamps", "json")
