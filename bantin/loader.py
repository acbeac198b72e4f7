"""Load a content tree from disk and validate it as a whole, reporting every problem."""

from __future__ import annotations

import multiprocessing
import os
import re
from datetime import tzinfo
from zoneinfo import ZoneInfo
from dataclasses import dataclass, field
from pathlib import Path

from .articles import Article, Page, parse_article, parse_page
from .config import DEFAULT_RATING_SCALE, DEFAULT_TIMEZONE, SiteConfig, parse_site
from .problems import Problem, did_you_mean, display_path
from .sources import SourceError, parse_yaml, read_text, split_front_matter
from .text import is_slug, nfc, slugify
from .units import Unit, parse_unit

# First path segments that the generator owns; a standalone page may not take them.
RESERVED = {"tin-tuc", "chuyen-muc", "the", "don-vi", "luu-tru", "tim-kiem", "du-lieu", "assets",
            "media", "_bantin", "pagefind", "feed.xml", "sitemap.xml", "robots.txt", "404.html"}
PARALLEL_FROM = 400  # below this, starting worker processes costs more than it saves
_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")


@dataclass(frozen=True)
class Content:
    """Everything read from a content tree, validated; media paths are relative to the tree."""

    root: Path
    config: SiteConfig
    units: dict[str, Unit]
    articles: tuple[Article, ...]
    pages: tuple[Page, ...]
    media: tuple[str, ...]


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

    def text(self, path: Path) -> str | None:
        try:
            return read_text(path, self.shown(path))
        except SourceError as err:
            self.problems.append(err.problem)
            return None

    def yaml(self, path: Path) -> object:
        text = self.text(path)
        if text is None:
            return None
        try:
            data, problems = parse_yaml(text, self.shown(path))
        except SourceError as err:
            self.problems.append(err.problem)
            return None
        self.problems.extend(problems)
        return data


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.glob(pattern) if p.is_file()) if folder.is_dir() else []


def load(root: Path) -> tuple[Content | None, list[Problem]]:
    """Read and validate `root` (a content/ folder). Content is None when any error was found."""
    reader = _Reader(root, [])
    site_file = root / "site.yaml"
    if not site_file.is_file():
        return None, [Problem(reader.shown(site_file), 0, "", "site.yaml is missing",
                              f"create {reader.shown(site_file)} with at least `title:` and `base_url:`")]
    data = reader.yaml(site_file)
    # A YAML or encoding error is already reported; "must be key: value lines" on top would only confuse.
    config, problems = (None, []) if reader.problems else parse_site(data, reader.shown(site_file))
    reader.problems.extend(problems)
    # Without a valid site.yaml, keep checking the rest with the defaults so every problem shows.
    scale = config.rating_scale if config else DEFAULT_RATING_SCALE
    units = _load_units(reader, scale)
    articles = _load_articles(reader, config.tz if config else ZoneInfo(DEFAULT_TIMEZONE))
    pages = _load_pages(reader)
    media = tuple(p.relative_to(root).as_posix() for p in _files(root / "media", "**/*"))
    # A unit whose file is invalid is reported there, not again as "unknown" by every reference to it.
    cascade = {f"unknown unit `{unit_id}`" for unit_id in reader.broken_units}
    # Markdown is read as NFC; a file name saved as NFD (macOS) is the same name.
    reader.problems.extend(p for p in cross_check(config, units, articles, pages, {nfc(m) for m in media}, root)
                           if p.message not in cascade)
    errors = [p for p in reader.problems if p.severity == "error"]
    if errors or config is None:
        return None, reader.problems
    return Content(root, config, units, tuple(articles), tuple(pages), media), reader.problems


def _load_units(reader: _Reader, scale: tuple[str, ...]) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for path in _files(reader.root / "units", "**/*.y*ml"):
        if path.suffix not in (".yaml", ".yml"):
            continue
        shown, unit_id = reader.shown(path), path.stem
        if not is_slug(unit_id):
            reader.problems.append(Problem(shown, 0, "", f"unit id `{unit_id}` (the file name) is not a slug",
                                           f"rename the file to {slugify(unit_id)}{path.suffix}"))
            continue
        data = reader.yaml(path)
        if data is None and reader.problems and reader.problems[-1].path == shown:
            reader.broken_units.add(unit_id)
            continue
        unit, problems = parse_unit(unit_id, data, shown, scale)
        reader.problems.extend(problems)
        if unit is None:
            reader.broken_units.add(unit_id)
            continue
        if unit_id in units:
            reader.problems.append(Problem(shown, 1, "", f"duplicate unit id `{unit_id}`",
                                           f"{units[unit_id].path} has the same file name; rename one"))
            continue
        units[unit_id] = unit
    return units


def _documents(reader: _Reader, folder: str):
    for path in _files(reader.root / folder, "**/*.md"):
        text = reader.text(path)
        if text is None:
            continue
        try:
            yield path, split_front_matter(text, reader.shown(path))
        except SourceError as err:
            reader.problems.append(err.problem)


def _article_file(job: tuple[Path, str, tzinfo]) -> tuple[Article | None, list[Problem]]:
    path, shown, tz = job
    try:
        doc = split_front_matter(read_text(path, shown), shown)
    except SourceError as err:
        return None, [err.problem]
    return parse_article(doc, path.stem, shown, tz)


def _load_articles(reader: _Reader, tz: tzinfo) -> list[Article]:
    jobs = [(path, reader.shown(path), tz) for path in _files(reader.root / "posts", "**/*.md")]
    if len(jobs) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        # Parsing thousands of front matters is CPU-bound; results come back in file order.
        with multiprocessing.get_context("fork").Pool() as pool:
            results = pool.map(_article_file, jobs, chunksize=64)
    else:
        results = list(map(_article_file, jobs))
    articles = []
    for article, problems in results:
        reader.problems.extend(problems)
        if article:
            articles.append(article)
    return articles


def _load_pages(reader: _Reader) -> list[Page]:
    pages = []
    for path, doc in _documents(reader, "pages"):
        page, problems = parse_page(doc, path.stem, reader.shown(path))
        reader.problems.extend(problems)
        if page:
            pages.append(page)
    return pages


def cross_check(config: SiteConfig | None, units: dict[str, Unit], articles: list[Article],
                pages: list[Page], media: set[str], root: Path) -> list[Problem]:
    """Checks that need the whole tree: references, cycles, URL collisions, media."""
    problems = _check_units(config, units)
    problems += _check_articles(config, units, articles, media, root)
    problems += _check_urls(articles, pages)
    if config:
        problems += _check_media_refs(config, media, root)
    return problems


def _check_units(config: SiteConfig | None, units: dict[str, Unit]) -> list[Problem]:
    problems = []
    if config and config.root_unit and config.root_unit not in units:
        problems.append(Problem(config.path, config.lines.get("root_unit", 0), "root_unit",
                                f"unknown unit `{config.root_unit}`", did_you_mean(config.root_unit, units)))
    for unit in units.values():
        if unit.parent and unit.parent not in units:
            problems.append(Problem(unit.path, unit.lines.get("parent", 1), "parent",
                                    f"unknown unit `{unit.parent}`", did_you_mean(unit.parent, units)
                                    or "the parent id is the file name of its unit file, without .yaml"))
    problems += _check_cycles(units)
    return problems


def _check_cycles(units: dict[str, Unit]) -> list[Problem]:
    problems, reported = [], set()
    for start in sorted(units):
        seen, node = [], start
        while node in units and node not in seen:
            seen.append(node)
            node = units[node].parent
        if node in seen:
            cycle = seen[seen.index(node):]
            if not reported.intersection(cycle):
                reported.update(cycle)
                unit = units[cycle[0]]
                chain = " -> ".join(cycle + [cycle[0]])
                problems.append(Problem(unit.path, unit.lines.get("parent", 1), "parent",
                                        f"units form a cycle: {chain}", "one of them must have another parent"))
    return problems


def _check_articles(config: SiteConfig | None, units: dict[str, Unit], articles: list[Article],
                    media: set[str], root: Path) -> list[Problem]:
    problems = []
    for a in articles:
        if a.unit and a.unit not in units:
            problems.append(Problem(a.path, a.line_of("unit"), "unit", f"unknown unit `{a.unit}`",
                                    did_you_mean(a.unit, units)))
        if config and a.category and a.category not in config.categories:
            problems.append(Problem(a.path, a.line_of("category"), "category",
                                    f"unknown category `{a.category}`",
                                    did_you_mean(a.category, config.categories, "categories in site.yaml")))
        if a.image:
            problem = media_problem(a.image, media, root)
            if problem:
                problems.append(Problem(a.path, a.line_of("image"), "image", *problem))
        problems += _body_media(a.body, a.body_line, a.path, media, root)
    return problems


def media_problem(ref: str, media: set[str], root: Path) -> tuple[str, str] | None:
    """Why a media reference is bad (message, hint), or None when the file exists inside content/."""
    relative = ref.lstrip("/")
    if relative in media:
        return None
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        return f"`{ref}` points outside content/", "put the file under content/media/ and write media/…"
    if relative not in media:
        return f"`{ref}` does not exist", "paths are relative to content/, e.g. media/2024/anh.jpg"
    return None


def _body_media(body: str, first_line: int, path: str, media: set[str], root: Path) -> list[Problem]:
    problems = []
    if "](" not in body:
        return problems
    for match in _MD_LINK.finditer(body):
        ref = match.group(1)
        if ref.lstrip("/").startswith("media/") or ref.startswith(".."):
            problem = media_problem(ref, media, root)
            if problem:
                line = first_line + body.count("\n", 0, match.start())
                problems.append(Problem(path, line, "body", *problem))
    return problems


def _check_media_refs(config: SiteConfig, media: set[str], root: Path) -> list[Problem]:
    problems = []
    for banner in config.banners:
        problem = media_problem(banner.image or "", media, root)
        if problem:
            problems.append(Problem(config.path, banner.line, "banners.image", *problem))
    return problems


def _check_urls(articles: list[Article], pages: list[Page]) -> list[Problem]:
    owners: dict[str, str] = {}
    problems = []
    for item in [*articles, *pages]:
        path = item.site_path
        if isinstance(item, Page) and path.strip("/") in RESERVED:
            problems.append(Problem(item.path, item.line_of("slug"), "slug",
                                    f"the address {path} is reserved by the portal", "choose another slug"))
        elif path in owners:
            problems.append(Problem(item.path, item.line_of("slug"), "slug",
                                    f"{owners[path]} and {item.path} both map to {path}",
                                    "give one of them another `slug:`"))
        else:
            owners[path] = item.path
    return problems
