"""`pip install .` gives a working bantin: the package with its built-in templates and assets, and a
`bantin` command that builds a site like `python build.py`."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support import SAMPLE_NOW, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(folder), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    [built] = folder.glob("bantin-*.whl")
    return built


def test_packs_the_builtin_templates_and_assets_and_the_command(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "bantin/builtin/templates/base.html" in names and "bantin/builtin/templates/partials/header.html" in names
    assert "bantin/builtin/assets/css/site.css" in names
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "bantin = bantin.cli:main" in entry_points


def test_builds_the_sample_from_the_installed_package(wheel, tmp_path):
    target = tmp_path / "installed"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
                           str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": str(int(SAMPLE_NOW.timestamp()))}
    built = subprocess.run([sys.executable, "-m", "bantin", "build", "--content", str(ROOT / "content"),
                            "--out", str(tmp_path / "site"), "--no-search", "--no-cache"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "<html" in home and (tmp_path / "site" / "assets").is_dir()
    where = subprocess.run([sys.executable, "-c", "import bantin.builtin as b; print(b.TEMPLATES)"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=60)
    assert where.stdout.strip().startswith(str(target))
