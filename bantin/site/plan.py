"""Every page of the built site for one model, in a deterministic order: what exists, not how it looks."""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import urls as U
from .model import SiteModel


@dataclass(frozen=True)
class PageSpec:
    """One output file: its site path, template, and what the view needs to fill it.

    `args` hold only plain values (ids, numbers, paths), so a spec can be compared and digested."""

    path: str
    kind: str
    template: str
    title: str
    args: tuple = ()

    @property
    def is_html_page(self) -> bool:
        return self.path.endswith("/")


def pages_of(count: int, per_page: int) -> int:
    return max(1, math.ceil(count / per_page))


def plan(model: SiteModel, extra: list[PageSpec]) -> list[PageSpec]:
    """Every page of the URL scheme for this model, then `extra` (the statistics pages)."""
    cfg = model.config
    specs = [PageSpec(U.HOME, "home", "home.html", cfg.title)]
    specs += [PageSpec(a.site_path, "article", "article.html", a.title, (a.site_path,)) for a in model.articles]
    for cat, label in cfg.categories.items():
        total = pages_of(len(model.by_category.get(cat, ())), cfg.per_page)
        specs += [PageSpec(U.category(cat, n), "category", "listing.html", label, (cat, n, total))
                  for n in range(1, total + 1)]
        specs.append(PageSpec(U.category_feed(cat), "feed", "feed.xml", label, ("category", cat)))
    for slug, tag in sorted(model.tags.items()):
        total = pages_of(len(model.by_tag[slug]), cfg.per_page)
        specs += [PageSpec(U.tag(slug, n), "tag", "listing.html", tag.label, (slug, n, total))
                  for n in range(1, total + 1)]
    for unit_id in sorted(model.units):
        name = model.units[unit_id].name
        specs.append(PageSpec(U.unit(unit_id), "unit", "unit.html", name, (unit_id,)))
        specs.append(PageSpec(U.unit_feed(unit_id), "feed", "feed.xml", name, ("unit", unit_id)))
    if model.videos:
        total = pages_of(len(model.videos), cfg.per_page)
        specs += [PageSpec(U.videos(n), "videos", "listing.html", "Video", (n, total)) for n in range(1, total + 1)]
        specs.append(PageSpec(U.VIDEO_FEED, "feed", "feed.xml", "Video", ("video", None)))
    specs.append(PageSpec(U.archive(), "archive", "archive.html", ""))
    specs += [PageSpec(U.archive(*key), "archive", "archive.html", "", key) for key in sorted(model.archive)]
    specs += [PageSpec(p.site_path, "page", "page.html", p.title, (p.site_path,)) for p in model.pages]
    specs += [PageSpec(U.SEARCH, "search", "search.html", ""),
              PageSpec(U.NOT_FOUND, "notfound", "404.html", ""),
              PageSpec(U.FEED, "feed", "feed.xml", cfg.title, ("site", None)),
              PageSpec(U.ROBOTS, "robots", "robots.txt", ""),
              PageSpec(U.SITEMAP, "sitemap", "sitemap.xml", "")]
    return specs + extra
