"""Spec conformance: a tree written by an independent producer (benchmarks/gen_corpus.py) builds cleanly."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bantin.pipeline import check

from .helpers import build_tree, generated_corpus, names_once_settled, options

LATER = datetime(2030, 1, 1, tzinfo=timezone.utc)  # every generated article is in the past
_FRONT = re.compile(r"^---\n(.*?)\n---\n", re.S)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return generated_corpus(tmp_path_factory.mktemp("corpus") / "tree", articles=150, units=30, seed=7)


@pytest.fixture(scope="module")
def corpus_site(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus-site") / "site"
    build_tree(corpus, out, now=LATER, jobs=2)
    return out


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
def test_can_build_a_generated_corpus_with_every_article_url(corpus, corpus_site, tmp_path):
    content, problems = check(options(corpus, tmp_path / "site"))
    assert [str(p) for p in problems if p.severity == "error"] == []
    paths = expected_paths(corpus)
    assert len(paths) == 150
    assert [p for p in paths if not (corpus_site / p).is_file()] == []
    units = sorted(p.stem for p in (corpus / "units").rglob("*.yaml"))
    assert len(units) == 30
    assert [u for u in units if not (corpus_site / "don-vi" / u / "index.html").is_file()] == []


@pytest.mark.slow
def test_can_render_the_same_bytes_in_one_process_or_two(corpus, corpus_site, tmp_path):
    from .helpers import every_file
    build_tree(corpus, tmp_path / "one", now=LATER, jobs=1)
    one, two = every_file(tmp_path / "one"), every_file(corpus_site)
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


@pytest.mark.slow
def test_errors_on_a_template_error_in_worker_processes_leaving_the_previous_site(corpus, tmp_path):
    from bantin.problems import BuildFailed
    out = tmp_path / "site"
    (out / "tin-tuc").mkdir(parents=True)
    (out / "index.html").write_text("bản trước\n", encoding="utf-8")
    (out / "_bantin").mkdir()
    (out / "_bantin" / "build.json").write_text('{"generator": "bantin", "files": {}}', encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "article.html").write_text("{{ article.no_such_field.deeper }}", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build_tree(corpus, out, now=LATER, jobs=2, templates=templates)
    assert any("article.html" in str(p) and "template error" in p.message for p in failed.value.problems)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "_bantin", "_bantin/build.json", "index.html", "tin-tuc"]
    assert names_once_settled(tmp_path) == ["site", "templates"]
