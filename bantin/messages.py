"""Messages editors see, in English and Vietnamese, from one gettext catalogue (bantin/locale/).

A problem is made with `msg("unknown unit `{unit}`", unit=…)`: a Message, which *is* the English
text (so problems stay plain, comparable, picklable data and caches hold no language) and also
keeps its template and values, so the CLI can show it in the editor's language when it prints.
Babel finds the templates through the keyword `msg` (see docs/developer-guide.md).
"""

from __future__ import annotations

import gettext
import os
import string
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence, Union

from .i18n import LANGUAGES  # the first is the default: bantin is written for Vietnamese editors

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "bantin"
Value = Union[str, int, float]


class Message(str):
    """The English text of a message, carrying the template and values it was made from."""

    template: str
    params: dict[str, Value]

    def __new__(cls, template: str, params: Mapping[str, Value]) -> "Message":
        self = super().__new__(cls, template.format(**params))  # always: `{{` is a brace with or without values
        self.template = template
        self.params = dict(params)
        return self

    def __getnewargs__(self) -> tuple[str, dict[str, Value]]:  # pickle and copy make it anew from these
        return self.template, self.params


def msg(template: str, /, **params: Value) -> Message:
    """A message to show an editor; `template` is English with `{name}` fields (translated later)."""
    return Message(template, params)


def join(separator: str, texts: Sequence[str]) -> Message:
    """`separator.join(texts)` that keeps each Message among them translatable."""
    escaped = separator.replace("{", "{{").replace("}", "}}")
    return Message(escaped.join(f"{{t{i}}}" for i in range(len(texts))), {f"t{i}": t for i, t in enumerate(texts)})


class _Formatter(string.Formatter):
    """str.format, with the thousands separator of the language (Vietnamese writes 1.234,5)."""

    def __init__(self, language: str):
        self.language = language

    def format_field(self, value: object, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        if (self.language == "vi" and ("," in format_spec or "." in format_spec)
                and isinstance(value, (int, float)) and not isinstance(value, bool)):
            return text.translate(str.maketrans(",.", ".,"))
        return text


@lru_cache(maxsize=None)
def catalogue(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of `language` (English is the text itself: no catalogue)."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def translate(text: str, language: str) -> str:
    """`text` in `language` when it is a Message (its values translated too), else as it is."""
    if not isinstance(text, Message):
        return text
    template = catalogue(language).gettext(text.template)
    values = {key: translate(value, language) if isinstance(value, str) else value
              for key, value in text.params.items()}
    return _Formatter(language).format(template, **values)


def to_data(text: str) -> object:
    """JSON-able form of a text that keeps a Message translatable (for records kept between builds)."""
    if not isinstance(text, Message):
        return str(text)
    return {"template": text.template, "params": {k: to_data(v) if isinstance(v, str) else v
                                                  for k, v in text.params.items()}}


def from_data(data: object) -> str:
    """The text `to_data` gave (a plain string from an older record stays a plain string)."""
    if isinstance(data, dict) and isinstance(data.get("template"), str):
        params = {k: from_data(v) for k, v in dict(data.get("params") or {}).items()}
        try:
            return Message(data["template"], params)
        except (KeyError, IndexError, ValueError):
            return data["template"]
    return data if isinstance(data, (str, int, float)) else str(data)


def language_from(value: object) -> str | None:
    """`vi` or `en` from a site setting or a locale name (`vi_VN.UTF-8`, `en-US`), else None."""
    if not isinstance(value, str):
        return None
    code = value.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
    return code if code in LANGUAGES else None


def choose_language(requested: str | None, site: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The language to talk to the editor in: `--lang`, else the site's, else the locale's."""
    return requested or site or environment_language(environ)


def environment_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of the editor's locale (LC_ALL, then LC_MESSAGES, then LANG), Vietnamese if none."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):  # the first one set decides, as in POSIX
            return language_from(environ[name]) or LANGUAGES[0]
    return LANGUAGES[0]
