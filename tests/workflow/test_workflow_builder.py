"""serve's Builder: a rebuild after an edit re-reads only the edited file and renders only what it touches."""

from __future__ import annotations

import io
from pathlib import Path

from bantin.cli import make_parser, options_from
from bantin.dev.serve import Builder, BuildStatus, Preview

from .helpers import copy_sample


def test_rebuild_after_an_edit_reads_one_file_and_keeps_the_rest(tmp_path):
    content = copy_sample(tmp_path)
    args = make_parser().parse_args(["build", "--content", str(content), "--out", str(tmp_path / "site"),
                                     "--no-search", "--jobs", "1"])
    status, log = BuildStatus(), io.StringIO()
    builder = Builder(options_from(args), status, lambda: None, stream=log, language="en")
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


def test_shows_the_edited_article_before_checking_the_rest_of_the_site(tmp_path):
    content = copy_sample(tmp_path)
    args = make_parser().parse_args(["build", "--content", str(content), "--out", str(tmp_path / "site"),
                                     "--no-search", "--jobs", "1"])
    shown: list[dict[str, bytes]] = []
    preview = Preview()
    preview.show = lambda pages: shown.append(pages)  # what the server would serve from memory
    builder = Builder(options_from(args), BuildStatus(), lambda: None, stream=io.StringIO(), preview=preview)
    assert builder.build_once()
    assert shown == []  # a first build has nothing to show early
    post = sorted((content / "posts").rglob("*.md"))[3]
    post.write_text(post.read_text(encoding="utf-8") + "\nMột câu mới để xem trước.\n", encoding="utf-8")
    assert builder.build_once([str(post)])
    assert len(shown) == 1 and len(shown[0]) == 1
    [(path, page)] = shown[0].items()
    assert path.startswith("/tin-tuc/") and "Một câu mới để xem trước." in page.decode("utf-8")
    assert (tmp_path / "site" / path.strip("/") / "index.html").read_bytes() == page
