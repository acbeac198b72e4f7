"""Writing the built site atomically: a staging folder swapped in only when the build succeeded."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "_bantin/build.json"
_RENAME_EXCHANGE = 2


@dataclass
class Stage:
    """A staging folder beside the output; unchanged files are hard links to the previous build."""

    out: Path
    path: Path
    previous: dict[str, str]
    digests: dict[str, str] = field(default_factory=dict)
    written: int = 0
    unchanged: int = 0

    def write(self, relative: str, data: bytes) -> None:
        """Write one file, or link the previous build's copy when the bytes are the same."""
        digest = hashlib.sha1(data).hexdigest()
        self.digests[relative] = digest
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        old = self.out / relative
        # The manifest says what the last build wrote, not what site/ holds now: compare before linking.
        if self.previous.get(relative) == digest and _holds(old, data) and _link(old, target):
            self.unchanged += 1
            return
        target.write_bytes(data)
        self.written += 1

    def reuse(self, relative: str, digest: str | None) -> bool:
        """Link the previous build's file when it still holds the bytes that hashed to `digest`."""
        if digest is None or self.previous.get(relative) != digest:
            return False
        old = self.out / relative
        try:
            same = hashlib.sha1(old.read_bytes()).hexdigest() == digest
        except OSError:
            return False
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not same or not _link(old, target):
            return False
        self.digests[relative] = digest
        self.unchanged += 1
        return True

    def copy(self, source: Path, relative: str) -> None:
        """Copy a file (asset, media) into the stage, linking when the previous build has the same file."""
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        old = self.out / relative
        stat = source.stat()
        key = f"{stat.st_size}:{stat.st_mtime_ns}"
        self.digests[relative] = key
        if self.previous.get(relative) == key and _size(old) == stat.st_size and _link(old, target):
            self.unchanged += 1
            return
        shutil.copyfile(source, target)
        self.written += 1


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


def _link(old: Path, target: Path) -> bool:
    try:
        os.link(old, target)
        return True
    except OSError:
        return False


def open_stage(out: Path) -> Stage:
    """A fresh staging folder next to `out`, knowing what the previous build wrote."""
    out = out.resolve()
    stage = out.with_name(f".{out.name}.staging-{os.getpid()}")
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    for old in leftovers(out):
        _delete_later(old)  # killed before it finished; two `rm -rf` of one folder do no harm
    return Stage(out, stage, read_manifest(out))


def read_manifest(out: Path) -> dict[str, str]:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def commit(stage: Stage) -> None:
    """Make the staged build the output in one step; the previous one is removed in the background."""
    manifest = json.dumps(stage.digests, sort_keys=True, indent=0).encode()
    (stage.path / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
    (stage.path / MANIFEST).write_bytes(manifest)
    if stage.out.exists():
        if not _exchange(stage.path, stage.out):
            old = stage.out.with_name(f".{stage.out.name}.old-{os.getpid()}")
            stage.out.rename(old)
            stage.path.rename(stage.out)
            discard(old, stage.out)
            return
        discard(stage.path, stage.out)
    else:
        stage.path.rename(stage.out)


def discard(folder: Path, out: Path) -> None:
    """Delete a replaced build without waiting for it: thousands of unlinks take seconds on some disks.

    The folder is renamed to `.<out>.old-*` beside the output first, so a later build can finish the
    job if this process (or the `rm` it started) was killed.
    """
    trash = out.with_name(f".{out.name}.old-{os.getpid()}-{time.time_ns()}")
    folder.rename(trash)
    _delete_later(trash)


def _delete_later(folder: Path) -> None:
    rm = shutil.which("rm")
    if rm is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    # A session of its own: the deletion outlives a CLI build that ends now, and Ctrl-C does not reach it.
    subprocess.Popen([rm, "-rf", "--", str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


def leftovers(out: Path) -> list[Path]:
    """Replaced builds beside `out` that are still being (or were never) deleted."""
    return sorted(out.parent.glob(f".{out.name}.old-*"))


def abandon(stage: Stage) -> None:
    """Throw the staging folder away; the previous output is untouched."""
    shutil.rmtree(stage.path, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2), so readers never see a missing site."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
