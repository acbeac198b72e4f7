"""serve's Builder: a rebuild after an edit re-reads only the edited file and renders only what it touches."""

from __future__ import annotations

import io
from pathlib import Path

from bantin.cli import make_parser, options_from
from bantin.dev.serve import Builder, BuildStatus

from .helpers import copy_sample


def test_rebuild_after_an_edit_reads_one_file_and_keeps_the_rest(tmp_path):
    content = copy_sample(tmp_path)
    args = make_parser().parse_args(["build", "--content", str(content), "--out", str(tmp_path / "site"),
                                     "--no-search", "--jobs", "1"])
    status, log = BuildStatus(), io.StringIO()
    builder = Builder(options_from(args), status, lambda: None, stream=log)
    assert builder.build_once()
    posts = sorted((content / "posts").rglob("*.md"))
    assert builder.session.parsed.reads > len(posts)
    post = posts[0]
    post.write_text(post.read_text(encoding="utf-8") + "\nMột câu mới của biên tập viên.\n", encoding="utf-8")
    assert builder.build_once([str(post)])
    assert builder.session.parsed.reads == 1
    assert status.state == "ok" and status.build == 2
    summary = log.getvalue().strip().splitlines()[-1]
    written = int(summary.split(": ")[1].split(" written")[0].replace(",", "").replace(".", ""))
    assert 1 <= written < 60, summary
    assert "Một câu mới của biên tập viên." in "".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "site/tin-tuc").rglob("index.html"))
