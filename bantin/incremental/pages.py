"""Which pages a build must render: those whose recorded inputs changed; the pages of the edited
files first, when someone (serve) wants them before the rest of the site is checked."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Protocol

from ..output.writer import content_digest
from ..problems import InternalError
from ..render.renderer import PageFailed, RenderJob, Renderer
from ..site.plan import PageSpec
from ..site.urls import output_file
from ..source.load import shown_path
from .facts import TrackedQueries


class FirstPages(Protocol):
    """The files that changed, and who takes their pages as soon as they are rendered."""

    changed: set[str]
    on_first_pages: Callable[[dict[str, bytes]], None] | None


def split_current(renderer: Renderer, specs: list[PageSpec], skip: Iterable[int] = frozenset()
                  ) -> tuple[list[tuple[int, str]], list[int]]:
    """(index, digest) of the pages whose inputs did not change since the last build, and the
    indexes of those that must be rendered; indexes in `skip` are neither."""
    queries = renderer.queries
    if not isinstance(queries, TrackedQueries):
        return [], [i for i in range(len(specs)) if i not in skip]
    current, todo = [], []
    for index, spec in enumerate(specs):
        if index in skip:
            continue
        digest = queries.page_is_current(output_file(spec.path))
        if digest is None:
            todo.append(index)
        else:
            current.append((index, digest))
    return current, todo


def render_first(renderer: Renderer, job: RenderJob, session: FirstPages) -> dict[int, bytes]:
    """The pages of the articles and pages whose files changed, rendered before anything else and
    handed to session.on_first_pages (by site path); by spec index. Any problem: none, the build
    proper will report it."""
    if not session.changed or session.on_first_pages is None:
        return {}
    model = job.model
    changed = {shown_path(model.content.root, Path(name)) for name in session.changed}
    wanted = {a.site_path for a in model.articles if a.path in changed}
    wanted |= {p.site_path for p in model.pages if p.path in changed}
    pages: dict[int, bytes] = {}
    for index, spec in enumerate(job.specs):
        if spec.path in wanted:
            data = render_tracked(renderer, spec)
            if data is None:
                return {}
            pages[index] = data
    if pages:
        session.on_first_pages({job.specs[i].path: data for i, data in pages.items()})
    return pages


def render_tracked(renderer: Renderer, spec: PageSpec) -> bytes | None:
    """One page, recording what it read; None when it fails (reported again by the build proper)."""
    queries = renderer.queries
    queries.start_page()
    try:
        data = renderer.render(spec)
    except (PageFailed, InternalError):
        queries.abandon_page()
        return None
    queries.end_page(output_file(spec.path), content_digest(data))
    return data
