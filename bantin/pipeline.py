"""The build: load → validate → model → render → write, all or nothing."""

from __future__ import annotations

import json
import os
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import jinja2
from markupsafe import Markup

from .site import stats
from .site import urls as U
from .output.assets import Asset, collect
from .counter.snapshot import SnapshotError, load_snapshot
from .render.fragments import Fragments
from .i18n import format_long_date, translator
from .source.load import Content, ParseCache, load
from .render.markup import MarkdownRenderer, MediaInfo
from .output.media import image_sizes
from .text import nfc
from .site.model import SiteModel, build_model, related_finder
from .incremental.mdcache import open_cache
from .incremental.pagekeys import PageKeys, fingerprint, open_keys
from .incremental.parallel import render_all
from .problems import BuildFailed, Problem, display_path
from .render.environment import make_environment, template_folders
from .render.views import Counts, PageSpec, Views, plan
from .output.writer import Stage, abandon, commit, open_stage

BUILTIN_ASSETS = Path(__file__).resolve().parents[1] / "assets"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Options:
    """Everything a build needs to know; the CLI fills it from arguments."""

    content: Path
    out: Path
    templates: Path | None = None
    assets: Path | None = None
    drafts: bool = False
    jobs: int = 0
    base_url: str | None = None
    counts: Path | None = None
    counter_endpoint: str | None = None
    strict: bool = False
    cache_dir: Path | None = None
    now: datetime | None = None
    search: bool = True


@dataclass
class Report:
    """What a build did, for the summary line."""

    pages: int = 0
    written: int = 0
    unchanged: int = 0
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


def check(options: Options, cache: ParseCache | None = None) -> tuple[Content | None, list[Problem]]:
    """Validate the content tree and its statistics; nothing is written. `cache` spares unchanged files."""
    content, problems = load(options.content, cache)
    if content is not None:
        table = stats.compute(content.units, content.config.rating_scale)
        warnings = stats.check(content.units, table, content.config.rating_scale)
        if options.strict:
            warnings = [Problem(w.path, w.line, w.field, w.message, w.hint, "error") for w in warnings]
        problems = problems + warnings
        if any(p.severity == "error" for p in warnings):
            content = None
    return content, problems


def build_time(options: Options, tz) -> datetime:
    """`now` for publishing decisions and the header date; SOURCE_DATE_EPOCH makes builds reproducible."""
    if options.now is not None:
        return options.now.astimezone(tz)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), timezone.utc).astimezone(tz)
    return datetime.now(tz)


def build(options: Options, progress: Progress | None = None, cache: ParseCache | None = None) -> Report:
    """Build the site into `options.out`; raise BuildFailed (leaving the old output) on any error.

    `cache` keeps parsed source files between the builds of one process (serve)."""
    started = time.perf_counter()
    content, problems = check(options, cache)
    if content is None:
        raise BuildFailed([p for p in problems if p.severity == "error"])
    config = content.config.with_base_url(options.base_url) if options.base_url else content.config
    content = Content(content.root, config, content.units, content.articles, content.pages, content.media)
    now = build_time(options, config.tz)
    model = build_model(content, now, options.drafts)
    counts = read_counts(options, config)
    stage = open_stage(options.out)
    try:
        report, keys = _render_site(options, model, counts, now, stage, progress)
        commit(stage)
    except BaseException:
        abandon(stage)
        raise
    keys.save()
    report.warnings = [p for p in problems if p.severity != "error"]
    report.seconds = time.perf_counter() - started
    return report


def read_counts(options: Options, config) -> Counts:
    """View counts from the snapshot named on the command line or in site.yaml, if any."""
    path = options.counts or (options.content / config.counter_snapshot if config.counter_snapshot else None)
    if path is None:
        return Counts()
    try:
        snap = load_snapshot(path)
    except (SnapshotError, OSError) as err:
        raise BuildFailed([Problem(display_path(path), 0, "", f"cannot use the counter snapshot: {err}",
                                   "export a fresh one with GET /api/export")])
    top = {period: tuple((item.path, item.views) for item in items) for period, items in snap.top.items()}
    return Counts(snap.site_visits, dict(snap.views), top)


def _render_site(options: Options, model: SiteModel, counts: Counts, now: datetime, stage: Stage,
                 progress: Progress | None) -> tuple[Report, PageKeys]:
    from .output import opendata  # rendering-only modules; `check` does not need them
    from .render import stats_views

    config = model.config
    urls = U.Urls(config.base_url, config.base_path)
    t = translator(config.language)
    assets = collect([BUILTIN_ASSETS] + ([options.assets] if options.assets else []))
    sizes = image_sizes(model.content.root, model.content.media)
    markdown = MarkdownRenderer(MediaInfo(config.base_path, sizes, t("table"), t("footnote_back")))
    table = stats.compute(model.units, config.rating_scale)
    stat_pages = stats_views.stats_pages(table, model.units, config.rating_scale, config.language, urls.url)
    extra = [PageSpec(p.path, p.kind, p.template, p.title, (), p.context) for p in stat_pages]
    specs = plan(model, extra)
    md_cache = open_cache(options.cache_dir / "markdown" if options.cache_dir else None)
    views = Views(model, urls, t, markdown, md_cache, counts, related_finder(model),
                  lambda unit_id: stats_views.unit_stats_view(table, model.units, unit_id, config.rating_scale,
                                                              config.language, urls.url), specs)
    env = _environment(options, model, urls, t, assets, counts, views, now)
    shared = {name: env.globals[name] for name in ("site", "menu", "side_html")}
    shared["assets"] = {name: a.output for name, a in assets.items()}
    keys = open_keys(options.cache_dir, options.out, fingerprint(template_folders(options.templates), shared))
    md_new, md_used = render_all(env, views, specs, stage, keys, options.jobs, progress)
    for asset in assets.values():
        stage.copy(asset.source, asset.output)
    for name in model.content.media:
        stage.copy(model.content.root / name, nfc(name))  # published under the NFC name pages link to
    for name, data in opendata.open_data_files(table, model.units, config.rating_scale).items():
        stage.write(name, data)
    stage.write("_bantin/pages.json", page_manifest(config.base_url, specs))
    if options.search:
        from .output.search import index_site
        index_site(stage.path, config.language)
    mine_new, mine_used = md_cache.take()  # anything converted here rather than in a worker
    md_cache.save({**md_new, **mine_new}, md_used | mine_used)
    return Report(pages=len(specs), written=stage.written, unchanged=stage.unchanged), keys


def _environment(options: Options, model: SiteModel, urls: U.Urls, t, assets: dict[str, Asset],
                 counts: Counts, views: Views, now: datetime) -> jinja2.Environment:
    config = model.config

    def asset(name: str) -> str:
        if name not in assets:
            raise jinja2.TemplateError(f"unknown asset `{name}`: add it under assets/")
        return urls.url("/" + assets[name].output)

    site = {"title": config.title, "language": config.language, "base_url": config.base_url,
            "base_path": config.base_path, "description": config.description, "footer": config.footer,
            # "" (serve --no-counter, or a local counter) must not fall back to site.yaml's production one.
            "counter": options.counter_endpoint if options.counter_endpoint is not None
            else config.counter_endpoint or "",
            "today": format_long_date(now.date(), config.language), "today_iso": now.date().isoformat(),
            "year": now.year}
    env = make_environment(template_folders(options.templates), config.language,
                           {"t": t, "url": urls.url, "asset": asset, "site": site, "menu": _menu(model, urls)})
    side = {"links": [{"title": l.title, "url": l.url} for l in config.links],
            "banners": [{"title": b.title, "url": _link(b.url, urls), "image": views.image(b.image)}
                        for b in config.banners],
            "most_read": most_read(model, counts, urls),
            "site_visits": counts.site_visits, "archive_url": urls.url(U.archive()),
            "years": sorted({k[0] for k in model.archive}, reverse=True)}
    env.globals["side_html"] = Markup(env.get_template("partials/side.html").render(side=side))
    env.globals["fragments"] = Fragments(env, [item["prefix"] for item in env.globals["menu"]])
    return env


def _link(url: str, urls: U.Urls) -> str:
    """Links in site.yaml written as "/the/x/" are site paths: put them under the base path."""
    return urls.url(url) if url.startswith("/") and not url.startswith("//") else url


def _menu(model: SiteModel, urls: U.Urls) -> list[dict]:
    config = model.config
    items = [{"label": label, "url": urls.url(U.category(cat)), "prefix": U.category(cat)}
             for cat, label in config.categories.items()]
    items += [{"label": p.title, "url": urls.url(p.site_path), "prefix": p.site_path}
              for p in model.pages if p.menu is not None]
    return items


def most_read(model: SiteModel, counts: Counts, urls: U.Urls) -> list[dict]:
    """"Đọc nhiều nhất" from the snapshot: the week's list, else all time; published articles only."""
    titles = {a.site_path: a.title for a in model.articles}
    items = counts.top.get("7d") or counts.top.get("all") or ()
    return [{"title": titles[path], "url": urls.url(path), "path": path, "views": views}
            for path, views in items if path in titles][:10]


def page_manifest(base_url: str, specs: list[PageSpec]) -> bytes:
    """site/_bantin/pages.json: the pages the counter may count (see docs/contracts.md)."""
    pages = []
    for spec in specs:
        if spec.path.endswith("/"):
            entry = {"path": spec.path, "title": spec.title, "kind": spec.kind}
            if spec.kind == "article":
                entry["date"] = spec.args[0].date.isoformat()
            pages.append(entry)
    pages.sort(key=lambda p: p["path"])
    return json.dumps({"version": 1, "base_url": base_url, "pages": pages}, ensure_ascii=False,
                      sort_keys=True, indent=1).encode("utf-8")


def template_problem(err: BaseException) -> Problem:
    """A template error as `templates/x.html:line: message`, from the frame that raised it."""
    if isinstance(err, jinja2.TemplateSyntaxError):
        return Problem(err.filename or err.name or "template", err.lineno or 0, "", f"template error: {err.message}")
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return Problem(display_path(Path(frame.filename)), frame.lineno or 0, "", f"template error: {err}")
    return Problem("templates", 0, "", f"template error: {err}")
