"""The questions pages ask of the site model, each answered once per build.

Views read the model only through `Queries.ask(name, *args)`. Some rules read the model
directly (inputs: an article, a listing, a unit); the others are computed from other answers
only (derived: related articles, an article's card). Keeping that line sharp is what lets
`bantin.incremental` record what every page read and tell, on the next build, which pages
must be rendered again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from ..text import words
from .model import SiteModel

Rule = Callable[..., Any]
RELATED_CANDIDATES = 200  # newest per tag, unit or word: enough to find good neighbours, bounded cost
RARE_WORD = 250  # title words in more articles than this say nothing about relatedness
RELATED_RANKED = 15  # ranked per article, so that a view can skip those it already shows


@dataclass(frozen=True)
class RuleSpec:
    function: Rule
    reads_model: bool
    # For a rule that reads the model: a cheap function of the same arguments whose value changes
    # whenever the answer would (what the answer is computed from), so checking need not compute it.
    version: Rule | None = None


class Queries:
    """Memoised answers about one SiteModel; see the module docstring."""

    def __init__(self, model: SiteModel):
        self.model = model
        self.rules: dict[str, RuleSpec] = {}
        self.answers: dict[tuple, Any] = {}
        for name, function in MODEL_RULES.items():
            self.add(name, function, reads_model=True)
        self.add("related", related, reads_model=False)

    def add(self, name: str, function: Rule, reads_model: bool, version: Rule | None = None) -> None:
        """Register a rule; `reads_model` when it looks at the model (or anything else) directly."""
        self.rules[name] = RuleSpec(function, reads_model, version)

    def ask(self, name: str, *args: Any) -> Any:
        """The answer to (name, *args), computed on first use."""
        key = (name, *args)
        try:
            return self.answers[key]
        except KeyError:
            value = self.answers[key] = self.rules[name].function(self, *args)
            return value


# -- rules that read the model ------------------------------------------------------------------
# Each returns plain values (paths, tuples, the frozen Article/Unit/Page objects), never a mutable index.

def _article(q: Queries, path: str):
    return q.model.article_by_path[path]


def _page(q: Queries, path: str):
    return q.model.page_by_path[path]


def _latest(q: Queries, count: int) -> tuple[str, ...]:
    return tuple(a.site_path for a in q.model.articles[:count])


def _featured(q: Queries) -> tuple[str, ...]:
    return tuple(a.site_path for a in q.model.featured)


def _listing(q: Queries, kind: str, key: Any) -> tuple[str, ...]:
    """Article paths, newest first: a category, a tag, a unit with its sub-units, or an archive period."""
    model = q.model
    if kind == "unit":
        return tuple(a.site_path for a in model.unit_news(key))
    index = {"category": model.by_category, "tag": model.by_tag, "archive": model.archive}[kind]
    return tuple(a.site_path for a in index.get(key, ()))


def _other_news(q: Queries, path: str) -> tuple[str, ...]:
    return tuple(a.site_path for a in q.model.other_news(q.model.article_by_path[path]))


def _unit(q: Queries, unit_id: str):
    return q.model.units[unit_id]


def _children(q: Queries, unit_id: str | None) -> tuple[str, ...]:
    return q.model.roots if unit_id is None else q.model.children.get(unit_id, ())


def _ancestors(q: Queries, unit_id: str) -> tuple[str, ...]:
    return tuple(q.model.ancestors(unit_id))


def _archive_periods(q: Queries, level: int) -> tuple[tuple[int, ...], ...]:
    return tuple(sorted(k for k in q.model.archive if len(k) == level))


def _tag_candidates(q: Queries, slug: str) -> tuple[tuple[str, float], ...]:
    return _newest(q.model.by_tag.get(slug, ()))


def _unit_candidates(q: Queries, unit_id: str) -> tuple[tuple[str, float], ...]:
    return _newest(q.model.by_unit.get(unit_id, ()))


def _word_candidates(q: Queries, word: str) -> tuple[int, tuple[tuple[str, float], ...]]:
    """How many titles hold the word, and the newest of them."""
    listing = q.model.title_words.get(word, ())
    return len(listing), _newest(listing)


def _newest(listing) -> tuple[tuple[str, float], ...]:
    return tuple((a.site_path, a.date.timestamp()) for a in listing[:RELATED_CANDIDATES])


MODEL_RULES: dict[str, Rule] = {
    "article": _article, "page": _page, "latest": _latest, "featured": _featured, "listing": _listing, "other_news": _other_news,
    "unit": _unit, "children": _children, "ancestors": _ancestors, "archive_periods": _archive_periods,
    "tag_candidates": _tag_candidates, "unit_candidates": _unit_candidates, "word_candidates": _word_candidates,
}


# -- derived rules --------------------------------------------------------------------------------

def related(q: Queries, path: str) -> tuple[str, ...]:
    """Up to RELATED_RANKED articles sharing tags, the unit or rare title words, best first.

    Scores depend only on the candidates' own lists (no site-wide totals), so adding one article
    changes the related lists of the articles near it, not of every article."""
    article = q.ask("article", path)
    sources = [(q.ask("tag_candidates", tag.slug), 3.0) for tag in article.tags]
    if article.unit:
        sources.append((q.ask("unit_candidates", article.unit), 2.0))
    for word in sorted(set(words(article.title))):
        count, listing = q.ask("word_candidates", word)
        if count <= RARE_WORD:
            sources.append((listing, math.log(1 + RARE_WORD / count) / 4))
    scores: dict[str, float] = {}
    stamps: dict[str, float] = {}
    for listing, points in sources:
        for other, stamp in listing:
            scores[other] = scores.get(other, 0.0) + points
            stamps[other] = stamp
    scores.pop(path, None)
    best = sorted(scores, key=lambda p: (-round(scores[p], 9), -stamps[p], p))
    return tuple(best[:RELATED_RANKED])
