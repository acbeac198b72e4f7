#!/usr/bin/env python3
"""Turn a bantin content tree into an equivalent Pelican site, for side-by-side benchmarks.

    python to_pelican.py CONTENT_DIR OUT_DIR
    pelican OUT_DIR/content -s OUT_DIR/pelicanconf.py -o OUT_DIR/output -q

Like ../../shared/peers/to_hugo.py for Hugo: same articles (title, date, category, tags, author,
summary, slug, URL /tin-tuc/YYYY/MM/<slug>/), the standalone pages, the media, one feed, category,
tag and archive listings with the site's page size, Pelican's default theme. Units have no
equivalent in Pelican and are left out (a small part of a build). Needs PyYAML.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import yaml

CONFIG = """AUTHOR = "bantin"
SITENAME = {title!r}
SITEURL = ""
TIMEZONE = {timezone!r}
DEFAULT_LANG = "vi"
DEFAULT_PAGINATION = {per_page}
ARTICLE_URL = "tin-tuc/{{date:%Y}}/{{date:%m}}/{{slug}}/"
ARTICLE_SAVE_AS = "tin-tuc/{{date:%Y}}/{{date:%m}}/{{slug}}/index.html"
PAGE_URL = "{{slug}}/"
PAGE_SAVE_AS = "{{slug}}/index.html"
CATEGORY_URL = "chuyen-muc/{{slug}}/"
CATEGORY_SAVE_AS = "chuyen-muc/{{slug}}/index.html"
TAG_URL = "the/{{slug}}/"
TAG_SAVE_AS = "the/{{slug}}/index.html"
FEED_ALL_ATOM = "feed.xml"
CATEGORY_FEED_ATOM = "chuyen-muc/{{slug}}/feed.xml"
YEAR_ARCHIVE_SAVE_AS = "luu-tru/{{date:%Y}}/index.html"
MONTH_ARCHIVE_SAVE_AS = "luu-tru/{{date:%Y}}/{{date:%m}}/index.html"
STATIC_PATHS = ["media"]
SUMMARY_MAX_LENGTH = 50
"""


def split(text: str) -> tuple[dict, str]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end > 0:
            return yaml.safe_load(text[4:end]) or {}, text[end + 4:].lstrip("\n")
    return {}, text


def header(fields: dict) -> str:
    """Pelican's Markdown metadata: `Key: value` lines, then a blank line."""
    lines = [f"{key}: {' '.join(str(value).split())}" for key, value in fields.items() if value not in (None, "", [])]
    return "\n".join(lines) + "\n\n"


def convert(content: Path, out: Path) -> int:
    site = yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8-sig"))
    categories = site.get("categories") or {}
    shutil.rmtree(out, ignore_errors=True)
    (out / "content" / "posts").mkdir(parents=True)
    (out / "content" / "pages").mkdir()
    (out / "pelicanconf.py").write_text(CONFIG.format(title=site["title"], per_page=site.get("per_page", 20),
                                                      timezone=site.get("timezone", "Asia/Ho_Chi_Minh")),
                                        encoding="utf-8")
    if (content / "media").is_dir():
        shutil.copytree(content / "media", out / "content" / "media")
    count = 0
    for path in sorted((content / "posts").rglob("*.md")):
        meta, body = split(path.read_text(encoding="utf-8"))
        if meta.get("draft"):
            continue
        tags = meta.get("tags") or []
        fields = {"Title": meta.get("title"), "Date": str(meta.get("date")),
                  "Category": categories.get(meta.get("category"), "Tin tức"),
                  "Tags": ", ".join(tags) if isinstance(tags, list) else tags, "Author": meta.get("author"),
                  "Summary": meta.get("summary"), "Slug": meta.get("slug") or path.stem}
        body = re.sub(r"\]\((media/)", r"](/\1", body)
        (out / "content" / "posts" / f"{count:06d}-{path.stem}.md").write_text(header(fields) + body, encoding="utf-8")
        count += 1
    for path in sorted((content / "pages").rglob("*.md")) if (content / "pages").is_dir() else []:
        meta, body = split(path.read_text(encoding="utf-8"))
        fields = {"Title": meta.get("title"), "Slug": meta.get("slug") or path.stem}
        (out / "content" / "pages" / path.name).write_text(header(fields) + body, encoding="utf-8")
    return count


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(f"{convert(Path(sys.argv[1]), Path(sys.argv[2]))} articles written to {sys.argv[2]}")
