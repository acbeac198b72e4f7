"""Skipping pages whose inputs did not change: a key per page, kept in .bantin-cache/ between builds.

A page's HTML is a pure function of its template context, the templates, the template globals
and bantin's own code. The key hashes all of them; when it matches the previous build's and
the previous output still holds the bytes recorded with it, that file is linked, not rendered.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

CODE_ROOT = Path(__file__).resolve().parents[1]
_FORMAT = 1


def fingerprint(folders: Iterable[Path], data: Any) -> str:
    """What every page shares: bantin's code, the template files and the template globals' data."""
    digest = hashlib.sha1(f"bantin-pages-{_FORMAT}".encode())
    for folder in [CODE_ROOT, *folders]:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(f"\0{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    digest.update(pickle.dumps(data, protocol=5))
    return digest.hexdigest()


@dataclass
class PageKeys:
    """Last build's key and output digest per file, and this build's, for one output folder."""

    file: Path | None
    salt: str
    previous: dict[str, tuple[str, str]] = field(default_factory=dict)
    current: dict[str, tuple[str, str]] = field(default_factory=dict)

    def key(self, context: dict[str, Any]) -> str | None:
        """The page's key, or None when its context cannot be hashed reliably (then it is rendered)."""
        if self.file is None:
            return None
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=5)
        # No memo: whether two equal strings are one object must not change the key.
        pickler.fast = True
        try:
            pickler.dump(context)
        except (pickle.PicklingError, TypeError, AttributeError, ValueError):
            return None
        return hashlib.sha1(self.salt.encode() + buffer.getvalue()).hexdigest()

    def digest_for(self, relative: str, key: str | None) -> str | None:
        """The digest of the file the previous build wrote for the same key, if any."""
        entry = self.previous.get(relative)
        return entry[1] if key is not None and entry is not None and entry[0] == key else None

    def record(self, relative: str, key: str | None, digest: str) -> None:
        if key is not None:
            self.current[relative] = (key, digest)

    def save(self) -> None:
        """Keep this build's keys for the next one (after the build was committed)."""
        if self.file is None:
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        temp = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps({"salt": self.salt, "pages": self.current}, sort_keys=True), encoding="utf-8")
        temp.replace(self.file)


def open_keys(cache_dir: Path | None, out: Path, salt: str) -> PageKeys:
    """The keys kept for `out` in `cache_dir`; none when caching is off or anything changed globally."""
    if cache_dir is None:
        return PageKeys(None, salt)
    file = cache_dir / f"pages-{out.resolve().name}.json"
    try:
        saved = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return PageKeys(file, salt)
    if not isinstance(saved, dict) or saved.get("salt") != salt:
        return PageKeys(file, salt)
    return PageKeys(file, salt, {k: tuple(v) for k, v in saved.get("pages", {}).items()})
