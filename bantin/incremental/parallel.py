"""Rendering pages on every core: forked workers share the model and write into the stage."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass, replace
from typing import Callable

import jinja2

from ..site import urls as U
from .pagekeys import PageKeys
from ..problems import BuildFailed
from ..render.views import PageSpec, Views
from ..output.writer import Stage

_CHUNKS_PER_JOB = 16


@dataclass
class _Job:
    """What a worker needs; forked workers inherit it, nothing is pickled."""

    env: jinja2.Environment
    views: Views
    specs: list[PageSpec]
    stage: Stage
    keys: PageKeys


# Set in each forked worker by _init (a worker process has exactly one job).
_worker: _Job | None = None


def _render_range(indices: list[int]) -> tuple:
    """Render some specs; give back digests, page keys, counts and the Markdown converted and used."""
    job = _worker
    stage, keys = job.stage, job.keys
    before_written, before_unchanged = stage.written, stage.unchanged
    stage.digests, keys.current = {}, {}
    for index in indices:
        spec = job.specs[index]
        relative = U.output_file(spec.path)
        context = job.views.context(spec)
        key = keys.key(context)
        if not stage.reuse(relative, keys.digest_for(relative, key)):
            html = job.env.get_template(spec.template).render(context)
            stage.write(relative, html.encode("utf-8"))
        keys.record(relative, key, stage.digests[relative])
    md_new, md_used = job.views.md_cache.take()
    return (stage.digests, keys.current, stage.written - before_written, stage.unchanged - before_unchanged,
            md_new, md_used)


def _init(job: _Job) -> None:
    global _worker
    _worker = job


def _safe_range(indices: list[int]):
    try:
        return _render_range(indices)
    except Exception as err:  # noqa: BLE001 - sent back to the parent with its template location
        from ..pipeline import template_problem
        return template_problem(err)


def render_all(env: jinja2.Environment, views: Views, specs: list[PageSpec], stage: Stage, keys: PageKeys,
               jobs: int, progress: Callable[[int, int], None] | None = None) -> tuple[dict[str, str], set[str]]:
    """Render every spec into the stage, in `jobs` processes (0 = one per core), reusing unchanged pages.

    Returns the Markdown converted by this build and the cache keys it used (for MarkdownCache.save)."""
    jobs = jobs or os.cpu_count() or 1
    order = sorted(range(len(specs)), key=lambda i: specs[i].kind != "article")
    size = max(1, len(order) // (jobs * _CHUNKS_PER_JOB))
    chunks = [order[i:i + size] for i in range(0, len(order), size)]
    # Workers fill their own copies; the parent's only receive the merged results.
    job = _Job(env, views, specs, replace(stage, digests={}, written=0, unchanged=0), replace(keys, current={}))
    if jobs == 1 or len(specs) < 200:
        _init(job)
        return _collect(map(_safe_range, chunks), chunks, stage, keys, len(specs), progress)
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_init, initargs=(job,)) as pool:
        return _collect(pool.imap_unordered(_safe_range, chunks), chunks, stage, keys, len(specs), progress)


def _collect(results, chunks, stage: Stage, keys: PageKeys, total: int, progress) -> tuple[dict[str, str], set[str]]:
    done, failures = 0, []
    sizes = iter(len(c) for c in chunks)
    digests: dict[str, str] = {}
    current: dict[str, tuple[str, str]] = {}
    md_new: dict[str, str] = {}
    md_used: set[str] = set()
    written = unchanged = 0
    for result in results:
        done += next(sizes)
        if not isinstance(result, tuple):
            failures.append(result)
            continue
        digests.update(result[0])
        current.update(result[1])
        written += result[2]
        unchanged += result[3]
        md_new.update(result[4])
        md_used.update(result[5])
        if progress:
            progress(done, total)
    if failures:
        raise BuildFailed(sorted(set(failures), key=str))
    stage.digests.update(digests)
    keys.current.update(current)
    stage.written += written
    stage.unchanged += unchanged
    return md_new, md_used
