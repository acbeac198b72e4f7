"""What the search index holds, taken from the site model: one document per article, unit and
standalone page, with its words folded (lowercase, no tones, đ → d) so one query finds every
spelling, and the original title, date and excerpt kept as display metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from ...i18n import format_short, translator
from ...site import urls
from ...site.model import SiteModel
from ...text import fold

ARTICLE, UNIT, PAGE = "bai", "don-vi", "trang"  # the `type` filter values search.js offers
BODY_WORDS = 150  # body words indexed per page (see docs/search.md for how this was chosen)
CHARS_PER_WORD = 12  # a generous bound, so only the start of a long body is cleaned and folded
EXCERPT_CHARS = 220
TITLE_WEIGHT = 10  # Pagefind's largest weight
# The title's words fill the first TITLE_SLOTS word places of every page (padded with FILLER), so
# search.js can tell from a result's matched places alone whether its title holds every query word.
TITLE_SLOTS = 48
FILLER = "zzz"  # never a Vietnamese word (no "z"), and search.js never sends it
NO_DATE = "0000-00-00T00:00"  # units and pages sort after every article under "Mới nhất"

_TAG = re.compile(r"<[^>]*>")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|\[\^[^\]]*\]")  # link/image targets and footnote marks
_MARKUP = re.compile(r"[#*_>|`~\[\]{}]+|^\s*[-+]\s+|^\s*\d+\.\s+", re.M)
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Document:
    """One searchable page: where it lives, which shard holds it, and what Pagefind reads."""

    path: str  # site path, e.g. /tin-tuc/2024/05/x/
    kind: str
    year: int | None  # articles only: the shard key
    title: str
    text: str  # plain text (not folded) of what is searched besides the title
    excerpt: str
    iso: str
    date: str
    filters: tuple[tuple[str, str], ...]


def plain_text(markdown: str) -> str:
    """The words of a Markdown body without its markup, link targets or HTML tags."""
    text = _LINK_TARGET.sub("]", _TAG.sub(" ", markdown))
    return _SPACE.sub(" ", _MARKUP.sub(" ", text)).strip()


def first_words(text: str, count: int) -> str:
    """The first `count` words of a text (the rest is not indexed)."""
    found = list(_WORD.finditer(text))
    return text if len(found) <= count else text[:found[count - 1].end()]


def shorten(text: str, limit: int = EXCERPT_CHARS) -> str:
    """Text cut at a word boundary, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def site_documents(model: SiteModel, language: str, body_words: int = BODY_WORDS) -> list[Document]:
    """Every article, unit and standalone page of the site, in a stable order."""
    categories = model.config.categories
    docs = [article_document(a, model, categories, language, body_words) for a in model.articles]
    secretary = translator(language)("search_secretary")
    docs += [unit_document(model, unit_id, body_words, secretary) for unit_id in sorted(model.units)]
    docs += [page_document(p, body_words) for p in model.pages]
    return sorted(docs, key=lambda d: d.path)


def newest_first(docs: list[Document]) -> list[Document]:
    """Articles newest first, then units and pages: the order of the files Pagefind reads, which
    is its page order, which decides the order of results with equal scores."""
    return sorted(sorted(docs, key=lambda d: d.path), key=lambda d: d.iso, reverse=True)


def article_document(a, model: SiteModel, categories: dict[str, str], language: str,
                     body_words: int) -> Document:
    """An article: title, sapo, tags, author and the start of the body."""
    body = plain_text(a.body[:body_words * CHARS_PER_WORD])
    parts = [a.summary or "", " ".join(t.label for t in a.tags), a.author or "", first_words(body, body_words)]
    filters = [("type", ARTICLE), ("year", f"{a.date.year:04d}")]
    if a.category and a.category in categories:
        filters.append(("category", categories[a.category]))
    if a.unit and a.unit in model.units:
        filters += [("unit", u) for u in (a.unit, *model.ancestors(a.unit))]
    return Document(a.site_path, ARTICLE, a.date.year, a.title, " ".join(p for p in parts if p),
                    shorten(a.summary or body), a.date.isoformat(), format_short(a.date, language),
                    tuple(filters))


def unit_document(model: SiteModel, unit_id: str, body_words: int, secretary: str) -> Document:
    """A unit's page: its name, short name, secretary and description."""
    unit = model.units[unit_id]
    description = plain_text((unit.description or "")[:body_words * CHARS_PER_WORD])
    parts = [unit.short_name or "", unit.secretary or "", first_words(description, body_words)]
    filters = [("type", UNIT)] + [("unit", u) for u in (unit_id, *model.ancestors(unit_id))]
    excerpt = " · ".join(p for p in (unit.secretary and f"{secretary}: {unit.secretary}", shorten(description)) if p)
    return Document(urls.unit(unit_id), UNIT, None, unit.name, " ".join(p for p in parts if p), excerpt,
                    "", "", tuple(filters))


def page_document(page, body_words: int) -> Document:
    """A standalone page (Giới thiệu, Liên hệ…): title, summary and the start of its text."""
    body = plain_text(page.body[:body_words * CHARS_PER_WORD])
    text = " ".join(p for p in (page.summary or "", first_words(body, body_words)) if p)
    return Document(page.site_path, PAGE, None, page.title, text, shorten(page.summary or body), "", "",
                    (("type", PAGE),))


def title_words(title: str) -> list[str]:
    """The folded words of a title, once each, in order."""
    return list(dict.fromkeys(_WORD.findall(fold(title))))


def page_html(doc: Document) -> str:
    """The page Pagefind reads: folded words to index, the originals only as metadata."""
    attr = lambda text: escape(text, quote=True)  # noqa: E731
    meta = [("title", doc.title), ("path", doc.path), ("excerpt", doc.excerpt), ("kind", doc.kind)]
    if doc.iso:
        meta += [("iso", doc.iso), ("date", doc.date)]
    filters = list(doc.filters)
    spans = "".join(f'<span data-pagefind-meta="{attr(k)}:{attr(v)}"></span>' for k, v in meta if v)
    spans += "".join(f'<span data-pagefind-filter="{attr(k)}:{attr(v)}"></span>' for k, v in filters)
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{attr(doc.title)}</title></head>'
            f'<body data-pagefind-body data-pagefind-sort="date:{doc.iso[:16] or NO_DATE}">{spans}'
            f'<h1 data-pagefind-weight="{TITLE_WEIGHT}">{title_slots(doc.title)}</h1>'
            f"<p>{attr(distinct_words(doc.text))}</p></body></html>")


def title_slots(title: str) -> str:
    """The title's distinct folded words, then filler up to TITLE_SLOTS words; words beyond the
    slots are dropped here (they are still in the page's text)."""
    found = title_words(title)[:TITLE_SLOTS]
    return " ".join(found + [FILLER] * (TITLE_SLOTS - len(found)))


def distinct_words(text: str) -> str:
    """The folded words of a text, each once, in order of first use. Pagefind stores every place a
    word occurs; a common syllable ("dang", "bo") occurs dozens of times per article, and those
    places are most of what a query downloads. Once per page is enough to find the page."""
    return " ".join(dict.fromkeys(_WORD.findall(fold(text))))
