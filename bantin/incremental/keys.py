"""What every cache key is made of, derived from the things themselves: never a hand-bumped constant.

A cached result may be reused only when everything that shaped it is the same: bantin's own
code, the installed versions of the libraries it runs (and what they depend on), the template
and asset files, and the settings. Each function here digests one of those.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import pickle
import re
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def digest_bytes(*parts: bytes) -> str:
    """A short hex digest of some bytes (collisions are not a concern at this size)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def digest_value(value: Any) -> str:
    """A digest of a plain value (dicts, lists, text, numbers, dates, dataclasses)."""
    if _is_plain(value):
        return digest_bytes(repr(value).encode("utf-8", "surrogatepass"))
    buffer = io.BytesIO()
    _CanonicalPickler(buffer, protocol=5).dump(value)
    return digest_bytes(buffer.getvalue())


_PLAIN_SCALARS = (str, int, float, bool, type(None))


def _is_plain(value: Any, depth: int = 0) -> bool:
    """Text, numbers and tuples of them: their repr is exact and much cheaper than pickling."""
    if isinstance(value, _PLAIN_SCALARS):
        return True
    if type(value) is tuple and depth < 3:
        return all(_is_plain(item, depth + 1) for item in value)
    return False


class _CanonicalPickler(pickle.Pickler):
    """Equal values give equal bytes: no memo (whether two equal strings are one object does not
    matter), and a dataclass is its class name and field values, not whatever else its __dict__
    caches (a cached_property filled on one build and not on the next)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fast = True

    def reducer_override(self, obj: Any) -> Any:
        names = _field_names(type(obj))
        if names is None:
            return NotImplemented
        return tuple, ((type(obj).__qualname__, tuple(getattr(obj, name) for name in names)),)


@functools.lru_cache(maxsize=256)
def _field_names(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass type, None for any other type."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls))


def folder_digest(folders: Iterable[Path], suffixes: tuple[str, ...] = ()) -> str:
    """Names and bytes of every file under the folders (optionally only some suffixes)."""
    h = hashlib.blake2b(digest_size=16)
    for folder in folders:
        h.update(f"\0folder\0{folder.name}\0".encode())
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            if suffixes and not path.name.endswith(suffixes):
                continue
            h.update(f"\0{path.relative_to(folder).as_posix()}\0".encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def code_digest() -> str:
    """bantin's own code: any change to any module changes every key."""
    return folder_digest([PACKAGE_ROOT], (".py",))


def library_versions() -> dict[str, str]:
    """Installed versions of bantin's runtime requirements and of everything they require."""
    versions: dict[str, str] = {}
    pending = [_parse(r) for r in runtime_requirements()]
    while pending:
        name, extras = pending.pop()
        if name in versions:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
            continue
        versions[name] = dist.version
        for requirement in dist.requires or ():
            spec, _, marker = requirement.partition(";")
            wanted = _EXTRA.search(marker)
            if wanted is None or wanted.group(1) in extras:
                pending.append(_parse(spec))
    return dict(sorted(versions.items()))


def runtime_requirements() -> list[str]:
    """The runtime requirements: the installed package's metadata, else requirements.txt beside it."""
    try:
        declared = [r for r in metadata.requires("bantin") or [] if not _EXTRA.search(r)]
    except metadata.PackageNotFoundError:
        declared = []
    file = PACKAGE_ROOT.parent / "requirements.txt"
    if not declared and file.is_file():
        declared = [line.split("#", 1)[0] for line in file.read_text(encoding="utf-8").splitlines()
                    if line.strip() and not line.lstrip().startswith(("#", "-"))]
    return declared


_EXTRA = re.compile(r"extra\s*==\s*['\"]([^'\"]+)['\"]")


def _parse(requirement: str) -> tuple[str, frozenset[str]]:
    """(canonical name, extras) of a requirement such as `pagefind[extended]==1.5.2`."""
    match = _REQUIREMENT_NAME.match(requirement)
    name = match.group(1) if match else requirement.strip()
    extras = re.search(r"\[([^\]]+)\]", requirement)
    return (re.sub(r"[-_.]+", "-", name).lower(),
            frozenset(e.strip() for e in extras.group(1).split(",")) if extras else frozenset())


def environment_digest() -> str:
    """bantin's code and the library versions: what every cache of rendered output depends on."""
    return digest_value((code_digest(), library_versions()))


def source_digest(*files: Path) -> str:
    """The source of a few modules: for a cache that only they shape (encoded images), so editing
    any other module leaves it valid."""
    return digest_bytes(*(path.read_bytes() for path in files))
