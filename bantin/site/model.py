"""The published site as indexes over validated content: what each page lists, nothing rendered."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from datetime import datetime

from ..source.articles import Article, Page, Tag
from ..source.load import Content
from ..text import sort_key, words

OTHER_NEWS = 10
RELATED = 5


@dataclass(frozen=True)
class SiteModel:
    """Published articles newest first, and the indexes every listing page needs."""

    content: Content
    articles: tuple[Article, ...]
    pages: tuple[Page, ...]
    by_category: dict[str, tuple[Article, ...]]
    by_tag: dict[str, tuple[Article, ...]]
    tags: dict[str, Tag]
    by_unit: dict[str, tuple[Article, ...]]
    children: dict[str, tuple[str, ...]]
    roots: tuple[str, ...]
    archive: dict[tuple[int, ...], tuple[Article, ...]]
    positions: dict[str, int]  # article path -> index in its category listing
    featured: tuple[Article, ...] = ()  # pinned first (newest first), then the other featured ones

    @cached_property
    def article_by_path(self) -> dict[str, Article]:
        return {a.site_path: a for a in self.articles}

    @cached_property
    def page_by_path(self) -> dict[str, Page]:
        return {p.site_path: p for p in self.pages}

    @cached_property
    def title_words(self) -> dict[str, tuple[Article, ...]]:
        """Articles by the folded words of their titles, newest first (built on first use)."""
        postings: dict[str, list[Article]] = defaultdict(list)
        for a in self.articles:
            for word in set(words(a.title)):
                postings[word].append(a)
        return _freeze(postings)

    @property
    def config(self):
        return self.content.config

    @property
    def units(self):
        return self.content.units

    def unit_news(self, unit_id: str) -> tuple[Article, ...]:
        """The unit's own articles and its sub-units', newest first."""
        return self._subtree_news.get(unit_id, ())

    @cached_property
    def _subtree_news(self) -> dict[str, tuple[Article, ...]]:
        news: dict[str, list[Article]] = defaultdict(list)
        for a in self.articles:
            if a.unit:
                for unit_id in (a.unit, *self.ancestors(a.unit)):
                    news[unit_id].append(a)
        return _freeze(news)

    def subtree(self, unit_id: str) -> list[str]:
        """The unit and every unit below it, depth first."""
        result, stack = [], [unit_id]
        while stack:
            current = stack.pop()
            result.append(current)
            stack.extend(reversed(self.children.get(current, ())))
        return result

    def ancestors(self, unit_id: str) -> list[str]:
        """Parents from the top unit down to the unit's parent."""
        chain, node = [], self.units[unit_id].parent
        while node:
            chain.append(node)
            node = self.units[node].parent
        return chain[::-1]

    def other_news(self, article: Article) -> tuple[Article, ...]:
        """The articles of the same category published just before this one ("Tin khác")."""
        if not article.category:
            return ()
        listing = self.by_category.get(article.category, ())
        index = self.positions[article.site_path]
        return listing[index + 1: index + 1 + OTHER_NEWS]


def order(articles) -> tuple[Article, ...]:
    """Newest first, then by slug, so every listing is deterministic."""
    return tuple(sorted(articles, key=lambda a: (-a.date.timestamp(), a.slug)))


def build_model(content: Content, now: datetime, drafts: bool = False) -> SiteModel:
    """Select what is published at `now` and index it."""
    published = order(a for a in content.articles if drafts or (not a.draft and a.date <= now))
    pages = tuple(sorted((p for p in content.pages if drafts or not p.draft),
                         key=lambda p: (p.menu is None, p.menu or 0, p.slug)))
    by_category, by_tag, by_unit = defaultdict(list), defaultdict(list), defaultdict(list)
    tags: dict[str, Tag] = {}
    archive: dict[tuple[int, ...], list[Article]] = defaultdict(list)
    for a in published:
        if a.category:
            by_category[a.category].append(a)
        for tag in a.tags:
            tags.setdefault(tag.slug, tag)
            by_tag[tag.slug].append(a)
        if a.unit:
            by_unit[a.unit].append(a)
        d = a.date
        for key in ((d.year,), (d.year, d.month), (d.year, d.month, d.day)):
            archive[key].append(a)
    children, roots = unit_tree(content)
    positions = {a.site_path: i for listing in by_category.values() for i, a in enumerate(listing)}
    return SiteModel(content, published, pages, _freeze(by_category), _freeze(by_tag), tags,
                     _freeze(by_unit), children, roots, _freeze(archive), positions, featured(published, now))


def featured(published: tuple[Article, ...], now: datetime) -> tuple[Article, ...]:
    """The home page's candidates for its lead: articles pinned until after `now`, then the other
    featured ones, each group newest first (`published` is already in that order)."""
    pinned = [a for a in published if a.featured and a.pinned_until is not None and a.pinned_until > now]
    return tuple(pinned) + tuple(a for a in published if a.featured and a not in pinned)


def _freeze(index: dict) -> dict:
    return {key: tuple(value) for key, value in index.items()}


def unit_tree(content: Content) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """Children of each unit and the top units, in Vietnamese alphabetical order of name."""
    kids: dict[str, list[str]] = defaultdict(list)
    roots = []
    for unit in content.units.values():
        (kids[unit.parent] if unit.parent else roots).append(unit.id)
    by_name = lambda ids: tuple(sorted(ids, key=lambda i: sort_key(content.units[i].name)))
    return {k: by_name(v) for k, v in kids.items()}, by_name(roots)
