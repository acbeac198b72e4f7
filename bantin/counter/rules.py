"""Counting rules: who a visitor is, what counts as a view or a visit, who is a bot.

Pure and in memory. Every function takes the time `now` (seconds since the epoch)
as an argument, so tests drive the clock. Nothing here is written to disk: the
salts, the dedup keys and the last-seen times die with the process, which is the
point: a restart forgets every visitor.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Hashable, Mapping

# Days start at local midnight in Vietnam (UTC+7): salts rotate when few read,
# and "the last 7 days" are the days readers think in.
DAY_OFFSET_SECONDS = 7 * 3600
DAY_SECONDS = 86400
VIEW_WINDOW = 30 * 60      # one view per visitor per page per 30 minutes
VISIT_WINDOW = 30 * 60     # a visit starts after 30 minutes unseen site-wide
ONLINE_WINDOW = 5 * 60     # "online now": seen in the last 5 minutes
SALT_RETENTION = 48 * 3600
# One address (an IPv4 address, or an IPv6 /64) is at most this many readers per
# window, however many User-Agents it sends: room for a commune office behind one
# NAT address, not for a script that rotates its User-Agent.
READERS_PER_ADDRESS = 30
# Bounds of the in-memory dedup state (oldest forgotten first): about 25 MB in all.
DEDUP_MAX = 100_000        # keys in each of the view, visit and online sets
ADDRESSES_MAX = 10_000     # addresses whose readers are being told apart

# Substrings of lowercased User-Agents that only robots, scripts and previews send.
# Plain `in` tests: a case-insensitive alternation regex was the slowest step of a hit.
BOT_MARKERS = (
    "bot", "crawl", "spider", "slurp", "scrap", "headless", "phantomjs", "puppeteer", "playwright",
    "selenium", "lighthouse", "pingdom", "uptime", "monitor", "preview", "fetch",
    "facebookexternalhit", "embedly", "curl", "wget", "python-requests", "python-urllib",
    "aiohttp", "httpx", "go-http-client", "java/", "okhttp", "libwww", "httpclient", "axios",
    "node-fetch", "undici", "postman", "insomnia", "feed", "rss",
)
_PREFETCH_HEADERS = ("Purpose", "Sec-Purpose", "X-Moz", "X-Purpose")


def day_of(now: float) -> int:
    """Number of the local (UTC+7) day that contains `now`."""
    return int((now + DAY_OFFSET_SECONDS) // DAY_SECONDS)


def day_start(day: int) -> float:
    """Epoch seconds at which local day `day` begins."""
    return day * DAY_SECONDS - DAY_OFFSET_SECONDS


def visitor_id(salt: bytes, ip: str, user_agent: str) -> str:
    """HMAC of one client's IP and User-Agent; unlinkable once the salt is gone.

    Both parts are length-prefixed so ("1.2.3.4", "5x") and ("1.2.3.45", "x")
    can never collide.
    """
    ip_b, ua_b = ip.encode("utf-8", "replace"), user_agent.encode("utf-8", "replace")
    message = b"%d:%s%d:%s" % (len(ip_b), ip_b, len(ua_b), ua_b)
    return hmac.digest(salt, message, "sha256")[:16].hex()  # one-shot C path: ~3x hmac.new


def is_bot(user_agent: str | None, headers: Mapping[str, str]) -> bool:
    """True for crawlers, scripts, headless browsers and prefetches: they never count.

    A missing User-Agent is treated as a script; real browsers always send one.
    """
    if not user_agent:
        return True
    lowered = user_agent.lower()
    if any(marker in lowered for marker in BOT_MARKERS):
        # Checked again without the phone model, only when a marker matched (rarely).
        if any(marker in _without_device_model(lowered) for marker in BOT_MARKERS):
            return True
    for name in _PREFETCH_HEADERS:
        value = headers.get(name)
        if value and "prefetch" in value.lower():
            return True
    return False


def _without_device_model(lowered: str) -> str:
    """The User-Agent without the device part "(linux; android 10; cubot_x30 build/…)".

    An Android browser names the phone's maker and model there (CUBOT, "Robot" …):
    the maker's word, not the software's, so it must not make a reader a bot. A
    crawler that poses as a phone still names itself after it ("compatible; Googlebot").
    """
    start = lowered.find("(linux;")
    end = lowered.find(")", start)
    if start < 0 or end < 0 or "android" not in lowered[start:end]:
        return lowered
    return lowered[:start] + lowered[end + 1:]


def address_group(address: str) -> str:
    """The unit one reader's machine cannot easily leave: the IPv4 address or its IPv6 /64."""
    if ":" not in address:
        return address
    try:
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    except ValueError:
        return address


class SaltRing:
    """One random salt per local day, forgotten 48 hours after its day began."""

    def __init__(self, random_bytes: Callable[[int], bytes] = os.urandom):
        self._random_bytes = random_bytes
        self._salts: dict[int, bytes] = {}

    def salt_for(self, day: int) -> bytes:
        """The salt of `day`, made on first use."""
        salt = self._salts.get(day)
        if salt is None:
            salt = self._salts[day] = self._random_bytes(32)
        return salt

    def forget_old(self, now: float) -> None:
        """Drop every salt whose day began at least 48 hours before `now`."""
        for day in [d for d in self._salts if now - day_start(d) >= SALT_RETENTION]:
            del self._salts[day]

    def days(self) -> list[int]:
        """Days whose salt is still held (for tests and health)."""
        return sorted(self._salts)

    def ids(self, ip: str, user_agent: str, now: float) -> tuple[str, ...]:
        """Today's visitor id, then yesterday's during the first 30 minutes of a day.

        The second id lets a reader who crosses midnight stay one visitor
        instead of counting twice when the salt rotates.
        """
        self.forget_old(now)
        today = day_of(now)
        current = visitor_id(self.salt_for(today), ip, user_agent)
        if now - day_start(today) < max(VIEW_WINDOW, VISIT_WINDOW) and today - 1 in self._salts:
            return current, visitor_id(self._salts[today - 1], ip, user_agent)
        return (current,)



class ExpiringKeys:
    """Keys that expire after a fixed window; oldest first, so purging is cheap.

    At most `cap` keys: past it the oldest is forgotten, so a flood of new
    visitors costs bounded memory (at worst a forgotten reader counts again).
    """

    def __init__(self, window: float, cap: int = DEDUP_MAX):
        self.window = window
        self.cap = cap
        self._expiry: OrderedDict[str, float] = OrderedDict()

    def purge(self, now: float) -> None:
        """Forget every key whose window has passed."""
        expiry = self._expiry
        while expiry:
            key, until = next(iter(expiry.items()))
            if until > now:
                break
            del expiry[key]

    def __contains__(self, key: str) -> bool:
        return key in self._expiry

    def add(self, key: str, now: float) -> None:
        """(Re)start the window of `key` at `now`; it moves to the young end."""
        self._expiry[key] = now + self.window
        self._expiry.move_to_end(key)
        if len(self._expiry) > self.cap:
            self._expiry.popitem(last=False)

    def discard(self, key: str) -> None:
        """Forget `key` (a hit that could not be stored)."""
        self._expiry.pop(key, None)

    def rename(self, old: str, new: str) -> None:
        """Carry a key over to a visitor's new id, keeping its expiry."""
        if old in self._expiry and new not in self._expiry:
            self._expiry[new] = self._expiry.pop(old)
            # Out of order now, but at most by the 30 minutes after midnight;
            # purge only stops early, it never drops a key too soon.

    def __len__(self) -> int:
        return len(self._expiry)


def _dedup_key(visitor: str, path: str) -> str:
    """What dedup remembers: not the path itself, only a hash tied to the visitor."""
    return hashlib.blake2b(f"{visitor}\0{path}".encode(), digest_size=16).hexdigest()


class AddressReaders:
    """Which visitors one address has been within a window: at most `limit` told apart.

    The first `limit - 1` visitors (distinct User-Agents) of an address are readers
    of their own; every further one is the address's single overflow reader until
    some of the first fall silent for a whole window.
    """

    def __init__(self, window: float, limit: int = READERS_PER_ADDRESS, cap: int = ADDRESSES_MAX):
        self.window, self.limit, self.cap = window, limit, cap
        self._addresses: OrderedDict[str, tuple[float, dict[str, float]]] = OrderedDict()

    def reader(self, address: str, visitor: str, now: float) -> str:
        """The reader this hit is counted as: `visitor`, or the address's overflow id."""
        addresses = self._addresses
        while addresses:
            oldest, (last, _) = next(iter(addresses.items()))
            if now - last < self.window:
                break
            del addresses[oldest]
        entry = addresses.pop(address, None)
        readers = entry[1] if entry else {}
        addresses[address] = (now, readers)
        if len(addresses) > self.cap:
            addresses.popitem(last=False)
        if visitor not in readers and len(readers) >= self.limit - 1:
            for old in [v for v, seen in readers.items() if now - seen >= self.window]:
                del readers[old]
            if len(readers) >= self.limit - 1:
                return "~" + address
        readers[visitor] = now
        return visitor


@dataclass(frozen=True)
class Decision:
    """What one hit changes: a page view, a site visit, both or neither."""

    visitor: str
    view: bool
    visit: bool
    day: int
    view_key: str = ""


class Counting:
    """The rules for views, visits and online-now, applied hit by hit."""

    def __init__(self, salts: SaltRing | None = None):
        self.salts = salts or SaltRing()
        self._views = ExpiringKeys(VIEW_WINDOW)       # fixed window from the counted view
        self._seen = ExpiringKeys(VISIT_WINDOW)       # sliding: renewed on every hit
        self._online = ExpiringKeys(ONLINE_WINDOW)    # sliding: renewed on every hit
        self._addresses = AddressReaders(max(VIEW_WINDOW, VISIT_WINDOW))

    def identify(self, ip: str, user_agent: str, now: float) -> tuple[str, ...]:
        """Reader ids for a client (current first), at most READERS_PER_ADDRESS per address."""
        ids = self.salts.ids(ip, user_agent, now)
        # Python's hash, seeded at random per process: in memory only, like the rate limiter's keys.
        reader = self._addresses.reader("%x" % hash(address_group(ip)), ids[0], now)
        return ids if reader == ids[0] else (reader,)

    def observe(self, ids: tuple[str, ...], path: str, now: float) -> Decision:
        """Record a hit on `path` by a (non-bot) visitor; say what it counts as.

        Call `forget` with the decision if the hit could not be stored.
        """
        for keys in (self._views, self._seen, self._online):
            keys.purge(now)
        visitor = ids[0]
        for old in ids[1:]:
            self._seen.rename(old, visitor)
            self._online.rename(old, visitor)
        view_keys = [_dedup_key(v, path) for v in ids]
        view = not any(key in self._views for key in view_keys)
        if view:
            self._views.add(view_keys[0], now)
        visit = visitor not in self._seen
        self._seen.add(visitor, now)
        self._online.add(visitor, now)
        return Decision(visitor=visitor, view=view, visit=visit, day=day_of(now),
                        view_key=view_keys[0] if view else "")

    def forget(self, decision: Decision) -> None:
        """Undo what a hit that was not stored marked, so the reader's retry counts."""
        if decision.view:
            self._views.discard(decision.view_key)
        if decision.visit:
            self._seen.discard(decision.visitor)

    def online(self, now: float) -> int:
        """Distinct visitors seen in the last 5 minutes."""
        self._online.purge(now)
        return len(self._online)


class RateLimiter:
    """Token buckets per client key, in memory only: `rate` per second, up to `burst`."""

    def __init__(self, rate: float, burst: float):
        self.rate = rate
        self.burst = burst
        self._buckets: dict[Hashable, tuple[float, float]] = {}
        self._last_sweep = 0.0

    def check(self, key: Hashable, now: float) -> float:
        """Take one token: 0 if allowed, else seconds to wait before retrying."""
        if self.rate <= 0:
            return 0.0
        self._sweep(now)
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1 - tokens) / self.rate

    def _sweep(self, now: float) -> None:
        """Forget buckets that have refilled, so memory follows active clients only."""
        full_after = self.burst / self.rate
        if now - self._last_sweep < full_after:
            return
        self._last_sweep = now
        for key in [k for k, (_, last) in self._buckets.items() if now - last >= full_after]:
            del self._buckets[key]


def retry_after_header(wait: float) -> str:
    """Whole seconds for Retry-After, never 0 (clients would retry at once)."""
    return str(max(1, math.ceil(wait)))
