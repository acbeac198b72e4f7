"""Markdown bodies to trusted HTML, converted once: the pictures (sizes, resized copies) each used are
asked through Queries (so pages depend on them) and kept with the cached HTML (so a replaced photo is
never served stale)."""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping, Protocol

from markupsafe import Markup

from ..incremental.keys import digest_bytes
from ..site.queries import Queries
from ..problems import Problem
from .markup import MarkdownLimitError, MarkdownRenderer, MediaInfo

Entry = tuple[str, tuple[tuple[tuple[str, str], Any], ...]]  # the HTML and the ((query, ref), answer) it used


class Cache(Protocol):
    def get(self, key: str) -> Entry | None: ...

    def put(self, key: str, entry: Entry) -> None: ...


class _Lookup(Mapping):
    """A lookup the Markdown renderer sees (pictures, file sizes): each answer comes from Queries
    under `query` and is remembered, so the cached HTML records what it was made from."""

    def __init__(self, query: str, used: dict) -> None:
        self.query = query
        self.ask: Callable[[str, str], Any] = lambda name, ref: None
        self.used = used

    def __getitem__(self, ref: str) -> Any:
        value = self.get(ref)
        if value is None:
            raise KeyError(ref)
        return value

    def get(self, ref: str, default: Any = None) -> Any:
        value = self.ask(self.query, ref)
        self.used[(self.query, ref)] = value
        return value if value is not None else default

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class Bodies:
    """Converts Markdown with one renderer per process, through a cache keyed by text and `salt`.

    `salt` must cover everything besides the text and the pictures that shapes the HTML: the
    code and library versions, the base path, the labels (see pipeline)."""

    def __init__(self, media: MediaInfo, cache: Cache | None, salt: str):
        self._used: dict = {}
        self._lookups = [_Lookup("picture", self._used), _Lookup("file_size", self._used)]
        media.pictures, media.file_sizes = self._lookups
        self.renderer = MarkdownRenderer(media)
        self.cache = cache
        self.salt = salt.encode()

    def html(self, text: str, q: Queries) -> Markup:
        """The HTML of a Markdown text, marked as trusted."""
        key = digest_bytes(self.salt, text.encode("utf-8"))
        entry = self.cache.get(key) if self.cache is not None else None
        if entry is not None and all(q.ask(*asked) == answer for asked, answer in entry[1]):
            return Markup(entry[0])
        for lookup in self._lookups:
            lookup.ask = q.ask
        self._used.clear()
        html = self.renderer.convert(text)
        if self.cache is not None:
            self.cache.put(key, (html, tuple(sorted(self._used.items(), key=lambda item: item[0]))))
        return Markup(html)


def limit_error_problem(error: MarkdownLimitError, path: str, first_line: int, field_name: str) -> Problem:
    """The problem for a limit met while converting (a safety net: validation finds them first)."""
    return Problem(path, first_line + error.line - 1, field_name, error.message)
