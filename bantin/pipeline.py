"""The build: load → model → plan → render → write, all or nothing. This module only sequences.

source/ reads and validates the content; site/ makes the model, the plan of pages and the
statistics; render/ turns specs into bytes; output/ writes them (and assets, media, open data,
the search index) beside or over the previous build; incremental/ decides what need not be
rendered again. Nothing is kept in module globals between builds.
"""

from __future__ import annotations

import os
import json
import tempfile
import time
import weakref
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .counter.snapshot import SnapshotError, load_snapshot
from .incremental.facts import Memo, TrackedQueries, load_memo, load_stamps, save_memo, save_stamps
from .incremental.keys import digest_value, environment_digest, folder_digest
from .incremental.mdcache import MarkdownCache, open_cache
from .incremental.pages import render_first, split_current
from .incremental.parallel import WorkerSetup, render_pages
from .incremental.templates import template_cache
from .incremental.store import CacheFiles
from .incremental.unchanged import Shortcut, load_parsed, parsed_key, remembered_digests, save_parsed
from .output import assets as assets_out
from .output import manifest, opendata
from .output import images
from .output.writer import Stage, Update, abandon, check_out_folder, commit, open_output
from .messages import msg
from .problems import BuildFailed, Problem, display_path
from .render import stats_views
from .render.bodies import Bodies
from .render.environment import BUILTIN_TEMPLATES, template_folders
from .render.markup import MediaInfo
from .render.poll_views import polls_file
from .site.urls import POLLS as U_POLLS
from .render.media_blocks import Labels, document_type
from .render.renderer import RenderJob, Renderer
from .render.views import Counts
from .site import stats
from .site.model import build_model
from .site.plan import PageSpec, plan
from .site.queries import Queries
from .site.urls import Urls, output_file
from .source.load import Content, ParseCache, load
from .source.links import linked_media
from .text import nfc
from .i18n import translator
from .builtin import ASSETS as BUILTIN_ASSETS, PROJECT_ROOT

Progress = Callable[[int, int], None]
IN_PLACE_SHARE = 0.2  # above this share of pages to render, a full staging folder is quicker and atomic


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
    rendered: int = 0
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    in_place: bool = False


@dataclass
class Session:
    """What one process keeps between its builds (`serve`): parsed sources and the last build's memo."""

    parsed: ParseCache = field(default_factory=ParseCache)
    memo: Memo | None = None
    memo_file: Path | None = None
    remembered: weakref.WeakKeyDictionary = field(default_factory=weakref.WeakKeyDictionary)
    # Source files changed since the last build, and who wants their pages as soon as they are
    # rendered (serve shows an edited article before the rest of the site is checked).
    changed: set[str] = field(default_factory=set)
    on_first_pages: Callable[[dict[str, bytes]], None] | None = None

    def save(self) -> None:
        """Keep the last memo on disk for the next process (pickling it takes longer than an edit's build)."""
        if self.memo is not None:
            save_memo(self.memo_file, self.memo, self.memo.on_disk)


def check(options: Options, cache: ParseCache | None = None) -> tuple[Content | None, list[Problem]]:
    """Validate the content tree and its statistics; nothing is written. `cache` spares unchanged files."""
    content, _, problems = validate(options, cache)
    return content, problems


def validate(options: Options, cache: ParseCache | None = None
             ) -> tuple[Content | None, stats.StatsTable | None, list[Problem]]:
    """check(), also giving the statistics it computed (None with the content when anything is wrong)."""
    content, problems = load(options.content, cache)
    if content is None:
        return None, None, problems
    table = stats.compute(content.units, content.config.rating_scale)
    warnings = stats.check(content.units, table, content.config.rating_scale)
    if options.strict:
        warnings = [replace(w, severity="error") for w in warnings]
    if any(p.severity == "error" for p in warnings):
        return None, None, problems + warnings
    return content, table, problems + warnings


def build_time(options: Options, tz) -> datetime:
    """`now` for publishing decisions and the header date; SOURCE_DATE_EPOCH makes builds reproducible."""
    if options.now is not None:
        return options.now.astimezone(tz)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(tz)
    try:
        return datetime.fromtimestamp(int(epoch), timezone.utc).astimezone(tz)
    except (ValueError, OverflowError, OSError):
        hint = msg("set it to whole seconds since 1970, e.g. `git log -1 --format=%ct`")
        raise BuildFailed([Problem("SOURCE_DATE_EPOCH", 0, "", msg("`{value}` is not a time", value=epoch[:40]),
                                   hint)]) from None


def build(options: Options, progress: Progress | None = None, session: Session | None = None) -> Report:
    """Build the site into `options.out`; raise BuildFailed (leaving the old output) on any error."""
    started = time.perf_counter()
    check_out_folder(options.out, source_folders(options), [PROJECT_ROOT, Path.cwd()])
    files = CacheFiles.of(options.cache_dir, options.out)
    shortcut = Shortcut.open(files, input_folders(options), settings(options)) if files and not session else None
    if shortcut and shortcut.site_is_current(lambda tz: build_time(options, tz), options.out):
        return Report(pages=shortcut.last.pages, unchanged=shortcut.last.files, warnings=shortcut.last.problems(),
                      seconds=time.perf_counter() - started)
    parsed, digests, on_disk = (session.parsed, {}, {}) if session else load_parsed(files.parsed if files else None,
                                                                                  parsed_key(options.content))
    content, table, problems = validate(options, parsed)
    if content is None:
        raise BuildFailed([p for p in problems if p.severity == "error"])
    if options.base_url:
        content = replace(content, config=content.config.with_base_url(options.base_url))
    now = build_time(options, content.config.tz)
    job = prepare(options, content, table, now)
    remembered = session.remembered if session else remembered_digests(parsed, digests)
    report = render_site(options, job, progress, session, remembered)
    if files and session is None:  # writes only the shards that changed
        save_parsed(files.parsed, parsed_key(options.content), parsed, remembered, on_disk)
    report.warnings = [p for p in problems if p.severity != "error"]
    report.seconds = time.perf_counter() - started
    if shortcut:
        extra = [p for p in [counts_file(options, content.config)] if p is not None]
        shortcut.remember(content, now, options.drafts, options.out, extra, report.pages,
                          report.written + report.unchanged, report.warnings)
    return report


def input_folders(options: Options) -> list[Path]:
    """Every folder whose files a build reads."""
    from .admin.files import admin_sources  # the editing room's scripts are copied into the site too
    return [f for f in [options.content, *template_folders(options.templates), BUILTIN_ASSETS,
                        options.assets, *admin_sources()] if f is not None and f.is_dir()]


def settings(options: Options) -> tuple:
    """The options that shape the output (not where it goes, nor how many workers make it)."""
    return (options.drafts, options.base_url, options.counter_endpoint, options.strict, options.search,
            options.now.isoformat() if options.now else None, str(options.out.resolve()),
            str(options.counts.resolve()) if options.counts else None)


def source_folders(options: Options) -> list[Path]:
    """Folders a build reads and must never write into, replace or delete."""
    folders = [options.content, BUILTIN_TEMPLATES, BUILTIN_ASSETS]
    return folders + [f for f in (options.templates, options.assets) if f is not None]


def prepare(options: Options, content: Content, table: stats.StatsTable, now: datetime) -> RenderJob:
    """The model, the page plan and everything rendering needs, as one picklable job."""
    config = content.config
    model = build_model(content, now, options.drafts)
    urls = Urls(config.base_url, config.base_path)
    stat_pages = stats_views.stats_pages(table, model.units, config.rating_scale, config.language, urls.url)
    specs = plan(model, [PageSpec(p.path, p.kind, p.template, p.title) for p in stat_pages])
    found = assets_out.collect([BUILTIN_ASSETS] + ([options.assets] if options.assets else []))
    counter = options.counter_endpoint if options.counter_endpoint is not None else config.counter_endpoint or ""
    return RenderJob(model=model, specs=specs, counts=read_counts(options, config), now=now,
                     template_folders=template_folders(options.templates),
                     assets={name: a.output for name, a in found.items()}, asset_sources=found,
                     counter_endpoint=counter, photos=images.read_photos(content.root, content.media, image_cache(options)),
                     file_sizes=document_sizes(content),
                     table=table, stats_pages={p.path: p.context for p in stat_pages},
                     markdown_salt=markdown_salt(config),
                     cache_dir=options.cache_dir)


def document_sizes(content: Content) -> dict[str, int]:
    """Bytes of each document under media/ (PDF, DOCX…), which links and attachment boxes show."""
    return {nfc(name): (content.root / name).stat().st_size for name in content.media if document_type(name)}


def image_cache(options: Options) -> Path | None:
    """Where encoded copies of photos are kept between builds (None: encode into a temporary folder)."""
    return options.cache_dir / "images" if options.cache_dir is not None else None


def markdown_salt(config) -> str:
    """What shapes converted Markdown besides its text and image sizes (see render/bodies.py)."""
    t = translator(config.language)
    return digest_value((environment_digest(), config.base_path, config.language, t("table"), t("footnote_back"),
                         block_labels(config.language)))


def block_labels(language: str) -> Labels:
    """The words of video and download blocks in converted Markdown."""
    t = translator(language)
    return Labels(language, t("video_play", title="{title}"), t("video_consent", service="{service}"), t("download"))


def make_renderer(job: RenderJob, tracked: bool, remembered: weakref.WeakKeyDictionary | None = None) -> Renderer:
    """A Renderer for this process (also run in each worker, so it must stay a top-level function)."""
    queries = TrackedQueries(job.model, remembered=remembered) if tracked \
        else Queries(job.model)
    t = translator(job.model.config.language)
    media = MediaInfo(job.model.config.base_path, {}, t("table"), t("footnote_back"),
                      labels=block_labels(job.model.config.language))
    cache = open_cache(job.cache_dir / "markdown" if job.cache_dir else None)
    return Renderer(job, queries, Bodies(media, cache, job.markdown_salt), template_cache(job.cache_dir))


def render_site(options: Options, job: RenderJob, progress: Progress | None, session: Session | None,
                remembered: weakref.WeakKeyDictionary | None = None) -> Report:
    """Render what changed since the last build and publish it, with everything else the site holds."""
    caching = options.cache_dir is not None
    files = CacheFiles.of(options.cache_dir, options.out)
    memo_file = files.memo if files else None
    parent = make_renderer(job, caching, remembered)
    salt = page_salt(job, parent)
    previous = None
    if caching:
        previous = session.memo if session and session.memo and session.memo.salt == salt else load_memo(memo_file, salt)
        parent.queries.previous = previous
        parent.queries.record = Memo(salt, on_disk=previous.on_disk)
    first = render_first(parent, job, session) if caching and session else {}
    current, todo = split_current(parent, job.specs, skip=first.keys())
    in_place = caching and len(todo) <= IN_PLACE_SHARE * len(job.specs)
    stamps_file = files.stamps if files else None
    output = open_output(options.out, in_place, load_stamps(stamps_file))
    try:
        todo += [i for i, digest in current if not output.keep(output_file(job.specs[i].path), digest)]
        for i, data in first.items():
            output.write(output_file(job.specs[i].path), data)
        setup = WorkerSetup(job, output, make_renderer, caching)
        md_new, md_used = render_pages(setup, sorted(todo), parent, options.jobs, progress)
        write_extras(output, job, options)
        commit(output)
    except BaseException:
        abandon(output)
        raise
    if caching:
        save_stamps(stamps_file, output.new_stamps)
        if session is None:
            save_memo(memo_file, parent.queries.record, previous.on_disk)
        else:
            session.memo, session.memo_file = parent.queries.record, memo_file
        keep_markdown(parent.bodies.cache, md_new, md_used)
    return Report(pages=len(job.specs), written=output.written, unchanged=output.unchanged,
                  rendered=len(todo) + len(first), in_place=isinstance(output, Update))


def page_salt(job: RenderJob, renderer: Renderer) -> str:
    """Everything every page depends on besides what it asks of the model: code, libraries,
    templates, settings, the globals all templates see and the baked counts."""
    return digest_value((environment_digest(), folder_digest(job.template_folders), job.model.config,
                         renderer.site(), renderer.menu(), renderer.footer_pages(), renderer.links(), renderer.side(), job.assets,
                         job.counts, job.counter_endpoint))


def write_extras(output: Stage | Update, job: RenderJob, options: Options) -> None:
    """What the site holds besides pages: assets, media, open data, the page manifest, the search index."""
    model = job.model
    for asset in job.asset_sources.values():
        output.copy(asset.source, asset.output)
    root = model.content.root.resolve()
    photos = job.photos
    for name in model.content.media:
        if photos.pictures.get(nfc(name), None) and photos.pictures[nfc(name)].variants:
            continue  # published as resized copies, and stripped of metadata when linked (images.publish)
        # The loader let through only links that stay inside content/; copy what they point to.
        source = (root / name).resolve()
        if source.is_relative_to(root):
            output.copy(source, nfc(name))  # published under the NFC name pages link to
    folder = image_cache(options)
    with tempfile.TemporaryDirectory() as temporary:
        images.publish(output, photos, linked_media_files(model), folder or Path(temporary), options.jobs)
    for name, data in opendata.open_data_files(job.table, model.units, model.config.rating_scale).items():
        output.write(name, data)
    output.write(manifest.PAGES_FILE, manifest.page_manifest(model, job.specs))
    if model.content.polls:
        output.write(U_POLLS.lstrip("/"), json.dumps(polls_file(list(model.content.polls)), ensure_ascii=False,
                                                     indent=1).encode("utf-8"))
    if model.config.admin.enabled:
        from .admin.files import write_admin
        write_admin(output, model.content, model.config.base_path + job.assets.get("css/site.css", ""))
    if options.search:
        from .output.search import index_site
        index_site(output, model, model.config.language)


def linked_media_files(model) -> set[str]:
    """Files under media/ that articles, pages or unit descriptions link to for download."""
    texts = [a.body for a in model.articles] + [p.body for p in model.pages]
    texts += [u.description for u in model.units.values() if u.description]
    return set().union(*(linked_media(text) for text in texts))


def keep_markdown(cache: MarkdownCache | None, new: dict, used: set) -> None:
    """Save what this build converted (in workers and here) for the next one."""
    if cache is None:
        return
    mine_new, mine_used = cache.take()
    cache.save({**new, **mine_new}, used | mine_used)


def counts_file(options: Options, config) -> Path | None:
    """The counter snapshot named on the command line or in site.yaml, if any."""
    return options.counts or (options.content / config.counter_snapshot if config.counter_snapshot else None)


def read_counts(options: Options, config) -> Counts:
    """View counts from the snapshot named on the command line or in site.yaml, if any."""
    path = counts_file(options, config)
    if path is None:
        return Counts()
    try:
        snap = load_snapshot(path)
    except (SnapshotError, OSError) as err:
        raise BuildFailed([Problem(display_path(path), 0, "",
                                   msg("cannot use the counter snapshot: {error}", error=str(err)),
                                   msg("export a fresh one with GET /api/export"))])
    top = {period: tuple((item.path, item.views) for item in items) for period, items in snap.top.items()}
    return Counts(snap.site_visits, dict(snap.views), top, polls=dict(snap.polls))
