"""What exists in the built site (the page plan) and the plain data each template receives."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from ..site import urls as U
from ..source.articles import Article, Page
from ..i18n import format_datetime, format_long_date, format_short, month_name
from .markup import RENDERER_VERSION, MarkdownRenderer
from ..incremental.mdcache import MarkdownCache
from ..site.model import RELATED, SiteModel
from ..site.summary import first_paragraph, shorten
from ..text import format_number

PAGE_WINDOW = 2


@dataclass(frozen=True)
class PageSpec:
    """One output file: its site path, template, and the key the view needs to fill it."""

    path: str
    kind: str
    template: str
    title: str
    args: tuple = ()
    context: dict | None = None  # ready-made context (statistics pages)


@dataclass(frozen=True)
class Counts:
    """View counts baked into pages from a counter snapshot."""

    site_visits: int | None = None
    views: dict[str, int] = field(default_factory=dict)
    top: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)


def pages_of(count: int, per_page: int) -> int:
    return max(1, math.ceil(count / per_page))


def plan(model: SiteModel, extra: list[PageSpec]) -> list[PageSpec]:
    """Every page of the URL scheme for this model, in a deterministic order."""
    cfg, specs = model.config, [PageSpec("/", "home", "home.html", model.config.title)]
    specs += [PageSpec(a.site_path, "article", "article.html", a.title, (a,)) for a in model.articles]
    for cat, label in cfg.categories.items():
        listing = model.by_category.get(cat, ())
        total = pages_of(len(listing), cfg.per_page)
        specs += [PageSpec(U.category(cat, n), "category", "listing.html", label, (cat, n, total))
                  for n in range(1, total + 1)]
        specs.append(PageSpec(f"/chuyen-muc/{cat}/feed.xml", "feed", "feed.xml", label, ("category", cat)))
    for slug, tag in sorted(model.tags.items()):
        total = pages_of(len(model.by_tag[slug]), cfg.per_page)
        specs += [PageSpec(U.tag(slug, n), "tag", "listing.html", tag.label, (slug, n, total))
                  for n in range(1, total + 1)]
    for unit_id in sorted(model.units):
        name = model.units[unit_id].name
        specs.append(PageSpec(U.unit(unit_id), "unit", "unit.html", name, (unit_id,)))
        specs.append(PageSpec(f"/don-vi/{unit_id}/feed.xml", "feed", "feed.xml", name, ("unit", unit_id)))
    specs.append(PageSpec(U.archive(), "archive", "archive.html", "", ()))
    specs += [PageSpec(U.archive(*key), "archive", "archive.html", "", key) for key in sorted(model.archive)]
    specs += [PageSpec(p.site_path, "page", "page.html", p.title, (p,)) for p in model.pages]
    specs += [PageSpec("/tim-kiem/", "search", "search.html", ""),
              PageSpec("/404.html", "notfound", "404.html", ""),
              PageSpec("/feed.xml", "feed", "feed.xml", cfg.title, ("site", None)),
              PageSpec("/robots.txt", "robots", "robots.txt", ""),
              PageSpec("/sitemap.xml", "sitemap", "sitemap.xml", "")]
    return specs + extra


class Views:
    """Builds each page's context from the model; one per process, caching article cards."""

    def __init__(self, model: SiteModel, urls: U.Urls, t: Callable[..., str], markdown: MarkdownRenderer,
                 md_cache: MarkdownCache, counts: Counts, related: Callable[[Article], tuple[Article, ...]],
                 unit_stats: Callable[[str], dict], specs: list[PageSpec]):
        self.model, self.urls, self.t, self.md = model, urls, t, markdown
        self.md_cache, self.counts, self.related, self.unit_stats = md_cache, counts, related, unit_stats
        self.language = model.config.language
        self.specs = specs
        # Everything besides the text that shapes a document's HTML: the cache key must change with it
        # (a replaced photo has other dimensions; another language other labels).
        media = markdown.media
        self._md_salt = hashlib.sha1(repr((RENDERER_VERSION, media.base_path, media.table_label, media.footnote_back,
                                           sorted(media.sizes.items()))).encode()).hexdigest()
        self._cards: dict[str, dict] = {}
        self._periods: dict[int, list[tuple[int, ...]]] = {1: [], 2: [], 3: []}
        self._children_of: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
        for key in sorted(model.archive):
            self._periods[len(key)].append(key)
            self._children_of.setdefault(key[:-1], []).append(key)

    def context(self, spec: PageSpec) -> dict[str, Any]:
        """The template context of one page."""
        if spec.context is not None:
            data = dict(spec.context)
        else:
            data = getattr(self, f"_{spec.kind}")(spec, *spec.args)
        page = {"title": spec.title, "path": spec.path, "kind": spec.kind,
                "canonical": self.urls.absolute(spec.path), "description": "", "image": None, "type": "website"}
        page.update(data.pop("page", {}))
        data["page"] = page
        return data

    # -- shared pieces -------------------------------------------------------------
    def markdown(self, text: str) -> str:
        """HTML of a Markdown text, from the cache when the same text was rendered before."""
        key = hashlib.sha1(f"{self._md_salt}\0{text}".encode()).hexdigest()
        html = self.md_cache.get(key)
        if html is None:
            html = self.md.convert(text)
            self.md_cache.put(key, html)
        return html

    def card(self, a: Article) -> dict[str, Any]:
        """An article as listings show it."""
        cached = self._cards.get(a.site_path)
        if cached is None:
            cached = self._cards[a.site_path] = self._make_card(a)
        return cached

    def _make_card(self, a: Article) -> dict[str, Any]:
        cfg = self.model.config
        return {
            "title": a.title, "url": self.urls.url(a.site_path), "path": a.site_path,
            "date": format_short(a.date, self.language), "iso": a.date.isoformat(),
            "summary": a.summary or first_paragraph(a.body),
            "image": self.image(a.image), "image_caption": a.image_caption or "",
            "category": {"label": cfg.categories[a.category], "url": self.urls.url(U.category(a.category))}
            if a.category else None,
            "views": self.views_text(a.site_path),
        }

    def image(self, ref: str | None) -> dict | None:
        if not ref:
            return None
        size = self.md_sizes().get(ref.lstrip("/"))
        return {"url": self.urls.url("/" + ref.lstrip("/")), "width": size[0] if size else None,
                "height": size[1] if size else None}

    def md_sizes(self) -> dict[str, tuple[int, int]]:
        return self.md.media.sizes

    def views_text(self, path: str) -> str:
        value = self.counts.views.get(path)
        return format_number(value, self.language) if value is not None else ""

    def pagination(self, make_url: Callable[[int], str], current: int, total: int) -> dict | None:
        if total <= 1:
            return None
        window = range(max(1, current - PAGE_WINDOW), min(total, current + PAGE_WINDOW) + 1)
        numbers = sorted({1, total, *window})
        return {"current": current, "total": total,
                "prev": self.urls.url(make_url(current - 1)) if current > 1 else None,
                "next": self.urls.url(make_url(current + 1)) if current < total else None,
                "pages": [{"n": n, "url": self.urls.url(make_url(n))} for n in numbers]}

    def slice(self, listing, page_no: int) -> list[dict]:
        size = self.model.config.per_page
        return [self.card(a) for a in listing[(page_no - 1) * size: page_no * size]]

    # -- page kinds ------------------------------------------------------------------
    def _home(self, spec: PageSpec) -> dict:
        cfg, latest = self.model.config, self.model.articles
        blocks = [{"label": label, "url": self.urls.url(U.category(cat)),
                   "items": [self.card(a) for a in self.model.by_category.get(cat, ())[:5]]}
                  for cat, label in cfg.categories.items() if self.model.by_category.get(cat)]
        root = cfg.root_unit
        units = self.model.children.get(root, ()) if root else self.model.roots
        return {"featured": self.card(latest[0]) if latest else None,
                "latest": [self.card(a) for a in latest[1:9]], "blocks": blocks,
                "units": [self.unit_link(u) for u in units],
                "page": {"description": cfg.description or cfg.title}}

    def unit_link(self, unit_id: str) -> dict:
        unit = self.model.units[unit_id]
        return {"id": unit_id, "name": unit.name, "short_name": unit.short_name,
                "url": self.urls.url(U.unit(unit_id))}

    def _article(self, spec: PageSpec, a: Article) -> dict:
        card = self.card(a)
        body = self.markdown(a.body)
        return {
            "article": {**card, "long_date": format_datetime(a.date, self.language), "body": body,
                        "author": a.author, "source": a.source,
                        "unit": self.unit_link(a.unit) if a.unit else None,
                        "tags": [{"label": t.label, "url": self.urls.url(U.tag(t.slug))} for t in a.tags],
                        "absolute": self.urls.absolute(a.site_path),
                        "image_absolute": self.urls.absolute("/" + a.image.lstrip("/")) if a.image else None},
            "other_news": [self.card(o) for o in self.model.other_news(a)],
            "other_news_url": self.urls.url(U.category(a.category)) if a.category else None,
            "related": [self.card(r) for r in self.related(a)][:RELATED],
            "page": {"description": card["summary"], "type": "article", "image": card["image"]},
        }

    def _category(self, spec: PageSpec, cat: str, page_no: int, total: int) -> dict:
        listing = self.model.by_category.get(cat, ())
        return {"heading": spec.title, "items": self.slice(listing, page_no),
                "pagination": self.pagination(lambda n: U.category(cat, n), page_no, total),
                "feed": self.urls.url(f"/chuyen-muc/{cat}/feed.xml"),
                "page": {"title": self._paged_title(spec.title, page_no)}}

    def _tag(self, spec: PageSpec, slug: str, page_no: int, total: int) -> dict:
        heading = self.t("tag", tag=spec.title)
        return {"heading": heading, "items": self.slice(self.model.by_tag[slug], page_no),
                "pagination": self.pagination(lambda n: U.tag(slug, n), page_no, total), "feed": None,
                "page": {"title": self._paged_title(heading, page_no)}}

    def _paged_title(self, title: str, page_no: int) -> str:
        return title if page_no == 1 else f"{title} – {self.t('page_n', n=page_no)}"

    def _unit(self, spec: PageSpec, unit_id: str) -> dict:
        unit = self.model.units[unit_id]
        news = self.model.unit_news(unit_id)
        return {"unit": {**self.unit_link(unit_id), "level": unit.level, "secretary": unit.secretary,
                         "description": self.markdown(unit.description) if unit.description else "",
                         "parents": [self.unit_link(p) for p in self.model.ancestors(unit_id)],
                         "children": [self.unit_link(c) for c in self.model.children.get(unit_id, ())]},
                "stats": self.unit_stats(unit_id),
                "news": [self.card(a) for a in news[:12]],
                "feed": self.urls.url(f"/don-vi/{unit_id}/feed.xml"),
                "page": {"description": shorten(" ".join(unit.description.split()), 200) or unit.name}}

    def _archive(self, spec: PageSpec, *key: int) -> dict:
        archive, t = self.model.archive, self.t
        level = len(key)
        title = (t("archive") if level == 0 else t("archive_year", year=key[0]) if level == 1 else
                 t("archive_month", month=key[1], year=key[0]) if level == 2 else
                 t("archive_day", day=key[2], month=key[1], year=key[0]))
        periods = self._periods[max(level, 1)]
        children = self._children_of.get(key, [])
        entries = [{"label": self._period_label(k), "url": self.urls.url(U.archive(*k)),
                    "count": len(archive[k])} for k in (reversed(children) if level < 2 else children)]
        items = [self.card(a) for a in archive.get(key, ())] if level >= 2 else []
        return {"heading": title, "level": level, "entries": entries, "items": items,
                "breadcrumb": [{"label": self._period_label(key[:i]), "url": self.urls.url(U.archive(*key[:i]))}
                               for i in range(level)],
                "nav": self._period_nav(periods, key) if level else None,
                "page": {"title": title}}

    def _period_label(self, key: tuple[int, ...]) -> str:
        if not key:
            return self.t("archive")
        if len(key) == 1:
            return self.t("archive_year", year=key[0])
        if len(key) == 2:
            return month_name(key[1], self.language)
        return format_long_date(datetime(*key).date(), self.language)

    def _period_nav(self, periods: list[tuple[int, ...]], key: tuple[int, ...]) -> dict:
        index = periods.index(key)
        link = lambda k: {"label": self._period_label(k) if len(k) != 2 else
                          self.t("archive_month", month=k[1], year=k[0]), "url": self.urls.url(U.archive(*k))}
        return {"prev": link(periods[index - 1]) if index > 0 else None,
                "next": link(periods[index + 1]) if index + 1 < len(periods) else None}

    def _page(self, spec: PageSpec, p: Page) -> dict:
        return {"body": self.markdown(p.body), "heading": p.title,
                "page": {"description": p.summary or first_paragraph(p.body)}}

    def _search(self, spec: PageSpec) -> dict:
        return {"page": {"title": self.t("search")},
                "categories": [{"id": c, "label": l} for c, l in self.model.config.categories.items()],
                "archive_url": self.urls.url(U.archive())}

    def _notfound(self, spec: PageSpec) -> dict:
        return {"page": {"title": self.t("not_found_title")},
                "latest": [self.card(a) for a in self.model.articles[:5]]}

    def _feed(self, spec: PageSpec, scope: str, key: str | None) -> dict:
        model = self.model
        items = (model.articles if scope == "site" else model.by_category.get(key, ()) if scope == "category"
                 else model.unit_news(key))[:20]
        entries = [{**self.card(a), "absolute": self.urls.absolute(a.site_path), "author": a.author,
                    "updated": a.date.isoformat()} for a in items]
        html_path = "/" if scope == "site" else U.category(key) if scope == "category" else U.unit(key)
        updated = items[0].date.isoformat() if items else "1970-01-01T00:00:00+00:00"
        return {"feed": {"title": spec.title if scope == "site" else f"{spec.title} – {model.config.title}",
                         "id": self.urls.absolute(spec.path), "self": self.urls.absolute(spec.path),
                         "alternate": self.urls.absolute(html_path), "updated": updated, "entries": entries}}

    def _robots(self, spec: PageSpec) -> dict:
        return {"sitemap": self.urls.absolute("/sitemap.xml")}

    def _sitemap(self, spec: PageSpec) -> dict:
        dates = {a.site_path: a.date.date().isoformat() for a in self.model.articles}
        html = [s for s in self.specs if s.path.endswith("/")]
        return {"urls": [{"loc": self.urls.absolute(s.path), "lastmod": dates.get(s.path)} for s in html]}
