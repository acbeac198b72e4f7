"""`build.py check` in its three formats, on a fixture with three known errors; progress lines."""

from __future__ import annotations

import io
import json
import re

import pytest

from bantin.cli import annotation
from bantin.pipeline import Report
from bantin.problems import Problem
from bantin.dev.progress import Bar, Lines, progress_for, summary

from .helpers import BROKEN, ROOT, run_cli

# One workflow command per line: no raw "," or ":" inside a property, no newline inside the message.
ANNOTATION = re.compile(r"^::(error|warning) file=(?P<file>[^,:\n]+),line=(?P<line>[1-9]\d*)"
                        r"(,title=[^,:\n]*)?::(?P<message>[^\r\n]+)$")
EXPECTED = {("posts/2024/ngay-sai.md", 3), ("posts/2024/chuyen-muc-sai.md", 4), ("units/xa-mot.yaml", 3)}
SHOWN = BROKEN.relative_to(ROOT).as_posix()


def located(path: str, line: int) -> tuple[str, int]:
    assert path.startswith(SHOWN + "/"), path
    return path[len(SHOWN) + 1:], line


def test_github_format_emits_one_valid_annotation_per_problem():
    run = run_cli("check", "--content", SHOWN, "--format", "github", "--lang", "en")
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    matches = [ANNOTATION.match(line) for line in lines]
    assert all(matches), lines
    assert {located(m["file"], int(m["line"])) for m in matches} == EXPECTED
    assert any("did you mean `tin-hoat-dong`?" in m["message"] for m in matches)
    assert (ROOT / matches[0]["file"]).is_file()  # GitHub resolves it from the repository root


def test_json_format_parses_and_keeps_every_field():
    run = run_cli("check", "--content", SHOWN, "--format", "json")
    assert run.returncode == 1
    problems = json.loads(run.stdout)
    assert {located(p["path"], p["line"]) for p in problems} == EXPECTED
    assert all(set(p) == {"path", "line", "field", "message", "hint", "severity"} for p in problems)
    assert {p["field"] for p in problems} == {"date", "category", "parent"}


def test_human_format_is_the_default_in_file_order_with_a_count():
    run = run_cli("check", "--content", SHOWN, "--lang", "en")
    assert run.returncode == 1 and run.stdout == ""
    lines = run.stderr.splitlines()
    assert lines[-1] == "3 error(s), 0 warning(s)"
    assert lines[:-1] == sorted(lines[:-1])
    assert lines[0] == (f"error: {SHOWN}/posts/2024/chuyen-muc-sai.md:4: category: unknown category "
                        "`tin-hoat-dng` (did you mean `tin-hoat-dong`?)")


def test_check_passes_on_the_sample_portal():
    run = run_cli("check", "--format", "github")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "::error" not in run.stdout


@pytest.mark.parametrize("message", ["dòng một\ndòng hai", "100% xong\r\n", "a, b: c :: d"])
def test_annotation_escapes_what_would_end_the_command(message):
    line = annotation(Problem("content/posts/a,b:c.md", 0, "title", message, "gợi ý, có: dấu"))
    match = ANNOTATION.match(line)
    assert match, line
    assert match["file"] == "content/posts/a%2Cb%3Ac.md" and match["line"] == "1"
    decoded = match["message"].replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
    assert decoded == f"{message} (gợi ý, có: dấu)"


def test_warnings_are_github_warnings():
    line = annotation(Problem("content/units/x.yaml", 7, "stats", "figures disagree", severity="warning"))
    assert line.startswith("::warning file=content/units/x.yaml,line=7,title=bantin%3A stats::")


def test_plain_progress_prints_a_line_per_tenth():
    out = io.StringIO()
    report = Lines(out, "rendering")
    for done in range(0, 1001, 7):
        report(done, 1000)
    report(1000, 1000)
    lines = out.getvalue().splitlines()
    assert len(lines) == 10 and lines[-1] == "rendering: 100 % (1,000/1,000 pages)"
    assert [int(l.split(": ")[1].split(" %")[0]) // 10 for l in lines] == list(range(1, 11))


def test_progress_bar_redraws_in_place_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    report = progress_for(out)
    assert isinstance(report, Bar)
    report(500, 1000)
    report(1000, 1000)
    assert out.getvalue().startswith("\r") and out.getvalue().endswith("100 %  1,000/1,000 pages\n")
    assert isinstance(progress_for(io.StringIO()), Lines)


def test_summary_line_names_every_count():
    report = Report(pages=2741, written=3, unchanged=2900, warnings=[Problem("a", 1, "", "w", severity="warning")],
                    seconds=1.234)
    assert summary(report, "site") == ("built 2,741 pages into site/: 3 written, 2,900 unchanged, "
                                       "1 warning(s), 1.23 s")
