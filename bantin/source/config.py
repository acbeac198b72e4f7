"""content/site.yaml: the site's settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .admin import AdminSettings, parse_admin
from .fields import Fields
from .links import url_problem
from ..i18n import LANGUAGES
from ..messages import language_from, msg
from ..problems import Problem
from .parse import LineDict, SourceError, parse_yaml, read_text
from ..text import is_slug, shorten, slugify

DEFAULT_RATING_SCALE = (
    "Hoàn thành xuất sắc nhiệm vụ",
    "Hoàn thành tốt nhiệm vụ",
    "Hoàn thành nhiệm vụ",
    "Không hoàn thành nhiệm vụ",
)
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
_COUNTER_HINT = "`https://dem.example.vn`"
MAX_PER_PAGE = 500  # a listing page longer than this is slow to load and to read
SITE_KEYS = ("title", "base_url", "language", "timezone", "per_page", "root_unit", "counter",
             "categories", "rating_scale", "links", "banners", "description", "footer", "admin")


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    image: str | None = None
    line: int = 0


FOOTER_KEYS = ("office", "address", "phone", "email", "responsible", "licence", "note")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 .()-]{6,30}")


@dataclass(frozen=True)
class Footer:
    """What a Vietnamese e-portal shows at the bottom of every page (all optional)."""

    office: str = ""       # Cơ quan chủ quản
    address: str = ""
    phone: str = ""
    email: str = ""
    responsible: str = ""  # Chịu trách nhiệm nội dung
    licence: str = ""      # the licence line, written out in full
    note: str = ""         # any other line (a plain `footer: text` is this)


@dataclass(frozen=True)
class SiteConfig:
    """Validated settings; `base_path` is the URL path of `base_url` ("/" or "/portal/")."""

    title: str
    base_url: str
    language: str
    timezone: str
    per_page: int
    root_unit: str | None
    counter_endpoint: str | None
    counter_snapshot: str | None
    categories: dict[str, str]
    rating_scale: tuple[str, ...]
    links: tuple[Link, ...]
    banners: tuple[Link, ...]
    description: str
    footer: Footer
    path: str
    lines: dict[str, int]
    admin: AdminSettings = AdminSettings()

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path or "/"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def with_base_url(self, base_url: str) -> "SiteConfig":
        """The same settings published at another address (CI, preview)."""
        from dataclasses import replace
        return replace(self, base_url=normalise_base_url(base_url))


def normalise_base_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def parse_site(data: object, shown: str) -> tuple[SiteConfig | None, list[Problem]]:
    """Validate site.yaml data; return the config (None on errors) and every problem."""
    if not isinstance(data, LineDict):
        return None, [Problem(shown, 1, "", msg("site.yaml must be `key: value` lines"),
                              msg("start with `title: …` and `base_url: https://…/`"))]
    f = Fields(data, shown)
    f.reject_unknown(SITE_KEYS)
    title = f.text("title", required=True)
    base_url = _base_url(f)
    language = f.text("language") or "vi"
    if language not in LANGUAGES:
        f.error("language", msg("unsupported language `{language}`", language=shorten(language)), msg("use `vi` or `en`"))
    timezone = _timezone(f)
    per_page = f.integer("per_page", MAX_PER_PAGE, minimum=1) or 20
    counter = f.mapping("counter")
    endpoint, snapshot = _counter(f, counter)
    config = SiteConfig(
        title=title or "", base_url=base_url or "", language=language, timezone=timezone,
        per_page=per_page, root_unit=f.text("root_unit"), counter_endpoint=endpoint,
        counter_snapshot=snapshot, categories=_categories(f), rating_scale=_scale(f),
        links=_links(f, "links"), banners=_links(f, "banners", image=True),
        description=f.text("description") or "", footer=_footer(f),
        path=shown, lines=dict(data.key_lines), admin=parse_admin(f))
    return (None if f.problems else config), f.problems


def read_language(content: Path) -> str | None:
    """The language of the site in `content/` for messages, None when site.yaml cannot tell: missing,
    broken, or naming a language bantin does not speak (then the editor's locale decides)."""
    try:
        data, _ = parse_yaml(read_text(content / "site.yaml", "site.yaml"), "site.yaml")
    except (OSError, SourceError):
        return None
    if not isinstance(data, LineDict):
        return None
    return language_from(data.get("language") or LANGUAGES[0])


def _base_url(f: Fields) -> str | None:
    url = f.text("base_url", required=True, hint=msg("add `base_url: https://your-domain/`"))
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        f.error("base_url", msg("must be an absolute http(s) address, not `{url}`", url=shorten(url)),
                msg("e.g. {example}", example="`https://dangbo.example.vn/`"))
        return None
    return normalise_base_url(url)


def _timezone(f: Fields) -> str:
    name = f.text("timezone") or DEFAULT_TIMEZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        f.error("timezone", msg("unknown time zone `{zone}`", zone=shorten(name)), msg("e.g. {example}", example="`Asia/Ho_Chi_Minh`"))
        return DEFAULT_TIMEZONE
    return name


def _counter(f: Fields, counter: LineDict | None) -> tuple[str | None, str | None]:
    if counter is None:
        return None, None
    sub = Fields(counter, f.path, "counter.", f.problems)
    sub.reject_unknown(("endpoint", "snapshot"))
    endpoint = sub.text("endpoint")
    if endpoint and not _allowed(sub, "endpoint", endpoint, msg("e.g. {example}", example=_COUNTER_HINT)):
        endpoint = None
    elif endpoint and (urlsplit(endpoint).scheme not in ("http", "https") or not urlsplit(endpoint).netloc):
        sub.error("endpoint", msg("must be an http(s) address, not `{url}`", url=shorten(endpoint)),
                  msg("e.g. {example}", example=_COUNTER_HINT))
        endpoint = None
    return (endpoint.rstrip("/") if endpoint else None), sub.text("snapshot")


def _categories(f: Fields) -> dict[str, str]:
    data = f.mapping("categories")
    result: dict[str, str] = {}
    for key, label in (data or {}).items():
        line = data.line_of(key)
        if not isinstance(key, str) or not is_slug(key):
            f.problems.append(Problem(f.path, line, f"categories.{shorten(key)}", msg("category id must be a slug"),
                                      msg("use `{slug}`", slug=shorten(slugify(str(key))))))
        elif not isinstance(label, str) or not label.strip():
            f.problems.append(Problem(f.path, line, f"categories.{shorten(key)}", msg("category label must be text")))
        else:
            result[key] = label.strip()
    return result


def _scale(f: Fields) -> tuple[str, ...]:
    data = f.sequence("rating_scale")
    if data is None:
        return DEFAULT_RATING_SCALE
    labels = []
    for label, line in zip(data, data.item_lines):
        if not isinstance(label, str) or not label.strip():
            f.problems.append(Problem(f.path, line, "rating_scale", msg("each rating label must be text")))
        elif label in labels:
            f.problems.append(Problem(f.path, line, "rating_scale", msg("`{label}` is listed twice", label=shorten(label))))
        else:
            labels.append(label.strip())
    return tuple(labels)


def _links(f: Fields, key: str, image: bool = False) -> tuple[Link, ...]:
    data = f.sequence(key)
    result = []
    for index, (item, line) in enumerate(zip(data or [], (data.item_lines if data else []))):
        sub = f.nested(item, f"{key}[{index}]", line)
        if sub is None:
            continue
        sub.reject_unknown(("title", "url", "image") if image else ("title", "url"))
        title = sub.text("title", required=True)
        url = sub.text("url", required=True)
        if url and not _allowed(sub, "url", url, msg("write an https://… address, or a path such as /gioi-thieu/")):
            url = None
        picture = sub.text("image", required=image)
        if title and url and (picture or not image):
            result.append(Link(title, url, picture, line))
    return tuple(result)


def _footer(f: Fields) -> Footer:
    """`footer:` is a line of text, or the portal's publication details, each checked."""
    if isinstance(f.get("footer"), str):
        return Footer(note=f.text("footer") or "")
    data = f.mapping("footer")
    if data is None:
        return Footer()
    sub = Fields(data, f.path, "footer.", f.problems)
    sub.reject_unknown(FOOTER_KEYS)
    values = {key: sub.text(key) or "" for key in FOOTER_KEYS}
    if values["email"] and not _EMAIL.fullmatch(values["email"]):
        sub.error("email", f"`{shorten(values['email'])}` is not an e-mail address", "e.g. `email: banbientap@example.vn`")
        values["email"] = ""
    if values["phone"] and not (_PHONE.fullmatch(values["phone"]) and sum(c.isdigit() for c in values["phone"]) >= 6):
        sub.error("phone", f"`{shorten(values['phone'])}` is not a phone number",
                  "digits, spaces and . - ( ) +, e.g. `phone: (0296) 3 878 123`")
        values["phone"] = ""
    return Footer(**values)


def _allowed(f: Fields, key: str, url: str, hint: str) -> bool:
    """Whether `url` passes the allow-list of links.py; a problem at its line when it does not."""
    problem = url_problem(url)
    if problem:
        f.error(key, problem, hint)
    return problem is None
