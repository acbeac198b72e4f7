"""admin/config.yml is generated from the content spec and the content: every field the spec has is in
the form, required ones are required, choices are exactly what the content has, slugs match `new`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
import yaml

from bantin.admin.cmsconfig import cms_config
from bantin.admin.files import OWN_SCRIPT
from bantin.source.articles import ARTICLE_KEYS, PAGE_KEYS
from bantin.source.load import load
from bantin.source.units import UNIT_KEYS
from bantin.text import slugify
from tests.support import SAMPLE, copy_sample, run_cli

from .conftest import needs_decap

ADMIN = "admin:\n  enabled: true\n  repo: huyen-uy/cong-thong-tin\n  workflow: editorial\n"


def set_admin(content, block: str) -> None:
    """The copy's site.yaml with `block` as its `admin:` settings (the sample's own are replaced)."""
    site = content / "site.yaml"
    text = site.read_text(encoding="utf-8")
    site.write_text(re.sub(r"(?ms)^admin:.*\Z", "", text).rstrip("\n") + "\n" + block, encoding="utf-8")


@pytest.fixture(scope="module")
def sample():
    content, problems = load(SAMPLE)
    assert content is not None, problems
    return content


def collection(config: dict, name: str) -> dict:
    return next(c for c in config["collections"] if c["name"] == name)


def fields(config: dict, name: str) -> dict[str, dict]:
    return {f["name"]: f for f in collection(config, name)["fields"]}


@pytest.mark.parametrize("name, keys, required", [("posts", ARTICLE_KEYS, {"title", "date", "body"}),
                                                  ("pages", PAGE_KEYS, {"title", "body"}),
                                                  ("units", UNIT_KEYS, {"name"})])
def test_every_field_of_the_spec_is_in_the_form_and_only_required_ones_are_required(sample, name, keys, required):
    form = fields(cms_config(sample, sample.config.admin), name)
    assert set(keys) <= set(form)
    assert {k for k, f in form.items() if f.get("required", True)} == required
    assert {k for k in form if not k.startswith("_bantin_")} - {"body"} == set(keys)  # nothing the build rejects


def test_choices_are_the_units_categories_and_tags_the_content_has(sample):
    config = cms_config(sample, sample.config.admin)
    posts = fields(config, "posts")
    assert {o["value"] for o in posts["unit"]["options"]} == set(sample.units)
    assert [o["value"] for o in posts["category"]["options"]] == list(sample.config.categories)
    assert set(posts["tags"]["options"]) == {t.label for a in sample.articles for t in a.tags}
    assert posts["tags"]["multiple"] is True
    assert {o["value"] for o in fields(config, "units")["parent"]["options"]} == set(sample.units)
    assert posts["date"]["format"] == "YYYY-MM-DD HH:mmZ"  # written with its offset
    assert collection(config, "posts")["path"] == "{{year}}/{{slug}}"
    assert collection(config, "posts")["media_folder"] == "/content/media/{{year}}"
    assert ("polls" in [c["name"] for c in config["collections"]]) == (SAMPLE / "polls").is_dir()


def test_polls_are_offered_when_the_site_has_them(tmp_path):
    content = copy_sample(tmp_path)
    (content / "polls").mkdir(exist_ok=True)
    loaded, _ = load(content)
    config = cms_config(loaded, loaded.config.admin)
    show = fields(config, "polls")["show"]
    assert {o["value"] for o in show["options"]} == {"side"} | {a.slug for a in loaded.articles}


def test_production_uses_github_and_the_editorial_workflow_when_asked(tmp_path):
    content = copy_sample(tmp_path)
    set_admin(content, ADMIN + "  auth_url: https://cms-auth.example.vn\n")
    loaded, problems = load(content)
    assert loaded is not None, problems
    config = cms_config(loaded, loaded.config.admin)
    assert config["backend"] == {**config["backend"], "name": "github", "repo": "huyen-uy/cong-thong-tin",
                                 "branch": "main", "base_url": "https://cms-auth.example.vn"}
    assert config["publish_mode"] == "editorial_workflow" and config["locale"] == "vi"
    local = cms_config(loaded, loaded.config.admin, local=True)
    assert local["backend"]["name"] == "proxy" and "publish_mode" not in local


def test_bad_admin_settings_are_reported_by_check(tmp_path):
    content = copy_sample(tmp_path)
    set_admin(content, "admin:\n  enabled: true\n  workflow: nhanh\n")
    result = run_cli("check", "--lang", "en", "--content", str(content), cwd=tmp_path)
    assert result.returncode != 0
    assert "admin.repo: missing required field" in result.stdout + result.stderr
    assert "admin.workflow: unknown workflow `nhanh` (use one of: `simple`, `editorial`)" in result.stdout + result.stderr
    vietnamese = run_cli("check", "--lang", "vi", "--content", str(content), cwd=tmp_path)
    assert "admin.workflow: giá trị `nhanh` của workflow không hợp lệ" in vietnamese.stdout + vietnamese.stderr


def test_the_built_site_has_admin_only_when_site_yaml_enables_it(tmp_path):
    needs_decap()
    content = copy_sample(tmp_path)
    plain = run_cli("build", "--content", str(content), "--out", str(tmp_path / "a"), "--no-search", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert not (tmp_path / "a" / "admin").exists()
    set_admin(content, ADMIN)
    built = run_cli("build", "--content", str(content), "--out", str(tmp_path / "b"), "--no-search", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    admin = tmp_path / "b" / "admin"
    page = (admin / "index.html").read_text(encoding="utf-8")
    css = re.search(r'data-site-css="(/assets/css/site\.[0-9a-f]+\.css)"', page)[1]
    assert (tmp_path / "b" / css.lstrip("/")).is_file()  # the preview uses the portal's own fingerprinted CSS
    for script in re.findall(r'<script src="([^"]+)"', page):
        assert (admin / script).is_file()
    assert yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))["backend"]["name"] == "github"
    assert not list(admin.glob("*.map"))


SAMPLES = ["Đảng bộ xã Phú Thuận", "ĐẢNG BỘ đ Đ", "Chi bộ ấp Tây Bình — “Bốn tốt” 2025!", "Hội nghị lần thứ 10 (khóa XIII)",
           "Nghị quyết 21-NQ/TW", "Học tập và làm theo Bác: Bác's lời dạy", "snake_case.and~dots", "Ứng dụng ủy ban ưu tiên",
           "Dòng\tcó\ttab", "   ", "İstanbul ß Ærø", "Kỷ niệm 95 năm ngày thành lập Đảng 3/2"]


def test_new_file_names_are_the_slugs_build_py_new_makes():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (./dev test installs it)")
    source = OWN_SCRIPT.read_text(encoding="utf-8")
    function = re.search(r"  var COMBINING = .*?\n.*?(  function slugify\(text\) \{.*?\n  \})", source, re.S)
    combining = re.search(r"  var COMBINING = [^\n]*", source)[0]
    texts = SAMPLES + [s.replace("ả", "a\u0309").replace("ộ", "o\u0323\u0302") for s in SAMPLES]  # NFD too
    script = f"{combining}\n{function[1]}\nconsole.log(JSON.stringify({json.dumps(texts)}.map(slugify)))"
    made = json.loads(subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout)
    assert made == [slugify(t) for t in texts]
