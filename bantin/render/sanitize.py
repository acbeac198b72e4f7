"""The HTML a converted Markdown document may keep: an allow-list applied by nh3 (ammonia).

Editors may write raw HTML in Markdown, and Python-Markdown passes it through; this is where
scripts, styles, frames, forms, event handlers and `javascript:` links are dropped, so no page
of the portal carries them whatever an article or unit description says. Everything Markdown
itself produces here (footnotes, tables, figures, the table wrapper) is on the list.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import nh3

from ..source import links

TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
    "figure", "figcaption", "img", "picture", "source", "a", "abbr", "div",
    "em", "strong", "del", "ins", "sub", "sup", "mark",
})
# Attributes by tag ("*": any); those limited to a few values are in VALUES; all pass HtmlPolicy._filter.
ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"id", "class", "lang"}),
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title", "width", "height", "srcset", "sizes"}),
    "source": frozenset({"srcset", "sizes"}),   # the WebP copies of a photo (render/markup.py)
    "abbr": frozenset({"title"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"style"}),   # column alignment, as the tables extension writes it
    "td": frozenset({"style"}),
    "div": frozenset({"aria-label"}),
}
VALUES: dict[str, dict[str, frozenset[str]]] = {
    "img": {"loading": frozenset({"lazy", "eager"}), "decoding": frozenset({"async", "sync", "auto"})},
    "div": {"role": frozenset({"region"}), "tabindex": frozenset({"0"})},   # the scrollable table wrapper
    "source": {"type": frozenset({"image/webp"})},
}
# Elements removed with everything inside them: their content is code or markup, not text to read.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "noscript", "template", "svg", "math"})

_ID = re.compile(r"[A-Za-z][\w:.-]{0,99}\Z")
_CLASS = re.compile(r"[A-Za-z][\w-]{0,59}\Z")
_ALIGN = re.compile(r"text-align: ?(left|right|center);?\Z")
_SIZES = re.compile(r"[\w\s(),:.%+\-/]{0,300}\Z")
_CANDIDATE = re.compile(r"\s*(\S+)(\s+\d{1,5}[wx])?\s*\Z")


def _classes(value: str) -> str | None:
    return " ".join(name for name in value.split() if _CLASS.match(name)) or None


def _number(value: str) -> str | None:
    return value if value.isascii() and value.isdigit() and len(value) <= 6 else None


# What each attribute's value must look like (None: drop the attribute); the others pass as they are.
_CHECKS: dict[str, Callable[[str], str | None]] = {
    "id": lambda value: value if _ID.match(value) else None,
    "class": _classes,
    "width": _number, "height": _number, "start": _number,
    "style": lambda value: value if _ALIGN.match(value.strip()) else None,
    "sizes": lambda value: value if _SIZES.match(value) else None,
}


class HtmlPolicy:
    """The allow-list, with links and images into media/ rewritten by `url` (raw HTML ones too)."""

    def __init__(self, url: Callable[[str], str] = str):
        self.url = url
        self._cleaner = nh3.Cleaner(
            tags=set(TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
            attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
            tag_attribute_values={tag: {name: set(v) for name, v in values.items()} for tag, values in VALUES.items()},
            attribute_filter=self._filter, url_schemes=set(links.ALLOWED_SCHEMES), strip_comments=True,
            link_rel=None, filter_style_properties={"text-align"},
        )

    def clean(self, html: str) -> str:
        """`html` with everything off the allow-list removed (disallowed elements keep their text)."""
        return self._cleaner.clean(html)

    def _filter(self, tag: str, attribute: str, value: str) -> str | None:
        """The attribute's value as kept, or None to drop it."""
        if attribute in ("href", "src"):
            return self.url(value) if links.is_allowed(value) else None
        if attribute == "srcset":
            return self._srcset(value)
        check = _CHECKS.get(attribute)
        return check(value) if check else value

    def _srcset(self, value: str) -> str | None:
        """A srcset whose every address passes the allow-list (media ones rewritten), else None."""
        kept = []
        for candidate in value.split(","):
            match = _CANDIDATE.match(candidate)
            if match is None or not links.is_allowed(match.group(1)):
                return None
            kept.append(self.url(match.group(1)) + (" " + match.group(2).strip() if match.group(2) else ""))
        return ", ".join(kept) or None


clean = HtmlPolicy().clean
