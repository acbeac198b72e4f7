"""`build.py serve` as an editor uses it: edit → the page changes; break a file → the last good
site stays served and the status the overlay reads names the file and line; fix → back to normal."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bantin.dev.serve import changes, resolve_request, snapshot, with_overlay

from tests.support import wait_for

from .helpers import ROOT, copy_sample, free_port

TIMEOUT = 90.0  # an upper bound for a loaded CI machine; a quiet one needs a few seconds


def fetch(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read().decode("utf-8"), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8"), dict(error.headers)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A copy of the sample portal served by `build.py serve` (with its counter) on free ports.

    Shared by this module's tests (a first build costs seconds); each test restores what it edits."""
    tmp_path = tmp_path_factory.mktemp("serve")
    content = copy_sample(tmp_path)
    port, counter_port = free_port(), free_port()
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content), "--out", str(tmp_path / "site"),
         "--port", str(port), "--counter-port", str(counter_port), "--counter-db", str(tmp_path / "c.sqlite3"),
         "--no-search", "--jobs", "1"], cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: fetch(base + "/")[0] == 200, "the first build to be served", 120)
        yield base, content, counter_port, log
    finally:
        process.terminate()
        try:
            assert process.wait(timeout=15) == 0
        finally:
            process.kill()
            log.seek(0)
            print(log.read())  # shown by pytest when the test failed
            log.close()


def status(base: str) -> dict:
    return json.loads(fetch(base + "/_bantin/dev-status.json")[1])


def article_url(base: str, title: str) -> str:
    pages = json.loads(fetch(base + "/_bantin/pages.json")[1])["pages"]
    return base + next(p["path"] for p in pages if p["title"] == title)


def test_serve_rebuilds_on_change_and_keeps_the_last_good_site_on_error(served):
    base, content, counter_port, _ = served
    code, home, _ = fetch(base + "/")
    assert 0 < home.index('<script src="/_bantin/dev-overlay.js" defer></script>') < home.index("</head>")
    assert "livereload.js" in home
    assert f'data-counter="http://127.0.0.1:{counter_port}"' in home
    published_at = re.search(r"^base_url: *(\S+)", (content / "site.yaml").read_text(encoding="utf-8"), re.M)[1]
    assert f'<link rel="canonical" href="{base}/">' in home and published_at not in home  # built for this address
    assert status(base)["state"] == "ok"

    article = sorted((content / "posts").rglob("*.md"))[0]
    source = article.read_text(encoding="utf-8")
    old_title = re.search(r"^title: (.*)$", source, re.M)[1].strip().strip('"')
    url = article_url(base, old_title)
    article.write_text(source.replace(old_title, "Tiêu đề mới sau khi sửa", 1), encoding="utf-8")
    wait_for(lambda: "Tiêu đề mới sau khi sửa" in fetch(url)[1], "the edited title on the article page")
    good_build = status(base)["build"]

    broken = break_date(source.replace(old_title, "Tiêu đề hỏng", 1))
    article.write_text(broken, encoding="utf-8")
    failed = wait_for(lambda: (s := status(base))["state"] == "failed" and s, "the broken build's status")
    assert failed["build"] > good_build
    problem = failed["problems"][0]
    line = broken.splitlines().index("date: 2024-13-45") + 1
    assert Path(problem["path"]).name == article.name and problem["line"] == line
    assert problem["field"] == "date" and "2024-13-45" in problem["message"]
    code, page, _ = fetch(url)
    assert code == 200 and "Tiêu đề mới sau khi sửa" in page and "Tiêu đề hỏng" not in page

    article.write_text(source, encoding="utf-8")
    wait_for(lambda: status(base)["state"] == "ok", "the fixed build")
    assert old_title in fetch(url)[1]
    code, health, headers = fetch(f"http://127.0.0.1:{counter_port}/api/health")
    assert code == 200 and json.loads(health)["pages"] > 0


def test_serve_answers_folders_missing_pages_and_assets(served):
    base, *_ = served
    code, page, headers = fetch(base + "/khong-co-trang-nay/")
    assert code == 404 and "dev-overlay.js" in page
    code, script, headers = fetch(base + "/_bantin/dev-overlay.js")
    assert code == 200 and "dev-status.json" in script and headers["Cache-Control"] == "no-store"


def break_date(source: str) -> str:
    return re.sub(r"^date: .*$", "date: 2024-13-45", source, count=1, flags=re.M)


@pytest.mark.browser
def test_overlay_shows_the_error_in_the_open_page_and_goes_away_when_fixed(served, browser):
    base, content, _, _ = served
    article = sorted((content / "posts").rglob("*.md"))[-1]
    source = article.read_text(encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto(base + "/")
        article.write_text(break_date(source), encoding="utf-8")
        overlay = page.locator("#bantin-dev-overlay")
        overlay.wait_for(state="visible", timeout=TIMEOUT * 1000)
        text = overlay.inner_text()
        assert f"{article.name}:" in text and "2024-13-45" in text and "YYYY-MM-DD" in text
        assert page.locator("main, #main").count() > 0  # the last good page is still there beneath
        article.write_text(source, encoding="utf-8")
        overlay.wait_for(state="detached", timeout=TIMEOUT * 1000)
    finally:
        article.write_text(source, encoding="utf-8")
        page.close()
    wait_for(lambda: status(base)["state"] == "ok", "the fixed build")


def test_resolve_request_serves_index_files_and_stays_inside_the_site(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("x")
    (tmp_path / "f.css").write_text("y")
    assert resolve_request(tmp_path, "") is None
    assert resolve_request(tmp_path, "a/") == tmp_path / "a" / "index.html"
    assert resolve_request(tmp_path, "a") == "/a/"
    assert resolve_request(tmp_path, "f.css") == tmp_path / "f.css"
    assert resolve_request(tmp_path, "../etc/passwd") is None


def test_overlay_script_goes_into_the_head_once():
    html = b"<html><head><title>t</title></head><body><pre></head></pre></body></html>"
    assert with_overlay(html).count(b"dev-overlay.js") == 1
    assert with_overlay(html).index(b"dev-overlay.js") < html.index(b"<body>") + 60


def test_watcher_sees_added_changed_and_removed_files_but_not_swap_files(tmp_path):
    (tmp_path / "a.md").write_text("1")
    (tmp_path / "b.md").write_text("2")
    before = snapshot([tmp_path])
    (tmp_path / "a.md").write_text("1 changed")
    (tmp_path / "b.md").unlink()
    (tmp_path / "c.md").write_text("3")
    (tmp_path / ".a.md.swp").write_text("x")
    (tmp_path / "c.md~").write_text("x")
    assert [Path(p).name for p in changes(before, snapshot([tmp_path]))] == ["a.md", "b.md", "c.md"]
