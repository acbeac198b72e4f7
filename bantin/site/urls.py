"""The URL scheme of the built site (stable: other sites link to it)."""

from __future__ import annotations

from dataclasses import dataclass


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


def category(cat: str, page: int = 1) -> str:
    return f"/chuyen-muc/{cat}/" + (f"trang/{page}/" if page > 1 else "")


def tag(slug: str, page: int = 1) -> str:
    return f"/the/{slug}/" + (f"trang/{page}/" if page > 1 else "")


def unit(unit_id: str) -> str:
    return f"/don-vi/{unit_id}/"


def archive(*parts: int) -> str:
    """/luu-tru/, /luu-tru/2024/, /luu-tru/2024/05/, /luu-tru/2024/05/02/."""
    if not parts:
        return "/luu-tru/"
    year, *rest = parts
    return f"/luu-tru/{year}/" + "".join(f"{p:02d}/" for p in rest)


def output_file(site_path: str) -> str:
    """The file that serves a site path: clean URLs are folders with index.html."""
    relative = site_path.lstrip("/")
    if not relative or relative.endswith("/"):
        return relative + "index.html"
    return relative
