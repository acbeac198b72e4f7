"""Static assets: the built-in ones overridden by a site's own, fingerprinted for long caching."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..messages import msg
from ..problems import BuildFailed, Problem, display_path

FINGERPRINTED = (".css", ".js")
# Assets only `build.py serve` uses (it serves them from the source folder itself): never published.
DEV_ONLY = frozenset({"js/dev-overlay.js"})


@dataclass(frozen=True)
class Asset:
    source: Path
    output: str  # path inside the built site, e.g. "assets/css/site.1a2b3c4d.css"


def collect(folders: list[Path]) -> dict[str, Asset]:
    """Assets to publish by logical name ("css/site.css"); later folders override earlier ones.
    Dev-only assets (DEV_ONLY) are left out; a link pointing out of its folder fails the build."""
    found: dict[str, Path] = {}
    problems: list[Problem] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        root = folder.resolve()
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                problems.append(Problem(display_path(path), 0, "", msg("this is a link to a file outside the assets folder"),
                                        msg("copy the file into the folder instead of linking to it")))
            elif path.is_file() and not path.name.startswith(".") and name not in DEV_ONLY:
                found[name] = path
    if problems:
        raise BuildFailed(problems)
    return {name: Asset(path, "assets/" + _output_name(name, path)) for name, path in sorted(found.items())}


def _output_name(name: str, path: Path) -> str:
    if not name.endswith(FINGERPRINTED):
        return name
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}{dot}{suffix}"
