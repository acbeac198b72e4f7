"""Nothing to do: a build whose every input is as the last build left it ends at once.

The inputs are the files under the content, template and asset folders (names, sizes, times),
bantin's code and libraries, the options, and the clock where it matters: the day shown in the
header and the time the next scheduled article is due. If all are the same and the published
site still carries the last build's marker, the site the build would make is the one already
there. Parsed sources kept between builds (ParseCache) live here too, for the same reason: both
save a CLI build the work of reading everything again.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from ..problems import Problem
from ..source.load import ParseCache
from .keys import digest_bytes, digest_value, environment_digest
from .store import read_pickle, write_atomic, write_pickle


@dataclass
class LastBuild:
    """What the last successful build saw and made."""

    inputs: str = ""
    timezone: str = ""
    today: str = ""
    next_change: str | None = None  # ISO time of the next scheduled article, if any
    marker: tuple[int, int] | None = None  # size and time of the published marker
    pages: int = 0
    files: int = 0
    warnings: list[dict] = field(default_factory=list)
    extra_files: list[str] = field(default_factory=list)  # inputs outside the folders (a counter snapshot)

    def still_current(self, inputs: str, now: datetime, marker: tuple[int, int] | None) -> bool:
        """True when building now from these inputs would give the published site again."""
        due = self.next_change is not None and now >= datetime.fromisoformat(self.next_change)
        return (bool(self.inputs) and inputs == self.inputs and now.date().isoformat() == self.today
                and not due and marker is not None and marker == self.marker)

    def problems(self) -> list[Problem]:
        return [Problem(**w) for w in self.warnings]


def inputs_digest(folders: Iterable[Path], files: Iterable[Path | None], settings: Any) -> str:
    """Names, sizes and times of every file under the folders and of the single files, with
    bantin's code and libraries and the settings."""
    parts = [environment_digest().encode(), digest_value(settings).encode()]
    for folder in folders:
        parts.append(f"\0{folder.resolve()}\0".encode())
        for top, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(top, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                parts.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_mode}\n".encode())
    for file in files:
        st = os.lstat(file) if file is not None and os.path.lexists(file) else None
        parts.append(f"{file}\0{st.st_size if st else -1}\0{st.st_mtime_ns if st else -1}\n".encode())
    return digest_bytes(*parts)


def load_last(file: Path | None) -> LastBuild:
    if file is None:
        return LastBuild()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        data["marker"] = tuple(data["marker"]) if data.get("marker") else None
        return LastBuild(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return LastBuild()


def save_last(file: Path | None, last: LastBuild) -> None:
    if file is not None:
        write_atomic(file, json.dumps(asdict(last), ensure_ascii=False).encode("utf-8"))


def load_parsed(file: Path | None, key: str) -> ParseCache:
    """The parsed sources a previous CLI build kept, if made by the same code for the same tree."""
    saved = read_pickle(file) if file is not None else None
    if isinstance(saved, tuple) and len(saved) == 2 and saved[0] == key and isinstance(saved[1], ParseCache):
        return saved[1]
    return ParseCache()


def save_parsed(file: Path | None, key: str, cache: ParseCache) -> None:
    if file is not None:
        write_pickle(file, (key, cache))


def parsed_key(content: Path) -> str:
    """Parsed results depend on the code that parsed them and on how paths are shown (the
    working directory), besides the files themselves (which ParseCache checks one by one)."""
    return digest_value((environment_digest(), str(content.resolve()), str(Path.cwd())))
