"""What the built sample portal publishes under assets/, and which pages link which stylesheet."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.conftest import ROOT


def published_assets(site) -> list[str]:
    """Logical names ("js/site.js") of the files under site/assets/, fingerprints removed."""
    return sorted(re.sub(r"\.[0-9a-f]{10}(\.(css|js))$", r"\1", p.relative_to(site / "assets").as_posix())
                  for p in (site / "assets").rglob("*") if p.is_file())


def test_dev_only_assets_are_not_published(sample_site):
    # The live-reload error overlay is for `build.py serve`, which serves it from its source.
    assert (ROOT / "assets" / "js" / "dev-overlay.js").is_file()
    published = published_assets(sample_site)
    assert "js/site.js" in published
    assert "js/dev-overlay.js" not in published


class _StatsUse(HTMLParser):
    """Whether a page links css/stats.css and whether any element has a class from it (stats-*)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links_stats_css = False
        self.uses_stats_classes = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "stylesheet" and re.search(r"/assets/css/stats\.[0-9a-f]{10}\.css$",
                                                                        a.get("href") or ""):
            self.links_stats_css = True
        if any(c.startswith("stats-") for c in (a.get("class") or "").split()):
            self.uses_stats_classes = True


def test_stats_css_is_linked_exactly_on_the_pages_that_use_it(site_pages):
    # Every other page would download and parse a stylesheet it has nothing for.
    wrong, users = [], 0
    for url, page in site_pages.items():
        found = _StatsUse()
        found.feed(page.file.read_text(encoding="utf-8"))
        users += found.uses_stats_classes
        if found.links_stats_css != found.uses_stats_classes:
            wrong.append(f"{url}: links stats.css {found.links_stats_css}, uses its classes {found.uses_stats_classes}")
    assert users > 1  # unit pages, the unit tree and the comparisons
    assert not wrong, f"{len(wrong)} page(s):\n" + "\n".join(wrong[:20])
