"""Front-matter fields that point at media: `video:` (a file in media/ or a YouTube / Facebook address)
and `attachments:` (documents to download), checked with a problem naming file, line and field.

Addresses go through links.py like every address editors write; which sites may be embedded, and
how, is decided here and nowhere else (bantin/render/video.py only writes what this allowed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

from ..messages import msg
from ..problems import Problem
from ..text import shorten
from .fields import Fields
from .links import media_path, url_problem
from .parse import LineDict

VIDEO_FILES = {".mp4": "video/mp4", ".webm": "video/webm"}
DOCUMENTS = {".pdf": "PDF", ".doc": "DOC", ".docx": "DOCX", ".xls": "XLS", ".xlsx": "XLSX", ".odt": "ODT",
             ".ods": "ODS"}
EMBEDS = ("https://www.youtube-nocookie.com/embed/", "https://www.facebook.com/plugins/video.php?")
POSTER_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}\Z")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"}
_FACEBOOK_HOSTS = {"facebook.com", "www.facebook.com", "m.facebook.com", "fb.watch", "web.facebook.com"}


@dataclass(frozen=True)
class Video:
    """A video an article or page carries: `kind` "file" (src under media/), "youtube" or "facebook"
    (src the address as written, `embed` the official player address, loaded only on the reader's click)."""

    src: str
    kind: str
    embed: str = ""
    poster: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Attachment:
    """A document under media/ listed in the "Tài liệu đính kèm" box."""

    file: str
    title: str
    line: int = 0


def video_source(url: str) -> tuple[str, str] | None:
    """(kind, embed address) of a video address editors may use, or None: a .mp4/.webm under media/,
    a YouTube watch/short/youtu.be address (played from youtube-nocookie.com), a Facebook video."""
    path = media_path(url)
    if path is not None:
        return ("file", "") if path.lower().endswith(tuple(VIDEO_FILES)) else None
    if url_problem(url):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https"):
        return None
    if host in _YOUTUBE_HOSTS:
        ident = _youtube_id(host, parts.path, parts.query)
        return ("youtube", f"https://www.youtube-nocookie.com/embed/{ident}?autoplay=1") if ident else None
    if host in _FACEBOOK_HOSTS and _is_facebook_video(host, parts.path, parts.query):
        return "facebook", ("https://www.facebook.com/plugins/video.php?show_text=false&href="
                            + quote(url.strip(), safe=""))
    return None


def _is_facebook_video(host: str, path: str, query: str) -> bool:
    """fb.watch/…, …/videos/…, /reel/…, /watch?v=…: the forms Facebook's video player accepts."""
    return (host == "fb.watch" and len(path) > 1) or "/videos/" in path or path.startswith("/reel/") \
        or (path.startswith("/watch") and "v" in parse_qs(query))


def _youtube_id(host: str, path: str, query: str) -> str | None:
    if host == "youtu.be":
        ident = path.strip("/")
    elif path in ("/watch", "/watch/"):
        ident = (parse_qs(query).get("v") or [""])[0]
    else:
        match = re.match(r"/(?:shorts|embed|live)/([^/?#]+)", path)
        ident = match.group(1) if match else ""
    return ident if _YOUTUBE_ID.match(ident) else None


def parse_video(f: Fields) -> Video | None:
    """`video: ADDRESS` or `video: {src: ADDRESS, poster: media/…, title: …}`."""
    raw = f.get("video")
    if raw is None:
        return None
    item = f.nested(raw, "video", f.line("video")) if isinstance(raw, LineDict) else None
    if isinstance(raw, LineDict) and item is not None:
        item.reject_unknown(("src", "poster", "title"))
        src, poster, title = item.text("src", required=True), item.text("poster"), item.text("title")
    elif isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        src, poster, title = str(raw).strip(), None, None
    else:
        f.error("video", msg("must be an address or a `src:`/`poster:` mapping"),
                msg("write `video: media/2026/le.mp4` or `video: https://www.youtube.com/watch?v=…`"))
        return None
    if not src:
        return None
    source = video_source(src)
    if source is None:
        f.error("video", msg("`{src}` is not a video bantin can show", src=shorten(src)),
                msg("use an .mp4 or .webm file under media/, or a YouTube or Facebook video address"))
        return None
    if poster and not (media_path(poster) or "").lower().endswith(POSTER_SUFFIXES):
        f.error("video", msg("poster `{poster}` is not an image under media/", poster=shorten(poster)),
                msg("write `poster: media/2026/anh-video.jpg`"))
        return None
    return Video(src=media_path(src) or src, kind=source[0], embed=source[1],
                 poster=media_path(poster) if poster else None, title=title)


def parse_attachments(f: Fields) -> tuple[Attachment, ...]:
    """`attachments:` — a list of media/ paths, or of `{file: media/…, title: …}`."""
    items = f.sequence("attachments")
    if items is None:
        return ()
    found = []
    for index, raw in enumerate(items):
        line = items.item_lines[index] if index < len(items.item_lines) else f.line("attachments")
        if isinstance(raw, LineDict):
            item = f.nested(raw, "attachments", line)
            item.reject_unknown(("file", "title"))
            file, title = item.text("file", required=True), item.text("title")
        else:
            file, title = (str(raw).strip() if raw is not None else ""), None
        path = media_path(file or "")
        if path is None or not path.lower().endswith(tuple(DOCUMENTS)):
            f.problems.append(Problem(f.path, line, f.name("attachments"),
                                      msg("`{file}` is not a document under media/", file=shorten(file)),
                                      msg("attach a PDF, DOC, DOCX, XLS, XLSX, ODT or ODS file, e.g. media/2026/ke-hoach.pdf")))
            continue
        found.append(Attachment(path, title or path.rsplit("/", 1)[-1], line))
    return tuple(found)

