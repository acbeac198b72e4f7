"""docs/contracts.md describes what the built sample portal writes for other parts to read."""

from __future__ import annotations

import json
import re

from tests.conftest import ROOT

CONTRACTS = ROOT / "docs" / "contracts.md"


def test_the_search_index_and_what_reads_it_are_documented(sample_site):
    text = CONTRACTS.read_text(encoding="utf-8")
    # The search page loads these two; the next build and `serve` reuse the folder by its stamp.
    for name in ("pagefind/bantin-shards.json", "pagefind/bantin-units.json", "_bantin/search.json"):
        assert (sample_site / name).is_file(), name
    assert "`site/pagefind/`" in text and "`site/_bantin/search.json`" in text
    for name in ("pagefind/bantin-shards.json", "pagefind/bantin-units.json", "pagefind.js", "assets/js/search.js"):
        assert name in text, name


def test_the_documented_unit_list_of_the_search_page_has_the_fields_the_build_writes(sample_site):
    written = json.loads((sample_site / "pagefind" / "bantin-units.json").read_text(encoding="utf-8"))
    section = CONTRACTS.read_text(encoding="utf-8").split("## Search index", 1)[1].split("\n## ", 1)[0]
    example = json.loads(re.search(r'^ +(\{"units".*)$', section, re.M).group(1).replace(", …", ""))
    assert example.keys() == written.keys() and example["version"] == written["version"]
    assert example["units"][0].keys() == written["units"][0].keys()
