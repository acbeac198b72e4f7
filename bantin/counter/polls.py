"""Polls: the build's `site/_bantin/polls.json`, voter identity, and who may vote (pure).

The file is written by the build from `content/polls/*.yaml` (docs/contracts.md):

    {"version": 1, "polls": [{"id": "…", "question": "…",
      "options": [{"id": "…", "label": "…"}], "opens": "<ISO 8601>", "closes": "<ISO 8601>"}]}

One vote per reader per poll. A reader is known by a keyed hash of the poll id,
the address group and the User-Agent (`voter_id`): the key is a secret of the
database, not the daily salt of the view counts, so the same reader cannot vote
again tomorrow. The trade-off is written out in README ("Polls and privacy").
"""

from __future__ import annotations

import hmac
import json
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .manifest import ManifestError, WatchedFile
from .rules import ADDRESSES_MAX, READERS_PER_ADDRESS, address_group, day_of

POLLS_RELPATH = Path("_bantin") / "polls.json"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


@dataclass(frozen=True)
class Poll:
    """One poll as the build published it; `opens`/`closes` are epoch seconds (None: no bound)."""

    id: str
    question: str
    options: tuple[tuple[str, str], ...]   # (id, label) in the order shown
    opens: float | None = None
    closes: float | None = None

    def has_option(self, option: str) -> bool:
        """True if `option` is one of this poll's option ids."""
        return any(option == oid for oid, _ in self.options)

    def is_open(self, now: float) -> bool:
        """Votes are taken from `opens` (inclusive) until `closes` (exclusive)."""
        return (self.opens is None or now >= self.opens) and (self.closes is None or now < self.closes)


@dataclass(frozen=True)
class Polls:
    """Every poll of the site by id."""

    by_id: dict[str, Poll] = field(default_factory=dict)

    def get(self, poll_id: object) -> Poll | None:
        """The poll with this id, or None."""
        return self.by_id.get(poll_id) if isinstance(poll_id, str) else None


def _moment(value: object, where: str, source: str) -> float | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ManifestError(f"{source}: {where}: must be an ISO 8601 date-time with offset, "
                            f"not {str(value)[:40]!r}") from None
    if moment.tzinfo is None:
        raise ManifestError(f"{source}: {where}: needs a UTC offset, e.g. 2026-06-01T00:00:00+07:00")
    return moment.timestamp()


def _text(value: object, where: str, source: str, pattern: re.Pattern | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ManifestError(f"{source}: {where}: must be a non-empty string")
    if pattern is not None and not pattern.fullmatch(value):
        raise ManifestError(f"{source}: {where}: {value[:40]!r} must be letters, digits, '-' or '_' "
                            "(at most 100)")
    return value


def _poll(item: object, where: str, source: str) -> Poll:
    if not isinstance(item, dict):
        raise ManifestError(f"{source}: {where}: must be an object")
    poll_id = _text(item.get("id"), f"{where}.id", source, _ID)
    options = item.get("options")
    if not isinstance(options, list) or not options:
        raise ManifestError(f"{source}: {where}.options: must be a non-empty list")
    parsed: list[tuple[str, str]] = []
    for j, option in enumerate(options):
        at = f"{where}.options[{j}]"
        if not isinstance(option, dict):
            raise ManifestError(f"{source}: {at}: must be an object with id and label")
        oid = _text(option.get("id"), f"{at}.id", source, _ID)
        if any(oid == seen for seen, _ in parsed):
            raise ManifestError(f"{source}: {at}.id: {oid!r} appears twice")
        parsed.append((oid, _text(option.get("label"), f"{at}.label", source)))
    opens = _moment(item.get("opens"), f"{where}.opens", source)
    closes = _moment(item.get("closes"), f"{where}.closes", source)
    if opens is not None and closes is not None and closes <= opens:
        raise ManifestError(f"{source}: {where}.closes: must be after opens")
    return Poll(poll_id, _text(item.get("question"), f"{where}.question", source), tuple(parsed),
                opens, closes)


def parse_polls(text: str, source: str = "<polls>") -> Polls:
    """Parse polls JSON; raise ManifestError naming `source` and the field."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ManifestError(f"{source}: not valid JSON: {error}") from None
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ManifestError(f"{source}: must be a JSON object with version 1")
    items = data.get("polls")
    if not isinstance(items, list):
        raise ManifestError(f"{source}: polls: must be a list")
    polls: dict[str, Poll] = {}
    for i, item in enumerate(items):
        poll = _poll(item, f"polls[{i}]", source)
        if poll.id in polls:
            raise ManifestError(f"{source}: polls[{i}].id: {poll.id!r} appears twice")
        polls[poll.id] = poll
    return Polls(polls)


def polls_watcher(site_dir: Path, poll_interval: float = 1.0) -> WatchedFile[Polls]:
    """The polls of `site_dir`, re-read when the build rewrites them; none if the file is missing."""
    return WatchedFile(Path(site_dir) / POLLS_RELPATH, parse_polls, "polls file", poll_interval,
                       missing=Polls())


def voter_id(key: bytes, poll: str, address: str, user_agent: str) -> str:
    """Keyed hash of a reader for one poll: the same every day, different for every poll."""
    parts = [part.encode("utf-8", "replace") for part in (poll, address_group(address), user_agent)]
    message = b"".join(b"%d:%s" % (len(part), part) for part in parts)
    return hmac.digest(key, message, "sha256")[:16].hex()


class VoteLedger:
    """Votes per address per poll per day, at most READERS_PER_ADDRESS (in memory only).

    One address is at most that many voters a day, whatever User-Agents it sends;
    the same bound as for readers of a page, for the same commune office.
    """

    def __init__(self, limit: int = READERS_PER_ADDRESS, cap: int = ADDRESSES_MAX):
        self.limit, self.cap = limit, cap
        self._day = -1
        self._votes: OrderedDict[tuple[str, str], int] = OrderedDict()

    def _today(self, now: float) -> None:
        if day_of(now) != self._day:
            self._day = day_of(now)
            self._votes.clear()

    def allows(self, poll: str, address: str, now: float) -> bool:
        """True if this address may still vote in `poll` today."""
        self._today(now)
        return self._votes.get((poll, address_group(address)), 0) < self.limit

    def add(self, poll: str, address: str, now: float) -> None:
        """Count a stored vote of this address."""
        self._today(now)
        key = (poll, address_group(address))
        self._votes[key] = self._votes.pop(key, 0) + 1
        if len(self._votes) > self.cap:
            self._votes.popitem(last=False)
