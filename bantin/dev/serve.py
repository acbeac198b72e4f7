"""`build.py serve`: build, serve on localhost with live reload, rebuild on every change.

Three things run in one process:

* the HTTP server (tornado, through livereload) in the main thread: it serves the output folder,
  the live-reload socket, `/_bantin/dev-status.json` (the state of the last build) and
  `/_bantin/dev-overlay.js`, which it adds to every HTML page together with livereload's script;
* a watcher thread that polls the content, template and asset folders, and a builder thread
  that rebuilds after a change. A build that fails leaves the output folder as it was (the
  pipeline swaps folders only on success), so the last good site keeps being served while the
  overlay script shows the problems in the open page;
* the view counter (`bantin.counter.start_in_background`) on a local SQLite file, started after
  the first good build because it needs the page manifest.

The first build makes the search index (unless `--no-search`); rebuilds skip Pagefind, which
would re-index on every article edit, and link the first build's index back into each new output
folder instead. Search in the preview therefore finds the text as it was when `serve` started.
"""

from __future__ import annotations
import argparse
import os
import shutil
import signal
import sys
import threading
import time
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable

from ..pipeline import Options, Session, build
from ..messages import choose_language, msg, translate
from ..problems import BuildFailed, InternalError, Problem, report_line
from ..source.config import read_language
from .progress import progress_for, summary
from ..output.search import INDEX_DIR
from .http import (STATUS_PATH, OVERLAY_PATH, BuildStatus, DevServer, OverlayHandler, Preview, SiteHandler,
                   StatusHandler, content_type, resolve_request, with_overlay)
from .cms_routes import cms_handlers
from .watch import SourceWatcher, changes, snapshot, watched_folders

__all__ = ["serve", "serve_options", "local_host", "Builder", "changes", "content_type", "resolve_request",
           "snapshot", "with_overlay"]

SETTLE_SECONDS = 0.1    # wait after a change so that a multi-file save rebuilds once

# --- building --------------------------------------------------------------------------------

def problems_of(error: BaseException) -> list[Problem]:
    """The problems behind a failed build; a bug is named as one (its traceback is in the terminal)."""
    if isinstance(error, BuildFailed):
        return list(error.problems)
    where = error.where if isinstance(error, InternalError) else ""
    text = f"internal error {where}: {str(error) if not where else ''}".rstrip(": ")  # technical: English
    return [Problem("bantin", 0, "", text,
                    msg("this is a bug in bantin, not in your content; the traceback is in the terminal"))]


class Builder:
    """Runs builds one at a time in a thread of its own and records each outcome."""

    def __init__(self, options: Options, status: BuildStatus, on_success: Callable[[], None],
                 stream=sys.stderr, preview: Preview | None = None, reload: Callable[[], None] = lambda: None,
                 language: str | None = None):
        self.options = options
        self.status = status
        self.on_success = on_success
        self.stream = stream
        self._wake = threading.Event()
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="bantin-build", daemon=True)
        self.session = Session()  # a rebuild re-reads only the files that changed, renders only what they change
        self.preview = preview
        self.requested_language = language  # --lang; else site.yaml's, read at each build
        if preview is not None:
            self.session.on_first_pages = lambda pages: (preview.show(pages), reload())
        shutil.rmtree(self.search_index, ignore_errors=True)  # a previous session's index is stale

    def build_once(self, changed: list[str] | None = None, progress=None) -> bool:
        """Build now; print the summary or the problems; True when the site was replaced."""
        self.status.update(state="building", changed=changed or [])
        started = time.perf_counter()
        first_index = self.options.search and not self.search_index.is_dir()
        self.session.changed = set(changed or ())
        try:
            report = build(replace(self.options, search=first_index), progress, self.session)
        except Exception as error:  # noqa: BLE001 - any failure must keep the server alive
            self._failed(problems_of(error), time.perf_counter() - started, error)
            return False
        finally:
            if self.preview is not None:
                self.preview.clear()
        self._keep_search_index(first_index)
        lang = self.language()
        for warning in report.warnings:
            print(report_line(warning, lang), file=self.stream)
        print(summary(report, self.options.out, lang), file=self.stream, flush=True)
        self.status.update(state="ok", build=self.status.build + 1, seconds=report.seconds, problems=[])
        self.on_success()
        return True

    def language(self) -> str:
        """The language of messages now (site.yaml may have changed since the last build)."""
        return choose_language(self.requested_language, read_language(self.options.content))

    @property
    def search_index(self) -> Path:
        """The first build's search index, kept outside the output folder (which each build replaces)."""
        return self.options.out.resolve().parent / ".bantin-serve" / INDEX_DIR

    def _keep_search_index(self, just_built: bool) -> None:
        if not self.options.search:
            return
        served = self.options.out / INDEX_DIR
        if just_built:
            shutil.rmtree(self.search_index, ignore_errors=True)
            if served.is_dir():
                shutil.copytree(served, self.search_index, copy_function=os.link)
        elif self.search_index.is_dir():
            # Hard links: instant, and Pagefind never rewrites a file in place.
            shutil.copytree(self.search_index, served, copy_function=os.link, dirs_exist_ok=True)

    def _failed(self, problems: list[Problem], seconds: float, error: BaseException) -> None:
        if isinstance(error, InternalError):
            print(error.details, file=self.stream)
        elif not isinstance(error, BuildFailed):
            traceback.print_exception(error, file=self.stream)
        lang = self.language()
        for problem in problems:
            print(report_line(problem, lang), file=self.stream)
        print(translate(msg("build failed: {count} problem(s); still serving the last good site",
                            count=len(problems)), lang), file=self.stream, flush=True)
        self.status.update(state="failed", build=self.status.build + 1, seconds=seconds,
                           problems=[p.translated(lang).as_dict() for p in problems])

    def request(self, changed: Iterable[str]) -> None:
        """Ask for a rebuild (from the watcher thread); changes during a build queue one more."""
        with self._lock:
            self._pending.update(changed)
        self._wake.set()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout=60)
        self.session.save()

    def _loop(self) -> None:
        while True:
            self._wake.wait()
            if self._stopping:
                return
            time.sleep(SETTLE_SECONDS)
            if self._stopping:
                return
            self._wake.clear()
            with self._lock:
                changed, self._pending = sorted(self._pending), set()
            shown = ", ".join(_short(p) for p in changed[:3]) + (" …" if len(changed) > 3 else "")
            print(translate(msg("changed: {files}; rebuilding", files=shown), self.language()),
                  file=self.stream, flush=True)
            self.build_once(changed)


def _short(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path

# --- the command -----------------------------------------------------------------------------

def local_host(host: str) -> str:
    """The address a browser on this machine uses for a server listening on `host`."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host


def serve_options(args: argparse.Namespace, options: Options) -> Options:
    """The build options for local serving: local base URL, and the local counter unless disabled."""
    host = local_host(args.host)
    # "" rather than None: a preview must not count views on the production counter of site.yaml.
    counter = "" if args.no_counter else f"http://{host}:{args.counter_port}"
    return replace(options, base_url=f"http://{host}:{args.port}/", counter_endpoint=counter)


def _stop_on_sigterm(server: DevServer) -> None:
    """SIGTERM stops the server cleanly, like Ctrl-C: the counter commits, the threads end."""
    main_pid = os.getpid()

    def handler(signum, frame) -> None:
        if os.getpid() != main_pid:
            os._exit(128 + signum)  # a forked render worker inherits the handler: just end it
        if server.loop is not None:
            # call_soon_threadsafe also wakes the loop from its select(); tornado's add_callback, called
            # on the loop's own thread as a signal handler is, would queue the stop and sleep on.
            server.loop.asyncio_loop.call_soon_threadsafe(server.loop.stop)

    signal.signal(signal.SIGTERM, handler)


def serve(args: argparse.Namespace, options: Options) -> int:
    """Build, then serve until Ctrl-C, rebuilding on changes. Returns the exit code."""
    options = serve_options(args, options)
    status = BuildStatus()
    preview = Preview()
    server = DevServer([(STATUS_PATH.replace(".", r"\."), StatusHandler, {"status": status}),
                        (OVERLAY_PATH.replace(".", r"\."), OverlayHandler),
                        *cms_handlers(options),
                        (r"/(.*)", SiteHandler, {"root": options.out, "preview": preview})])
    counter = _Counter(args, options)
    builder = Builder(options, status, lambda: (counter.ensure_started(), server.reload_pages()),
                      preview=preview, reload=server.reload_pages, language=args.lang)
    lang = builder.language()
    builder.build_once(progress=progress_for(sys.stderr, msg("first build"), lang))
    skip = [options.out, options.out.resolve().parent / ".bantin-cache"]
    watcher = SourceWatcher(watched_folders(options), skip, builder.request)
    builder.start()
    watcher.start()
    _stop_on_sigterm(server)
    print(translate(msg("web editing room on {url}admin/ (saves into {content}/)", url=options.base_url,
                        content=_short(str(options.content))), lang), file=sys.stderr)
    print(translate(msg("serving {out}/ on {url} (Ctrl-C to stop); watching {folders}", out=str(options.out),
                        url=options.base_url, folders=", ".join(_short(str(f)) for f in watcher.folders)), lang),
          file=sys.stderr, flush=True)
    try:
        server.serve(port=args.port, host=args.host, debug=False, restart_delay=0)
    except OSError as error:
        print(translate(msg("error: cannot listen on {host}:{port}: {error}", host=args.host, port=args.port,
                            error=str(error)), lang), file=sys.stderr)
        return 1
    finally:
        watcher.stop()
        builder.stop()
        counter.stop()
    return 0


class _Counter:
    """The view counter, started once the site has a page manifest (after the first good build)."""

    def __init__(self, args: argparse.Namespace, options: Options):
        self.args = args
        self.options = options
        self.handle = None
        self._tried = False

    def ensure_started(self) -> None:
        if self.args.no_counter or self._tried:
            return
        self._tried = True  # one attempt: a port in use would fail again on every rebuild
        from ..counter import ManifestError, start_in_background
        host = local_host(self.args.host)
        try:
            self.handle = start_in_background(self.args.counter_db, self.options.out, self.args.host,
                                              self.args.counter_port, origin=f"http://{host}:{self.args.port}")
        except (ManifestError, OSError, ValueError) as error:
            self._say(msg("warning: the view counter did not start ({error}); pages show no view counts",
                          error=str(error)))
            return
        self._say(msg("view counter on {url}, database {db}", url=self.handle.url, db=str(self.args.counter_db)))

    def _say(self, message: str) -> None:
        lang = choose_language(self.args.lang, read_language(self.options.content))
        print(translate(message, lang), file=sys.stderr)

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.stop()