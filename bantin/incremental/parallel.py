"""Rendering many pages on every core.

Workers are started with `fork` only when this process runs a single thread (a CLI build), and
with `forkserver` otherwise (`serve` builds beside tornado, the watcher and the counter: forking
a process whose other threads may hold locks can deadlock the child). Each worker gets the
picklable RenderJob, builds its own Renderer, writes into the same Output folder and sends back
what it wrote and what its pages read.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from dataclasses import dataclass, field
from typing import Callable

from ..output.writer import Stage, Update
from ..problems import BuildFailed, InternalError, Problem
from ..render.renderer import PageFailed, RenderJob, Renderer
from ..site import urls as U
from ..site.plan import PageSpec
from .facts import Memo, TrackedQueries

Progress = Callable[[int, int], None]
MIN_PARALLEL = 150  # fewer pages than this render faster here than workers start
_CHUNKS_PER_JOB = 8


@dataclass
class WorkerSetup:
    """What a worker builds its Renderer from (inherited by fork, pickled for forkserver)."""

    job: RenderJob
    output: Stage | Update
    make: Callable[[RenderJob, bool], Renderer]  # a top-level function: (job, tracked) -> Renderer
    tracked: bool


@dataclass
class Batch:
    """What rendering some pages gave: files written, what the pages read, problems found."""

    files: dict = field(default_factory=dict)
    stamps: dict = field(default_factory=dict)
    pending: dict = field(default_factory=dict)
    written: int = 0
    unchanged: int = 0
    memo: Memo = field(default_factory=Memo)
    markdown: tuple[dict, set] = field(default_factory=lambda: ({}, set()))
    problems: list[Problem] = field(default_factory=list)
    count: int = 0


def render_batch(renderer: Renderer, specs: list[PageSpec], output: Stage | Update) -> list[Problem]:
    """Render specs into `output`, recording each page's deps when the queries track them."""
    queries = renderer.queries
    tracked = isinstance(queries, TrackedQueries)
    problems = []
    for spec in specs:
        relative = U.output_file(spec.path)
        if tracked:
            queries.start_page()
        try:
            data = renderer.render(spec)
        except PageFailed as failed:
            problems.append(failed.problem)
            if tracked:
                queries.abandon_page()
            continue
        digest = output.write(relative, data)
        if tracked:
            queries.end_page(relative, digest)
    return problems


_setup: WorkerSetup | None = None
_renderer: Renderer | None = None


def _start_worker(setup: WorkerSetup) -> None:
    global _setup, _renderer  # one per worker process, which serves exactly one build
    _setup = setup
    _renderer = setup.make(setup.job, setup.tracked)


def _work(indices: list[int]) -> Batch | tuple[str, str]:
    """In a worker: render some pages and hand back only what this chunk added."""
    setup, renderer = _setup, _renderer
    output, queries, cache = setup.output, renderer.queries, renderer.bodies.cache
    output.files, output.new_stamps, output.written, output.unchanged = {}, {}, 0, 0
    if isinstance(output, Update):
        output.pending = {}
    if isinstance(queries, TrackedQueries):
        queries.record = Memo(queries.record.salt)
    try:
        problems = render_batch(renderer, [setup.job.specs[i] for i in indices], output)
    except InternalError as bug:
        return bug.where, bug.details
    return Batch(files=output.files, stamps=output.new_stamps, pending=getattr(output, "pending", {}), written=output.written,
                 unchanged=output.unchanged,
                 memo=queries.record if isinstance(queries, TrackedQueries) else Memo(),
                 markdown=cache.take() if cache is not None else ({}, set()),
                 problems=problems, count=len(indices))


def start_method() -> str:
    """`fork` when no other thread could be holding a lock at the moment of forking."""
    return "fork" if threading.active_count() == 1 else "forkserver"


def render_pages(setup: WorkerSetup, indices: list[int], parent: Renderer, jobs: int,
                 progress: Progress | None = None) -> tuple[dict, set]:
    """Render the specs at `indices` into setup.output, in this process when there are few, else in
    `jobs` workers; fold what workers did into the parent's output and memo. Returns the Markdown
    the workers converted and used (for the cache). Raises BuildFailed with every page problem."""
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(indices) < MIN_PARALLEL:
        problems = render_batch(parent, [setup.job.specs[i] for i in indices], setup.output)
        if progress:
            progress(len(indices), len(indices))
        if problems:
            raise BuildFailed(problems)
        return {}, set()
    size = max(1, len(indices) // (jobs * _CHUNKS_PER_JOB))
    chunks = [indices[i:i + size] for i in range(0, len(indices), size)]
    context = multiprocessing.get_context(start_method())
    batches, done = [], 0
    with context.Pool(jobs, initializer=_start_worker, initargs=(setup,)) as pool:
        for result in pool.imap_unordered(_work, chunks):
            if isinstance(result, tuple):
                pool.terminate()
                raise InternalError(*result)
            batches.append(result)
            done += result.count
            if progress:
                progress(done, len(indices))
    return _merge(batches, setup.output, parent)


def _merge(batches: list[Batch], output: Stage | Update, parent: Renderer) -> tuple[dict, set]:
    problems: list[Problem] = []
    markdown_new: dict = {}
    markdown_used: set = set()
    for batch in batches:
        problems += batch.problems
        output.files.update(batch.files)
        output.new_stamps.update(batch.stamps)
        output.written += batch.written
        output.unchanged += batch.unchanged
        if isinstance(output, Update):
            output.pending.update(batch.pending)
        if isinstance(parent.queries, TrackedQueries):
            parent.queries.record.merge(batch.memo)
        markdown_new.update(batch.markdown[0])
        markdown_used |= batch.markdown[1]
    if problems:
        raise BuildFailed(problems)
    return markdown_new, markdown_used
