"""The built sample portal read from disk: every HTML page parsed once per session."""

from __future__ import annotations

import json

import pytest

from tests.site.sitecrawl import Page, parse_page


@pytest.fixture(scope="session")
def site_pages(sample_site) -> dict[str, Page]:
    """Every HTML page of the sample portal by its site path."""
    pages = [parse_page(f, sample_site) for f in sorted(sample_site.rglob("*.html"))]
    return {p.url: p for p in pages}


@pytest.fixture(scope="session")
def published(sample_site) -> dict:
    """The build's own list of published pages (`_bantin/pages.json`)."""
    return json.loads((sample_site / "_bantin" / "pages.json").read_text(encoding="utf-8"))
