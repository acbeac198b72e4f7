"""What an editor reads: `check`, `build` and `new` speak the site's language (site.yaml `language`),
the editor's locale when site.yaml cannot tell, or the one asked for with --lang; the
`path:line: field:` prefix and the GitHub annotation format are the same in every language."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.core.helpers import INVALID
from tests.support import copy_sample, run_cli

ENGLISH = "unknown category `xay-dung-dan` (did you mean `xay-dung-dang`?)"
VIETNAMESE = "chuyên mục `xay-dung-dan` không tồn tại (có phải ý bạn là `xay-dung-dang`?)"
# No locale of the test machine decides, unless a test sets one.
NO_LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}
ANNOTATION = re.compile(r"^::error file=(?P<file>[^,:\n]+),line=(?P<line>[1-9]\d*),title=bantin%3A (?P<field>[^,:\n]+)"
                        r"::(?P<message>[^\r\n]+)$")


def case(name: str, tmp_path: Path, language: str | None = None) -> Path:
    """A copy of tests/core/invalid/<name>/content, with `language:` set in its site.yaml if given."""
    content = tmp_path / name / "content"
    shutil.copytree(INVALID / name / "content", content, symlinks=True)
    if language:
        site = content / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8") + f"language: {language}\n", encoding="utf-8")
    return content


def check(content: Path, *args: str, env: dict | None = None):
    return run_cli("check", "--content", str(content), *args, env={**NO_LOCALE, **(env or {})})


@pytest.mark.parametrize("language, line, count", [
    ("vi", f"lỗi: {{path}}:4: category: {VIETNAMESE}", "1 lỗi, 0 cảnh báo"),
    ("en", f"error: {{path}}:4: category: {ENGLISH}", "1 error(s), 0 warning(s)"),
])
def test_check_speaks_the_language_of_site_yaml(tmp_path, language, line, count):
    content = case("unknown-category", tmp_path, language)
    # The editor's locale says the other language: the site's setting wins.
    done = check(content, env={"LANG": "vi_VN.UTF-8" if language == "en" else "en_US.UTF-8"})
    assert done.returncode == 1
    assert done.stderr.splitlines() == [line.format(path="content/posts/bai-ba.md"), count]


def test_check_speaks_vietnamese_when_site_yaml_does_not_name_a_language(tmp_path):
    done = check(case("unknown-category", tmp_path), env={"LANG": "en_US.UTF-8"})
    assert VIETNAMESE in done.stderr


@pytest.mark.parametrize("environment, expected", [
    ({"LANG": "en_US.UTF-8"}, "error: {path}:9: malformed YAML: did not find expected ',' or '}}' "
                              "(a `[` or `{{` opened on this line is not closed)"),
    ({"LC_ALL": "en_GB.UTF-8", "LANG": "vi_VN.UTF-8"}, "error: {path}:9: malformed YAML: "),
    ({"LANG": "vi_VN.UTF-8"}, "lỗi: {path}:9: YAML sai cú pháp: did not find expected ',' or '}}' "
                              "(dấu `[` hoặc `{{` mở ở dòng này chưa được đóng)"),
    ({}, "lỗi: {path}:9: YAML sai cú pháp: "),  # no locale at all: bantin's own default
])
def test_check_speaks_the_locales_language_when_site_yaml_is_broken(tmp_path, environment, expected):
    content = case("malformed-yaml-site", tmp_path)
    done = check(content, env=environment)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith(expected.format(path="content/site.yaml"))


def test_lang_option_overrides_the_site_and_the_locale(tmp_path):
    content = case("unknown-category", tmp_path, "vi")
    assert ENGLISH in check(content, "--lang", "en").stderr
    english = case("unknown-category", tmp_path / "en", "en")
    assert VIETNAMESE in check(english, "--lang", "vi", env={"LANG": "en_US.UTF-8"}).stderr


def test_github_annotations_keep_their_format_with_the_message_translated(tmp_path):
    content = case("unknown-category", tmp_path, "vi")
    done = check(content, "--format", "github")
    [line] = done.stdout.splitlines()
    match = ANNOTATION.match(line)
    assert match, line
    assert (match["file"], match["line"], match["field"]) == ("content/posts/bai-ba.md", "4", "category")
    assert match["message"] == VIETNAMESE


def test_json_keeps_its_keys_with_the_text_translated(tmp_path):
    done = check(case("unknown-category", tmp_path, "vi"), "--format", "json")
    [problem] = json.loads(done.stdout)
    assert set(problem) == {"path", "line", "field", "message", "hint", "severity"}
    assert (problem["line"], problem["field"], problem["severity"]) == (4, "category", "error")
    assert (problem["message"], problem["hint"]) == ("chuyên mục `xay-dung-dan` không tồn tại",
                                                     "có phải ý bạn là `xay-dung-dang`?")


def test_build_failure_and_warnings_are_in_vietnamese(tmp_path):
    content = case("three-errors", tmp_path)
    done = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search",
                   "--no-cache", env=NO_LOCALE)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[-1] == f"dựng không thành công: 3 lỗi; thư mục {tmp_path / 'site'}/ được giữ nguyên"
    assert lines[1] == ("lỗi: content/site.yaml:8: languag: trường không hợp lệ "
                        "(có phải ý bạn là `language`?)")
    assert lines[2].endswith("units/phu-thuan.yaml:6: stats[0].members: phải lớn hơn hoặc bằng 0, không phải -1")


def test_new_speaks_vietnamese_with_the_sample_site(tmp_path):
    content = copy_sample(tmp_path)
    done = run_cli("new", "article", "Tin mới", "--unit", "thoai-sn", "--content", str(content), env=NO_LOCALE)
    assert done.returncode == 1
    assert "--unit: đơn vị `thoai-sn` không tồn tại (có phải ý bạn là `thoai-son`?)" in done.stderr
    made = run_cli("new", "article", "Tin mới", "--content", str(content), env=NO_LOCALE)
    assert made.returncode == 0 and made.stdout.startswith("đã tạo ") and made.stdout.strip().endswith("tin-moi.md")


def test_new_before_any_content_speaks_the_locales_language(tmp_path):
    done = run_cli("new", "unit", "Chi bộ ấp Phú Hữu", "--content", str(tmp_path / "content"),
                   env={**NO_LOCALE, "LANG": "en_US.UTF-8"})
    assert done.returncode == 1 and "site.yaml is missing (run the command from the folder holding content/" in done.stderr
    done = run_cli("new", "unit", "Chi bộ ấp Phú Hữu", "--content", str(tmp_path / "content"),
                   env={**NO_LOCALE, "LANG": "vi_VN.UTF-8"})
    assert "thiếu tệp site.yaml (chạy lệnh từ thư mục chứa content/" in done.stderr


def test_help_and_argument_errors_speak_the_sites_language(tmp_path):
    content = case("unknown-category", tmp_path, "vi")
    shown = run_cli("check", "--content", str(content), "--help", env=NO_LOCALE)
    assert shown.returncode == 0
    assert "coi cảnh báo về số liệu là lỗi" in shown.stdout and "treat statistics warnings" not in shown.stdout
    english = run_cli("check", "--content", str(content), "--lang", "en", "--help", env=NO_LOCALE)
    assert "treat statistics warnings as errors" in english.stdout
    refused = run_cli("build", "--content", str(content), "--jobs", "hai", env=NO_LOCALE)
    assert refused.returncode == 2 and "argument --jobs: `hai` không phải là số nguyên" in refused.stderr
