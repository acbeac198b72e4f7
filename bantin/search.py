"""Full-text search index over the built site (implemented with Pagefind; see issue 6)."""

from __future__ import annotations

from pathlib import Path


def index_site(site_dir: Path, language: str) -> None:
    """Write the search index for the HTML pages under `site_dir`."""
    # Placeholder until the search module lands: the build stays correct without an index,
    # and /tim-kiem/ tells readers that search is unavailable.
    return None
