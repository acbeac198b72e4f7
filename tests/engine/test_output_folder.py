"""The output folder is sacred: a build replaces only an empty folder or an earlier bantin build."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.support import copy_sample, run_cli, snapshot


@pytest.fixture
def project(tmp_path) -> Path:
    """A project folder as an editor has it: content/ and a templates/ override."""
    copy_sample(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("out", [".", "content", "content/media", "templates", ".."])
def test_refuses_an_output_folder_that_would_swallow_sources(project, out):
    before = snapshot(project)
    done = run_cli("build", "--content", "content", "--out", out, "--no-search", "--no-cache", "--lang", "en",
                   cwd=project)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "--out" in errors[0] and "refusing" in errors[0], done.stderr
    assert snapshot(project) == before


def test_refuses_a_folder_that_holds_something_else(project):
    notes = project / "notes"
    notes.mkdir()
    (notes / "ke-hoach.docx").write_bytes(b"not a site")
    done = run_cli("build", "--out", "notes", "--no-search", "--no-cache", "--lang", "en", cwd=project)
    assert done.returncode == 1 and "not empty and was not made by bantin" in done.stderr
    assert {name: data for name, (data, _) in snapshot(notes).items()} == {"ke-hoach.docx": b"not a site"}


def test_replaces_an_earlier_build_and_writes_into_an_empty_folder(project):
    (project / "empty").mkdir()
    assert run_cli("build", "--out", "empty", "--no-search", "--no-cache", cwd=project).returncode == 0
    assert (project / "empty" / "index.html").is_file()
    (project / "empty" / "stale.html").write_text("old", encoding="utf-8")
    again = run_cli("build", "--out", "empty", "--no-search", "--no-cache", cwd=project)
    assert again.returncode == 0, again.stderr
    assert not (project / "empty" / "stale.html").exists()


def test_cleans_up_what_a_killed_build_left_beside_the_output(project):
    dead = 2 ** 22 + 12345  # above the usual pid_max: no process has it
    leftovers = [project / f".site.staging-{dead}", project / f".site.update-{dead}", project / f".site.old-{dead}-1"]
    for folder in leftovers:
        (folder / "tin-tuc").mkdir(parents=True)
        (folder / "tin-tuc" / "index.html").write_text("half", encoding="utf-8")
    assert run_cli("build", "--no-search", "--no-cache", cwd=project).returncode == 0
    deadline = time.monotonic() + 20
    while any(f.exists() for f in leftovers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [f.name for f in leftovers if f.exists()] == []
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) in ([], [".bantin-cache"])


def test_never_copies_a_linked_asset_from_outside(project, tmp_path_factory):
    secret = tmp_path_factory.mktemp("outside") / "passwords.txt"
    secret.write_text("mat-khau", encoding="utf-8")
    (project / "assets").mkdir()
    os.symlink(secret, project / "assets" / "leak.txt")
    done = run_cli("build", "--no-search", "--no-cache", "--lang", "en", cwd=project)
    assert done.returncode == 1 and "assets/leak.txt" in done.stderr and "outside" in done.stderr
    assert not (project / "site").exists()
