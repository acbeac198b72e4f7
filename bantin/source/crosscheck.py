"""Checks that need the whole content tree: references between files, cycles, URL collisions, media."""

from __future__ import annotations

import posixpath
from pathlib import Path

from .articles import Article, Page
from .config import SiteConfig
from ..messages import msg
from ..problems import Problem, did_you_mean
from ..text import shorten
from .links import media_file, url_problem
from .units import Unit

# First path segments that the generator owns; a standalone page may not take them.
RESERVED = {"tin-tuc", "chuyen-muc", "the", "don-vi", "luu-tru", "tim-kiem", "du-lieu", "assets",
            "media", "_bantin", "pagefind", "feed.xml", "sitemap.xml", "robots.txt", "404.html"}


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
                                msg("unknown unit `{unit}`", unit=shorten(config.root_unit)),
                                did_you_mean(config.root_unit, units)))
    for unit in units.values():
        if unit.parent and unit.parent not in units:
            problems.append(Problem(unit.path, unit.lines.get("parent", 1), "parent",
                                    msg("unknown unit `{unit}`", unit=shorten(unit.parent)), did_you_mean(unit.parent, units)
                                    or msg("the parent id is the file name of its unit file, without .yaml")))
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
                                        msg("units form a cycle: {chain}", chain=chain),
                                        msg("one of them must have another parent")))
    return problems


def _check_articles(config: SiteConfig | None, units: dict[str, Unit], articles: list[Article],
                    media: set[str], root: Path) -> list[Problem]:
    problems = []
    for a in articles:
        if a.unit and a.unit not in units:
            problems.append(Problem(a.path, a.line_of("unit"), "unit", msg("unknown unit `{unit}`", unit=shorten(a.unit)),
                                    did_you_mean(a.unit, units)))
        if config and a.category and a.category not in config.categories:
            problems.append(Problem(a.path, a.line_of("category"), "category",
                                    msg("unknown category `{category}`", category=shorten(a.category)),
                                    did_you_mean(a.category, config.categories, msg("categories in site.yaml"))))
        if a.image:
            problem = media_problem(a.image, media, root)
            if problem:
                problems.append(Problem(a.path, a.line_of("image"), "image", *problem))
        for ref, line in a.media_links:
            problem = media_problem(ref, media, root)
            if problem:
                problems.append(Problem(a.path, line, "body", *problem))
    return problems


def media_problem(ref: str, media: set[str], root: Path) -> tuple[str, str] | None:
    """Why a media reference is bad (message, hint), or None when the file exists inside content/."""
    relative = media_file(ref)
    if relative in media:
        return None
    refused = url_problem(ref)
    if refused:
        return refused, msg("write the path of a file under content/media/, e.g. media/2024/anh.jpg")
    if posixpath.normpath(relative).split("/")[0] == "..":  # links that leave content/ are refused by the walk
        return (msg("`{path}` points outside content/", path=shorten(ref)),
                msg("put the file under content/media/ and write media/…"))
    return (msg("`{path}` does not exist", path=shorten(ref)),
            msg("paths are relative to content/, e.g. media/2024/anh.jpg"))


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
                                    msg("the address {path} is reserved by the portal", path=path),
                                    msg("choose another slug")))
        elif path in owners:
            problems.append(Problem(item.path, item.line_of("slug"), "slug",
                                    msg("{first} and {second} both map to {path}", first=owners[path], second=item.path, path=path),
                                    msg("give one of them another `slug:`")))
        else:
            owners[path] = item.path
    return problems
