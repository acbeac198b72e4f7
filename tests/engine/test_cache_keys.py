"""Every cache key covers what shapes its output, derived from the things themselves."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bantin.incremental import keys
from tests.support import ROOT

TABLE_ARTICLE = "tin-tuc/2022/01/huyen-uy-thoai-son-tong-ket-cong-tac-xay-dung-dang-nam-2021/index.html"


def copy_project(target: Path) -> Path:
    """bantin's code, templates and assets and the sample content, as a checkout would have them."""
    for name in ("bantin", "templates", "assets", "content"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
    for name in ("build.py", "requirements.txt"):
        shutil.copy(ROOT / name, target / name)
    return target


def build(project: Path) -> None:
    done = subprocess.run([sys.executable, "build.py", "build", "--no-search", "--jobs", "1"], cwd=project,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_shows_edited_rendering_code_on_the_next_build_with_the_cache(tmp_path):
    project = copy_project(tmp_path / "project")
    build(project)
    page = project / "site" / TABLE_ARTICLE
    assert 'class="table-wrap"' in page.read_text(encoding="utf-8")
    markup = project / "bantin" / "render" / "markup.py"
    markup.write_text(markup.read_text(encoding="utf-8").replace('"class": "table-wrap"', '"class": "table-wrap bang"'),
                      encoding="utf-8")
    build(project)
    assert 'class="table-wrap bang"' in page.read_text(encoding="utf-8")


def test_keys_follow_the_installed_libraries_and_their_requirements():
    versions = keys.library_versions()
    from importlib import metadata
    for name in ("markdown", "jinja2", "pyyaml", "pagefind", "markupsafe"):
        assert versions[name] == metadata.version(name)
    assert "pagefind-bin-extended" in versions  # brought by the `extended` extra of the requirement
