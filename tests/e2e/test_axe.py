"""axe-core (npm) finds no serious or critical accessibility violation on any kind of page of the sample portal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
KINDS = ["home", "article", "category-page-2", "tag", "unit", "units", "compare", "archive-year",
         "archive-month", "archive-day", "page", "search", "404"]
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary.split("\\n").slice(1, 2).join(""))
  }));
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        message = f"{AXE} is missing (./dev test installs it; or: cd tests/js && npm ci)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return str(AXE)


@pytest.mark.parametrize("kind", KINDS)
def test_no_serious_accessibility_violation(contexts, sample_url, pages, axe_source, kind):
    width = 390  # the rules axe checks do not depend on the width; the phone layout is the tighter one
    page = contexts[width].new_page()
    try:
        page.goto(sample_url + pages[kind], wait_until="load")
        page.add_script_tag(path=axe_source)
        violations = page.evaluate(RUN_AXE)
    finally:
        page.close()
    report = "\n".join(f"{v['impact']} {v['id']}: {v['help']}\n  " + "\n  ".join(v["nodes"]) for v in violations)
    assert not violations, f"{pages[kind]} at {width} px:\n{report}"


def test_axe_really_reports_violations(contexts, axe_source):
    """Guard against a run that passes because axe checked nothing."""
    page = contexts[390].new_page()
    try:
        page.set_content('<html><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                         '<p style="color:#ccc;background:#fff">faint</p></main></body></html>')
        page.add_script_tag(path=axe_source)
        found = {v["id"] for v in page.evaluate(RUN_AXE)}
    finally:
        page.close()
    assert {"image-alt", "color-contrast", "html-has-lang"} <= found, found
