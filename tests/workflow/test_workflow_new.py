"""`build.py new article|unit`: the new file builds, is placed right, and nothing is overwritten."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from bantin import cli
from bantin.dev import scaffold
from bantin.pipeline import Options, build, check

from .helpers import copy_sample


def errors_of(content: Path) -> list[str]:
    _, problems = check(Options(content=content, out=content.parent / "site"))
    return [str(p) for p in problems if p.severity == "error"]


@pytest.fixture()
def content(tmp_path) -> Path:
    return copy_sample(tmp_path)


@pytest.fixture()
def catalog(content) -> scaffold.Catalog:
    return scaffold.read_catalog(content)


def some_unit_in_a_subfolder(catalog: scaffold.Catalog) -> str:
    return next(uid for uid, path in sorted(catalog.units.items())
                if path.parent != catalog.root / "units")


def test_can_create_an_article_that_builds_and_is_published(content, catalog, tmp_path):
    unit, category = catalog.config.root_unit or sorted(catalog.units)[0], next(iter(catalog.config.categories))
    assert cli.main(["new", "article", "Hội nghị: Ban Chấp hành \"mở rộng\" #12", "--unit", unit,
                     "--category", category, "--content", str(content)]) == 0
    created = content / "posts" / f"{datetime.now(catalog.config.tz):%Y}" / "hoi-nghi-ban-chap-hanh-mo-rong-12.md"
    assert created.is_file()
    meta = yaml.safe_load(created.read_text(encoding="utf-8").split("---")[1])
    assert meta["title"] == "Hội nghị: Ban Chấp hành \"mở rộng\" #12"
    assert (meta["unit"], meta["category"], meta["draft"]) == (unit, category, False)
    assert errors_of(content) == []
    out = tmp_path / "site"
    build(Options(content=content, out=out, jobs=1, search=False))
    assert list(out.glob("tin-tuc/*/*/hoi-nghi-ban-chap-hanh-mo-rong-12/index.html"))


def test_can_create_a_unit_beside_its_parent_that_builds(content, catalog, tmp_path):
    parent = some_unit_in_a_subfolder(catalog)
    assert cli.main(["new", "unit", "Chi bộ ấp Thử Nghiệm", "--parent", parent, "--level", "branch",
                     "--content", str(content)]) == 0
    created = catalog.units[parent].parent / "chi-bo-ap-thu-nghiem.yaml"
    data = yaml.safe_load(created.read_text(encoding="utf-8"))
    assert (data["name"], data["parent"], data["level"]) == ("Chi bộ ấp Thử Nghiệm", parent, "branch")
    assert errors_of(content) == []
    out = tmp_path / "site"
    build(Options(content=content, out=out, jobs=1, search=False))
    assert (out / "don-vi" / "chi-bo-ap-thu-nghiem" / "index.html").is_file()


def test_article_date_is_now_in_the_site_time_zone(catalog):
    now = datetime(2024, 12, 31, 20, 5, tzinfo=timezone.utc)  # already 1 January in Việt Nam
    new = scaffold.new_article(catalog, "Chúc mừng năm mới", None, None, now)
    assert new.path == catalog.root / "posts" / "2025" / "chuc-mung-nam-moi.md"
    assert "\ndate: 2025-01-01 03:05\n" in new.text


def test_refuses_to_overwrite_an_existing_file(content, capsys):
    args = ["new", "article", "Bài trùng tên", "--content", str(content), "--lang", "en"]
    assert cli.main(args) == 0
    created = next(content.glob("posts/*/bai-trung-ten.md"))
    created.write_text("---\ntitle: Đã sửa\ndate: 2024-01-01\n---\nNội dung của biên tập viên.\n", encoding="utf-8")
    capsys.readouterr()
    assert cli.main(args) == 1
    assert "already exists" in capsys.readouterr().err
    assert "Nội dung của biên tập viên." in created.read_text(encoding="utf-8")


def test_refuses_a_unit_id_that_exists_elsewhere(content, catalog, capsys):
    existing = some_unit_in_a_subfolder(catalog)
    name = catalog.units[existing].stem.replace("-", " ")
    assert cli.main(["new", "unit", name, "--content", str(content), "--lang", "en"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert not (content / "units" / f"{existing}.yaml").exists()


@pytest.mark.parametrize("args, expected", [
    (["article", "Tin", "--unit", "thoai-sn"], r"unknown unit `thoai-sn` \(did you mean `thoai-son`\?\)"),
    (["article", "Tin", "--category", "xay-dung"], r"unknown category `xay-dung` \(did you mean `xay-dung-dang`\?\)"),
    (["unit", "Chi bộ mới", "--parent", "phu-thuan-x"], r"unknown parent `phu-thuan-x` \(did you mean `phu-thuan"),
    (["unit", "Chi bộ mới", "--level", "branh"], r"unknown level `branh` \(did you mean `branch`\?\)"),
])
def test_errors_on_unknown_ids_with_a_hint(content, capsys, args, expected):
    before = sorted(p for p in content.rglob("*"))
    assert cli.main(["new", *args, "--content", str(content), "--lang", "en"]) == 1
    assert re.search(expected, capsys.readouterr().err)
    assert sorted(p for p in content.rglob("*")) == before


def test_errors_on_a_title_without_letters(catalog):
    with pytest.raises(scaffold.ScaffoldError, match="cannot make an address"):
        scaffold.new_article(catalog, " … ", None, None, datetime.now(timezone.utc))


@pytest.mark.parametrize("text", ["Bình thường", "Hội nghị: lần 2", "#1 tin", "'trích'", '"trích"', "yes", "2024",
                                  "- gạch đầu dòng", "a # b", "null"])
def test_yaml_text_reads_back_as_the_same_text(text):
    assert yaml.safe_load(f"k: {scaffold.yaml_text(text)}")["k"] == text
