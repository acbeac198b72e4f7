"""Shared helpers of the core tests: building a tree with fixed options, reading trees, writing small ones."""

from __future__ import annotations

import hashlib
import re
import shutil
import struct
import zlib
from datetime import datetime, timezone
from pathlib import Path

from bantin.pipeline import Options, Report, build
from bantin.problems import display_path

CORE = Path(__file__).resolve().parent
ROOT = CORE.parent.parent
GOLDEN = CORE / "golden"
INVALID = CORE / "invalid"
# Every golden and comparison build happens "now": drafts and future articles depend on it.
FIXED_NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
# The manifest records source mtimes so unchanged media can be hard-linked; a checkout has other mtimes.
NOT_COMPARED = {"_bantin/build.json"}


def options(content: Path, out: Path, **overrides) -> Options:
    """Options of a reproducible build: one process, no cache, no search index, fixed clock."""
    values = dict(content=content, out=out, jobs=1, search=False, cache_dir=None, now=FIXED_NOW)
    values.update(overrides)
    return Options(**values)


def build_tree(content: Path, out: Path, **overrides) -> Report:
    return build(options(content, out, **overrides))


# Built-in assets change with every design tweak; they are compared with their sources instead
# (check_assets), and links to them are compared without their fingerprints.
_FINGERPRINT = re.compile(rb"(/assets/[\w./-]+?)\.[0-9a-f]{10}\.(css|js)\b")


def read_tree(folder: Path) -> dict[str, bytes]:
    """Files under `folder` by relative POSIX path, as golden comparisons see them:
    no manifest, no assets/, asset links without fingerprints."""
    result = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name not in NOT_COMPARED and not name.startswith("assets/"):
            result[name] = normalise(path.read_bytes())
    return result


def normalise(data: bytes) -> bytes:
    """`/assets/css/site.1a2b3c4d5e.css` -> `/assets/css/site.#.css`."""
    return _FINGERPRINT.sub(rb"\1.#.\2", data)


def every_file(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, byte for byte."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def check_assets(site: Path, sources: list[Path]) -> list[str]:
    """Problems with site/assets/: each file must be its source's bytes, .css/.js named by their SHA-256."""
    problems = []
    found = {p.relative_to(site / "assets").as_posix(): p for p in (site / "assets").rglob("*") if p.is_file()}
    for name, path in sorted(found.items()):
        logical = re.sub(r"\.[0-9a-f]{10}(\.(css|js))$", r"\1", name)
        source = next((folder / logical for folder in reversed(sources) if (folder / logical).is_file()), None)
        if source is None:
            problems.append(f"{name}: no source")
        elif source.read_bytes() != path.read_bytes():
            problems.append(f"{name}: differs from {source}")
        elif logical != name and hashlib.sha256(source.read_bytes()).hexdigest()[:10] not in name:
            problems.append(f"{name}: fingerprint is not the content's")
    return problems


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (relative path -> text or bytes) under `root`; returns root."""
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    return root


def copy_content(source: Path, tmp_path: Path) -> Path:
    """A copy of a content tree at tmp_path/content, so messages read `content/...` wherever pytest runs."""
    target = tmp_path / "content"
    shutil.copytree(source, target)
    return target


def shown(problem, content: Path) -> str:
    """A problem as text with the content folder written `content`, however the loader displayed it."""
    prefix = display_path(content, content.parent)
    return str(problem).replace(prefix + "/", "content/")


def png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A tiny valid PNG, so fixtures need no binary tools."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9))
            + chunk(b"IEND", b""))


SITE_YAML = """\
title: Cổng thông tin Đảng bộ thử nghiệm
base_url: https://dangbo.example.vn/
per_page: 2
root_unit: tinh
categories:
  xay-dung-dang: Xây dựng Đảng
  tin-hoat-dong: Tin hoạt động
"""

UNIT_TINH = """\
name: Đảng bộ tỉnh Thử Nghiệm
level: province
stats:
  - year: 2023
    members: 45239
    ratings:
      Hoàn thành tốt nhiệm vụ: 3
"""

UNIT_XA = """\
name: Đảng bộ xã Phú Thuận
level: commune
parent: tinh
"""

ARTICLE = """\
---
title: {title}
date: {date}
unit: phu-thuan
category: xay-dung-dang
tags: [Chi bộ bốn tốt]
---
Đoạn mở đầu của bài viết.
"""


def minimal_files(**extra: str | bytes) -> dict[str, str | bytes]:
    """A small valid tree: site.yaml, two units, two articles; `extra` adds or replaces files."""
    files: dict[str, str | bytes] = {
        "site.yaml": SITE_YAML,
        "units/tinh.yaml": UNIT_TINH,
        "units/phu-thuan.yaml": UNIT_XA,
        "posts/bai-mot.md": ARTICLE.format(title="Bài một", date="2024-01-09 06:25"),
        "posts/bai-hai.md": ARTICLE.format(title="Bài hai", date="2024-02-10 08:00"),
    }
    files.update(extra)
    return files


TEXT_SUFFIXES = (".html", ".xml", ".json", ".txt", ".csv", ".css", ".js", ".svg")


def tree_differences(actual: dict[str, bytes], expected: dict[str, bytes], limit: int = 3) -> str:
    """A readable account of how two trees differ: missing and extra files, then text diffs."""
    import difflib
    lines = [f"missing: {name}" for name in sorted(set(expected) - set(actual))]
    lines += [f"unexpected: {name}" for name in sorted(set(actual) - set(expected))]
    changed = [n for n in sorted(set(actual) & set(expected)) if actual[n] != expected[n]]
    for name in changed[:limit]:
        if name.endswith(TEXT_SUFFIXES):
            diff = difflib.unified_diff(expected[name].decode().splitlines(), actual[name].decode().splitlines(),
                                        f"expected/{name}", f"built/{name}", lineterm="", n=1)
            lines += list(diff)[:40]
        else:
            lines.append(f"binary file differs: {name}")
    lines += [f"also differs: {name}" for name in changed[limit:]]
    return "\n".join(lines)


def names_once_settled(folder: Path, timeout: float = 20.0) -> list[str]:
    """The names in `folder` once replaced builds (`.site.old-*`, deleted in the background) are gone."""
    import time
    deadline = time.monotonic() + timeout
    while any(".old-" in p.name for p in folder.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(p.name for p in folder.iterdir())


def generated_corpus(folder: Path, articles: int, units: int, seed: int) -> Path:
    """A content tree written by benchmarks/gen_corpus.py (an independent producer of the format)."""
    import subprocess
    import sys
    subprocess.run([sys.executable, str(ROOT / "benchmarks/gen_corpus.py"), str(folder), "--articles", str(articles),
                    "--units", str(units), "--seed", str(seed)], check=True, capture_output=True, timeout=120)
    return folder / "content" if (folder / "content").is_dir() else folder
