"""Load a content tree from disk and validate it as a whole, reporting every problem."""

from __future__ import annotations

import mmap
import multiprocessing
import os
import threading
from datetime import tzinfo
from zoneinfo import ZoneInfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, NamedTuple

from .articles import Article, Page, Tag, parse_article, parse_page
from .crosscheck import cross_check
from .config import DEFAULT_RATING_SCALE, DEFAULT_TIMEZONE, SiteConfig, parse_site
from ..problems import Problem, display_path
from .parse import SourceError, parse_yaml, read_text, split_front_matter
from ..text import is_slug, nfc, slugify
from .units import Unit, parse_unit

PARALLEL_FROM = 400  # below this, starting worker processes costs more than it saves

# What parsing one file gives; ParseCache keeps these, so every part is immutable.
ArticleResult = tuple[Article | None, tuple[Problem, ...]]
PageResult = tuple[Page | None, tuple[Problem, ...]]
# A unit file's YAML, its problems, and whether reading it failed. The YAML is never handed out:
# parse_unit builds new Units (with their own dicts) from it on every load.
YamlResult = tuple[Any, tuple[Problem, ...], bool]


@dataclass
class ParseCache:
    """Files parsed by earlier load() calls, reused while their size and mtime stay the same.

    Create one and pass it to every load() of a tree, e.g. across the rebuilds of `serve`:

        cache = ParseCache()
        content, problems = load(root, cache)   # reads everything
        ...                                     # an editor saves posts/x.md
        content, problems = load(root, cache)   # reads posts/x.md (and any other changed file) only

    A file is read again when its (path, size, mtime_ns) changed, or when what its parse depends on
    changed (an article's date depends on site.yaml's timezone). The checks across files (references,
    URLs, media) run in full on every load, a file's own problems are reported on every load for as
    long as it has them, and the entries of deleted files are dropped. One load() at a time.
    """

    # By file path (str): (stamp, what parsing the file gave).
    articles: dict[str, tuple[tuple, ArticleResult]] = field(default_factory=dict)
    units: dict[str, tuple[tuple, YamlResult]] = field(default_factory=dict)
    pages: dict[str, tuple[tuple, PageResult]] = field(default_factory=dict)
    reads: int = 0  # files read and parsed by the last load() that used this cache


@dataclass(frozen=True)
class Content:
    """Everything read from a content tree, validated; media paths are relative to the tree."""

    root: Path
    config: SiteConfig
    units: dict[str, Unit]
    articles: tuple[Article, ...]
    pages: tuple[Page, ...]
    media: tuple[str, ...]


class _File(NamedTuple):
    path: str  # root/folder/…/name.md
    name: str
    shown: str  # as problems show it
    size: int
    mtime_ns: int

    @property
    def stem(self) -> str:
        """Path(name).stem, without making a Path."""
        dot = self.name.rfind(".")
        return self.name[:dot] if 0 < dot < len(self.name) - 1 else self.name


@dataclass
class _Reader:
    root: Path
    problems: list[Problem]
    broken_units: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # Resolving each of thousands of paths costs more than parsing them; resolve the root once.
        self._prefix = display_path(self.root, self.root.parent)

    def shown(self, path: Path) -> str:
        return f"{self._prefix}/{path.relative_to(self.root).as_posix()}"

    def files(self, folder: str, suffixes: tuple[str, ...] = (), stat: bool = True) -> list[_File]:
        """The files under root/folder whose names end with one of `suffixes` (any name when empty), in
        the order of sorted(folder.glob("**/*<suffix>")), with their size and mtime (-1 if unknown or
        not asked for: a stat per file is a tenth of loading 5,000 articles without a cache)."""
        top = self.root / folder
        if not top.is_dir():
            return []
        found: list[tuple[tuple[str, ...], os.DirEntry]] = []
        _walk(os.fspath(top), (folder,), suffixes, found)
        found.sort(key=lambda item: item[0])  # Paths sort by their parts: "a/b.md" before "a-c.md"
        prefix = self._prefix
        return [_File(entry.path, entry.name, f"{prefix}/{'/'.join(parts)}", *(_stat(entry) if stat else (-1, -1)))
                for parts, entry in found]

    def media(self) -> tuple[str, ...]:
        """Every file under media/, relative to the root: "media/2024/anh.jpg"."""
        top = self.root / "media"
        if not top.is_dir():
            return ()
        found: list[tuple[tuple[str, ...], os.DirEntry]] = []
        _walk(os.fspath(top), ("media",), (), found)
        return tuple("/".join(parts) for parts in sorted(parts for parts, _ in found))

    def yaml(self, path: Path) -> object:
        data, problems, _ = _read_yaml(path, self.shown(path))
        self.problems.extend(problems)
        return data


def _walk(folder: str, parts: tuple[str, ...], suffixes: tuple[str, ...],
          found: list[tuple[tuple[str, ...], os.DirEntry]]) -> None:
    """What Path.glob("**/*<suffix>") + is_file() finds (not entering symlinked folders), with less
    work: os.scandir knows file types without a stat per file, and no Path is made for folders."""
    try:
        with os.scandir(folder) as entries:
            listing = list(entries)
    except PermissionError:
        return
    for entry in listing:
        name = entry.name
        if not suffixes or name.endswith(suffixes):
            try:
                if entry.is_file():
                    found.append(((*parts, name), entry))
            except OSError:
                pass
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            _walk(entry.path, (*parts, name), suffixes, found)


def _stat(entry: os.DirEntry) -> tuple[int, int]:
    """Size and mtime of a listed file (before it is read, so a later change is never missed)."""
    try:
        st = entry.stat()
    except OSError:
        return -1, -1
    return st.st_size, st.st_mtime_ns


def _reuse(entries: dict[str, tuple[tuple, Any]], file: _File, *extra: object) -> tuple[tuple | None, Any]:
    """(stamp, cached result or None): a cached result is reused only if the file and `extra` are the same."""
    if file.mtime_ns < 0:
        return None, None
    stamp = (file.size, file.mtime_ns, file.shown, *extra)
    entry = entries.get(file.path)
    return stamp, (entry[1] if entry is not None and entry[0] == stamp else None)


def _cached(cache: ParseCache | None, entries: dict[str, tuple[tuple, Any]] | None, files: list[_File],
            parse: Callable[[_File], Any]) -> list[Any]:
    """parse(file) of every file, taken from `entries` where the file is unchanged."""
    if cache is None or entries is None:
        return [parse(file) for file in files]
    results = []
    for file in files:
        stamp, result = _reuse(entries, file)
        if result is None:
            result = parse(file)
            cache.reads += 1
            if stamp is not None:
                entries[file.path] = (stamp, result)
        results.append(result)
    _forget_others(entries, files)
    return results


def _forget_others(entries: dict[str, Any], files: list[_File]) -> None:
    """Drop the entries of files that are gone, so a deleted file disappears and memory stays bounded."""
    current = {file.path for file in files}
    for path in [p for p in entries if p not in current]:
        del entries[path]


def load(root: Path, cache: ParseCache | None = None) -> tuple[Content | None, list[Problem]]:
    """Read and validate `root` (a content/ folder). Content is None when any error was found.

    With a `cache` (a ParseCache kept from earlier calls), files unchanged since then are not read
    again; the result is the same as without one.
    """
    reader = _Reader(root, [])
    site_file = root / "site.yaml"
    if not site_file.is_file():
        return None, [Problem(reader.shown(site_file), 0, "", "site.yaml is missing",
                              f"create {reader.shown(site_file)} with at least `title:` and `base_url:`")]
    if cache is not None:
        cache.reads = 0
    data = reader.yaml(site_file)
    # A YAML or encoding error is already reported; "must be key: value lines" on top would only confuse.
    config, problems = (None, []) if reader.problems else parse_site(data, reader.shown(site_file))
    reader.problems.extend(problems)
    # Without a valid site.yaml, keep checking the rest with the defaults so every problem shows.
    scale = config.rating_scale if config else DEFAULT_RATING_SCALE
    tz = config.tz if config else ZoneInfo(DEFAULT_TIMEZONE)
    # Articles are most of the work: helper processes start on them while this one reads the units.
    with _ArticleLoader(reader, tz, cache) as pending:
        units = _load_units(reader, scale, cache)
        articles = pending.collect()
    pages = _load_pages(reader, cache)
    media = reader.media()
    # A unit whose file is invalid is reported there, not again as "unknown" by every reference to it.
    cascade = {f"unknown unit `{unit_id}`" for unit_id in reader.broken_units}
    # Markdown is read as NFC; a file name saved as NFD (macOS) is the same name.
    reader.problems.extend(p for p in cross_check(config, units, articles, pages, {nfc(m) for m in media}, root)
                           if p.message not in cascade)
    errors = [p for p in reader.problems if p.severity == "error"]
    if errors or config is None:
        return None, reader.problems
    return Content(root, config, units, tuple(articles), tuple(pages), media), reader.problems


def _read_yaml(path: Path | str, shown: str) -> YamlResult:
    """A YAML file's data, its problems, and whether it could not be read or parsed."""
    try:
        text = read_text(path, shown)
        data, problems = parse_yaml(text, shown)
    except SourceError as err:
        return None, (err.problem,), True
    return data, tuple(problems), False


def _load_units(reader: _Reader, scale: tuple[str, ...], cache: ParseCache | None) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    # ".yaml" alone is a hidden file without a suffix
    listed = [file for file in reader.files("units", (".yaml", ".yml")) if Path(file.name).suffix in (".yaml", ".yml")]
    results = iter(_cached(cache, cache.units if cache else None, [f for f in listed if is_slug(f.stem)],
                           _read_yaml_file))
    for file in listed:
        unit_id = file.stem
        if not is_slug(unit_id):
            reader.problems.append(Problem(file.shown, 0, "", f"unit id `{unit_id}` (the file name) is not a slug",
                                           f"rename the file to {slugify(unit_id)}{Path(file.name).suffix}"))
            continue
        data, problems, failed = next(results)
        reader.problems.extend(problems)
        if failed:
            reader.broken_units.add(unit_id)
            continue
        unit, problems = parse_unit(unit_id, data, file.shown, scale)
        reader.problems.extend(problems)
        if unit is None:
            reader.broken_units.add(unit_id)
            continue
        if unit_id in units:
            reader.problems.append(Problem(file.shown, 1, "", f"duplicate unit id `{unit_id}`",
                                           f"{units[unit_id].path} has the same file name; rename one"))
            continue
        units[unit_id] = unit
    return units


def _read_yaml_file(file: _File) -> YamlResult:
    return _read_yaml(file.path, file.shown)


def _article_result(file: _File, tz: tzinfo) -> ArticleResult:
    try:
        doc = split_front_matter(read_text(file.path, file.shown), file.shown)
    except SourceError as err:
        return None, (err.problem,)
    article, problems = parse_article(doc, file.stem, file.shown, tz)
    return article, tuple(problems)


# -- Articles in helper processes -----------------------------------------------------------------
# Forked helpers and this process take chunks of articles in turn from a shared counter: this process
# joins in once it has read the units, and nobody waits while work is left. Helpers send each chunk
# back as soon as it is parsed, cheap to pickle: a plain tuple per article, with the Markdown body
# written as UTF-16 into memory shared with this process. (Pickling the bodies writes them as UTF-8,
# and decoding that again here cost as much as the helpers saved.)

_CHUNK = 48  # articles per chunk: small enough to share the tail of the work evenly
_ARTICLE_FIELDS = tuple(Article.__dataclass_fields__)
_BODY, _TAGS = _ARTICLE_FIELDS.index("body"), _ARTICLE_FIELDS.index("tags")


class _Arena:
    """Shared memory that one forked helper writes article bodies into, as UTF-16, one after another.
    Only what is written takes memory; bodies that do not fit any more go through the pipe."""

    def __init__(self, size: int):
        self.memory = mmap.mmap(-1, size)  # anonymous and shared: the helper forked after this writes into it
        self.used = 0  # counted in the helper

    def put(self, body: str) -> str | bytes | tuple[int, int]:
        """In the helper: what stands for `body` in the article's tuple."""
        if body.isascii():
            return body
        data = body.encode("utf-16-le")
        start = self.used
        if start + len(data) > len(self.memory):
            return data
        self.memory[start:start + len(data)] = data
        self.used = start + len(data)
        return start, len(data)

    def get(self, body: str | bytes | tuple[int, int]) -> str:
        if isinstance(body, str):
            return body
        if isinstance(body, bytes):
            return body.decode("utf-16-le")
        start, length = body
        with memoryview(self.memory) as view:
            return str(view[start:start + length], "utf-16-le")

    def close(self) -> None:
        self.memory.close()


def _pack(result: ArticleResult, arena: _Arena) -> tuple:
    article, problems = result
    if article is None:
        return None, problems
    row = [article.__dict__[name] for name in _ARTICLE_FIELDS]
    row[_BODY] = arena.put(row[_BODY])
    row[_TAGS] = tuple((tag.label, tag.slug) for tag in article.tags)
    return tuple(row), problems, article.media_links


def _unpack(packed: tuple, arena: _Arena, tags: dict[tuple[str, str], Tag]) -> ArticleResult:
    if packed[0] is None:
        return packed
    row, problems, media_links = packed
    row = list(row)
    row[_BODY] = arena.get(row[_BODY])
    row[_TAGS] = tuple(tags.get(pair) or tags.setdefault(pair, Tag(*pair)) for pair in row[_TAGS])
    article = Article(*row)
    article.__dict__["media_links"] = media_links  # the cached_property, found by the helper
    return article, problems


class _ArticleLoader:
    """Parses the articles that the cache does not have, with forked helpers when there are many;
    collect() gives them in file order and reports their problems."""

    def __init__(self, reader: _Reader, tz: tzinfo, cache: ParseCache | None):
        self.reader, self.tz, self.cache = reader, tz, cache
        self.files = reader.files("posts", (".md",), stat=cache is not None)
        self.results: list[ArticleResult | None] = [None] * len(self.files)
        self.stamps: list[tuple | None] = [None] * len(self.files)
        self.todo: list[int] = []
        for index, file in enumerate(self.files):
            if cache is not None:
                self.stamps[index], self.results[index] = _reuse(cache.articles, file, tz)
                if self.results[index] is not None:
                    continue
            self.todo.append(index)
        self.chunks = [self.todo[i:i + _CHUNK] for i in range(0, len(self.todo), _CHUNK)]
        self.helpers: list[tuple[Any, Any, _Arena]] = []  # (process, connection, its shared memory)
        self.counter: Any = None
        self.received: list[tuple[_Arena, int, list[tuple]]] = []  # chunks from helpers, not yet unpacked
        self.receivers: list[threading.Thread] = []

    def __enter__(self) -> "_ArticleLoader":
        cpus = os.cpu_count() or 1
        if len(self.todo) >= PARALLEL_FROM and cpus > 1:
            context = multiprocessing.get_context("fork")
            self.counter = context.Value("i", 0)
            count = min(cpus - 1, max(1, len(self.todo) // max(1, PARALLEL_FROM // 2)))
            # Room for ~64 KiB of UTF-16 per article a helper may take (a 13 KB Vietnamese article takes
            # ~26 KiB); address space only, bounded for machines with many cores.
            room = min(1 << 28, max(1 << 20, len(self.todo) * (1 << 16) // count))
            for _ in range(count):
                try:
                    arena = _Arena(room)
                except OSError:  # no memory to map: fewer helpers (none: this process parses everything)
                    break
                receiver, sender = context.Pipe(duplex=False)
                # Forked: the file list, the counter and the shared memory are inherited, not pickled.
                process = context.Process(target=self._helper, args=(sender, arena), daemon=True)
                try:
                    process.start()
                except (AssertionError, OSError):  # in a daemonic process, or out of processes
                    for thing in (sender, receiver, arena):
                        thing.close()
                    break
                sender.close()
                self.helpers.append((process, receiver, arena))
            # Threads take in what helpers send, so they never wait on a full pipe; started after the
            # last fork, so no helper is forked while a thread runs.
            for _, receiver, arena in self.helpers:
                thread = threading.Thread(target=self._receive, args=(receiver, arena), daemon=True)
                thread.start()
                self.receivers.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        for process, _, _ in self.helpers:
            if process.is_alive():
                process.terminate()
            process.join()
        for thread in self.receivers:
            thread.join()
        for _, receiver, arena in self.helpers:
            receiver.close()
            arena.close()
        self.helpers, self.receivers = [], []

    def _claim(self) -> int | None:
        """The next chunk nobody has taken, or None when all are taken."""
        with self.counter.get_lock():
            index = self.counter.value
            if index >= len(self.chunks):
                return None
            self.counter.value = index + 1
        return index

    def _parse(self, index: int) -> list[ArticleResult]:
        tz, files = self.tz, self.files
        return [_article_result(files[i], tz) for i in self.chunks[index]]

    def _helper(self, sender: Any, arena: _Arena) -> None:
        """In a forked process: parse chunks and send each back; stop at the first error, which the
        parent process meets again when it parses what is missing."""
        try:
            while (index := self._claim()) is not None:
                sender.send((index, [_pack(result, arena) for result in self._parse(index)]))
        except Exception:  # noqa: BLE001
            pass
        sender.close()

    def _receive(self, receiver: Any, arena: _Arena) -> None:
        try:
            while True:
                self.received.append((arena, *receiver.recv()))
        except (EOFError, OSError):  # the helper is done (or died: what it did not send is parsed here)
            pass

    def _store(self, index: int, results: list[ArticleResult]) -> None:
        for i, result in zip(self.chunks[index], results):
            self.results[i] = result

    def _unpack_received(self, tags: dict[tuple[str, str], Tag]) -> None:
        while self.received:
            arena, index, packed = self.received.pop()
            self._store(index, [_unpack(item, arena, tags) for item in packed])

    def collect(self) -> list[Article]:
        if self.counter is None:
            for index in range(len(self.chunks)):
                self._store(index, self._parse(index))
        else:
            tags: dict[tuple[str, str], Tag] = {}
            while (index := self._claim()) is not None:
                self._store(index, self._parse(index))
                self._unpack_received(tags)
            for thread in self.receivers:
                thread.join()
            self._unpack_received(tags)
            for index, chunk in enumerate(self.chunks):
                if self.results[chunk[0]] is None:
                    self._store(index, self._parse(index))
        if self.cache is not None:
            entries = self.cache.articles
            for index in self.todo:
                if self.stamps[index] is not None:
                    entries[self.files[index].path] = (self.stamps[index], self.results[index])
            self.cache.reads += len(self.todo)
            _forget_others(entries, self.files)
        articles = []
        for article, problems in self.results:
            self.reader.problems.extend(problems)
            if article:
                articles.append(article)
        return articles


def _page_result(file: _File) -> PageResult:
    try:
        doc = split_front_matter(read_text(file.path, file.shown), file.shown)
    except SourceError as err:
        return None, (err.problem,)
    page, problems = parse_page(doc, file.stem, file.shown)
    return page, tuple(problems)


def _load_pages(reader: _Reader, cache: ParseCache | None) -> list[Page]:
    pages = []
    for page, problems in _cached(cache, cache.pages if cache else None, reader.files("pages", (".md",)),
                                  _page_result):
        reader.problems.extend(problems)
        if page:
            pages.append(page)
    return pages
