"""The publishing workflow passes actionlint, and actionlint really catches a broken copy of it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"

# (what to break, how, a word actionlint's message must contain)
BREAKAGES = [
    ("if: env.HAS_COUNTER == 'true'", "if: secrets.COUNTER_URL != ''", "secrets"),
    ("needs: build", "needs: biuld", "biuld"),
    ("restore-keys: bantin-site-", "restore-key: bantin-site-", "restore-key"),
    ('cron: "5 17 * * *"', 'cron: "5 17 * *"', "CRON"),
    ("uses: actions/deploy-pages@v5", "uses: actions/deploy-pages", "ref is missing"),
    ("steps.deployment.outputs.page_url", "steps.deploy.outputs.page_url", "deploy"),
    ("      pages: write", "      pages: wirte", "wirte"),
]


def actionlint() -> str:
    """The actionlint binary that requirements-dev.txt installs next to this Python."""
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.exists() else shutil.which("actionlint")
    if not found:
        pytest.fail("actionlint is not installed: pip install -r requirements-dev.txt")
    return found


def lint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([actionlint(), "-no-color", "-oneline", str(path)],
                          capture_output=True, text=True, timeout=120)


def test_publish_workflow_passes_actionlint():
    result = lint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("old, new, word", BREAKAGES, ids=[b[1] for b in BREAKAGES])
def test_actionlint_reports_a_broken_copy(tmp_path, old, new, word):
    text = WORKFLOW.read_text(encoding="utf-8")
    assert old in text, f"the workflow no longer contains {old!r}; update BREAKAGES"
    broken = tmp_path / ".github" / "workflows" / "publish.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = lint(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert word in result.stdout and "publish.yml:" in result.stdout, result.stdout


def test_workflow_publishes_warm_on_push_nightly_and_by_hand_without_waiting_for_tests():
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = data[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and triggers["schedule"] and "workflow_dispatch" in triggers
    jobs = data["jobs"]
    # Tests run on pushes in their own job; neither building nor deploying waits for them.
    assert "./dev test" in " ".join(step.get("run", "") for step in jobs["test"]["steps"])
    assert "test" not in str(jobs["build"].get("needs", "")) and "test" not in str(jobs["deploy"].get("needs", ""))
    build = jobs["build"]["steps"]
    cache = next(step for step in build if step.get("uses", "").startswith("actions/cache@"))
    assert {"site", ".bantin-cache"} <= set(cache["with"]["path"].split())
    runs = [step.get("run", "") for step in build]
    assert build.index(cache) < next(i for i, run in enumerate(runs) if "build.py build" in run)
