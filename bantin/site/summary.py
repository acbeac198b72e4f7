"""A plain-text sapo from a Markdown body, for articles that do not give `summary:`."""

from __future__ import annotations

import re

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
_MARKS = re.compile(r"[*_`>#]+")
_SKIP = re.compile(r"^\s*(#|!\[|\||[-*+] |\d+\. |```|\[\^|<)")


def first_paragraph(body: str, limit: int = 320) -> str:
    """The first prose paragraph, without Markdown marks, cut at a word boundary."""
    for block in re.split(r"\n\s*\n", body.strip()):
        if not block.strip() or _SKIP.match(block):
            continue
        text = _MARKS.sub("", _FOOTNOTE.sub("", _LINK.sub(r"\1", block)))
        text = " ".join(text.split())
        if text:
            return shorten(text, limit)
    return ""


def shorten(text: str, limit: int) -> str:
    """Text cut to at most `limit` characters at a space, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
