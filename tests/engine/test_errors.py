"""Errors that tell the truth: a bug is an internal error with its traceback and the page being built;
a bad setting is one line naming it."""

from __future__ import annotations

import sys

import pytest

from bantin.pipeline import Options, build
from bantin.problems import BuildFailed, InternalError
from bantin.render.views import Views
from tests.support import ROOT, copy_sample, run_cli


def test_reports_a_bug_in_a_view_as_an_internal_error_naming_the_page(tmp_path, monkeypatch):
    def broken(self, spec):
        return {"ratio": 1 / 0}
    monkeypatch.setattr(Views, "_home", broken)
    with pytest.raises(InternalError) as bug:
        build(Options(content=ROOT / "content", out=tmp_path / "site", jobs=1, search=False))
    assert bug.value.where == "while building /"
    assert "ZeroDivisionError" in bug.value.details and "Traceback" in bug.value.details
    assert not (tmp_path / "site").exists()


def test_reports_a_template_mistake_as_a_template_error_with_file_line_and_page(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text('{% extends "base.html" %}\n{% block main %}\n{{ no_such_name }}\n'
                                         '{% endblock %}\n', encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(Options(content=ROOT / "content", out=tmp_path / "site", templates=templates, jobs=1, search=False))
    shown = [str(p) for p in failed.value.problems]
    assert shown and all("page.html:3: template error: 'no_such_name' is undefined (building /" in s for s in shown)


def test_cli_shows_the_traceback_of_an_internal_error_and_exits_70(tmp_path):
    content = copy_sample(tmp_path)
    script = ("import sys; from bantin.render.views import Views; from bantin.cli import main\n"
              "Views._home = lambda self, spec: 1 / 0\n"
              f"sys.exit(main(['build', '--content', {str(content)!r}, '--out', {str(tmp_path / 'site')!r}, "
              "'--no-search', '--no-cache', '--jobs', '1', '--lang', 'en']))\n")
    import subprocess
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 70
    assert "Traceback" in done.stderr and "ZeroDivisionError" in done.stderr
    assert "internal error while building /: this is a bug in bantin" in done.stderr
    assert "template error" not in done.stderr


@pytest.mark.parametrize("args,expected", [
    (["--jobs", "-1"], "argument --jobs: -1 is not between 1 and 256"),
    (["--jobs", "hai"], "argument --jobs: `hai` is not a whole number"),
])
def test_rejects_bad_arguments_in_one_line(tmp_path, args, expected):
    done = run_cli("build", "--content", str(ROOT / "content"), "--out", str(tmp_path / "site"), "--lang", "en", *args)
    assert done.returncode == 2 and expected in done.stderr
    assert "Traceback" not in done.stderr


def test_rejects_a_malformed_source_date_epoch_in_one_line(tmp_path):
    done = run_cli("build", "--content", str(ROOT / "content"), "--out", str(tmp_path / "site"), "--no-search",
                   "--lang", "en", env={"SOURCE_DATE_EPOCH": "hôm qua"})
    assert done.returncode == 1
    assert "error: SOURCE_DATE_EPOCH: `hôm qua` is not a time" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "site").exists()
