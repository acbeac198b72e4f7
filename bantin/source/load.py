"""Load a content tree from disk and validate it as a whole, reporting every problem."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any, Callable, NamedTuple
from zoneinfo import ZoneInfo

from ..messages import msg
from ..problems import Problem, display_path
from ..text import is_slug, nfc, shorten, slugify
from .articles import Article, Page, parse_article, parse_page
from .config import DEFAULT_RATING_SCALE, DEFAULT_TIMEZONE, SiteConfig, parse_site
from .crosscheck import cross_check
from .parse import Document, SourceError, parse_yaml, read_source, split_front_matter
from .units import Unit, parse_unit

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
    long as it has them, and the entries of deleted files are dropped. One load() at a time. Everything
    in it can be pickled, so it may be kept on disk between builds.
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
        return Path(self.name).stem


_Found = list[tuple[tuple[str, ...], os.DirEntry]]


def shown_root(root: Path) -> str:
    """How problems and Article.path name the content folder: relative to the working directory
    when inside it, else as given (`content`, `../portal/content`, `/srv/portal/content`)."""
    return display_path(root, root.parent)


def shown_path(root: Path, path: Path) -> str | None:
    """The name a file under `root` has in problems and in Article.path; None when outside root."""
    try:
        relative = path.resolve().relative_to(root.resolve())
    except ValueError:
        return None
    return f"{shown_root(root)}/{relative.as_posix()}"


@dataclass
class _Reader:
    root: Path
    problems: list[Problem]
    broken_units: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # Resolving each of thousands of paths costs more than parsing them; resolve the root once.
        self._prefix = shown_root(self.root)
        self._real_root = os.path.realpath(self.root)

    def shown(self, path: Path) -> str:
        return f"{self._prefix}/{path.relative_to(self.root).as_posix()}"

    def files(self, folder: str, suffixes: tuple[str, ...] = (), stat: bool = True) -> list[_File]:
        """The files under root/folder whose names end with one of `suffixes` (any name when empty), in
        sorted(Path.glob) order, with their size and mtime (-1 when not asked for)."""
        found = self._walk_top(folder, suffixes)
        return [_File(entry.path, entry.name, self._shown_parts(parts), *(_stat(entry) if stat else (-1, -1)))
                for parts, entry in found]

    def media(self) -> tuple[str, ...]:
        """Every file under media/, relative to the root: "media/2024/anh.jpg"."""
        return tuple("/".join(parts) for parts, _ in self._walk_top("media", ()))

    def keep(self, results: list[tuple[Any, tuple[Problem, ...]]]) -> list[Any]:
        """The parsed items of `results` (None where a file failed), their problems reported."""
        items = []
        for item, problems in results:
            self.problems.extend(problems)
            if item:
                items.append(item)
        return items

    def outside(self, path: str, parts: tuple[str, ...]) -> bool:
        """True, with a problem reported, when `path` is a link whose target is outside the content tree.
        Such links are not followed: an editor's link must not publish /etc/passwd or a home folder."""
        if not os.path.islink(path):
            return False
        target = os.path.realpath(path)
        if target == self._real_root or target.startswith(self._real_root + os.sep):
            return False
        if os.path.isdir(target):
            message = msg("this is a link to a folder outside content/")
            hint = msg("links that leave content/ are not followed: copy the folder into content/")
        else:
            message = msg("this is a link to a file outside content/")
            hint = msg("links that leave content/ are not followed: copy the file into content/")
        self.problems.append(Problem(self._shown_parts(parts), 0, "", message, hint))
        return True

    def _shown_parts(self, parts: tuple[str, ...]) -> str:
        return f"{self._prefix}/{'/'.join(parts)}"

    def _walk_top(self, folder: str, suffixes: tuple[str, ...]) -> _Found:
        top = os.path.join(self.root, folder)
        if self.outside(top, (folder,)) or not os.path.isdir(top):
            return []
        found: _Found = []
        self._walk(top, (folder,), suffixes, found, (os.path.realpath(top),))
        found.sort(key=lambda item: item[0])  # Paths sort by their parts: "a/b.md" before "a-c.md"
        return found

    def _walk(self, folder: str, parts: tuple[str, ...], suffixes: tuple[str, ...], found: _Found,
              ancestors: tuple[str, ...]) -> None:
        """Files under `folder`, following links that stay inside the tree; `ancestors` are the real
        paths of the folders being walked, so a link back to one of them is not followed in circles."""
        try:
            with os.scandir(folder) as entries:
                listing = list(entries)
        except OSError:
            return
        for entry in listing:
            here = (*parts, entry.name)
            if entry.is_symlink() and self.outside(entry.path, here):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                if (not suffixes or entry.name.endswith(suffixes)) and _is_file(entry):
                    found.append((here, entry))
                continue
            real = os.path.realpath(entry.path) if entry.is_symlink() else os.path.join(ancestors[-1], entry.name)
            if real in ancestors:
                self.problems.append(Problem(self._shown_parts(here), 0, "",
                                             msg("this link points to a folder that contains it: skipped"),
                                             msg("remove the link"), severity="warning"))
                continue
            self._walk(entry.path, here, suffixes, found, (*ancestors, real))


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _stat(entry: os.DirEntry) -> tuple[int, int]:
    """Size and mtime of a listed file (before it is read, so a later change is never missed)."""
    try:
        st = entry.stat()
    except OSError:
        return -1, -1
    return st.st_size, st.st_mtime_ns


def _cached(cache: ParseCache | None, entries: dict[str, tuple[tuple, Any]] | None, files: list[_File],
            parse: Callable[[_File], Any], *depends_on: object) -> list[Any]:
    """parse(file) of every file, taken from `entries` where the file and `depends_on` are unchanged."""
    if cache is None or entries is None:
        return [parse(file) for file in files]
    results = []
    for file in files:
        stamp = (file.size, file.mtime_ns, file.shown, *depends_on)
        entry = entries.get(file.path)
        if entry is not None and entry[0] == stamp and file.mtime_ns >= 0:
            results.append(entry[1])
            continue
        result = parse(file)
        cache.reads += 1
        if file.mtime_ns >= 0:
            entries[file.path] = (stamp, result)
        results.append(result)
    current = {file.path for file in files}
    for path in [p for p in entries if p not in current]:  # deleted files disappear; memory stays bounded
        del entries[path]
    return results


def load(root: Path, cache: ParseCache | None = None) -> tuple[Content | None, list[Problem]]:
    """Read and validate `root` (a content/ folder). Content is None when any error was found.

    With a `cache` (a ParseCache kept from earlier calls), files unchanged since then are not read
    again; the result is the same as without one.
    """
    reader = _Reader(root, [])
    if cache is not None:
        cache.reads = 0
    config = _load_site(reader)
    # Without a valid site.yaml, keep checking the rest with the defaults so every problem shows.
    scale = config.rating_scale if config else DEFAULT_RATING_SCALE
    tz = config.tz if config else ZoneInfo(DEFAULT_TIMEZONE)
    units = _load_units(reader, scale, cache)
    articles = _load_articles(reader, tz, cache)
    pages = _load_pages(reader, cache)
    media = reader.media()
    # A unit whose file is invalid is reported there, not again as "unknown" by every reference to it.
    cascade = {msg("unknown unit `{unit}`", unit=shorten(unit_id)) for unit_id in reader.broken_units}
    # Markdown is read as NFC; a file name saved as NFD (macOS) is the same name.
    reader.problems.extend(p for p in cross_check(config, units, articles, pages, {nfc(m) for m in media}, root)
                           if p.message not in cascade)
    errors = [p for p in reader.problems if p.severity == "error"]
    if errors or config is None:
        return None, reader.problems
    return Content(root, config, units, tuple(articles), tuple(pages), media), reader.problems


def _load_site(reader: _Reader) -> SiteConfig | None:
    site_file = reader.root / "site.yaml"
    if reader.outside(os.fspath(site_file), ("site.yaml",)):
        return None
    if not site_file.is_file():
        reader.problems.append(Problem(reader.shown(site_file), 0, "", msg("site.yaml is missing"),
                                       msg("create {path} with at least `title:` and `base_url:`",
                                           path=reader.shown(site_file))))
        return None
    data, problems, failed = _read_yaml(site_file, reader.shown(site_file))
    reader.problems.extend(problems)
    if failed:
        return None  # a YAML or encoding error is reported; "must be key: value lines" would only confuse
    config, problems = parse_site(data, reader.shown(site_file))
    reader.problems.extend(problems)
    return config


def _read_yaml(path: Path | str, shown: str) -> YamlResult:
    """A YAML file's data, its problems, and whether it could not be read or parsed."""
    problems: list[Problem] = []
    try:
        text, problems = read_source(path, shown)
        data, duplicates = parse_yaml(text, shown)
    except SourceError as err:
        return None, (*problems, err.problem), True
    return data, (*problems, *duplicates), False


def _load_units(reader: _Reader, scale: tuple[str, ...], cache: ParseCache | None) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    # ".yaml" alone is a hidden file without a suffix
    listed = [file for file in reader.files("units", (".yaml", ".yml")) if Path(file.name).suffix in (".yaml", ".yml")]
    results = iter(_cached(cache, cache.units if cache else None, [f for f in listed if is_slug(f.stem)],
                           _read_yaml_file))
    for file in listed:
        unit_id = file.stem
        if not is_slug(unit_id):
            reader.problems.append(_unit_name_problem(file))
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
            reader.problems.append(Problem(file.shown, 1, "", msg("duplicate unit id `{unit}`", unit=shorten(unit_id)),
                                           msg("{path} has the same file name; rename one",
                                               path=units[unit_id].path)))
            continue
        units[unit_id] = unit
    return units


def _unit_name_problem(file: _File) -> Problem:
    suffix, slug = Path(file.name).suffix, slugify(file.stem)
    if not slug:
        return Problem(file.shown, 0, "", msg("the file name has no letters or digits to make a unit id of"),
                       msg("rename it after the unit, e.g. {example}", example=f"dang-bo-xa-phu-thuan{suffix}"))
    return Problem(file.shown, 0, "", msg("unit id `{unit}` (the file name) is not a slug", unit=shorten(file.stem)),
                   msg("rename the file to {name}", name=f"{shorten(slug)}{suffix}"))


def _read_yaml_file(file: _File) -> YamlResult:
    return _read_yaml(file.path, file.shown)


def _read_document(file: _File) -> tuple[Document | None, tuple[Problem, ...]]:
    """A Markdown file's front matter and body (with its problems), or None and why it cannot be read."""
    problems: list[Problem] = []
    try:
        text, problems = read_source(file.path, file.shown)
        doc = split_front_matter(text, file.shown)
    except SourceError as err:
        return None, (*problems, err.problem)
    return dataclasses.replace(doc, problems=[*problems, *doc.problems]), ()


def _article_result(file: _File, tz: tzinfo) -> ArticleResult:
    doc, problems = _read_document(file)
    if doc is None:
        return None, problems
    article, problems = parse_article(doc, file.stem, file.shown, tz)
    return article, tuple(problems)


def _load_articles(reader: _Reader, tz: tzinfo, cache: ParseCache | None) -> list[Article]:
    # Without a cache, a stat per file would be a tenth of the time it takes to load 5,000 articles.
    files = reader.files("posts", (".md",), stat=cache is not None)
    return reader.keep(_cached(cache, cache.articles if cache else None, files,
                               lambda file: _article_result(file, tz), tz))


def _page_result(file: _File) -> PageResult:
    doc, problems = _read_document(file)
    if doc is None:
        return None, problems
    page, problems = parse_page(doc, file.stem, file.shown)
    return page, tuple(problems)


def _load_pages(reader: _Reader, cache: ParseCache | None) -> list[Page]:
    return reader.keep(_cached(cache, cache.pages if cache else None, reader.files("pages", (".md",)),
                               _page_result))
