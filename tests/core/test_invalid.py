"""One folder per error message: tests/core/invalid/<case>/content is built and must fail with expected.txt."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from bantin.pipeline import check
from bantin.problems import BuildFailed

from tests.support import run_cli, snapshot

from .helpers import GOLDEN, INVALID, ROOT, build_tree, options, shown

CASES = sorted(p.name for p in INVALID.iterdir() if (p / "expected.txt").is_file())
PREVIOUS = {"index.html": b"<!doctype html><p>B\xe1\xba\xa3n tr\xc6\xb0\xe1\xbb\x9bc</p>\n",
            "tin-tuc/2023/01/cu/index.html": b"<p>old</p>\n", "_bantin/build.json": b"{}"}


def case_tree(case: str, tmp_path: Path) -> Path:
    """A copy of the case folder (content/ and anything beside it, links kept as links) with a previous site/ in it."""
    tree = tmp_path / case
    shutil.copytree(INVALID / case, tree, symlinks=True, ignore=shutil.ignore_patterns("expected.txt"))
    for name, data in PREVIOUS.items():
        (tree / "site" / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / "site" / name).write_bytes(data)
    return tree


def expected(case: str) -> list[str]:
    return (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()


def test_can_find_every_invalid_case():
    folders = sorted(p.name for p in INVALID.iterdir() if p.is_dir())
    assert folders == CASES and len(CASES) >= 30


@pytest.mark.parametrize("case", CASES)
def test_errors_on_invalid_input(case, tmp_path):
    tree = case_tree(case, tmp_path)
    before = snapshot(tree / "site")
    with pytest.raises(BuildFailed) as failed:
        build_tree(tree / "content", tree / "site")
    assert [shown(p, tree / "content") for p in failed.value.problems] == expected(case)
    assert snapshot(tree / "site") == before
    assert sorted(p.name for p in tree.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("case", ["unknown-key", "three-errors", "unit-cycle"])
def test_errors_on_check_the_same_way_without_writing(case, tmp_path):
    tree = case_tree(case, tmp_path)
    shutil.rmtree(tree / "site")
    content, problems = check(options(tree / "content", tree / "site"))
    assert content is None
    assert sorted(shown(p, tree / "content") for p in problems) == sorted(expected(case))
    assert not (tree / "site").exists()


def test_errors_on_every_problem_at_once(tmp_path):
    lines = expected("three-errors")
    assert len(lines) == 3
    assert {line.split(":")[0] for line in lines} == {"content/posts/bai-ba.md", "content/site.yaml",
                                                      "content/units/phu-thuan.yaml"}


def test_can_name_path_line_field_and_hint():
    assert expected("unknown-key") == [
        "content/posts/bai-ba.md:4: catgory: unknown field (did you mean `category`?)"]
    assert expected("same-url")[0].count("content/posts/") == 3  # where, and both files named


def test_can_exit_0_from_check_on_a_clean_tree(tmp_path):
    result = run_cli("check", "--content", str(GOLDEN / "basic" / "content"), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "0 error(s)" in result.stderr


def test_errors_on_check_with_exit_1_and_the_message(tmp_path):
    tree = case_tree("unknown-category", tmp_path)
    result = run_cli("check", "--content", str(tree / "content"), "--lang", "en")
    assert result.returncode == 1
    assert f"error: {expected('unknown-category')[0]}" in result.stderr.splitlines()


def test_errors_on_build_with_exit_1_leaving_site_as_it_was(tmp_path):
    tree = case_tree("three-errors", tmp_path)
    before = snapshot(tree / "site")
    result = run_cli("build", "--content", str(tree / "content"), "--out", str(tree / "site"), "--no-search",
                     "--no-cache", "--lang", "en")
    assert result.returncode == 1
    assert "build failed: 3 problem(s)" in result.stderr
    assert snapshot(tree / "site") == before


def test_can_report_problems_as_json_and_github_annotations(tmp_path, capsys):
    import json
    from bantin.cli import main
    tree = case_tree("unknown-key", tmp_path)
    assert main(["check", "--content", str(tree / "content"), "--format", "json", "--lang", "en"]) == 1
    [problem] = json.loads(capsys.readouterr().out)
    assert {k: problem[k] for k in ("line", "field", "message", "hint", "severity")} == {
        "line": 4, "field": "catgory", "message": "unknown field", "hint": "did you mean `category`?",
        "severity": "error"}
    assert problem["path"].endswith("content/posts/bai-ba.md")
    assert main(["check", "--content", str(tree / "content"), "--format", "github", "--lang", "en"]) == 1
    line = capsys.readouterr().out.strip()
    assert line.startswith("::error file=") and ",line=4" in line and "did you mean `category`?" in line
