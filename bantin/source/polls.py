"""Polls: `content/polls/<id>.yaml` read and checked, with a problem naming file, line and field.

    question: Bạn đánh giá thế nào về cổng thông tin?      # required
    options: [Rất hữu ích, Hữu ích, Cần cải thiện]         # or [{id: tot, label: Tốt}, …]; 2 to 20
    opens: 2026-05-01                                      # date (from 00:00) or date and time
    closes: 2026-06-30                                     # date (through that day) or date and time
    show: [side, dai-hoi-dang-bo-2025]                     # `side` and/or article slugs or addresses

The file stem is the poll's id, an option's id is the slug of its label unless given. The build
publishes them as `_bantin/polls.json` (docs/contracts.md) for the counter service, which takes
the votes; ids are 1–100 letters, digits, `-` or `_`, as the counter requires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from pathlib import Path

from ..messages import msg
from ..problems import Problem
from ..text import shorten, slugify
from .articles import Article, parse_date
from .fields import Fields
from .parse import LineDict, SourceError, parse_yaml, read_source

POLL_KEYS = ("question", "options", "opens", "closes", "show")
MAX_OPTIONS = 20
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}\Z")
_DATE_ONLY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}\Z")


@dataclass(frozen=True)
class PollOption:
    id: str
    label: str


@dataclass(frozen=True)
class Poll:
    """One poll; `opens`/`closes` are timezone-aware (None: no bound); `articles` as the editor wrote them."""

    id: str
    question: str
    options: tuple[PollOption, ...]
    path: str
    opens: datetime | None = None
    closes: datetime | None = None
    side: bool = False
    articles: tuple[str, ...] = ()

    def is_open(self, now: datetime) -> bool:
        """Votes are taken from `opens` (inclusive) until `closes` (exclusive), as the counter decides."""
        return (self.opens is None or now >= self.opens) and (self.closes is None or now < self.closes)


def load_polls(root: Path, shown_root: str, tz: tzinfo) -> tuple[list[Poll], list[Problem]]:
    """Every `content/polls/*.yaml`, sorted by id; a bad file is reported and left out."""
    folder = root / "polls"
    polls, problems = [], []
    if not folder.is_dir():
        return polls, problems
    for path in sorted(folder.glob("*.yaml")):
        shown = f"{shown_root}/polls/{path.name}"
        try:
            text, found = read_source(path, shown)
            data, duplicates = parse_yaml(text, shown)
        except SourceError as err:
            problems.append(err.problem)
            continue
        problems += [*found, *duplicates]
        poll, found = parse_poll(data, path.stem, shown, tz)
        problems += found
        if poll is not None:
            polls.append(poll)
    return polls, problems


def parse_poll(data: object, stem: str, shown: str, tz: tzinfo) -> tuple[Poll | None, list[Problem]]:
    """A poll from one file's YAML (None with problems when anything is wrong)."""
    if not isinstance(data, LineDict):
        return None, [Problem(shown, 1, "", msg("a poll file holds `key: value` lines"),
                              msg("start with `question: …` and `options: [Có, Không]`"))]
    f = Fields(data, shown)
    f.reject_unknown(POLL_KEYS)
    if not _ID.match(stem):
        f.problems.append(Problem(shown, 0, "", msg("`{stem}` cannot be a poll id", stem=shorten(stem)),
                                  msg("rename the file to letters, digits and hyphens, e.g. {name}.yaml",
                                      name=slugify(stem)[:100] or "tham-do")))
    question = f.text("question", required=True, hint=msg("add `question: Bạn đánh giá thế nào về …?`"))
    options = _options(f)
    opens, closes = _moment(f, "opens", tz, end_of_day=False), _moment(f, "closes", tz, end_of_day=True)
    if opens and closes and closes <= opens:
        f.error("closes", msg("must be after `opens`"), msg("a poll closes after it opens"))
    side, articles = _show(f)
    if f.problems or not question:
        return None, f.problems
    return Poll(stem, question, options, shown, opens, closes, side, articles), f.problems


def _options(f: Fields) -> tuple[PollOption, ...]:
    items = f.sequence("options", required=True)
    if items is None:
        return ()
    options: list[PollOption] = []
    for index, raw in enumerate(items):
        line = items.item_lines[index] if index < len(items.item_lines) else f.line("options")
        option = _option(f, raw, line)
        if option is None:
            continue
        if any(o.id == option.id for o in options):
            f.problems.append(Problem(f.path, line, "options", msg("two options have the id `{id}`", id=option.id),
                                      msg("give one of them another label or an `id:`")))
            continue
        options.append(option)
    if not 2 <= len(items) <= MAX_OPTIONS:
        f.error("options", msg("a poll needs 2 to {most} options, not {count}", most=MAX_OPTIONS, count=len(items)),
                msg("write one `- option` per line"))
    return tuple(options)


def _option(f: Fields, raw: object, line: int) -> PollOption | None:
    if isinstance(raw, LineDict):
        item = f.nested(raw, "options", line)
        item.reject_unknown(("id", "label"))
        label, given = item.text("label", required=True), item.text("id")
    elif isinstance(raw, (str, int, float)) and not isinstance(raw, bool) and str(raw).strip():
        label, given = str(raw).strip(), None
    else:
        f.problems.append(Problem(f.path, line, "options", msg("an option is a label or `{{id: …, label: …}}`"),
                                  msg("write `- Rất hữu ích`")))
        return None
    ident = given or slugify(label or "")[:100]
    if not label:
        return None
    if not _ID.match(ident):
        f.problems.append(Problem(f.path, line, "options", msg("`{id}` cannot be an option id", id=shorten(ident or label)),
                                  msg("give the option an `id:` of letters, digits and hyphens")))
        return None
    return PollOption(ident, label)


def _moment(f: Fields, key: str, tz: tzinfo, end_of_day: bool) -> datetime | None:
    """A date (from its first moment, or through its last for `closes`) or a date and time."""
    raw = f.get(key)
    if raw is None:
        return None
    text = str(raw).strip()
    moment = parse_date(text, tz)
    if moment is None:
        f.error(key, msg("cannot read the date `{value}`", value=shorten(raw)),
                msg("write `{key}: 2026-06-30` or `{key}: 2026-06-30 17:00`", key=key))
        return None
    if end_of_day and _DATE_ONLY.match(text):
        return datetime.combine(moment.date() + timedelta(days=1), time(0), tzinfo=tz)
    return moment


def _show(f: Fields) -> tuple[bool, tuple[str, ...]]:
    raw = f.get("show")
    if raw is None:
        return True, ()  # a poll that says nothing is shown where readers look for it: the side column
    items = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else None
    if items is None or not all(isinstance(i, str) and i.strip() for i in items):
        f.error("show", msg("must be `side` and/or article slugs"), msg("write `show: [side]` or `show: [side, ten-bai-viet]`"))
        return False, ()
    names = [i.strip() for i in items]
    return "side" in names, tuple(n for n in names if n != "side")


def check_poll_articles(polls: list[Poll], articles: list[Article]) -> list[Problem]:
    """Every article a poll names in `show:` exists (by slug or by address)."""
    known = {a.slug for a in articles} | {a.site_path for a in articles}
    problems = []
    for poll in polls:
        for name in poll.articles:
            if name not in known and "/" + name.strip("/") + "/" not in known:
                problems.append(Problem(poll.path, 0, "show", msg("no article `{name}`", name=shorten(name)),
                                        msg("write the article's slug (its file name without .md) or its address")))
    return problems


def poll_articles(poll: Poll, articles: list[Article]) -> set[str]:
    """Site paths of the articles that show this poll."""
    return {a.site_path for a in articles for name in poll.articles
            if name == a.slug or "/" + name.strip("/") + "/" == a.site_path}
