"""bantin-cms.js writes files the way the spec and `build.py new` do: a file opened and saved unchanged
keeps its keys, their order and their values; dates get the site's offset; lists stay one line."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from bantin.admin.files import OWN_SCRIPT, node_modules
from bantin.source.articles import parse_date
from tests.support import SAMPLE

from .conftest import needs_decap

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HARNESS = """
global.document = {currentScript: {dataset: {timezone: "Asia/Ho_Chi_Minh"}}};
global.window = {h: function () { return null; }, createClass: function (spec) { return spec; }};
global.CMS = {registerCustomFormat() {}, registerEventListener() {}, registerPreviewStyle() {},
              registerPreviewTemplate() {}, init() {}};
global.jsyaml = require(process.argv[1]);
require(process.argv[2]);
const jobs = JSON.parse(require("fs").readFileSync(0, "utf-8"));
console.log(JSON.stringify(jobs.map(([kind, action, arg, keys]) => {
  const format = window.bantinFormat[kind];
  return action === "roundtrip" ? format.toFile(format.fromFile(arg), keys || []) : format.toFile(arg, keys || []);
})));
"""


def run_js(jobs: list) -> list[str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (./dev test installs it)")
    needs_decap()
    result = subprocess.run([node, "-e", HARNESS, str(node_modules() / "js-yaml"), str(OWN_SCRIPT)],
                            input=json.dumps(jobs), capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def front(text: str) -> tuple[dict, str]:
    lines = text.split("\n")
    end = lines.index("---", 1)
    return yaml.safe_load("\n".join(lines[1:end])) or {}, "\n".join(lines[end + 1:])


def moments(data: dict) -> dict:
    """`data` with its dates (polls' `opens`, `closes`) as the moments they mean."""
    return {k: parse_date(str(v), TZ) if k in ("opens", "closes") else v for k, v in data.items()}


def test_every_sample_file_saved_unchanged_keeps_its_keys_order_and_values():
    articles = sorted((SAMPLE / "posts").rglob("*.md")) + sorted((SAMPLE / "pages").rglob("*.md"))
    units = sorted((SAMPLE / "units").rglob("*.yaml")) + sorted((SAMPLE / "polls").glob("*.yaml"))
    sources = [p.read_text(encoding="utf-8") for p in articles + units]
    saved = run_js([["frontmatter", "roundtrip", s] for s in sources[:len(articles)]]
                   + [["yaml", "roundtrip", s] for s in sources[len(articles):]])
    for path, before, after in zip(articles, sources, saved):
        (old, old_body), (new, new_body) = front(before), front(after)
        assert list(new) == list(old), path
        assert new_body.rstrip() == old_body.rstrip(), path
        for key, value in old.items():
            if key in ("date", "pinned_until"):
                assert parse_date(str(new[key]), TZ) == parse_date(str(value), TZ), path
                assert str(new[key]).endswith("+07:00"), path
            else:
                assert new[key] == value, (path, key)
    for path, before, after in zip(units, sources[len(articles):], saved[len(articles):]):
        old, new = yaml.safe_load(before), yaml.safe_load(after)
        assert list(new) == list(old) and moments(new) == moments(old), path


def test_a_new_article_is_written_like_build_py_new_writes_it():
    data = {"body": "Nội dung bài.", "draft": False, "tags": ["Chi bộ bốn tốt"], "_bantin_new_tags": "Chỉ thị 05, ",
            "date": "2025-05-20 02:30+00:00", "unit": "dinh-my", "title": "Đảng bộ: “đổi mới”", "author": "",
            "_bantin_slug": "dang-bo-doi-moi", "image": None}
    order = ["title", "date", "unit", "category", "tags", "author", "image", "draft", "body"]
    [text] = run_js([["frontmatter", "write", data, order]])
    assert text == ("---\ntitle: 'Đảng bộ: “đổi mới”'\ndate: 2025-05-20 09:30+07:00\nunit: dinh-my\n"
                    "tags: [Chi bộ bốn tốt, Chỉ thị 05]\n---\nNội dung bài.\n")
    meta, _ = front(text)
    assert parse_date(meta["date"], TZ) == datetime(2025, 5, 20, 9, 30, tzinfo=TZ)


def test_dates_from_any_zone_are_written_in_the_site_zone_and_words_yaml_reads_as_booleans_stay_text():
    data = {"title": "yes", "date": "2025-12-31T20:00:00Z", "body": ""}
    [text] = run_js([["frontmatter", "write", data, ["title", "date", "body"]]])
    meta, _ = front(text)
    assert meta == {"title": "yes", "date": "2026-01-01 03:00+07:00"}
