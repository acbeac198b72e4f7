"""What the built sample portal publishes under assets/."""

from __future__ import annotations

import re

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
