"""Markdown bodies to trusted HTML, converted once: the pictures (sizes, resized copies) each used are
asked through Queries (so pages depend on them) and kept with the cached HTML (so a replaced photo is
never served stale)."""

from __future__ import annotations

from typing import Callable, Iterator, Mapping, Protocol

from markupsafe import Markup

from ..incremental.keys import digest_bytes
from ..site.queries import Queries
from ..problems import Problem
from .markup import MarkdownLimitError, MarkdownRenderer, MediaInfo
from .pictures import Picture

Size = Picture | None
Entry = tuple[str, tuple[tuple[str, Size], ...]]  # the HTML and the (image, picture) pairs it used


class Cache(Protocol):
    def get(self, key: str) -> Entry | None: ...

    def put(self, key: str, entry: Entry) -> None: ...


class _Pictures(Mapping):
    """The picture lookup the Markdown renderer sees: each answer comes from Queries and is remembered."""

    def __init__(self) -> None:
        self.ask: Callable[[str], Size] = lambda ref: None
        self.used: dict[str, Size] = {}

    def __getitem__(self, ref: str) -> Picture:
        size = self.get(ref)
        if size is None:
            raise KeyError(ref)
        return size

    def get(self, ref: str, default: Size = None) -> Size:
        size = self.ask(ref)
        self.used[ref] = size
        return size if size is not None else default

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class Bodies:
    """Converts Markdown with one renderer per process, through a cache keyed by text and `salt`.

    `salt` must cover everything besides the text and the pictures that shapes the HTML: the
    code and library versions, the base path, the labels (see pipeline)."""

    def __init__(self, media: MediaInfo, cache: Cache | None, salt: str):
        self._sizes = _Pictures()
        media.pictures = self._sizes
        self.renderer = MarkdownRenderer(media)
        self.cache = cache
        self.salt = salt.encode()

    def html(self, text: str, q: Queries) -> Markup:
        """The HTML of a Markdown text, marked as trusted."""
        key = digest_bytes(self.salt, text.encode("utf-8"))
        entry = self.cache.get(key) if self.cache is not None else None
        if entry is not None and all(q.ask("picture", ref) == size for ref, size in entry[1]):
            return Markup(entry[0])
        self._sizes.ask = lambda ref: q.ask("picture", ref)
        self._sizes.used = {}
        html = self.renderer.convert(text)
        if self.cache is not None:
            self.cache.put(key, (html, tuple(sorted(self._sizes.used.items()))))
        return Markup(html)


def limit_error_problem(error: MarkdownLimitError, path: str, first_line: int, field_name: str) -> Problem:
    """The problem for a limit met while converting (a safety net: validation finds them first)."""
    return Problem(path, first_line + error.line - 1, field_name, error.message)
