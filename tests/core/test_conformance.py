"""Spec conformance: a tree written by an independent producer (benchmarks/gen_corpus.py) builds cleanly."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bantin.pipeline import check

from .helpers import ROOT, build_tree, options

LATER = datetime(2030, 1, 1, tzinfo=timezone.utc)  # every generated article is in the past
_FRONT = re.compile(r"^---\n(.*?)\n---\n", re.S)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "tree"
    subprocess.run([sys.executable, str(ROOT / "benchmarks/gen_corpus.py"), str(out), "--articles", "150",
                    "--units", "30", "--seed", "7"], check=True, capture_output=True, timeout=120)
    return out / "content" if (out / "content").is_dir() else out


def expected_paths(content: Path) -> list[str]:
    """Article URLs read straight from the files, the way the spec defines them (not through bantin)."""
    paths = []
    for post in sorted((content / "posts").rglob("*.md")):
        front = _FRONT.match(post.read_text(encoding="utf-8-sig")).group(1)
        fields = dict(line.split(": ", 1) for line in front.splitlines() if ": " in line and not line[0].isspace())
        year, month = fields["date"][:4], fields["date"][5:7]
        paths.append(f"tin-tuc/{year}/{month}/{fields.get('slug', post.stem)}/index.html")
    return paths


@pytest.mark.slow
def test_can_build_a_generated_corpus_with_every_article_url(corpus, tmp_path):
    content, problems = check(options(corpus, tmp_path / "site"))
    assert [str(p) for p in problems if p.severity == "error"] == []
    build_tree(corpus, tmp_path / "site", now=LATER, jobs=2)
    paths = expected_paths(corpus)
    assert len(paths) == 150
    assert [p for p in paths if not (tmp_path / "site" / p).is_file()] == []
    units = sorted(p.stem for p in (corpus / "units").rglob("*.yaml"))
    assert len(units) == 30
    assert [u for u in units if not (tmp_path / "site/don-vi" / u / "index.html").is_file()] == []
