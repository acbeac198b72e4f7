"""Every built HTML page of the sample portal passes the Nu HTML checker (npm vnu-jar) with zero errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "tests" / "js" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def missing(what: str):
    """In CI a missing checker is a failure, elsewhere a skip that says how to get it."""
    message = f"{what} (./dev test installs it; or: cd tests/js && npm ci)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def run_vnu(*folders: Path) -> list[dict]:
    """The checker's error messages for every HTML file under `folders`, in one JVM start."""
    java = shutil.which("java")
    if not java:
        missing("java is not installed")
    if not VNU_JAR.exists():
        missing(f"{VNU_JAR.relative_to(ROOT)} is missing")
    # Serial GC and the client compiler: a one-shot run starts faster and needs one core less.
    result = subprocess.run([java, "-Xss16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", str(VNU_JAR),
                             "--errors-only", "--format", "json", "--skip-non-html", *map(str, folders)],
                            capture_output=True, text=True, timeout=300)
    try:
        return json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu exited {result.returncode} without a JSON report:\n{result.stdout}\n{result.stderr}")


def test_every_page_passes_the_nu_html_checker(sample_site, tmp_path):
    # A broken page checked in the same run guards against a run that passes because it checked nothing.
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "bad.html").write_text("<!DOCTYPE html><html lang=vi><title>x</title><p><div></p>", encoding="utf-8")
    messages = run_vnu(sample_site, guard)
    assert any(m.get("url", "").endswith("/bad.html") for m in messages), "the checker missed a broken page"
    messages = [m for m in messages if not m.get("url", "").endswith("/guard/bad.html")]
    checked = len(list(sample_site.rglob("*.html")))
    by_page = defaultdict(list)
    for m in messages:
        page = m.get("url", "?").replace(sample_site.as_uri(), "")
        by_page[page].append(f"  {m.get('lastLine', '?')}:{m.get('firstColumn', '?')} {m['type']}: {m['message']}")
    report = "\n".join(f"{page}\n" + "\n".join(lines[:10]) for page, lines in sorted(by_page.items())[:30])
    assert not messages, f"{len(messages)} error(s) on {len(by_page)} of {checked} pages:\n{report}"

