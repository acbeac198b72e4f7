"""Read a built portal from disk: what each HTML page links to and which ids it has."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

# Attributes that point at another resource, by tag; srcset is split separately.
URL_ATTRS = {"a": "href", "link": "href", "area": "href", "img": "src", "script": "src",
             "source": "src", "iframe": "src", "video": "src", "audio": "src", "form": "action",
             "use": "href", "image": "href"}
URL_META = {"og:url", "og:image"}


@dataclass
class Page:
    """What a built HTML page links to and which fragment targets it has."""
    file: Path
    url: str                                   # site path, "/a/b/" for /a/b/index.html
    refs: list[tuple[str, str]] = field(default_factory=list)   # (tag, url as written)
    ids: set[str] = field(default_factory=set)
    styles: list[str] = field(default_factory=list)             # inline <style> and style=""
    tags: Counter = field(default_factory=Counter)              # how many of each element
    lang: str | None = None
    first_link: str | None = None                               # href of the first <a> in <body>


class _Collector(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.page.tags[tag] += 1
        if tag == "html":
            self.page.lang = a.get("lang")
        if tag == "a" and self.page.first_link is None:
            self.page.first_link = a.get("href")
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.page.ids.add(a[key])
        name = URL_ATTRS.get(tag)
        if name and a.get(name) is not None:
            self.page.refs.append((tag, a[name]))
        if tag == "meta" and a.get("property") in URL_META and a.get("content"):
            self.page.refs.append((tag, a["content"]))
        if tag in ("use", "image") and a.get("xlink:href"):
            self.page.refs.append((tag, a["xlink:href"]))
        for candidate in (a.get("srcset") or "").split(","):
            if candidate.strip():
                self.page.refs.append((tag, candidate.split()[0]))
        if a.get("style"):
            self.page.styles.append(a["style"])
        self._in_style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.page.styles.append(data)


def site_path(file: Path, root: Path) -> str:
    rel = file.relative_to(root).as_posix()
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


def parse_page(file: Path, root: Path) -> Page:
    page = Page(file=file, url=site_path(file, root))
    collector = _Collector(page)
    collector.feed(file.read_text(encoding="utf-8"))
    collector.close()
    return page
