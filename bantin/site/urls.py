"""The URL scheme of the built site (stable: other sites link to it). The only place paths are made.

A *site path* starts and ends with "/" for pages ("/don-vi/x/") and names a file otherwise
("/feed.xml"); it never contains the sub-path of base_url. `Urls` turns one into a link.
"""

from __future__ import annotations

from dataclasses import dataclass

HOME = "/"
ARTICLES = "/tin-tuc/"  # every article's address starts with it
UNITS = "/don-vi/"
ARCHIVE = "/luu-tru/"
ARCHIVE_DAYS = "/luu-tru/ngay.json"  # the days with news, for "Tìm kiếm theo ngày"
SEARCH = "/tim-kiem/"
NOT_FOUND = "/404.html"
FEED = "/feed.xml"
ROBOTS = "/robots.txt"
SITEMAP = "/sitemap.xml"
OPEN_DATA_JSON = "/du-lieu/don-vi.json"
OPEN_DATA_CSV = "/du-lieu/don-vi.csv"
PAGE_MANIFEST = "/_bantin/pages.json"
POLLS = "/_bantin/polls.json"
VIDEOS = "/video/"
VIDEO_FEED = "/video/feed.xml"
LEVEL_SLUGS = {"province": "tinh", "district": "huyen", "commune": "xa", "branch": "chi-bo"}
# First path segments the generator owns; a standalone page may not take them.
RESERVED = frozenset({"tin-tuc", "chuyen-muc", "the", "don-vi", "luu-tru", "tim-kiem", "du-lieu", "assets",
                      "media", "_bantin", "pagefind", "video", "feed.xml", "sitemap.xml", "robots.txt", "404.html"})


@dataclass(frozen=True)
class Urls:
    """Turns site paths ("/don-vi/x/") into links under the base path and absolute addresses."""

    base_url: str
    base_path: str

    def url(self, site_path: str) -> str:
        """Root-relative link, so the site works at any host under its base path."""
        return self.base_path + site_path.lstrip("/")

    def absolute(self, site_path: str) -> str:
        return self.base_url + site_path.lstrip("/")


def article(year: int, month: int, slug: str) -> str:
    return f"{ARTICLES}{year:04d}/{month:02d}/{slug}/"


def page(slug: str) -> str:
    return f"/{slug}/"


def category(cat: str, page_no: int = 1) -> str:
    return f"/chuyen-muc/{cat}/" + _paged(page_no)


def category_feed(cat: str) -> str:
    return f"/chuyen-muc/{cat}/feed.xml"


def tag(slug: str, page_no: int = 1) -> str:
    return f"/the/{slug}/" + _paged(page_no)


def unit(unit_id: str) -> str:
    return f"{UNITS}{unit_id}/"


def unit_feed(unit_id: str) -> str:
    return f"{UNITS}{unit_id}/feed.xml"


def compare(level: str, year: int) -> str:
    """Two segments below /don-vi/, so no unit page /don-vi/<id>/ can collide with a comparison page."""
    return f"{UNITS}so-sanh/{LEVEL_SLUGS[level]}/{year}/"


def archive(*parts: int) -> str:
    """/luu-tru/, /luu-tru/2024/, /luu-tru/2024/05/, /luu-tru/2024/05/02/."""
    if not parts:
        return ARCHIVE
    year, *rest = parts
    return f"{ARCHIVE}{year}/" + "".join(f"{p:02d}/" for p in rest)


def media(relative: str) -> str:
    """A file under content/media, e.g. "media/2024/anh.jpg" -> "/media/2024/anh.jpg"."""
    return "/" + relative.lstrip("/")


def image_variant(relative: str, width: int, key: str, ext: str) -> str:
    """A resized copy of a photo beside it, named by width and content key so it can be cached forever:
    "media/2024/anh.jpg" -> "/media/2024/anh-800w.1a2b3c4d5e.webp"."""
    stem = relative.lstrip("/").rsplit(".", 1)[0]
    return f"/{stem}-{width}w.{key}.{ext}"


def videos(page_no: int = 1) -> str:
    """/video/, /video/trang/2/: articles with a video, newest first."""
    return VIDEOS + _paged(page_no)


def section_prefixes(menu_paths: list[str]) -> list[str]:
    """Path prefixes that mark a menu entry current, longest first (/chuyen-muc/a-b/ before /chuyen-muc/a/)."""
    return sorted([*menu_paths, UNITS, ARCHIVE], key=len, reverse=True)


def output_file(site_path: str) -> str:
    """The file that serves a site path: clean URLs are folders with index.html."""
    relative = site_path.lstrip("/")
    if not relative or relative.endswith("/"):
        return relative + "index.html"
    return relative


def _paged(page_no: int) -> str:
    return f"trang/{page_no}/" if page_no > 1 else ""
