"""Which link targets an editor may write: the one allow-list for every URL that comes from content.

Markdown bodies, unit descriptions, site.yaml links and banners, and any front-matter address
go through it, so a `javascript:` or `data:` link cannot reach a page by any of those doors.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from ..messages import msg
from ..text import shorten

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Browsers drop these anywhere in a URL before they look at its scheme ("java\tscript:" runs).
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]+")


def url_problem(url: str) -> str | None:
    """Why `url` may not be used in a link or image, or None when it may (http, https, mailto,
    tel, or a relative address). Entities and control characters are decoded first, as a
    browser would, so `&#106;avascript:` and `JaVa\\tScRiPt:` are caught too."""
    decoded = _IGNORED_BY_BROWSERS.sub("", unicodedata.normalize("NFKC", html.unescape(url)))
    scheme = _scheme(decoded)
    if scheme is None or scheme in ALLOWED_SCHEMES:
        return None
    return msg("links may use http, https, mailto or tel, not `{scheme}:`", scheme=shorten(scheme))


def _scheme(url: str) -> str | None:
    """The scheme a browser would see, lowercased; None for a relative address."""
    if ":" not in url.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return None
    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        return "invalid"
    return scheme.lower() or None


def is_allowed(url: str) -> bool:
    """True when `url` passes the allow-list."""
    return url_problem(url) is None


def media_file(ref: str) -> str:
    """The file under content/ that a link names, as a browser asks for it: without `?…` or `#…`,
    `%20` decoded, in NFC (`/media/anh%20le/x.jpg#1` -> `media/anh le/x.jpg`)."""
    return unicodedata.normalize("NFC", unquote(ref.split("#", 1)[0].split("?", 1)[0])).lstrip("/")


def media_path(ref: str) -> str | None:
    """The file a reference to content/media names (`media/…` or `/media/…`, never `//host/…`),
    as media_file gives it; None for any other reference."""
    if ref.startswith("//") or not ref.lstrip("/").startswith("media/"):
        return None
    return media_file(ref)


# A Markdown link (not an image: no "!" before "[") whose target is under media/.
_MEDIA_LINK = re.compile(r"(?<!!)\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\(\s*(?:<(/?media/[^<>\n]*)>|(/?media/[^\s()]+))")


def linked_media(markdown: str) -> set[str]:
    """The files under media/ that a Markdown text links to (for download), as media_file gives them;
    images shown with `![…](…)` are not counted."""
    if "media/" not in markdown:
        return set()
    return {media_file(m.group(1) or m.group(2)) for m in _MEDIA_LINK.finditer(markdown)}
