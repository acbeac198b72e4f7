"""`POST /api/vote` and `GET /api/poll`: one vote per reader per poll, committed before it is acknowledged.

JSON for the widget (`assets/js/poll.js`), and for the form without JavaScript a
short Vietnamese HTML page with the results and a link back. The rules are the
hits' rules: the site's origin only, no bots, at most READERS_PER_ADDRESS voters
per address per poll a day, the same rate limit.
"""

from __future__ import annotations

import html
from typing import Any, Awaitable

from .. import i18n
from . import rules
from .bodies import ApiError, media_type, parse_form, parse_json
from .guard import origin_of
from .http import HeaderView, Request, Response
from .polls import Poll, voter_id
from .store import VoteOp

FORM_TYPE = "application/x-www-form-urlencoded"
JSON_TYPES = ("application/json", "text/plain")
PAGE_MESSAGES = {"already_voted": "vote_page_already", "poll_closed": "vote_page_closed",
                 "store_unavailable": "vote_page_unavailable"}
PAGE_HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
                ("X-Content-Type-Options", "nosniff"),
                ("Content-Security-Policy", "default-src 'none'; base-uri 'none'; form-action 'none'")]


class PollRoutes:
    """The poll endpoints of an `Api` (which supplies the origin check and the reader's address)."""

    def __init__(self, api: Any):
        self.api = api
        self.counter = api.counter

    def results(self, poll: Poll, voted: bool) -> dict[str, Any]:
        """`{"poll", "total", "options": [{"id", "votes"}], "voted"}` for the options the site shows."""
        stored = self.counter.totals.votes.get(poll.id, {})
        options = [{"id": oid, "votes": stored.get(oid, 0)} for oid, _ in poll.options]
        return {"poll": poll.id, "total": sum(o["votes"] for o in options), "options": options,
                "voted": voted}

    def _voter(self, request: Request, poll: Poll) -> tuple[str, str]:
        ip = self.api.client_ip(request)
        return ip, voter_id(self.counter.poll_key, poll.id, ip, request.headers.get("user-agent", ""))

    def _has_voted(self, poll: Poll, voter: str) -> bool:
        counter = self.counter
        return voter in counter.totals.voters.get(poll.id, ()) or (poll.id, voter) in counter.pending_votes

    def _find(self, poll_id: object) -> Poll:
        poll = self.counter.polls.current().get(poll_id)
        if poll is None:
            raise ApiError(400, "unknown_poll", "No such poll on the site.")
        return poll

    def poll(self, request: Request) -> Any:
        """GET /api/poll?id=…: the results, whether this reader voted, whether the poll is open."""
        poll = self._find(request.arg("id", ""))
        _, voter = self._voter(request, poll)
        is_open = poll.is_open(self.counter.clock())
        return {**self.results(poll, self._has_voted(poll, voter)), "open": is_open}

    def vote(self, request: Request) -> Any:
        """POST /api/vote: JSON `{"poll", "option"}`, or the same fields from an HTML form."""
        if media_type(request) == FORM_TYPE:
            return self._vote_form(request)
        if media_type(request) not in JSON_TYPES:
            raise ApiError(415, "unsupported_media_type", "Send the vote as application/json or a form.")
        return self._vote(request, parse_json(request.body, '{"poll": "id", "option": "id"}'))

    def _vote(self, request: Request, data: object) -> Awaitable[dict[str, Any]]:
        counter = self.counter
        if not self.api.from_site(request):
            raise ApiError(403, "forbidden_origin", "Votes are taken only from the site's own pages.")
        if not isinstance(data, dict) or not isinstance(data.get("poll"), str) \
                or not isinstance(data.get("option"), str):
            raise ApiError(400, "invalid_body", 'The body must be like {"poll": "id", "option": "id"}.')
        poll = self._find(data["poll"])
        if not poll.has_option(data["option"]):
            raise ApiError(400, "unknown_option", "This poll has no such option.")
        ip, voter = self._voter(request, poll)
        now = counter.clock()
        if not poll.is_open(now):
            raise ApiError(403, "poll_closed", "This poll is not taking votes now.",
                           extra=self.results(poll, self._has_voted(poll, voter)))
        if rules.is_bot(request.headers.get("user-agent"), HeaderView(request.headers)):
            raise ApiError(403, "not_a_reader", "Robots and prefetches do not vote.")
        if self._has_voted(poll, voter):
            raise ApiError(409, "already_voted", "This reader has voted in this poll already.",
                           extra=self.results(poll, True))
        if not counter.vote_ledger.allows(poll.id, ip, now):
            raise ApiError(429, "too_many_votes", "Too many votes from this address today.",
                           extra=self.results(poll, False))
        counter.pending_votes.add((poll.id, voter))  # a second request in flight is a second vote
        return self._commit(poll, VoteOp(poll.id, data["option"], voter), ip, now)

    async def _commit(self, poll: Poll, op: VoteOp, ip: str, now: float) -> dict[str, Any]:
        try:
            await self.counter.commit(op)
        finally:
            self.counter.pending_votes.discard((op.poll, op.voter))
        self.counter.vote_ledger.add(op.poll, ip, now)
        return self.results(poll, True)

    async def _vote_form(self, request: Request) -> Response:
        """The no-JavaScript path: the same rules, answered as a page."""
        try:
            data = await self._vote(request, parse_form(request.body))
        except ApiError as error:
            key = PAGE_MESSAGES.get(error.code, "vote_page_refused")
            return self.page(request, error.status, key, error.extra or None, error.code, error.headers)
        return self.page(request, 200, "vote_page_thanks", data)

    def page(self, request: Request, status: int, message_key: str, data: dict[str, Any] | None,
             code: str = "", extra_headers: dict[str, str] | None = None) -> Response:
        """A short Vietnamese HTML page: the outcome, the results if known, a link back."""
        t = i18n.translator("vi")
        parts = [f"<p>{html.escape(t(message_key, code=code) if code else t(message_key))}</p>"]
        poll = self.counter.polls.current().get(data["poll"]) if data else None
        if poll is not None and data is not None:
            parts.append(self._results_html(poll, data, t))
        back = html.escape(self._back(request), quote=True)
        parts.append(f'<p><a href="{back}">{html.escape(t("vote_page_back"))}</a></p>')
        title = html.escape(t("vote_page_title"))
        body = ('<!doctype html><html lang="vi"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{title}</title></head><body><main><h1>{title}</h1>{''.join(parts)}"
                "</main></body></html>")
        return Response(status, body.encode("utf-8"), PAGE_HEADERS + list((extra_headers or {}).items()))

    @staticmethod
    def _results_html(poll: Poll, data: dict[str, Any], t: Any) -> str:
        total = data["total"]
        votes = {o["id"]: o["votes"] for o in data["options"]}
        items = []
        for oid, label in poll.options:
            percent = f"{100 * votes[oid] / total:.1f}".replace(".", ",") if total else "0"
            items.append("<li>" + html.escape(t("vote_page_option", label=label, votes=_vi_number(votes[oid]),
                                                percent=percent)) + "</li>")
        return (f"<h2>{html.escape(poll.question)}</h2>"
                f"<p>{html.escape(t('vote_page_results', total=_vi_number(total)))}</p>"
                f"<ul>{''.join(items)}</ul>")

    def _back(self, request: Request) -> str:
        """The page the form was on when it is one of the site's, else the site's home page."""
        referer = request.headers.get("referer", "")
        if origin_of(referer) in self.api.origins():
            return referer
        return self.counter.watcher.current().base_url or "/"


def _vi_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")
