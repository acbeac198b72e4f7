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


def test_workflow_publishes_on_push_nightly_and_by_hand():
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = data[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert triggers["schedule"] and "workflow_dispatch" in triggers
    steps = data["jobs"]["build"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "python build.py check --format github" in runs
    assert "./dev test" in runs
    assert "--base-url" in runs and "--counts counts.json" in runs
    deploy = data["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(step.get("uses", "").startswith("actions/deploy-pages@") for step in deploy["steps"])
