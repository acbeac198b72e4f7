"""Turning page specs into bytes: one Renderer per process, built from a picklable RenderJob."""

from __future__ import annotations

import traceback
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..i18n import format_long_date, translator
from ..messages import msg
from ..problems import ContentError, InternalError, Problem, display_path
from ..site import urls as U
from ..site.model import SiteModel
from ..site.plan import PageSpec
from ..site.queries import Queries
from ..site.stats import StatsTable
from ..source.config import Footer
from . import stats_views
from .bodies import Bodies
from .environment import make_environment
from .fragments import Fragments
from .pictures import SIZES, Photos, Picture
from .views import Counts, Views


@dataclass
class RenderJob:
    """Everything a process needs to render pages; picklable, so workers can be started safely."""

    model: SiteModel
    specs: list[PageSpec]
    counts: Counts
    now: datetime
    template_folders: list[Path]
    assets: dict[str, str]          # logical name -> published path ("css/site.css" -> "assets/css/site.1a2b.css")
    counter_endpoint: str
    file_sizes: dict[str, int]    # documents under content/media (PDF, DOCX…) by NFC reference: bytes
    photos: Photos    # every image under content/media, by NFC reference ("media/2024/anh.jpg"), and its file
    table: StatsTable
    stats_pages: dict[str, dict] = field(default_factory=dict)  # path -> context of the tree and comparison pages
    markdown_salt: str = ""
    cache_dir: Path | None = None  # .bantin-cache/; None when caching is off
    asset_sources: dict[str, Any] = field(default_factory=dict)  # logical name -> output.assets.Asset


class Renderer:
    """The Jinja environment, the views and the shared fragments of one process."""

    def __init__(self, job: RenderJob, queries: Queries, bodies: Bodies,
                 bytecode_cache: jinja2.BytecodeCache | None = None):
        config = job.model.config
        self.job = job
        self.urls = U.Urls(config.base_url, config.base_path)
        self.t = translator(config.language)
        self.queries = queries
        self.bodies = bodies
        self._unit_stats: dict[str, dict] = {}
        self.views = Views(queries, self.urls, self.t, bodies.html, job.counts, job.specs, self)
        self.env = make_environment(job.template_folders, config.language, self.globals(), bytecode_cache)
        self.env.globals["side_html"] = Markup(self.env.get_template("partials/side.html").render(side=self.side()))
        self.env.globals["fragments"] = Fragments(self.env, U.section_prefixes([m["prefix"] for m in self.menu()]))

    # -- what views need from outside the model (views.Outside) --------------------------------
    def picture(self, ref: str) -> Picture | None:
        return self.job.photos.pictures.get(ref)

    def build_now(self) -> datetime:
        return self.job.now

    def counter_url(self) -> str:
        """The counter service's address ("" when there is none: polls then show without a form)."""
        return self.job.counter_endpoint.rstrip("/")

    def file_size(self, ref: str) -> int | None:
        return self.job.file_sizes.get(ref)

    def unit_stats(self, unit_id: str) -> dict:
        config = self.job.model.config
        if unit_id not in self._unit_stats:
            self._unit_stats[unit_id] = stats_views.unit_stats_view(
                self.job.table, self.job.model.units, unit_id, config.rating_scale, config.language, self.urls.url)
        return self._unit_stats[unit_id]

    def unit_stats_version(self, unit_id: str) -> Any:
        """What unit_stats_view reads: the unit, its figures, its children's, their counts by level."""
        table, units = self.job.table, self.job.model.units
        children = table.children.get(unit_id, ())
        return (units[unit_id], table.by_unit.get(unit_id, ()), children, table.sub_unit_counts.get(unit_id),
                tuple((units[c].name, units[c].level, table.latest(c)) for c in children))

    def stats_page(self, path: str) -> dict:
        return self.job.stats_pages[path]

    # -- globals every template sees -------------------------------------------------------------
    def globals(self) -> dict[str, Any]:
        """The template globals; what they hold is part of every page's key (see pipeline.salt)."""
        return {"t": self.t, "url": self.urls.url, "asset": self.asset, "site": self.site(),
                "menu": self.menu(), "footer_pages": self.footer_pages(), "links": self.links(),
                "image_sizes": SIZES}

    def asset(self, name: str) -> str:
        if name not in self.job.assets:
            raise jinja2.TemplateError(f"unknown asset `{name}`: add it under assets/")
        return self.urls.url("/" + self.job.assets[name])

    def site(self) -> dict[str, Any]:
        config, now = self.job.model.config, self.job.now
        return {"title": config.title, "language": config.language, "base_url": config.base_url,
                "base_path": config.base_path, "description": config.description, "footer": footer_view(config.footer),
                "counter": self.job.counter_endpoint,
                "today": format_long_date(now.date(), config.language), "today_iso": now.date().isoformat(),
                "year": now.year}

    def links(self) -> dict[str, str]:
        """The portal's fixed addresses, so templates never spell a path."""
        return {name: self.urls.url(path) for name, path in
                (("home", U.HOME), ("units", U.UNITS), ("archive", U.ARCHIVE), ("search", U.SEARCH),
                 ("feed", U.FEED), ("open_data_json", U.OPEN_DATA_JSON), ("open_data_csv", U.OPEN_DATA_CSV))}

    def menu(self) -> list[dict]:
        """The header's one row: the categories (the home, units and archive entries are in the template)."""
        return [{"label": label, "url": self.urls.url(U.category(cat)), "prefix": U.category(cat)}
                for cat, label in self.job.model.config.categories.items()]

    def footer_pages(self) -> list[dict]:
        """Pages with `menu:` (Giới thiệu, Liên hệ…): linked from the footer, in their `menu` order."""
        return [{"label": p.title, "url": self.urls.url(p.site_path)} for p in self.job.model.pages if p.menu is not None]

    def side(self) -> dict[str, Any]:
        config = self.job.model.config
        return {"links": [{"title": link.title, "url": self.link(link.url)} for link in config.links],
                "banners": [{"title": b.title, "url": self.link(b.url), "image": self.views.image(b.image)}
                            for b in config.banners],
                "most_read": most_read(self.job.model, self.job.counts, self.urls),
                "site_visits": self.job.counts.site_visits, "article_views": article_views(self.job.model, self.job.counts),
                "articles_prefix": U.ARTICLES, "archive_url": self.urls.url(U.ARCHIVE),
                "videos": self.views.blocks.side_videos(),
                "poll": self.views.blocks.side_poll(), "polls": self.views.blocks.polls(),
                "archive_days_url": self.urls.url(U.ARCHIVE_DAYS),
                "years": [{"year": year, "url": self.urls.url(U.archive(year))}
                          for year in sorted({k[0] for k in self.job.model.archive}, reverse=True)]}

    def link(self, url: str) -> str:
        """A link from site.yaml: "/the/x/" is a site path (under the base path), others stay as written."""
        return self.urls.url(url) if url.startswith("/") and not url.startswith("//") else url

    # -- one page ----------------------------------------------------------------------------------
    def render(self, spec: PageSpec) -> bytes:
        """The bytes of one page; a template error or a bug is reported with the page it hit."""
        try:
            context = self.views.context(spec)
            return self.env.get_template(spec.template).render(context).encode("utf-8")
        except jinja2.TemplateError as err:
            raise PageFailed(template_problem(err, spec.path)) from err
        except ContentError as err:
            raise PageFailed(err.problem) from err
        except Exception as err:  # noqa: BLE001 - a bug: say where, keep the traceback
            raise InternalError(f"while building {spec.path}", "".join(traceback.format_exception(err))) from err


def most_read(model: SiteModel, counts: Counts, urls: U.Urls) -> list[dict]:
    """"Đọc nhiều nhất" from the snapshot: the week's list, else all time; published articles only."""
    titles = {a.site_path: a.title for a in model.articles}
    items = counts.top.get("7d") or counts.top.get("all") or ()
    return [{"title": titles[path], "url": urls.url(path), "path": path, "views": views}
            for path, views in items if path in titles][:10]


def footer_view(footer: Footer) -> dict[str, str]:
    """The footer's details, with the phone number as a tel: address."""
    digits = "".join(ch for ch in footer.phone if ch.isdigit() or ch == "+")
    return {**asdict(footer), "phone_href": f"tel:{digits}" if digits else ""}


def article_views(model: SiteModel, counts: Counts) -> int | None:
    """"Số lần xem các bài viết": the snapshot's views of published articles; None without a snapshot."""
    if counts.site_visits is None:
        return None
    return sum(counts.views.get(a.site_path, 0) for a in model.articles)


class PageFailed(Exception):
    """A page could not be rendered because of a template or content problem (not a bug)."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def template_problem(err: jinja2.TemplateError, page: str) -> Problem:
    """A template error as `templates/x.html:line: message`, from the frame that raised it."""
    # Jinja's own text stays English (technical); what it is and where is the editor's language.
    if isinstance(err, jinja2.TemplateSyntaxError):
        return Problem(err.filename or err.name or "template", err.lineno or 0, "", _template_error(err.message, page))
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return Problem(display_path(Path(frame.filename)), frame.lineno or 0, "", _template_error(err, page))
    return Problem("templates", 0, "", _template_error(err, page))


def _template_error(error: object, page: str) -> str:
    return msg("template error: {error} (building {page})", error=str(error), page=page)
