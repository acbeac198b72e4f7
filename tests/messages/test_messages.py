"""msg(): the English text that can still be shown in Vietnamese; problems stay plain data."""

from __future__ import annotations

import copy
import io
import json
import pickle
import shutil

import pytest

from bantin.cli import make_parser, options_from
from bantin.dev.progress import Lines, summary
from bantin.dev.serve import Builder, BuildStatus
from bantin.messages import choose_language, environment_language, join, language_from, msg, translate
from bantin.pipeline import Report, check
from bantin.problems import Problem, did_you_mean

from tests.core.helpers import INVALID, options

CASES = sorted(p.name for p in INVALID.iterdir() if (p / "expected.txt").is_file())


def test_a_message_is_its_english_text_and_survives_pickle_copy_and_json():
    message = msg("unknown unit `{unit}`", unit="thoai-sn")
    assert message == "unknown unit `thoai-sn`" and "unknown unit" in message
    for again in (pickle.loads(pickle.dumps(message)), copy.deepcopy(message)):
        assert translate(again, "vi") == "đơn vị `thoai-sn` không tồn tại"
    assert json.loads(json.dumps([message])) == ["unknown unit `thoai-sn`"]


def test_translates_the_values_that_are_messages_too():
    hint = did_you_mean("thoai-sn", ["thoai-son", "phu-thuan"])
    assert translate(hint, "vi") == "có phải ý bạn là `thoai-son`?"
    listed = did_you_mean("x", ["province", "branch"], msg("levels"))
    assert (listed, translate(listed, "vi")) == ("levels: `branch`, `province`", "các cấp: `branch`, `province`")
    joined = join("; ", [msg("{count} members", count=3), "plain"])
    assert (joined, translate(joined, "vi")) == ("3 members; plain", "3 đảng viên của đơn vị; plain")


def test_writes_numbers_the_vietnamese_way():
    line = msg("{label}: {percent} % ({done:,}/{total:,} pages)", label=msg("rendering"), percent=50, done=1234,
               total=2468)
    assert line == "rendering: 50 % (1,234/2,468 pages)"
    assert translate(line, "vi") == "đang dựng trang: 50 % (1.234/2.468 trang)"
    report = Report(pages=2741, written=3, unchanged=2900, seconds=1.5)
    assert summary(report, "site", "vi") == ("đã dựng 2.741 trang vào site/: 3 tệp ghi mới, 2.900 không đổi, "
                                             "0 cảnh báo, 1,50 giây")
    out = io.StringIO()
    Lines(out, msg("rendering"), "vi")(1000, 1000)
    assert out.getvalue() == "đang dựng trang: 100 % (1.000/1.000 trang)\n"


def test_a_plain_string_and_an_unknown_language_pass_through():
    assert translate("ZeroDivisionError: division by zero", "vi") == "ZeroDivisionError: division by zero"
    assert translate(msg("must not be empty"), "en") == "must not be empty"


def test_problems_keep_their_translatability_in_records_kept_between_builds():
    problem = Problem("content/units/x.yaml", 3, "level", msg("unknown level `{level}`", level="huyen"),
                      did_you_mean("huyen", ["province", "district"], msg("levels")), "warning")
    again = Problem.from_record(json.loads(json.dumps(problem.as_record())))
    assert again == problem and str(again.translated("vi")) == (
        "content/units/x.yaml:3: level: cấp `huyen` không hợp lệ (các cấp: `district`, `province`)")
    old = {"path": "a.md", "line": 1, "field": "", "message": "old text", "hint": "", "severity": "warning"}
    assert Problem.from_record(old).translated("vi").message == "old text"


@pytest.mark.parametrize("value, expected", [
    ("vi_VN.UTF-8", "vi"), ("en_US.UTF-8", "en"), ("en-GB", "en"), ("vi", "vi"), ("C.UTF-8", None),
    ("fr_FR.UTF-8", None), ("", None), (3, None),
])
def test_reads_a_language_from_a_locale_name(value, expected):
    assert language_from(value) == expected


def test_the_first_locale_variable_set_decides():
    assert environment_language({"LC_ALL": "en_US.UTF-8", "LANG": "vi_VN.UTF-8"}) == "en"
    assert environment_language({"LC_ALL": "", "LC_MESSAGES": "vi_VN", "LANG": "en_US.UTF-8"}) == "vi"
    assert environment_language({"LANG": "C.UTF-8"}) == "vi" and environment_language({}) == "vi"
    assert choose_language(None, "en", {"LANG": "vi_VN"}) == "en"
    assert choose_language("vi", "en", {}) == "vi" and choose_language(None, None, {"LANG": "en_US"}) == "en"


@pytest.mark.parametrize("case", CASES)
def test_every_invalid_case_has_its_message_and_hint_in_vietnamese(case, tmp_path):
    tree = tmp_path / case
    shutil.copytree(INVALID / case, tree, symlinks=True, ignore=shutil.ignore_patterns("expected.txt"))
    _, problems = check(options(tree / "content", tree / "site"))
    assert problems
    for problem in problems:
        vietnamese = problem.translated("vi")
        assert vietnamese.message != problem.message, problem
        assert (vietnamese.hint != problem.hint) or not problem.hint, problem
        assert (vietnamese.path, vietnamese.line, vietnamese.field) == (problem.path, problem.line, problem.field)


def test_serve_reports_a_failed_build_in_the_sites_language(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(INVALID / "unknown-category" / "content", content)
    args = make_parser().parse_args(["build", "--content", str(content), "--out", str(tmp_path / "site"),
                                     "--no-search", "--jobs", "1"])
    status, log = BuildStatus(), io.StringIO()
    assert not Builder(options_from(args), status, lambda: None, stream=log).build_once()
    [problem] = status.problems
    assert (problem["field"], problem["message"]) == ("category", "chuyên mục `xay-dung-dan` không tồn tại")
    assert log.getvalue().splitlines()[-1] == "dựng không thành công: 1 lỗi; vẫn đang phục vụ bản dựng tốt gần nhất"
