"""Unit tests of the pure counting rules, the store and the snapshot parser."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from bantin.counter import rules
from bantin.counter.snapshot import SnapshotError, load_snapshot, parse_snapshot
from bantin.counter.store import HitOp, ImportOp, Totals, connect, write_batch

from .helpers import START

UA = "Mozilla/5.0 Firefox/120"


def counting_bytes():
    counter = itertools.count()
    return lambda n: next(counter).to_bytes(n, "big")


def test_visitor_id_is_the_same_whatever_else_was_asked_before():
    ring_a, ring_b = rules.SaltRing(counting_bytes()), rules.SaltRing(counting_bytes())
    first = ring_a.ids("10.0.0.1", UA, START)
    ring_a.ids("10.0.0.2", "other", START)
    ring_b.ids("10.0.0.2", "other", START)
    assert ring_b.ids("10.0.0.1", UA, START) == first == ring_a.ids("10.0.0.1", UA, START + 60)


def test_visitor_id_cannot_confuse_ip_and_user_agent_boundaries():
    salt = b"k" * 32
    assert rules.visitor_id(salt, "1.2.3.4", "5x") != rules.visitor_id(salt, "1.2.3.45", "x")
    assert rules.visitor_id(salt, "1.2.3.4", UA) != rules.visitor_id(b"j" * 32, "1.2.3.4", UA)


def test_visitor_id_does_not_contain_the_ip_or_user_agent():
    vid = rules.visitor_id(b"k" * 32, "192.168.7.7", UA)
    assert "192.168" not in vid and "Firefox" not in vid and len(vid) == 32


def test_salt_rotates_at_local_midnight():
    ring = rules.SaltRing()
    today = rules.day_of(START)
    before = ring.ids("10.0.0.1", UA, rules.day_start(today + 1) - 1)
    after = ring.ids("10.0.0.1", UA, rules.day_start(today + 1) + 1)
    assert after[0] != before[0]
    assert after[1] == before[0]  # yesterday's id still known during the first 30 minutes
    assert len(ring.ids("10.0.0.1", UA, rules.day_start(today + 1) + 31 * 60)) == 1


def test_salts_are_kept_at_most_48_hours():
    ring = rules.SaltRing()
    today = rules.day_of(START)
    ring.salt_for(today)
    ring.forget_old(rules.day_start(today) + 48 * 3600 - 1)
    assert ring.days() == [today]
    ring.forget_old(rules.day_start(today) + 48 * 3600)
    assert ring.days() == []
    for hours in range(0, 24 * 6, 5):
        ring.ids("10.0.0.1", UA, START + hours * 3600)
        assert len(ring.days()) <= 2


@pytest.mark.parametrize("ua", [
    "Googlebot/2.1 (+http://www.google.com/bot.html)", "Mozilla/5.0 (compatible; bingbot/2.0)",
    "Baiduspider", "Mozilla/5.0 (compatible; Yahoo! Slurp)", "curl/8.5.0", "Wget/1.21",
    "python-requests/2.31", "Mozilla/5.0 HeadlessChrome/120.0", "facebookexternalhit/1.1",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0)", "", None])
def test_bots_are_recognised(ua):
    assert rules.is_bot(ua, {})


@pytest.mark.parametrize("header", [{"Purpose": "prefetch"}, {"Sec-Purpose": "prefetch;prerender"},
                                    {"X-Moz": "prefetch"}])
def test_prefetches_are_not_readers(header):
    assert rules.is_bot(UA, header)


def test_browsers_are_not_bots():
    assert not rules.is_bot(UA, {})
    assert not rules.is_bot("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1", {})


def test_one_view_per_visitor_per_page_per_30_minutes():
    counting = rules.Counting()
    ids = counting.identify("10.0.0.1", UA, START)
    assert counting.observe(ids, "/a/", START).view
    assert not counting.observe(ids, "/a/", START + 29 * 60).view
    assert counting.observe(ids, "/b/", START + 29 * 60).view
    assert counting.observe(ids, "/a/", START + 30 * 60).view


def test_a_visit_starts_after_30_minutes_unseen():
    counting = rules.Counting()
    ids = counting.identify("10.0.0.1", UA, START)
    assert counting.observe(ids, "/a/", START).visit
    assert not counting.observe(ids, "/b/", START + 20 * 60).visit
    assert not counting.observe(ids, "/c/", START + 45 * 60).visit  # seen 25 minutes before
    assert counting.observe(ids, "/c/", START + 76 * 60).visit


def test_online_counts_distinct_visitors_of_the_last_5_minutes():
    counting = rules.Counting()
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.1"):
        counting.observe(counting.identify(ip, UA, START), "/a/", START)
    assert counting.online(START) == 2
    assert counting.online(START + 5 * 60) == 0


def test_a_reader_crossing_midnight_counts_once():
    counting = rules.Counting()
    midnight = rules.day_start(rules.day_of(START) + 1)
    before = counting.observe(counting.identify("10.0.0.1", UA, midnight - 60), "/a/", midnight - 60)
    after = counting.observe(counting.identify("10.0.0.1", UA, midnight + 60), "/a/", midnight + 60)
    assert before.view and before.visit
    assert not after.view and not after.visit
    assert counting.online(midnight + 60) == 1


def test_rate_limiter_allows_a_burst_then_asks_to_wait():
    limiter = rules.RateLimiter(rate=20, burst=40)
    assert all(limiter.check("v", START) == 0 for _ in range(40))
    wait = limiter.check("v", START)
    assert wait > 0 and rules.retry_after_header(wait) == "1"
    assert limiter.check("other", START) == 0
    assert limiter.check("v", START + 1) == 0


def test_store_batches_survive_a_reopen(tmp_path: Path):
    db = tmp_path / "c.sqlite3"
    conn = connect(db)
    day = rules.day_of(START)
    ops = [HitOp("/a/", day, True, True), HitOp("/a/", day, True, False),
           HitOp("/b/", day - 3, True, False), HitOp("/b/", day, False, True),
           ImportOp("old", "2026-01-01T00:00:00+00:00", {"/b/": 100}, 5000)]
    write_batch(conn, ops)
    live = Totals()
    live.apply(ops)
    conn.close()
    loaded = Totals.load(connect(db), day)
    assert loaded.views == live.views == {"/a/": 2, "/b/": 101}
    assert loaded.site_visits == live.site_visits == 5002
    assert loaded.last_7_days(day) == live.last_7_days(day) == {"/a/": 2, "/b/": 1}
    assert loaded.sources == {"old"}


def test_store_keeps_no_visitor_data(tmp_path: Path):
    conn = connect(tmp_path / "c.sqlite3")
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"page_views", "daily_views", "site_counts", "baseline", "meta", "poll_votes",
                      "poll_voters"}


def test_top_is_most_viewed_first_then_by_path():
    totals = Totals(views={"/b/": 5, "/a/": 5, "/c/": 9, "/d/": 0})
    assert totals.top("all", 0, lambda p: True) == [("/c/", 9), ("/a/", 5), ("/b/", 5)]
    assert totals.top("all", 0, lambda p: p != "/c/", limit=1) == [("/a/", 5)]


def test_top_of_7_days_forgets_older_days():
    totals = Totals()
    totals.apply([HitOp("/old/", 100, True, False), HitOp("/new/", 106, True, False)])
    assert totals.top("7d", 106, lambda p: True) == [("/new/", 1), ("/old/", 1)]
    assert totals.top("7d", 107, lambda p: True) == [("/new/", 1)]


def snapshot_data(**changes):
    data = {"version": 1, "generated": "2026-11-22T06:00:00+00:00", "site_visits": 16593684,
            "views": {"/a/": 2422}, "top": {"7d": [{"path": "/a/", "views": 120}],
                                            "all": [{"path": "/a/", "views": 2422}]}}
    data.update(changes)
    return data


def test_can_load_a_snapshot(tmp_path: Path):
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(snapshot_data()), "utf-8")
    snap = load_snapshot(path)
    assert snap.site_visits == 16593684 and snap.views == {"/a/": 2422}
    assert snap.top["all"][0].path == "/a/" and snap.top["7d"][0].views == 120


@pytest.mark.parametrize("changes, field", [
    ({"version": 2}, "version"), ({"site_visits": -1}, "site_visits"),
    ({"site_visits": True}, "site_visits"), ({"generated": "yesterday"}, "generated"),
    ({"views": {"a/": 1}}, "views['a/']"), ({"views": {"/a/": "1"}}, "views['/a/']"),
    ({"top": {"7d": []}}, "top.all"), ({"top": {"7d": [{"path": "/a/"}], "all": []}}, "top.7d[0].views"),
])
def test_errors_on_a_bad_snapshot_name_the_file_and_field(changes, field):
    with pytest.raises(SnapshotError) as error:
        parse_snapshot(json.dumps(snapshot_data(**changes)), "counts.json")
    assert str(error.value).startswith(f"counts.json: {field}")


def test_errors_on_a_missing_or_broken_snapshot_file(tmp_path: Path):
    with pytest.raises(SnapshotError, match="cannot read"):
        load_snapshot(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{", "utf-8")
    with pytest.raises(SnapshotError, match=r"bad\.json: not valid JSON"):
        load_snapshot(tmp_path / "bad.json")


def test_top_may_lag_the_counts_by_max_age_only():
    totals = Totals(views={"/a/": 2, "/b/": 1})
    assert totals.top("all", 0, lambda p: True, max_age=3600) == [("/a/", 2), ("/b/", 1)]
    totals.apply([HitOp("/b/", 0, True, False)] * 5)
    assert totals.top("all", 0, lambda p: True, max_age=3600) == [("/a/", 2), ("/b/", 1)]
    assert totals.top("all", 0, lambda p: True, max_age=0) == [("/b/", 6), ("/a/", 2)]
    assert totals.top("7d", 0, lambda p: True, max_age=3600) == [("/b/", 5)]


def test_dedup_memory_is_bounded_oldest_first():
    keys = rules.ExpiringKeys(window=1800, cap=3)
    for i, key in enumerate("abcd"):
        keys.add(key, START + i)
    assert len(keys) == 3 and "a" not in keys and "d" in keys


def test_readers_of_one_address_are_bounded_and_addresses_too():
    readers = rules.AddressReaders(window=1800, limit=3, cap=2)
    assert [readers.reader("addr", v, START) for v in ("u1", "u2", "u3")] == ["u1", "u2", "~addr"]
    assert readers.reader("addr", "u4", START + 1000) == "~addr"
    assert readers.reader("addr", "u4", START + 1800) == "u4"   # u1 and u2 fell silent for a window
    readers.reader("other", "x", START + 1801)
    readers.reader("third", "y", START + 1802)                 # cap 2: "addr" is forgotten
    assert [readers.reader("addr", v, START + 1803) for v in ("v1", "v2")] == ["v1", "v2"]


def test_building_a_site_does_not_import_the_counter_service():
    import subprocess
    import sys

    code = ("import sys, bantin.pipeline, bantin.cli; "
            "print(sorted(m for m in sys.modules if m.startswith('bantin.counter')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "['bantin.counter', 'bantin.counter.manifest', 'bantin.counter.snapshot']"
