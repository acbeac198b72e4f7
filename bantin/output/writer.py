"""Writing the built site without ever losing a good one.

Two ways, one promise (a reader never sees a half-written file, a failed build changes nothing):

* `Stage`: a staging folder beside the output, swapped in with one atomic rename when the build
  succeeded. Files whose bytes did not change are hard links to the previous build's.
* `Update`: for a small change, only the changed files are written, into a scratch folder on the
  same disk, and renamed into place file by file once the build succeeded.

Either only ever replaces a folder that is empty or holds an earlier bantin build: the build's
own marker (`_bantin/build.json`) says so.
"""

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

from ..messages import msg
from ..problems import BuildFailed, Problem

MARKER = "_bantin/build.json"
GENERATOR = "bantin"
_RENAME_EXCHANGE = 2
_SCRATCH = (".staging-", ".update-", ".old-", ".work-")

Files = dict[str, str]  # relative path -> digest of the bytes (or of a copied file's size and time)
Stamps = dict[str, tuple[int, int]]  # relative path -> (size, mtime_ns) of the file as published


def check_out_folder(out: Path, sources: list[Path], roots: list[Path]) -> None:
    """Refuse an output folder that is, holds or lies inside a source folder (content, templates,
    assets), that is or holds a project root, or that holds anything but an earlier bantin build."""
    target = out.resolve()
    for folder in sources + roots:
        guarded = folder.resolve()
        inside = target.is_relative_to(guarded) and folder in sources
        if target == guarded or guarded.is_relative_to(target) or inside:
            why = (msg("refusing to write the site into {out}: it is, holds or lies inside {folder}", out=str(out),
                       folder=str(folder)) if folder in sources else
                   msg("refusing to write the site into {out}: it is or holds {folder}", out=str(out), folder=str(folder)))
            raise BuildFailed([Problem(str(out), 0, "--out", why, msg("choose another folder, e.g. site/"))])
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise BuildFailed([Problem(str(out), 0, "--out", msg("{out} is not a folder", out=str(out)), msg("choose another folder"))])
    if target.is_dir() and any(target.iterdir()) and read_marker(target) is None:
        raise BuildFailed([Problem(str(out), 0, "--out", msg("{out} is not empty and was not made by bantin", out=str(out)),
                                   msg("choose an empty folder or an earlier bantin build; nothing was touched"))])


def read_marker(out: Path) -> Files | None:
    """The files an earlier bantin build wrote into `out`, or None when it holds no bantin build."""
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and data.get("generator") == GENERATOR and isinstance(data.get("files"), dict):
        return dict(data["files"])
    if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
        return {}  # bantin 0.1 kept only digests there: its build may be replaced, none of its files reused
    return None


def _marker_bytes(files: Files) -> bytes:
    return json.dumps({"generator": GENERATOR, "files": files}, sort_keys=True, indent=0).encode()


def content_digest(data: bytes) -> str:
    """The digest the marker records for a file's bytes."""
    return hashlib.sha1(data).hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return content_digest(path.read_bytes())
    except OSError:
        return None


def _stamp(path: Path | str) -> tuple[int, int] | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


@dataclass
class Output:
    """What both ways share: the previous build's files, this build's, and the counts.

    The marker holds digests only, so two builds of the same sources are byte-identical; the
    sizes and times that let a check skip reading a file are kept in the cache (`stamps`)."""

    out: Path
    previous: Files
    path: Path  # the scratch folder beside the output
    stamps: Stamps = field(default_factory=dict)
    files: Files = field(default_factory=dict)
    new_stamps: Stamps = field(default_factory=dict)
    written: int = 0
    unchanged: int = 0

    def holds(self, relative: str, digest: str) -> bool:
        """True when the published file still is what the previous build wrote with `digest`."""
        if self.previous.get(relative) != digest:
            return False
        stamp = _stamp(f"{self.out}/{relative}")
        if stamp is not None and stamp == self.stamps.get(relative):
            return True
        return stamp is not None and not digest.startswith("copy:") and _file_digest(self.out / relative) == digest

    def keep(self, relative: str, digest: str) -> bool:
        """Keep the previous build's file when it still holds `digest`; False if it cannot."""
        if not self.holds(relative, digest) or not self._carry(relative):
            return False
        self.files[relative] = digest
        self.new_stamps[relative] = self.stamps.get(relative) or _stamp(f"{self.out}/{relative}")
        self.unchanged += 1
        return True

    def write(self, relative: str, data: bytes) -> str:
        """Write one file, or keep the previous copy when the bytes are the same; its digest."""
        digest = content_digest(data)
        if not self.keep(relative, digest):
            self._put(relative, data, digest)
        return digest

    def copy(self, source: Path, relative: str) -> None:
        """Publish a source file (assets, media) without following links; unchanged ones are kept
        by their size and time, so photos are not read again on every build."""
        stamp = _stamp(source)
        digest = f"copy:{stamp[0]}:{stamp[1]}" if stamp else ""
        if not self.keep(relative, digest):
            self._put(relative, _read_regular(source), digest)

    def keep_tree(self, folder: str) -> bool:
        """Keep every file the previous build published under `folder` (an unchanged search shard),
        or nothing when one of them is missing or changed."""
        names = [name for name in self.previous if name.startswith(folder + "/")]
        if not names or not all(self.holds(name, self.previous[name]) for name in names):
            return False
        return all(self.keep(name, self.previous[name]) for name in names)

    def work_dir(self, name: str) -> Path:
        """An empty folder on the output's disk for a tool to write into (then `adopt` its files)."""
        folder = self.out.with_name(f".{self.out.name}.work-{os.getpid()}") / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder

    def adopt(self, folder: str, produced: Path) -> None:
        """Publish every file a tool wrote under `produced` (from work_dir) as `folder/…`."""
        for path in sorted(p for p in produced.rglob("*") if p.is_file() and not p.is_symlink()):
            relative = f"{folder}/{path.relative_to(produced).as_posix()}"
            digest = content_digest(path.read_bytes())
            if not self.keep(relative, digest):
                self._move(relative, path, digest)

    def _carry(self, relative: str) -> bool:
        raise NotImplementedError

    def _put(self, relative: str, data: bytes, digest: str) -> None:
        raise NotImplementedError

    def _move(self, relative: str, path: Path, digest: str) -> None:
        raise NotImplementedError


@dataclass
class Stage(Output):
    """A staging folder beside the output, swapped in by commit(); kept files are hard links."""

    def _carry(self, relative: str) -> bool:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(self.out / relative, target)
        except OSError:
            return False
        return True

    def _put(self, relative: str, data: bytes, digest: str) -> None:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        # Never write through an existing name: it may be a hard link to the published file.
        temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temp.write_bytes(data)
        os.replace(temp, target)
        self._record(relative, target, digest)

    def _move(self, relative: str, path: Path, digest: str) -> None:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        self._record(relative, target, digest)

    def _record(self, relative: str, target: Path, digest: str) -> None:
        self.files[relative] = digest
        self.new_stamps[relative] = _stamp(target)
        self.written += 1


@dataclass
class Update(Output):
    """Changed files written aside and renamed into place by commit(); the rest stays as it is."""

    pending: dict[str, Path] = field(default_factory=dict)

    def _carry(self, relative: str) -> bool:
        return True

    def _put(self, relative: str, data: bytes, digest: str) -> None:
        scratch = self.path / content_digest(relative.encode())  # unique per file, whichever process writes it
        scratch.write_bytes(data)
        self._move(relative, scratch, digest)

    def _move(self, relative: str, path: Path, digest: str) -> None:
        self.pending[relative] = path
        self.files[relative] = digest  # its stamp is known once it is in place
        self.written += 1


def _read_regular(source: Path) -> bytes:
    """A regular file's bytes; a symbolic link is refused, so nothing outside the sources is copied."""
    fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def open_output(out: Path, in_place: bool, stamps: Stamps | None = None) -> Stage | Update:
    """A Stage, or an Update of the previous build when `in_place` and there is one to update.
    `stamps`: the sizes and times the last build recorded (see Output)."""
    out = out.resolve()
    cleanup_leftovers(out)
    previous = read_marker(out) or {}
    kind = "update" if in_place and previous else "staging"
    scratch = out.with_name(f".{out.name}.{kind}-{os.getpid()}")
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    return (Update if kind == "update" else Stage)(out, previous, scratch, stamps or {})


def commit(output: Stage | Update) -> None:
    """Make this build the published one; on return the previous one is gone or going."""
    if isinstance(output, Update):
        _commit_update(output)
    else:
        _commit_stage(output)
    _remove_work_dir(output)


def _commit_stage(stage: Stage) -> None:
    marker = stage.path / MARKER
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_bytes(_marker_bytes(stage.files))
    out = stage.out
    if out.exists():
        if _exchange(stage.path, out):
            discard(stage.path, out)
            return
        old = out.with_name(f".{out.name}.old-{os.getpid()}-{time.time_ns()}")
        out.rename(old)
        stage.path.rename(out)
        _delete_later(old)
    else:
        stage.path.rename(out)


def _commit_update(update: Update) -> None:
    out = update.out
    # The marker is removed first and written last: a build killed in between leaves no marker
    # claiming files that were half replaced, so the next build rebuilds from scratch.
    (out / MARKER).unlink(missing_ok=True)
    for relative, scratch in update.pending.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(scratch, target)
        update.new_stamps[relative] = _stamp(target)
    for relative in update.previous.keys() - update.files.keys():
        (out / relative).unlink(missing_ok=True)
        _remove_empty_parents(out, relative)
    (out / MARKER).parent.mkdir(parents=True, exist_ok=True)
    temp = out / f"{MARKER}.tmp"
    temp.write_bytes(_marker_bytes(update.files))
    os.replace(temp, out / MARKER)
    shutil.rmtree(update.path, ignore_errors=True)


def _remove_empty_parents(out: Path, relative: str) -> None:
    folder = (out / relative).parent
    while folder != out:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def abandon(output: Stage | Update) -> None:
    """Throw away what this build wrote aside; the published site is untouched."""
    shutil.rmtree(output.path, ignore_errors=True)
    _remove_work_dir(output)


def _remove_work_dir(output: Output) -> None:
    shutil.rmtree(output.out.with_name(f".{output.out.name}.work-{os.getpid()}"), ignore_errors=True)


def discard(folder: Path, out: Path) -> None:
    """Delete a replaced build without waiting for it: thousands of unlinks take seconds on some disks.

    The folder is renamed to `.<out>.old-*` beside the output first, so a later build can finish the
    job if this process (or the `rm` it started) was killed."""
    trash = out.with_name(f".{out.name}.old-{os.getpid()}-{time.time_ns()}")
    folder.rename(trash)
    _delete_later(trash)


def cleanup_leftovers(out: Path) -> None:
    """Finish deleting replaced builds and staging folders that a killed build left beside `out`."""
    for name in _SCRATCH:
        for folder in sorted(out.parent.glob(f".{out.name}{name}*")):
            if folder.is_dir() and not folder.is_symlink() and not _in_use(folder):
                _delete_later(folder)


def leftovers(out: Path) -> list[Path]:
    """Replaced builds beside `out` that are still being (or were never) deleted."""
    return sorted(out.parent.glob(f".{out.name}.old-*"))


def _in_use(folder: Path) -> bool:
    """True for the staging folder of another build that is still running (its pid is in the name)."""
    kind, _, pid = folder.name.rpartition(".")[2].partition("-")
    if kind == "old" or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, PermissionError, OverflowError):
        return False
    return True


def _delete_later(folder: Path) -> None:
    rm = shutil.which("rm")
    if rm is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    # A session of its own: the deletion outlives a CLI build that ends now, and Ctrl-C does not reach it.
    subprocess.Popen([rm, "-rf", "--", str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2), so readers never see a missing site."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0
