"""Articles (content/posts) and standalone pages (content/pages): front matter to dataclasses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from datetime import datetime, timedelta, timezone, tzinfo

from .fields import Fields
from .markdown_limits import limit_problem
from ..messages import msg
from ..problems import Problem
from .parse import Document
from ..text import is_slug, shorten, slugify

ARTICLE_KEYS = ("title", "date", "unit", "category", "tags", "author", "source", "summary",
                "image", "image_caption", "image_credit", "slug", "draft", "featured", "pinned_until")
PAGE_KEYS = ("title", "slug", "menu", "draft", "summary")
MAX_MENU = 1000  # `menu:` orders the top menu; a menu has a handful of entries
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
                   r"\s*(Z|[+-]\d{2}:?\d{2})?)?$")


@dataclass(frozen=True)
class Tag:
    label: str
    slug: str


@dataclass(frozen=True, eq=False)  # identity: comparing bodies would be slow and meaningless
class Article:
    """One bulletin; `date` is timezone-aware, `body` is Markdown."""

    title: str
    date: datetime
    slug: str
    body: str
    body_line: int
    path: str
    unit: str | None = None
    category: str | None = None
    tags: tuple[Tag, ...] = ()
    author: str | None = None
    source: str | None = None
    summary: str | None = None
    image: str | None = None
    image_caption: str | None = None
    image_credit: str | None = None
    draft: bool = False
    featured: bool = False  # a candidate for the lead and secondary stories of the home page
    pinned_until: datetime | None = None  # featured and kept first on the home page until then
    lines: tuple[tuple[str, int], ...] = ()

    @cached_property
    def site_path(self) -> str:
        return f"/tin-tuc/{self.date.year:04d}/{self.date.month:02d}/{self.slug}/"

    @cached_property
    def media_links(self) -> tuple[tuple[str, int], ...]:
        """(target, line) of each Markdown link in the body into media/ or out of content/ (`..`)."""
        return find_media_links(self.body, self.body_line)

    def line_of(self, key: str) -> int:
        return dict(self.lines).get(key, 1)


@dataclass(frozen=True, eq=False)
class Page:
    """A standalone page such as Giới thiệu or Liên hệ."""

    title: str
    slug: str
    body: str
    body_line: int
    path: str
    menu: int | None = None
    draft: bool = False
    summary: str | None = None
    lines: tuple[tuple[str, int], ...] = ()

    @property
    def site_path(self) -> str:
        return f"/{self.slug}/"

    def line_of(self, key: str) -> int:
        return dict(self.lines).get(key, 1)


# The target of an inline link or image: `](media/x.jpg "title")`, or `](<media/ảnh lễ/x.jpg>)` where
# spaces are allowed; a bare target may hold balanced parentheses, as CommonMark allows.
_MD_LINK = re.compile(r"\]\(\s*(?:<([^<>\n]*)>|((?:[^()\s]|\([^()\s]*\))+))")


def find_media_links(body: str, first_line: int) -> tuple[tuple[str, int], ...]:
    """(target, line) of the links in Markdown `body` (starting at `first_line`) that the loader checks."""
    links = []
    # What _MD_LINK.finditer(body) finds: each match starts at a "]". Looking for one character is a
    # memchr; looking for "](" or running the regex over the body takes ten times longer.
    at = body.find("]")
    while at >= 0:
        match = _MD_LINK.match(body, at) if body.startswith("(", at + 1) else None
        if match is None:
            at = body.find("]", at + 1)
            continue
        ref = match.group(1) or match.group(2) or ""
        if ref.lstrip("/").startswith("media/") or ref.startswith(".."):
            links.append((ref, first_line + body.count("\n", 0, at)))
        at = body.find("]", match.end())
    return tuple(links)


def parse_date(text: str, tz: tzinfo) -> datetime | None:
    """"2024-01-09 06:25" in the site zone, or with an explicit offset; None if unparseable."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    y, mo, d, h, mi, s, offset = match.groups()
    try:
        moment = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    except ValueError:
        return None
    if offset is None:
        return moment.replace(tzinfo=tz)
    sign = 1 if offset[0] == "+" else -1
    hours, minutes = (0, 0) if offset == "Z" else (int(offset[1:3]), int(offset[-2:]))
    if minutes >= 60:
        return None
    try:  # "+24:00", or an offset that moves the date past year 1 or 9999, is not a date
        return moment.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes))).astimezone(tz)
    except (ValueError, OverflowError):
        return None


# What slugify() leaves unchanged: lowercase ASCII words joined by single hyphens (most file names).
_PLAIN_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _slug(f: Fields, stem: str) -> str:
    given = f.text("slug")
    if given is not None and not is_slug(given):
        f.error("slug", msg("`{slug}` is not a slug", slug=shorten(given)), msg("use `{slug}`", slug=shorten(slugify(given))))
    if given and is_slug(given):
        return given
    slug = stem if _PLAIN_SLUG.fullmatch(stem) else slugify(stem)
    if not slug and given is None:  # the address would be /tin-tuc/2024/01//
        f.problems.append(Problem(f.path, 0, "", msg("the file name has no letters or digits to make an address of"),
                                  msg("rename the file, e.g. bai-viet.md, or add `slug: …`")))
    return slug


def _tags(f: Fields) -> tuple[Tag, ...]:
    raw = f.get("tags")
    if raw is None:
        return ()
    items = raw.split(",") if isinstance(raw, str) else raw if isinstance(raw, list) else None
    if items is None:
        f.error("tags", msg("must be a list"), msg("write `tags: [Chi bộ bốn tốt, Chỉ thị 05]`"))
        return ()
    tags: dict[str, Tag] = {}
    for item in items:
        label = str(item).strip() if item is not None and not isinstance(item, (dict, list)) else ""
        tag = _tag(label) if label else None
        if tag is None:
            f.error("tags", msg("`{tag}` is not a usable tag", tag=shorten(item)), msg("each tag needs letters or digits"))
            continue
        tags.setdefault(tag.slug, tag)
    return tuple(tags.values())


@lru_cache(maxsize=4096)
def _tag(label: str) -> Tag | None:
    """The tag of a label, None when it has no letters or digits; a site uses few labels many times."""
    slug = slugify(label)
    return Tag(label, slug) if slug else None


def parse_article(doc: Document, stem: str, shown: str, tz: tzinfo) -> tuple[Article | None, list[Problem]]:
    """Validate an article's front matter; return the article (None on errors) and problems."""
    f = Fields(doc.meta, shown, problems=list(doc.problems))
    f.reject_unknown(ARTICLE_KEYS)
    title = f.text("title", required=True)
    raw_date = f.get("date", required=True, hint=msg("add `date: 2024-01-09 06:25`"))
    moment = parse_date(str(raw_date), tz) if raw_date is not None else None
    if raw_date is not None and moment is None:
        f.error("date", msg("cannot read the date `{date}`", date=shorten(raw_date)),
                msg("write it as `YYYY-MM-DD HH:MM`, e.g. `2024-01-09 06:25`"))
    article = None
    if title and moment:
        article = Article(
            title=title, date=moment, slug=_slug(f, stem), body=doc.body, body_line=doc.body_line,
            path=shown, unit=f.text("unit"), category=f.text("category"), tags=_tags(f),
            author=f.text("author"), source=f.text("source"), summary=f.text("summary"),
            image=f.text("image"), image_caption=f.text("image_caption"),
            image_credit=f.text("image_credit"), draft=f.boolean("draft"),
            featured=f.boolean("featured"), pinned_until=_pinned_until(f, tz),
            lines=tuple(doc.meta.key_lines.items()))
        article.media_links  # noqa: B018 - found now, in the worker process that parses the file
    _check_markdown(f, doc)
    return (None if f.problems else article), f.problems


def _pinned_until(f: Fields, tz: tzinfo) -> datetime | None:
    """`pinned_until:` keeps a featured article first on the home page until that moment."""
    raw = f.get("pinned_until")
    if raw is None:
        return None
    moment = parse_date(str(raw), tz)
    if moment is None:
        f.error("pinned_until", f"cannot read the date `{shorten(raw)}`",
                "write it as `YYYY-MM-DD HH:MM`, e.g. `2024-01-16 23:59`")
    elif f.get("featured") is not True:
        f.error("pinned_until", "only a featured article can be pinned to the home page",
                "add `featured: true`, or remove `pinned_until`")
    return moment


def parse_page(doc: Document, stem: str, shown: str) -> tuple[Page | None, list[Problem]]:
    """Validate a standalone page's front matter."""
    f = Fields(doc.meta, shown, problems=list(doc.problems))
    f.reject_unknown(PAGE_KEYS)
    title = f.text("title", required=True)
    page = Page(title=title or "", slug=_slug(f, stem), body=doc.body, body_line=doc.body_line,
                path=shown, menu=f.integer("menu", MAX_MENU), draft=f.boolean("draft"),
                summary=f.text("summary"), lines=tuple(doc.meta.key_lines.items()))
    _check_markdown(f, doc)
    return (None if f.problems or not title else page), f.problems


def _check_markdown(f: Fields, doc: Document) -> None:
    """A body the renderer could not convert in reasonable time is refused here, with its line."""
    problem = limit_problem(doc.body, f.path, doc.body_line, "body")
    if problem is not None:
        f.problems.append(problem)
