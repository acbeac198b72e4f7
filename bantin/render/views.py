"""The plain data each template receives, built from the site model through `Queries`.

Templates never see the model. Trusted HTML (converted Markdown, rendered fragments) arrives as
`Markup`, so templates need no `| safe`; everything else is escaped by Jinja.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Callable, Protocol

from markupsafe import Markup

from ..i18n import format_datetime, format_long_date, format_short, month_name
from ..site import urls as U
from ..site.model import RELATED
from ..site.plan import PageSpec
from ..site.queries import Queries
from ..site.summary import first_paragraph, shorten
from ..problems import ContentError
from ..text import format_number
from .bodies import limit_error_problem
from .markup import MarkdownLimitError
from .block_views import BlockViews
from .pictures import Picture, image_view
from ..source.links import media_file
from .stats_views import level_label

PAGE_WINDOW = 2
HOME_SECONDARY = 4  # beside the lead story
HOME_LATEST = 6
HOME_BLOCK = 4  # per category: one story with its photo and three titles
FEED_ENTRIES = 20
UNIT_NEWS = 12
NOT_FOUND_LATEST = 5

Translate = Callable[..., str]
ToHtml = Callable[[str, Queries], Markup]


_OPENING = re.compile(r'(^|[\s(\[{\u2014\u2013-])"')


def curly_quotes(text: str) -> str:
    """Front-matter text with the quotes Vietnamese print uses (“ ”), as Markdown bodies get from
    smarty: a quote at the start or after a space or bracket opens, any other closes."""
    if '"' not in text:
        return text
    return _OPENING.sub(lambda m: m.group(1) + "\u201c", text).replace('"', "\u201d")


class Outside(Protocol):
    """What views need that the model does not hold: photos (sizes, copies) and the statistics views."""

    def picture(self, ref: str) -> Picture | None: ...

    def file_size(self, ref: str) -> int | None: ...

    def build_now(self) -> datetime: ...

    def counter_url(self) -> str: ...

    def unit_stats(self, unit_id: str) -> dict: ...

    def unit_stats_version(self, unit_id: str) -> Any: ...

    def stats_page(self, path: str) -> dict: ...


@dataclass(frozen=True)
class Counts:
    """View counts baked into pages from a counter snapshot."""

    site_visits: int | None = None
    views: dict[str, int] = field(default_factory=dict)
    top: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    polls: dict[str, dict[str, int]] = field(default_factory=dict)   # poll id -> option id -> votes


class Views:
    """Builds each page's context; registers the derived answers (cards, bodies) it reuses."""

    def __init__(self, q: Queries, urls: U.Urls, t: Translate, to_html: ToHtml, counts: Counts,
                 specs: list[PageSpec], outside: Outside):
        self.q, self.urls, self.t, self.to_html, self.counts = q, urls, t, to_html, counts
        self.config = q.model.config
        self.language = self.config.language
        self.specs = {spec.path: spec for spec in specs}
        self.blocks = BlockViews(self, outside)
        # Answers read from outside the model: the page plan, image files, statistics.
        q.add("spec", lambda q, path: self.specs[path], reads_model=True)
        q.add("sitemap_entries", self._sitemap_entries, reads_model=True)
        q.add("picture", lambda q, ref: outside.picture(ref), reads_model=True)
        q.add("file_size", lambda q, ref: outside.file_size(ref), reads_model=True)
        q.add("unit_stats", lambda q, unit_id: outside.unit_stats(unit_id), reads_model=True,
              version=lambda q, unit_id: outside.unit_stats_version(unit_id))
        q.add("stats_page", lambda q, path: outside.stats_page(path), reads_model=True)
        # Derived answers, shared by many pages.
        q.add("card", self._card, reads_model=False)
        q.add("feed_entry", self._feed_entry, reads_model=False)
        q.add("body", lambda q, path: self._markdown(q, q.ask("article", path), "body"), reads_model=False)
        q.add("page_body", lambda q, path: self._markdown(q, q.ask("page", path), "body"), reads_model=False)
        q.add("unit_description", self._unit_description, reads_model=False)

    def context(self, spec: PageSpec) -> dict[str, Any]:
        """The template context of one page."""
        self.q.ask("spec", spec.path)
        data = getattr(self, f"_{spec.kind}")(spec, *spec.args)
        page = {"title": spec.title, "path": spec.path, "kind": spec.kind,
                "canonical": self.urls.absolute(spec.path), "description": "", "image": None, "type": "website"}
        page.update(data.pop("page", {}))
        data["page"] = page
        return data

    # -- shared pieces -------------------------------------------------------------
    def card(self, path: str) -> dict[str, Any]:
        """An article as listings show it."""
        return self.q.ask("card", path)

    def cards(self, paths) -> list[dict[str, Any]]:
        return [self.q.ask("card", path) for path in paths]

    def _card(self, q: Queries, path: str) -> dict[str, Any]:
        a = q.ask("article", path)
        category = self.config.categories.get(a.category) if a.category else None
        return {
            "title": curly_quotes(a.title), "url": self.urls.url(a.site_path), "path": a.site_path,
            "date": format_short(a.date, self.language), "iso": a.date.isoformat(),
            "summary": curly_quotes(a.summary or first_paragraph(a.body)),
            "image": self.image(a.image or (a.video.poster if a.video else None)), "image_caption": curly_quotes(a.image_caption or ""),
            "image_credit": a.image_credit or "",
            "category": {"label": category, "url": self.urls.url(U.category(a.category))} if category else None,
            "views": self.views_text(a.site_path),
        }

    def _feed_entry(self, q: Queries, path: str) -> dict[str, Any]:
        a = q.ask("article", path)
        return {**q.ask("card", path), "absolute": self.urls.absolute(path), "author": a.author,
                "updated": a.date.isoformat()}

    def image(self, ref: str | None) -> dict | None:
        """An image from content/media as templates show it (partials/picture.html): the URL of a copy
        of fitting size, its size as shown, the srcsets of its resized copies."""
        if not ref:
            return None
        return image_view(self.q.ask("picture", media_file(ref)), media_file(ref), self.urls.url, self.urls.absolute)

    def views_text(self, path: str) -> str:
        """A baked view count; "" (and the label hidden) until there is at least one view."""
        value = self.counts.views.get(path)
        return format_number(value, self.language) if value else ""

    def unit_link(self, unit_id: str) -> dict:
        unit = self.q.ask("unit", unit_id)
        return {"id": unit_id, "name": unit.name, "short_name": unit.short_name, "url": self.urls.url(U.unit(unit_id))}

    def _unit_description(self, q: Queries, unit_id: str) -> Markup:
        unit = q.ask("unit", unit_id)
        return self._markdown(q, unit, "description") if unit.description else Markup("")

    def _markdown(self, q: Queries, source: Any, field_name: str) -> Markup:
        """HTML of an article's or page's body or a unit's description."""
        text = source.body if field_name == "body" else source.description
        try:
            return self.to_html(text, q)
        except MarkdownLimitError as error:  # validation refuses these first; this is the safety net
            first = source.body_line if field_name == "body" else source.lines.get("description", 1)
            raise ContentError(limit_error_problem(error, source.path, first, field_name)) from None

    def pagination(self, make_path: Callable[[int], str], current: int, total: int) -> dict | None:
        if total <= 1:
            return None
        window = range(max(1, current - PAGE_WINDOW), min(total, current + PAGE_WINDOW) + 1)
        numbers = sorted({1, total, *window})
        return {"current": current, "total": total,
                "prev": self.urls.url(make_path(current - 1)) if current > 1 else None,
                "next": self.urls.url(make_path(current + 1)) if current < total else None,
                "pages": [{"n": n, "url": self.urls.url(make_path(n))} for n in numbers]}

    def slice(self, listing: tuple[str, ...], page_no: int) -> list[dict]:
        size = self.config.per_page
        return self.cards(listing[(page_no - 1) * size: page_no * size])

    # -- page kinds ------------------------------------------------------------------
    def _home(self, spec: PageSpec) -> dict:
        cfg = self.config
        latest = self.q.ask("latest", HOME_LATEST + HOME_SECONDARY + 1)
        lead, secondary = self._top_stories(self.q.ask("featured"), latest)
        shown = {card["path"] for card in [lead, *secondary] if card}
        newest = [path for path in latest if path not in shown][:HOME_LATEST]
        shown.update(newest)
        blocks = []
        for cat, label in cfg.categories.items():
            items = [p for p in self.q.ask("listing", "category", cat) if p not in shown][:HOME_BLOCK]
            shown.update(items)
            if items:
                blocks.append({"label": label, "url": self.urls.url(U.category(cat)), "items": self.cards(items)})
        return {"lead": lead, "secondary": secondary, "latest": self.cards(newest), "blocks": blocks,
                "units": [self.unit_link(u) for u in self.q.ask("children", cfg.root_unit)],
                "page": {"description": cfg.description or cfg.title}}

    def _top_stories(self, featured: tuple[str, ...], latest: tuple[str, ...]) -> tuple[dict | None, list[dict]]:
        """The lead (the first featured article with a photo, else the newest with one) and up to
        HOME_SECONDARY secondary stories: the other featured ones, topped up with the newest."""
        candidates = self.cards(featured) or self.cards(latest[:HOME_LATEST])
        lead = next((c for c in candidates if c["image"]), candidates[0] if candidates else None)
        rest = [c for c in self.cards(featured) if lead and c["path"] != lead["path"]][:HOME_SECONDARY]
        taken = {c["path"] for c in [lead, *rest] if c}
        rest += [c for c in self.cards(latest) if c["path"] not in taken][:HOME_SECONDARY - len(rest)]
        return lead, rest

    def _article(self, spec: PageSpec, path: str) -> dict:
        a = self.q.ask("article", path)
        card = self.card(path)
        other = self.q.ask("other_news", path)
        shown = set(other)
        related = [p for p in self.q.ask("related", path) if p not in shown][:RELATED]
        return {
            "article": {**card, "long_date": format_datetime(a.date, self.language),
                        "body": self.q.ask("body", path), "author": a.author, "source": a.source,
                        "unit": self.unit_link(a.unit) if a.unit else None,
                        "tags": [{"label": tag.label, "url": self.urls.url(U.tag(tag.slug))} for tag in a.tags],
                        "absolute": self.urls.absolute(a.site_path),
                        "image_absolute": card["image"]["absolute"] if card["image"] else None,
                        **self.blocks.item_blocks(a)},
            "other_news": self.cards(other),
            "other_news_url": self.urls.url(U.category(a.category)) if a.category else None,
            "related": self.cards(related),
            "page": {"description": card["summary"], "type": "article", "image": card["image"]},
        }

    def _category(self, spec: PageSpec, cat: str, page_no: int, total: int) -> dict:
        listing = self.q.ask("listing", "category", cat)
        return {"heading": spec.title, "items": self.slice(listing, page_no),
                "pagination": self.pagination(lambda n: U.category(cat, n), page_no, total),
                "feed": self.urls.url(U.category_feed(cat)),
                "page": {"title": self._paged_title(spec.title, page_no)}}

    def _tag(self, spec: PageSpec, slug: str, page_no: int, total: int) -> dict:
        heading = self.t("tag", tag=spec.title)
        return {"heading": heading, "items": self.slice(self.q.ask("listing", "tag", slug), page_no),
                "pagination": self.pagination(lambda n: U.tag(slug, n), page_no, total), "feed": None,
                "page": {"title": self._paged_title(heading, page_no)}}

    def _videos(self, spec: PageSpec, page_no: int, total: int) -> dict:
        return self.blocks.videos_page(page_no, total)

    def _paged_title(self, title: str, page_no: int) -> str:
        return title if page_no == 1 else f"{title} – {self.t('page_n', n=page_no)}"

    def _unit(self, spec: PageSpec, unit_id: str) -> dict:
        unit = self.q.ask("unit", unit_id)
        news = self.q.ask("listing", "unit", unit_id)
        return {"unit": {**self.unit_link(unit_id), "level": level_label(unit.level, self.t, unit.name),
                         "secretary": unit.secretary,
                         "description": self.q.ask("unit_description", unit_id),
                         "parents": [self.unit_link(p) for p in self.q.ask("ancestors", unit_id)],
                         "children": [self.unit_link(c) for c in self.q.ask("children", unit_id)]},
                "stats": self.q.ask("unit_stats", unit_id),
                "news": self.cards(news[:UNIT_NEWS]),
                "feed": self.urls.url(U.unit_feed(unit_id)),
                "page": {"description": shorten(" ".join(unit.description.split()), 200) or unit.name}}

    def _units(self, spec: PageSpec) -> dict:
        return dict(self.q.ask("stats_page", spec.path))

    def _compare(self, spec: PageSpec) -> dict:
        return dict(self.q.ask("stats_page", spec.path))

    def _archive(self, spec: PageSpec, *key: int) -> dict:
        t, level = self.t, len(key)
        title = (t("archive") if level == 0 else t("archive_year", year=key[0]) if level == 1 else
                 t("archive_month", month=key[1], year=key[0]) if level == 2 else
                 t("archive_day", day=key[2], month=key[1], year=key[0]))
        periods = self.q.ask("archive_periods", max(level, 1))
        children = self.q.ask("archive_periods", level + 1) if level < 3 else ()
        children = [k for k in children if k[:level] == key]
        entries = [{"label": self._period_label(k), "url": self.urls.url(U.archive(*k)),
                    "count": len(self.q.ask("listing", "archive", k))}
                   for k in (reversed(children) if level < 2 else children)]
        items = self.cards(self.q.ask("listing", "archive", key)) if level >= 2 else []
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

    def _period_nav(self, periods: tuple[tuple[int, ...], ...], key: tuple[int, ...]) -> dict:
        index = periods.index(key)

        def link(k: tuple[int, ...]) -> dict:
            label = self._period_label(k) if len(k) != 2 else self.t("archive_month", month=k[1], year=k[0])
            return {"label": label, "url": self.urls.url(U.archive(*k))}

        return {"prev": link(periods[index - 1]) if index > 0 else None,
                "next": link(periods[index + 1]) if index + 1 < len(periods) else None}

    def _page(self, spec: PageSpec, path: str) -> dict:
        p = self.q.ask("page", path)
        return {"body": self.q.ask("page_body", path), "heading": p.title, "item": self.blocks.item_blocks(p),
                "page": {"description": p.summary or first_paragraph(p.body)}}

    def _search(self, spec: PageSpec) -> dict:
        return {"page": {"title": self.t("search")},
                "categories": [{"id": c, "label": l} for c, l in self.config.categories.items()]}

    def _notfound(self, spec: PageSpec) -> dict:
        return {"page": {"title": self.t("not_found_title")},
                "latest": self.cards(self.q.ask("latest", NOT_FOUND_LATEST))}

    def _feed(self, spec: PageSpec, scope: str, key: str | None) -> dict:
        spec = replace(spec, title=self.t("videos")) if scope == "video" else spec
        paths = (self.q.ask("latest", FEED_ENTRIES) if scope == "site" else
                 self.q.ask("listing", scope, key)[:FEED_ENTRIES])
        entries = [self.q.ask("feed_entry", path) for path in paths]
        html_path = (U.HOME if scope == "site" else U.category(key) if scope == "category" else
                     U.videos() if scope == "video" else U.unit(key))
        updated = entries[0]["updated"] if entries else "1970-01-01T00:00:00+00:00"
        return {"feed": {"title": spec.title if scope == "site" else f"{spec.title} – {self.config.title}",
                         "id": self.urls.absolute(spec.path), "self": self.urls.absolute(spec.path),
                         "alternate": self.urls.absolute(html_path), "updated": updated, "entries": entries}}

    def _robots(self, spec: PageSpec) -> dict:
        return {"sitemap": self.urls.absolute(U.SITEMAP)}

    def _sitemap(self, spec: PageSpec) -> dict:
        return {"urls": [{"loc": self.urls.absolute(path), "lastmod": lastmod}
                         for path, lastmod in self.q.ask("sitemap_entries")]}

    def _sitemap_entries(self, q: Queries) -> tuple[tuple[str, str | None], ...]:
        dates = {a.site_path: a.date.date().isoformat() for a in q.model.articles}
        return tuple((path, dates.get(path)) for path, spec in self.specs.items() if spec.is_html_page)
