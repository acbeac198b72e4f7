"""Dependency tracking: which answers each page read, so the next build renders only what changed.

`TrackedQueries` is a `Queries` that records, for every derived answer and every page, the
digests of the answers it read. The record (`Memo`) is kept between builds. On the next build a
page is current when every answer it read still has the digest it had; a derived answer is
checked the same way, through what it read, without computing it ("early cutoff": an answer
that was recomputed but came out the same does not invalidate its readers). Answers that read
the model directly are always recomputed, which is cheap: that is where changes enter.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..site.queries import Queries
from ..source.articles import Article, Page
from .keys import digest_value
from .store import read_shards, shard_of, write_atomic, write_shards

Key = tuple
Deps = dict[Key, str]
_REMEMBERED = (Article, Page)  # compared by identity, so they can be weak keys


@dataclass
class Memo:
    """What the last build read: per derived answer its digest and deps; per output file its deps
    and the digest of the bytes written."""

    salt: str = ""
    answers: dict[Key, tuple[str, Deps]] = field(default_factory=dict)
    pages: dict[str, tuple[Deps, str]] = field(default_factory=dict)
    # The shards as last read or written (see store.read_shards), so that saving skips the same ones.
    on_disk: dict[int, Any] = field(default_factory=dict, compare=False, repr=False)

    def merge(self, other: "Memo") -> None:
        self.answers.update(other.answers)
        self.pages.update(other.pages)


class TrackedQueries(Queries):
    """Queries that record what was read, and check a previous build's records."""

    def __init__(self, model, previous: Memo | None = None, remembered: weakref.WeakKeyDictionary | None = None):
        super().__init__(model)
        self.previous = previous or Memo()
        # Digests of the frozen source objects (an article, a unit), kept by `serve` between builds: an
        # unchanged file gives the very same object, and digesting 5,000 articles is most of a check.
        self.remembered = remembered if remembered is not None else weakref.WeakKeyDictionary()
        self.digests: dict[Key, str] = {}
        self.record = Memo(self.previous.salt)
        self._frames: list[Deps] = []

    def ask(self, name: str, *args: Any) -> Any:
        key = (name, *args)
        if key not in self.answers:
            self._compute(key)
        if self._frames:
            self._frames[-1][key] = self.digests[key]
        return self.answers[key]

    def _compute(self, key: Key) -> None:
        spec = self.rules[key[0]]
        self._frames.append({})
        try:
            value = spec.function(self, *key[1:])
        finally:
            deps = self._frames.pop()
        self.answers[key] = value
        self.digests[key] = self._version(spec, key) if spec.version else self.digest_of(value)
        if not spec.reads_model:
            self.record.answers[key] = (self.digests[key], deps)

    def _version(self, spec, key: Key) -> str:
        return "v" + digest_value(spec.version(self, *key[1:]))

    def digest_of(self, value: Any) -> str:
        """The digest of an answer; objects met in an earlier build of this process are not digested twice."""
        if isinstance(value, _REMEMBERED):
            known = self.remembered.get(value)
            if known is None:
                known = self.remembered[value] = digest_value(value)
            return known
        return digest_value(value)

    def current_digest(self, key: Key) -> str:
        """The digest `key` has in this build, computing it only when its deps changed."""
        digest = self.digests.get(key)
        if digest is not None:
            return digest
        spec = self.rules.get(key[0])
        if spec is None:
            return ""  # a rule that no longer exists: never equal to a recorded digest
        if not spec.reads_model:
            before = self.previous.answers.get(key)
            if before is not None and self._same(before[1]):
                self.digests[key] = before[0]
                self.record.answers[key] = before
                return before[0]
        if spec.reads_model and spec.version is not None:
            self.digests[key] = digest = self._version(spec, key)
            return digest
        frames, self._frames = self._frames, []  # checking is not reading: record nothing
        try:
            self._compute(key)
        finally:
            self._frames = frames
        return self.digests[key]

    def _same(self, deps: Deps) -> bool:
        known = self.digests  # most deps are answers already checked for an earlier page: no call
        for key, digest in deps.items():
            if known.get(key) != digest and self.current_digest(key) != digest:
                return False
        return True

    def page_is_current(self, relative: str) -> str | None:
        """The digest of the file the previous build wrote at `relative`, if nothing it read changed."""
        before = self.previous.pages.get(relative)
        if before is None or not self._same(before[0]):
            return None
        self.record.pages[relative] = before
        return before[1]

    def start_page(self) -> None:
        """Begin recording what one page reads."""
        self._frames.append({})

    def end_page(self, relative: str, output_digest: str) -> None:
        """Stop recording and keep the page's deps with the digest of what was written."""
        self.record.pages[relative] = (self._frames.pop(), output_digest)

    def abandon_page(self) -> None:
        self._frames.pop()


def load_memo(folder: Path | None, salt: str) -> Memo:
    """The memo kept in `folder` if it was made under the same salt (shard by shard); an empty one otherwise."""
    memo = Memo(salt, on_disk=read_shards(folder, salt))
    for answers, pages in memo.on_disk.values():
        memo.answers.update(answers)
        memo.pages.update(pages)
    return memo


def save_memo(folder: Path | None, memo: Memo, on_disk: dict[int, Any]) -> None:
    """Keep the memo for the next build, writing only the shards that differ from `on_disk`."""
    if folder is None:
        return
    shards: dict[int, tuple[dict, dict]] = {}
    for key, answer in memo.answers.items():
        shards.setdefault(shard_of(repr(key)), ({}, {}))[0][key] = answer
    for relative, page in memo.pages.items():
        shards.setdefault(shard_of(relative), ({}, {}))[1][relative] = page
    write_shards(folder, memo.salt, shards, on_disk)
    memo.on_disk = shards


def load_stamps(file: Path | None) -> dict[str, tuple[int, int]]:
    """The sizes and times of the published files, as the last build left them (see output.writer)."""
    if file is None:
        return {}
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return {name: (int(size), int(mtime)) for name, (size, mtime) in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def save_stamps(file: Path | None, stamps: dict[str, tuple[int, int] | None]) -> None:
    if file is not None:
        write_atomic(file, json.dumps({k: v for k, v in stamps.items() if v}, separators=(",", ":")).encode())
