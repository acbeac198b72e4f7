"""Vietnamese text helpers: normalisation, slugs, folding, sorting and numbers."""

from __future__ import annotations

import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"\w+")
_D_BAR = str.maketrans("đĐ", "dD")
# Combining marks (Vietnamese tones and shapes live in U+0300–U+036F; the rest for other scripts).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

# Vietnamese collation: base letters in alphabet order, then the six tones.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SHAPE_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn belong to the letter


def nfc(text: str) -> str:
    """Text in NFC form, the one form we store and compare."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lowercase text without diacritics, so "Đảng bộ" and "dang bo" compare equal."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_BAR))
    return _COMBINING.sub("", decomposed).lower()


def slugify(text: str) -> str:
    """Lowercase ASCII slug with hyphens: "Đảng bộ xã Phú Thuận" -> "dang-bo-xa-phu-thuan"."""
    return _NON_SLUG.sub("-", fold(text)).strip("-")


def words(text: str) -> list[str]:
    """Folded words of a text, for matching and relatedness."""
    return _WORD.findall(fold(text))


def _letter_key(ch: str) -> tuple[int, int]:
    parts = unicodedata.normalize("NFD", ch.lower())
    base, marks = parts[0], parts[1:]
    tone = 0
    for mark in marks:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark in _SHAPE_MARKS:
            base = unicodedata.normalize("NFC", base + mark)
    rank = _LETTER_RANK.get(base)
    if rank is None:
        return (100 + ord(base), tone) if not base.isdigit() else (-10 + ord(base) - 48, 0)
    return rank, tone


def sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """Key for Vietnamese alphabetical order: letters first (a < ă < â), then tones, then case."""
    keys = [_letter_key(ch) for ch in nfc(text) if not ch.isspace()]
    return tuple(k[0] for k in keys), tuple(k[1] for k in keys), text


def format_number(value: int | float | None, language: str = "vi") -> str:
    """45239 -> "45.239" in Vietnamese, "45,239" in English; None -> ""."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.1f}"
    else:
        text = f"{int(value):,}"
    if language == "vi":
        return text.translate(str.maketrans(",.", ".,"))
    return text


def is_slug(text: str) -> bool:
    """True for lowercase ASCII words joined by single hyphens."""
    return bool(text) and slugify(text) == text


def shorten(value: object, limit: int = 80) -> str:
    """`value` as one line of at most `limit` characters, cut with "…": for quoting it in a message."""
    text = " ".join(str(value).splitlines())
    return text if len(text) <= limit else text[: limit - 1] + "…"
