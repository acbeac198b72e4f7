"""Rendering pages on every core: forked workers share the model and write into the stage."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import replace
from typing import Callable

import jinja2

from . import urls as U
from .problems import BuildFailed
from .views import PageSpec, Views
from .writer import Stage

_CHUNKS_PER_JOB = 16
# Set in each forked worker by _init; the parent's objects are inherited, never pickled.
_worker: tuple[jinja2.Environment, Views, list[PageSpec], Stage] | None = None


def render_page(env: jinja2.Environment, views: Views, spec: PageSpec) -> bytes:
    """The bytes of one page."""
    html = env.get_template(spec.template).render(views.context(spec))
    return html.encode("utf-8")


def _render_range(indices: list[int]) -> tuple[dict[str, str], int, int]:
    env, views, specs, stage = _worker
    before_written, before_unchanged = stage.written, stage.unchanged
    stage.digests = {}
    for index in indices:
        spec = specs[index]
        stage.write(U.output_file(spec.path), render_page(env, views, spec))
    return stage.digests, stage.written - before_written, stage.unchanged - before_unchanged


def _init(env, views, specs, stage) -> None:
    global _worker
    _worker = (env, views, specs, stage)


def _safe_range(indices: list[int]):
    try:
        return _render_range(indices)
    except Exception as err:  # noqa: BLE001 - sent back to the parent with its template location
        from .pipeline import template_problem
        return template_problem(err)


def render_all(env: jinja2.Environment, views: Views, specs: list[PageSpec], stage: Stage, jobs: int,
               progress: Callable[[int, int], None] | None = None) -> None:
    """Render every spec into the stage, in `jobs` processes (0 = one per core)."""
    jobs = jobs or os.cpu_count() or 1
    order = sorted(range(len(specs)), key=lambda i: specs[i].kind != "article")
    size = max(1, len(order) // (jobs * _CHUNKS_PER_JOB))
    chunks = [order[i:i + size] for i in range(0, len(order), size)]
    # Workers count into their own copy; the parent's stage only receives the merged results.
    worker_stage = replace(stage, digests={}, written=0, unchanged=0)
    if jobs == 1 or len(specs) < 200:
        _init(env, views, specs, worker_stage)
        _collect(map(_safe_range, chunks), chunks, stage, len(specs), progress)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_init, initargs=(env, views, specs, worker_stage)) as pool:
        _collect(pool.imap_unordered(_safe_range, chunks), chunks, stage, len(specs), progress)


def _collect(results, chunks, stage: Stage, total: int, progress) -> None:
    done, failures = 0, []
    sizes = iter(len(c) for c in chunks)
    digests: dict[str, str] = {}
    written = unchanged = 0
    for result in results:
        done += next(sizes)
        if not isinstance(result, tuple):
            failures.append(result)
            continue
        digests.update(result[0])
        written += result[1]
        unchanged += result[2]
        if progress:
            progress(done, total)
    if failures:
        raise BuildFailed(sorted(set(failures), key=str))
    stage.digests.update(digests)
    stage.written += written
    stage.unchanged += unchanged
