"""Problems found in a source tree, reported all at once as `path:line: field: message`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from .messages import from_data, msg, to_data, translate


@dataclass(frozen=True)
class Problem:
    """One error or warning about one place in one source file."""

    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        field = f" {self.field}:" if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}:{field} {self.message}{hint}"

    def as_dict(self) -> dict[str, object]:
        """Plain data for `check --format json`."""
        return {"path": self.path, "line": self.line, "field": self.field,
                "message": self.message, "hint": self.hint, "severity": self.severity}

    def translated(self, language: str) -> "Problem":
        """The same problem with its message and hint in `language` (the rest stays as it is)."""
        return replace(self, message=translate(self.message, language), hint=translate(self.hint, language))

    def as_record(self) -> dict[str, object]:
        """JSON-able data from which `from_record` makes the problem again, still translatable."""
        return {**self.as_dict(), "message": to_data(self.message), "hint": to_data(self.hint)}

    @classmethod
    def from_record(cls, data: dict) -> "Problem":
        """The problem `as_record` (or `as_dict`) gave."""
        return cls(**{**data, "message": from_data(data.get("message", "")), "hint": from_data(data.get("hint", ""))})


class BuildFailed(Exception):
    """Raised with every problem that stops a build; nothing has been written."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


def report_line(problem: Problem, language: str = "en") -> str:
    """`error: path:line: field: message (hint)` for the terminal, in `language`."""
    label = msg("error") if problem.severity == "error" else msg("warning")
    return f"{translate(label, language)}: {problem.translated(language)}"


def sort_key(problem: Problem) -> tuple[str, int, str]:
    """Report problems in file order so editors can fix them top to bottom."""
    return (problem.path, problem.line, problem.message)


def did_you_mean(word: str, choices: Iterable[str], what: str = "") -> str:
    """A hint naming the closest valid choice, or listing the valid ones after `what` (a msg)."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return msg("did you mean `{choice}`?", choice=close[0])
    if options and len(options) <= 8:
        return msg("{what}: {choices}", what=what or msg("expected one of"),
                   choices=", ".join(f"`{o}`" for o in options))
    return ""


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as an editor would type it: relative to the working directory when possible."""
    for base in (Path.cwd(), root):
        if base is None:
            continue
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


class InternalError(Exception):
    """A bug in bantin (not a problem of the content): what was being done and the traceback."""

    def __init__(self, where: str, details: str):
        self.where = where
        self.details = details
        super().__init__(f"internal error {where}")


class ContentError(Exception):
    """A problem of the content that only rendering finds; reported like any other problem."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))
