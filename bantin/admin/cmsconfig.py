"""The Decap CMS configuration (admin/config.yml), generated from site.yaml and the content itself.

Nothing here is written by hand per site: the collections follow the content spec (required
fields, formats), and every choice an editor picks from (units, categories, tags, polls) is the
list the content has right now, so the form cannot offer what `build.py check` would reject.
Field names starting with `_bantin_` are the form's own helpers; bantin-cms.js never writes them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..source.admin import AdminSettings
from ..source.load import Content
from ..source.units import COUNT_FIELDS, LEVELS
from ..text import sort_key

CONTENT = "content"        # the content folder's path in the repository (the spec's layout)
DATE_FORMAT = "YYYY-MM-DD HH:mmZ"   # moment.js: "2026-06-01 08:00+07:00", read by source/articles.parse_date
SLUG_TEMPLATE = "{{fields._bantin_slug}}"   # set by bantin-cms.js from the title, exactly as `build.py new`
LOCAL_PROXY = "/api/v1"    # `build.py serve` answers Decap's local-backend protocol here
LEVEL_LABELS = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã, phường, thị trấn", "branch": "Chi bộ"}
COUNT_LABELS = {"members": "Đảng viên", "new_members": "Kết nạp mới", "grassroots": "Đảng bộ cơ sở trực thuộc",
                "branches": "Chi bộ"}


def cms_config(content: Content, settings: AdminSettings, local: bool = False) -> dict[str, Any]:
    """The whole Decap configuration; `local` talks to `build.py serve` instead of GitHub."""
    config: dict[str, Any] = {
        "locale": "vi" if content.config.language == "vi" else "en",
        "backend": _local_backend(settings) if local else _github_backend(settings),
        "media_folder": f"{CONTENT}/media",
        "public_folder": "media",
        "site_url": content.config.base_url,
        "display_url": content.config.base_url,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [_articles(content), _pages(), _units(content)],
    }
    if settings.workflow == "editorial" and not local:
        config["publish_mode"] = "editorial_workflow"
    polls = poll_ids(content.root)
    if polls is not None:
        config["collections"].append(_polls(content))
    return config


def config_yaml(config: dict[str, Any]) -> bytes:
    """config.yml as Decap reads it (Unicode kept readable, key order as built)."""
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000).encode("utf-8")


def poll_ids(root: Path) -> list[str] | None:
    """Ids of the polls in content/polls/ (file stems), None when the site has no such folder."""
    folder = root / "polls"
    if not folder.is_dir():
        return None
    return sorted(p.stem for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def _github_backend(settings: AdminSettings) -> dict[str, Any]:
    backend: dict[str, Any] = {"name": "github", "repo": settings.repo, "branch": settings.branch,
                               "commit_messages": {"create": "Thêm {{collection}} “{{slug}}”",
                                                   "update": "Sửa {{collection}} “{{slug}}”",
                                                   "delete": "Xóa {{collection}} “{{slug}}”",
                                                   "uploadMedia": "Tải lên “{{path}}”",
                                                   "deleteMedia": "Xóa “{{path}}”"}}
    if settings.auth_url:
        backend.update(base_url=settings.auth_url, auth_endpoint="auth")
    return backend


def _local_backend(settings: AdminSettings) -> dict[str, Any]:
    return {"name": "proxy", "proxy_url": LOCAL_PROXY, "branch": settings.branch}


def _string(name: str, label: str, required: bool = False, **extra: Any) -> dict[str, Any]:
    return {"name": name, "label": label, "widget": "string", "required": required, **extra}


def _select(name: str, label: str, options: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    return {"name": name, "label": label, "widget": "select", "options": options, "required": False, **extra}


def _slug_field() -> dict[str, Any]:
    return _string("slug", "Địa chỉ (slug)", pattern=["^[a-z0-9]+(-[a-z0-9]+)*$",
                                                      "chỉ chữ thường không dấu, số và dấu gạch ngang"],
                   hint="Để trống: địa chỉ lấy từ tên tệp (tạo từ tiêu đề).")


def _common() -> dict[str, Any]:
    return {"create": True, "delete": True, "format": "bantin-frontmatter", "extension": "md",
            "slug": SLUG_TEMPLATE, "identifier_field": "title", "summary": "{{title}}"}


def unit_options(content: Content) -> list[dict[str, str]]:
    """Every unit as a choice, in Vietnamese alphabetical order of its name."""
    units = sorted(content.units.values(), key=lambda u: sort_key(u.name))
    return [{"label": f"{u.name} ({u.id})", "value": u.id} for u in units]


def tag_options(content: Content) -> list[str]:
    """Every tag label the articles use, once each, alphabetically."""
    labels: dict[str, str] = {}
    for article in content.articles:
        for tag in article.tags:
            labels.setdefault(tag.slug, tag.label)
    return sorted(labels.values(), key=sort_key)


def _articles(content: Content) -> dict[str, Any]:
    categories = [{"label": label, "value": key} for key, label in content.config.categories.items()]
    collection = _common() | {
        "name": "posts", "label": "Bài viết", "label_singular": "bài viết",
        "folder": f"{CONTENT}/posts", "path": "{{year}}/{{slug}}", "sortable_fields": ["date", "title"],
        "summary": "{{title}} — {{date | date('DD/MM/YYYY HH:mm')}}",
        "media_folder": f"/{CONTENT}/media/{{{{year}}}}", "public_folder": "media/{{year}}",
    }
    collection["fields"] = [
        _string("title", "Tiêu đề", required=True),
        {"name": "date", "label": "Ngày đăng", "widget": "datetime", "required": True, "format": DATE_FORMAT,
         "date_format": "DD/MM/YYYY", "time_format": "HH:mm", "default": "{{now}}"},
        _select("unit", "Đơn vị", unit_options(content)),
        _select("category", "Chuyên mục", categories),
        _select("tags", "Chủ đề", tag_options(content), multiple=True),
        _string("_bantin_new_tags", "Chủ đề mới", hint="Chủ đề chưa có trong danh sách, cách nhau bằng dấu phẩy."),
        _string("author", "Tác giả"),
        _string("source", "Nguồn tin"),
        {"name": "summary", "label": "Sapo", "widget": "text", "required": False,
         "hint": "Để trống thì lấy đoạn đầu của bài."},
        {"name": "image", "label": "Ảnh đại diện", "widget": "image", "required": False},
        _string("image_caption", "Chú thích ảnh đại diện"),
        _string("image_credit", "Tác giả ảnh đại diện"),
        _slug_field(),
        {"name": "draft", "label": "Bản nháp (chưa đăng)", "widget": "boolean", "default": False, "required": False},
        {"name": "featured", "label": "Tin nổi bật (đầu trang chủ)", "widget": "boolean", "default": False,
         "required": False, "hint": "Nên chọn bài có ảnh đại diện."},
        {"name": "pinned_until", "label": "Giữ làm tin chính đến", "widget": "datetime", "required": False,
         "format": DATE_FORMAT, "date_format": "DD/MM/YYYY", "time_format": "HH:mm",
         "hint": "Chỉ dùng cùng “Tin nổi bật”."},
        *_blocks(),
        {"name": "body", "label": "Nội dung", "widget": "markdown", "required": True},
    ]
    return collection


def _blocks() -> list[dict[str, Any]]:
    """A video and attachments, as an article or a page may have them."""
    return [
        {"name": "video", "label": "Video", "widget": "object", "required": False, "collapsed": True, "fields": [
            _string("src", "Địa chỉ video (YouTube) hoặc tệp trong media/"),  # checked by the build
            {"name": "poster", "label": "Ảnh chờ", "widget": "image", "required": False},
            _string("title", "Tên video")]},
        {"name": "attachments", "label": "Tệp đính kèm", "widget": "list", "required": False,
         "summary": "{{fields.title}}", "fields": [
             {"name": "file", "label": "Tệp", "widget": "file", "required": False},
             _string("title", "Tên tệp")]},
    ]


def _pages() -> dict[str, Any]:
    collection = _common() | {"name": "pages", "label": "Trang tĩnh", "label_singular": "trang",
                                     "folder": f"{CONTENT}/pages", "path": "{{slug}}"}
    collection["fields"] = [
        _string("title", "Tiêu đề", required=True),
        _slug_field(),
        {"name": "menu", "label": "Thứ tự trên trình đơn", "widget": "number", "value_type": "int", "min": 0,
         "max": 1000, "required": False, "hint": "Để trống: không hiện trên trình đơn."},
        {"name": "summary", "label": "Tóm tắt", "widget": "text", "required": False},
        {"name": "draft", "label": "Bản nháp (chưa đăng)", "widget": "boolean", "default": False, "required": False},
        *_blocks(),
        {"name": "body", "label": "Nội dung", "widget": "markdown", "required": True},
    ]
    return collection


def _units(content: Content) -> dict[str, Any]:
    rating = [{"name": label, "label": label, "widget": "number", "value_type": "int", "min": 0, "required": False}
              for label in content.config.rating_scale]
    counts = [{"name": name, "label": COUNT_LABELS[name], "widget": "number", "value_type": "int", "min": 0,
               "required": False} for name in COUNT_FIELDS]
    collection = {
        "name": "units", "label": "Đơn vị", "label_singular": "đơn vị",
        "folder": f"{CONTENT}/units", "nested": {"depth": 8}, "create": True, "delete": False,
        "format": "bantin-yaml", "extension": "yaml", "slug": SLUG_TEMPLATE, "identifier_field": "name",
        "summary": "{{name}}",
    }
    collection["fields"] = [
        _string("name", "Tên đơn vị", required=True),
        _string("short_name", "Tên ngắn"),
        _select("level", "Cấp", [{"label": LEVEL_LABELS[level], "value": level} for level in LEVELS]),
        _select("parent", "Đơn vị cấp trên", unit_options(content)),
        _string("secretary", "Bí thư"),
        {"name": "description", "label": "Giới thiệu", "widget": "markdown", "required": False},
        {"name": "stats", "label": "Số liệu từng năm", "widget": "list", "required": False,
         "summary": "{{fields.year}}", "fields": [
             {"name": "year", "label": "Năm", "widget": "number", "value_type": "int", "min": 1900, "max": 2100},
             *counts,
             {"name": "ratings", "label": "Tổ chức đảng xếp loại", "widget": "object", "required": False,
              "collapsed": True, "fields": rating},
             {"name": "member_ratings", "label": "Đảng viên xếp loại", "widget": "object", "required": False,
              "collapsed": True, "fields": rating}]},
    ]
    return collection


def _polls(content: Content) -> dict[str, Any]:
    articles = sorted({a.slug for a in content.articles})
    return {
        "name": "polls", "label": "Thăm dò ý kiến", "label_singular": "cuộc thăm dò",
        "folder": f"{CONTENT}/polls", "create": True, "delete": True, "format": "bantin-yaml", "extension": "yaml",
        "slug": SLUG_TEMPLATE, "identifier_field": "question", "summary": "{{question}}",
        "fields": [
            _string("question", "Câu hỏi", required=True),
            {"name": "options", "label": "Các lựa chọn", "widget": "list", "required": True, "min": 2},
            {"name": "opens", "label": "Mở từ", "widget": "datetime", "required": True, "format": DATE_FORMAT},
            {"name": "closes", "label": "Đóng lúc", "widget": "datetime", "required": True, "format": DATE_FORMAT},
            _select("show", "Hiện ở", [{"label": "Cột bên", "value": "side"}]
                    + [{"label": slug, "value": slug} for slug in articles], multiple=True),
        ],
    }
