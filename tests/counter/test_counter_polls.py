"""Polls on the counter (issue 14): POST /api/vote, GET /api/poll, the no-JS form, the snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bantin.counter import load_snapshot

from .helpers import BROWSER_UA, ORIGIN, TOKEN, Api

OPENS = "2026-11-01T00:00:00+07:00"      # START (2026-11-18) is inside
CLOSES = "2026-12-01T00:00:00+07:00"
FORM = "application/x-www-form-urlencoded"


def write_polls(site_dir: Path, polls: list[dict] | None = None) -> None:
    polls = polls if polls is not None else [
        {"id": "danh-gia", "question": "Bạn đánh giá cổng thông tin thế nào?",
         "options": [{"id": "tot", "label": "Tốt"}, {"id": "kha", "label": "Khá"},
                     {"id": "can-cai-thien", "label": "Cần cải thiện"}],
         "opens": OPENS, "closes": CLOSES}]
    (site_dir / "_bantin" / "polls.json").write_text(json.dumps({"version": 1, "polls": polls}), "utf-8")


@pytest.fixture
def polls(site_dir: Path, api: Api) -> Api:
    write_polls(site_dir)
    return api


def vote(api: Api, option: str, poll: str = "danh-gia", ua: str = BROWSER_UA,
         headers: dict[str, str] | None = None):
    return api.request("POST", "/api/vote", json.dumps({"poll": poll, "option": option}),
                       {"Content-Type": "application/json", "Origin": ORIGIN, **(headers or {})}, ua=ua)


def test_a_vote_is_counted_once_per_reader(polls: Api):
    first = vote(polls, "tot")
    assert first.status == 200
    assert first.json == {"poll": "danh-gia", "total": 1, "voted": True,
                          "options": [{"id": "tot", "votes": 1}, {"id": "kha", "votes": 0},
                                      {"id": "can-cai-thien", "votes": 0}]}
    again = vote(polls, "kha")
    assert again.status == 409 and again.json["error"] == "already_voted"
    assert again.json["total"] == 1 and again.json["voted"] is True
    assert vote(polls, "kha", ua=BROWSER_UA + " colleague").json["total"] == 2


def test_the_same_reader_cannot_vote_again_the_next_day(polls: Api, clock):
    assert vote(polls, "tot").status == 200
    clock.advance(2 * 86400)  # the daily salt of the view counts has rotated twice
    assert vote(polls, "kha").status == 409


def test_get_poll_tells_the_reader_whether_they_voted_and_if_it_is_open(polls: Api):
    before = polls.request("GET", "/api/poll?id=danh-gia").json
    assert before["voted"] is False and before["open"] is True and before["total"] == 0
    vote(polls, "kha")
    after = polls.request("GET", "/api/poll?id=danh-gia").json
    assert after["voted"] is True and after["options"][1] == {"id": "kha", "votes": 1}
    other = polls.request("GET", "/api/poll?id=danh-gia", ua=BROWSER_UA + " other").json
    assert other["voted"] is False and other["total"] == 1


@pytest.mark.parametrize("poll, option, code", [("khong-co", "tot", "unknown_poll"),
                                                ("danh-gia", "xuat-sac", "unknown_option")])
def test_only_polls_and_options_of_the_built_site(polls: Api, poll, option, code):
    response = vote(polls, option, poll=poll)
    assert response.status == 400 and response.json["error"] == code
    assert polls.request("GET", "/api/poll?id=danh-gia").json["total"] == 0
    assert polls.request("GET", "/api/poll?id=khong-co").status == 400


@pytest.mark.parametrize("advance", [-30 * 86400, 14 * 86400])
def test_no_vote_before_opening_or_after_closing(polls: Api, clock, advance):
    clock.advance(advance)
    response = vote(polls, "tot")
    assert response.status == 403 and response.json["error"] == "poll_closed"
    assert response.json["total"] == 0
    assert polls.request("GET", "/api/poll?id=danh-gia").json["open"] is False


def test_votes_follow_the_origin_rules_and_bots_do_not_vote(polls: Api):
    assert vote(polls, "tot", headers={"Origin": "https://evil.example"}).status == 403
    assert vote(polls, "tot", ua="Mozilla/5.0 (compatible; Googlebot/2.1)").status == 403
    assert polls.request("GET", "/api/poll?id=danh-gia").json["total"] == 0


def test_one_address_is_at_most_30_voters_per_poll(polls: Api):
    statuses = [vote(polls, "tot", ua=f"{BROWSER_UA} rotation-{i}").status for i in range(35)]
    assert statuses == [200] * 30 + [429] * 5
    assert polls.request("GET", "/api/poll?id=danh-gia").json["total"] == 30


def test_the_form_without_javascript_gets_a_vietnamese_page(polls: Api):
    response = polls.request("POST", "/api/vote", "poll=danh-gia&option=kha",
                             {"Content-Type": FORM, "Origin": ORIGIN, "Referer": ORIGIN + "/tin-tuc/a/"})
    page = response.body.decode("utf-8")
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/html")
    assert "Cảm ơn bạn đã gửi bình chọn" in page and "Khá: 1 phiếu (100,0 %)" in page
    assert f'href="{ORIGIN}/tin-tuc/a/"' in page
    again = polls.request("POST", "/api/vote", "poll=danh-gia&option=tot", {"Content-Type": FORM, "Origin": ORIGIN})
    assert again.status == 409 and "chỉ bình chọn một lần" in again.body.decode("utf-8")
    assert 'href="https://dangbo.example.vn/"' in again.body.decode("utf-8")


def test_the_polls_file_is_reread_when_the_build_rewrites_it(polls: Api, site_dir: Path):
    assert vote(polls, "co", poll="moi").status == 400
    write_polls(site_dir, [{"id": "moi", "question": "Mới?", "options": [{"id": "co", "label": "Có"}],
                            "opens": OPENS, "closes": CLOSES}])
    assert vote(polls, "co", poll="moi").status == 200
    (site_dir / "_bantin" / "polls.json").write_text("{broken", "utf-8")
    health = polls.request("GET", "/api/health").json
    assert health["polls"] == 1 and "polls.json" in health["polls_error"]


def test_the_snapshot_carries_the_results(polls: Api, tmp_path: Path):
    vote(polls, "tot")
    vote(polls, "tot", ua=BROWSER_UA + " 2")
    export = polls.request("GET", "/api/export", headers={"Authorization": f"Bearer {TOKEN}"})
    assert export.json["polls"] == {"danh-gia": {"tot": 2, "kha": 0, "can-cai-thien": 0}}
    (tmp_path / "snap.json").write_bytes(export.body)
    assert load_snapshot(tmp_path / "snap.json").polls == {"danh-gia": {"tot": 2, "kha": 0, "can-cai-thien": 0}}


def test_votes_survive_a_restart_and_still_count_once(tmp_path: Path, site_dir: Path, clock):
    from bantin.counter import start_in_background

    write_polls(site_dir)
    db = tmp_path / "votes.sqlite3"
    for expected in (200, 409):
        with start_in_background(db, site_dir, clock=clock, rate=0) as handle:
            assert vote(Api(handle.port), "kha").status == expected


def test_who_voted_is_forgotten_a_day_after_the_poll_closes(polls: Api, clock, tmp_path: Path):
    import sqlite3

    vote(polls, "tot")
    db = tmp_path / "counter.sqlite3"
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM poll_voters").fetchone() == (1,)
    clock.advance(15 * 86400)          # past closes (2026-12-01) by more than a day
    polls.hit("/tin-tuc/a/")           # the first hit of a new day tidies up
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM poll_voters").fetchone() == (0,)
    assert polls.request("GET", "/api/poll?id=danh-gia").json["total"] == 1   # the votes stay


def test_the_form_from_another_site_is_refused_with_a_page_and_counts_nothing(polls: Api):
    response = polls.request("POST", "/api/vote", "poll=danh-gia&option=tot",
                             {"Content-Type": FORM, "Origin": "https://evil.example",
                              "Referer": "https://evil.example/trap/"})
    page = response.body.decode("utf-8")
    assert response.status == 403 and "Không ghi nhận được bình chọn" in page
    assert "evil.example" not in page   # the link back goes to the site, not to the referrer
    assert polls.request("GET", "/api/poll?id=danh-gia").json["total"] == 0
