"""`build.py new article|unit`: the text and place of a new source file, checked before writing.

Everything here is pure except `read_catalog` (reads site.yaml and lists unit files) and
`create` (writes one new file, never over an existing one). The catalog is deliberately lighter
than `loader.load`: an editor must be able to add an article while another one is still broken,
and listing 5,000 articles just to add one would be slow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from ..source.config import SiteConfig, parse_site
from ..messages import msg
from ..problems import Problem, did_you_mean, display_path
from ..source.parse import SourceError, parse_yaml, read_text
from ..text import slugify
from ..source.units import LEVELS


class ScaffoldError(Exception):
    """Why the file was not created, as problems with hints (printed like `check` prints)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Catalog:
    """What a new file may refer to: the site's settings and every unit id with its file."""

    root: Path
    config: SiteConfig
    units: dict[str, Path]


@dataclass(frozen=True)
class NewFile:
    """A file to create: where, and its text."""

    path: Path
    text: str


def read_catalog(content: Path) -> Catalog:
    """Read site.yaml (it must be valid: categories and the time zone come from it) and list units."""
    site = content / "site.yaml"
    shown = display_path(site)
    if not site.is_file():
        raise ScaffoldError([Problem(shown, 0, "", msg("site.yaml is missing"),
                                     msg("run the command from the folder holding content/, or pass --content DIR"))])
    try:
        data, _ = parse_yaml(read_text(site, shown), shown)
    except SourceError as err:
        raise ScaffoldError([err.problem]) from None
    config, problems = parse_site(data, shown)
    if config is None:
        raise ScaffoldError([p for p in problems if p.severity == "error"])
    units = {path.stem: path for path in sorted((content / "units").glob("**/*.y*ml"))
             if path.suffix in (".yaml", ".yml")}
    return Catalog(content, config, units)


def yaml_text(value: str) -> str:
    """A one-line YAML scalar that reads back as exactly `value` (quoted only when it must be)."""
    value = " ".join(value.split())
    try:
        plain_ok = yaml.safe_load(value) == value and not value.startswith(("'", '"'))
    except yaml.YAMLError:
        plain_ok = False
    return value if plain_ok else json.dumps(value, ensure_ascii=False)


def _slug_of(text: str, what: str, hint: str) -> str:
    slug = slugify(text)
    if not slug:
        raise ScaffoldError([Problem(what, 0, "", msg("cannot make an address from `{text}`", text=text), hint)])
    return slug


def _unknown(kind: str, message: str, value: str, choices, where: str, fallback: str) -> Problem:
    return Problem(where, 0, f"--{kind}", message, did_you_mean(value, choices) or fallback)


def new_article(catalog: Catalog, title: str, unit: str | None, category: str | None,
                now: datetime) -> NewFile:
    """content/posts/YYYY/<slug>.md with every front-matter field, dated `now` in the site zone."""
    problems = []
    if unit and unit not in catalog.units:
        problems.append(_unknown("unit", msg("unknown unit `{unit}`", unit=unit), unit, catalog.units,
                                 display_path(catalog.root / "units"),
                                 msg("unit ids are the file names in content/units/, without .yaml")))
    if category and category not in catalog.config.categories:
        problems.append(_unknown("category", msg("unknown category `{category}`", category=category), category,
                                 catalog.config.categories, catalog.config.path,
                                 msg("categories are listed under `categories:` in site.yaml")))
    if problems:
        raise ScaffoldError(problems)
    title = " ".join(title.split())
    slug = _slug_of(title, "title", msg("the title needs letters or digits, e.g. \"Hội nghị Ban Chấp hành\""))
    local = now.astimezone(catalog.config.tz)
    path = catalog.root / "posts" / f"{local.year:04d}" / f"{slug}.md"
    return NewFile(path, article_text(title, local, unit, category))


def article_text(title: str, date: datetime, unit: str | None, category: str | None) -> str:
    """The article's source: the fields editors fill in, with a Vietnamese note on each."""
    lines = [
        "---",
        f"title: {yaml_text(title)}",
        f"date: {date:%Y-%m-%d %H:%M}",
        f"unit: {unit}" if unit else "unit:                # mã đơn vị (tên tệp trong content/units/)",
        f"category: {category}" if category else "category:            # mã chuyên mục trong site.yaml",
        "tags: []             # chủ đề, ví dụ [Chi bộ bốn tốt, Chỉ thị 05]",
        "author:              # tác giả",
        "source:              # nguồn tin",
        "summary:             # sapo; để trống thì lấy đoạn đầu của bài",
        "image:               # ảnh đại diện, ví dụ media/2024/anh.jpg",
        "image_caption:       # chú thích ảnh đại diện",
        "draft: false         # true: bản nháp, chưa đăng",
        "---",
        "Viết nội dung bài viết ở đây.",
        "",
    ]
    return "\n".join(lines)


def new_unit(catalog: Catalog, name: str, parent: str | None, level: str | None) -> NewFile:
    """content/units/…/<slug>.yaml, in the folder of its parent's file (units may be in subfolders)."""
    problems = []
    if parent and parent not in catalog.units:
        problems.append(_unknown("parent", msg("unknown parent `{unit}`", unit=parent), parent, catalog.units,
                                 display_path(catalog.root / "units"),
                                 msg("unit ids are the file names in content/units/, without .yaml")))
    if level and level not in LEVELS:
        problems.append(Problem(display_path(catalog.root / "units"), 0, "--level", msg("unknown level `{level}`", level=level),
                                did_you_mean(level, LEVELS, msg("levels"))))
    if problems:
        raise ScaffoldError(problems)
    name = " ".join(name.split())
    unit_id = _slug_of(name, "name", msg("the name needs letters or digits, e.g. \"Chi bộ ấp Phú Hữu\""))
    if unit_id in catalog.units:
        existing = display_path(catalog.units[unit_id])
        raise ScaffoldError([Problem(existing, 0, "", msg("a unit with the id `{unit}` already exists", unit=unit_id),
                                     msg("unit ids must be unique: give the new unit a fuller name"))])
    folder = catalog.units[parent].parent if parent else catalog.root / "units"
    return NewFile(folder / f"{unit_id}.yaml", unit_text(name, parent, level))


def unit_text(name: str, parent: str | None, level: str | None) -> str:
    """The unit's source, with an example year of figures (commented out) to copy."""
    lines = [
        f"name: {yaml_text(name)}",
        "short_name:          # tên ngắn, ví dụ Phú Hữu",
        f"level: {level}" if level else f"level:               # {' | '.join(LEVELS)}",
        f"parent: {parent}" if parent else "parent:              # mã đơn vị cấp trên",
        "secretary:           # bí thư",
        "description: |",
        "  Giới thiệu ngắn về đơn vị.",
        "stats: []            # số liệu từng năm; bỏ [] và điền theo mẫu dưới đây",
        "#  - year: 2024",
        "#    members: 25            # đảng viên",
        "#    new_members: 2         # kết nạp mới",
        "#    ratings:               # tổ chức đảng xếp loại",
        "#      Hoàn thành tốt nhiệm vụ: 1",
        "#    member_ratings:        # đảng viên xếp loại",
        "#      Hoàn thành xuất sắc nhiệm vụ: 3",
        "#      Hoàn thành tốt nhiệm vụ: 22",
        "",
    ]
    return "\n".join(lines)


def create(new: NewFile) -> Path:
    """Write the file; refuse when anything is already there (never overwrite an editor's work)."""
    new.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with new.path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(new.text)
    except FileExistsError:
        raise ScaffoldError([Problem(display_path(new.path), 0, "", msg("the file already exists; nothing was written"),
                                     msg("choose another title, or edit the existing file"))]) from None
    return new.path
