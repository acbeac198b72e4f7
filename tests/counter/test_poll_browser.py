"""The poll in a real browser: a reader votes in the side column and sees the results, once."""

from __future__ import annotations

import re

import pytest

from bantin.counter import start_in_background
from bantin.pipeline import Options, build
from tests.conftest import free_port, serve_folder
from tests.counter.test_counter_browser import READER_AGENT
from tests.support import SAMPLE_NOW, copy_sample

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def voting_site(tmp_path_factory):
    """The sample portal with its poll open whatever today is, served beside a counter."""
    folder = tmp_path_factory.mktemp("voting")
    content = copy_sample(folder)
    for poll in (content / "polls").glob("*.yaml"):
        text = re.sub(r"(?m)^opens: .*$", "opens: 2000-01-01", poll.read_text(encoding="utf-8"))
        poll.write_text(re.sub(r"(?m)^closes: .*$", "closes: 2999-12-31", text), encoding="utf-8")
    site = folder / "site"
    counter_port = free_port()
    build(Options(content=content, out=site, jobs=1, search=False, cache_dir=None, now=SAMPLE_NOW,
                  counter_endpoint=f"http://127.0.0.1:{counter_port}"))
    url, server = serve_folder(site)
    counter = start_in_background(folder / "counter.sqlite3", site, port=counter_port, origin=url)
    yield url
    counter.stop()
    server.shutdown()


def test_can_vote_and_see_the_results_but_not_vote_twice(browser, voting_site):
    page = browser.new_page(user_agent=READER_AGENT)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(voting_site + "/")
    poll = page.locator("aside .poll").first
    poll.locator("input[type=radio]").nth(1).check()
    poll.locator("button.poll__vote").click()
    poll.locator(".poll__status", has_text="Cảm ơn").wait_for()
    chosen = poll.locator(".poll__bars li").nth(1)
    assert re.search(r"1 phiếu \(100(,0)?%\)", chosen.text_content())
    assert "Tổng số: 1 lượt bình chọn" in poll.locator(".poll__total").text_content()
    assert poll.locator("button.poll__vote").is_disabled()

    page.reload()  # the same reader again: the counter refuses a second vote and still shows the results
    poll = page.locator("aside .poll").first
    poll.locator("input[type=radio]").first.check()
    poll.locator("button.poll__vote").click()
    poll.locator(".poll__status").filter(has_not_text="Cảm ơn").filter(has_text=re.compile(r"\S")).wait_for()
    assert "Tổng số: 1 lượt bình chọn" in poll.locator(".poll__total").text_content()
    assert errors == [] or all("409" in e for e in errors), errors
    page.close()
