"""Polls as pages show them (templates/partials/poll.html): the form that votes through the counter
service, and the results baked from a counter snapshot (`build --counts`), so a reader sees them
without JavaScript and while the service is down. assets/js/poll.js draws the same bars from the API."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from ..source.polls import Poll
from ..text import format_number

Translate = Callable[..., str]


def percent_text(votes: int, total: int, language: str) -> str:
    """"34,5%" in Vietnamese ("34.5%" in English); whole numbers without a decimal."""
    if total <= 0:
        return "0%"
    share = round(votes * 100 / total, 1)
    return format_number(int(share) if share.is_integer() else share, language) + "%"


def poll_view(poll: Poll, votes: dict[str, int] | None, now: datetime, endpoint: str, language: str,
              t: Translate) -> dict:
    """One poll: question, options with their counts when known, whether it takes votes now."""
    total = sum(votes.get(o.id, 0) for o in poll.options) if votes is not None else 0
    options = []
    for o in poll.options:
        n = votes.get(o.id, 0) if votes is not None else 0
        options.append({"id": o.id, "label": o.label, "votes": n,
                        "votes_text": t("poll_votes", n=format_number(n, language)),
                        "percent": round(n * 100 / total, 1) if total else 0,
                        "percent_text": percent_text(n, total, language)})
    return {"id": poll.id, "dom_id": f"poll-{poll.id}", "question": poll.question, "options": options,
            "labels": {o.id: o.label for o in poll.options}, "open": poll.is_open(now),
            "votable": poll.is_open(now) and bool(endpoint), "results": votes is not None,
            "total_text": t("poll_total", n=format_number(total, language)),
            "api": endpoint, "action": f"{endpoint}/api/vote", "articles": poll.articles,
            "opens": poll.opens.isoformat() if poll.opens else "", "closes": poll.closes.isoformat() if poll.closes else ""}


def side_poll(polls: list[Poll], now: datetime) -> Poll | None:
    """The poll the side column shows: the latest opened of those open now, else the last one closed."""
    side = [p for p in polls if p.side and (p.opens is None or p.opens <= now)]
    open_now = [p for p in side if p.is_open(now)]
    if open_now:
        return max(open_now, key=lambda p: (p.opens or datetime.min.replace(tzinfo=now.tzinfo), p.id))
    closed = [p for p in side if p.closes is not None]
    return max(closed, key=lambda p: (p.closes, p.id)) if closed else None


def polls_file(polls: list[Poll]) -> dict:
    """`_bantin/polls.json` as docs/contracts.md gives it: what the counter accepts votes for."""
    return {"version": 1, "polls": [
        {"id": p.id, "question": p.question, "options": [{"id": o.id, "label": o.label} for o in p.options],
         "opens": p.opens.isoformat() if p.opens else None, "closes": p.closes.isoformat() if p.closes else None}
        for p in sorted(polls, key=lambda p: p.id)]}
