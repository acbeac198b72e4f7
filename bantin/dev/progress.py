"""Progress of long builds on the terminal, and the one-line summary every build ends with.

On a terminal the line redraws itself as a bar; in CI logs (not a TTY) redrawing would leave
hundreds of lines, so we print one plain line per tenth of the work instead.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from ..messages import msg, translate
from ..pipeline import Progress, Report

_BAR_WIDTH = 30
_REDRAW_EVERY = 0.1  # seconds; redrawing on every page would cost more than rendering small ones
_STEP_PERCENT = 10


class Bar:
    """A bar redrawn in place: `[#######.......]  45 %  1,234/2,741 pages`."""

    def __init__(self, stream: TextIO, label: str, language: str = "en"):
        self.stream = stream
        self.label = label
        self.language = language
        self._last_draw = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        finished = done >= total
        if not finished and now - self._last_draw < _REDRAW_EVERY:
            return
        self._last_draw = now
        filled = _BAR_WIDTH * done // max(total, 1)
        bar = "#" * filled + "." * (_BAR_WIDTH - filled)
        end = "\n" if finished else ""
        pages = translate(msg("{done:,}/{total:,} pages", done=done, total=total), self.language)
        label = translate(self.label, self.language)
        self.stream.write(f"\r{label} [{bar}] {percent(done, total):3d} %  {pages}{end}")
        self.stream.flush()


class Lines:
    """Plain lines for logs: `rendering: 10 % (274/2,741 pages)`, one per step of ten percent."""

    def __init__(self, stream: TextIO, label: str, language: str = "en"):
        self.stream = stream
        self.label = label
        self.language = language
        self._next = _STEP_PERCENT

    def __call__(self, done: int, total: int) -> None:
        reached = percent(done, total)
        if reached < self._next:
            return
        # A large chunk may cross several steps at once: print one line, for where we are.
        self._next = (reached // _STEP_PERCENT + 1) * _STEP_PERCENT
        line = msg("{label}: {percent} % ({done:,}/{total:,} pages)", label=self.label, percent=reached, done=done,
                   total=total)
        print(translate(line, self.language), file=self.stream, flush=True)


def percent(done: int, total: int) -> int:
    """Whole percent done; an empty build counts as finished."""
    return 100 if total <= 0 else min(100, done * 100 // total)


def progress_for(stream: TextIO | None = None, label: str = "", language: str = "en") -> Progress:
    """The right reporter for `stream`: a bar on a terminal, plain lines otherwise (label: a msg)."""
    stream = stream or sys.stderr
    is_tty = getattr(stream, "isatty", lambda: False)()
    label = label or msg("rendering")
    return Bar(stream, label, language) if is_tty else Lines(stream, label, language)


def summary(report: Report, out: object, language: str = "en") -> str:
    """The closing line of a build: pages, written, unchanged, warnings, seconds."""
    return translate(msg("built {pages:,} pages into {out}/: {written:,} written, {unchanged:,} unchanged, "
                         "{warnings} warning(s), {seconds:.2f} s", pages=report.pages, out=str(out),
                         written=report.written, unchanged=report.unchanged, warnings=len(report.warnings),
                         seconds=report.seconds), language)

