"""site/_bantin/pages.json: the pages the counter may count (see docs/contracts.md)."""

from __future__ import annotations

import json

from ..site.model import SiteModel
from ..site.plan import PageSpec
from ..site.urls import PAGE_MANIFEST

PAGES_FILE = PAGE_MANIFEST.lstrip("/")


def page_manifest(model: SiteModel, specs: list[PageSpec]) -> bytes:
    """Every HTML page with its kind and title (and date for articles), sorted by path."""
    dates = {a.site_path: a.date.isoformat() for a in model.articles}
    pages = []
    for spec in specs:
        if spec.is_html_page:
            entry = {"path": spec.path, "title": spec.title, "kind": spec.kind}
            if spec.kind == "article":
                entry["date"] = dates[spec.path]
            pages.append(entry)
    pages.sort(key=lambda p: p["path"])
    # No indent: indenting makes json fall back to its pure-Python encoder, ten times slower.
    return json.dumps({"version": 1, "base_url": model.config.base_url, "pages": pages}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":")).encode("utf-8")
