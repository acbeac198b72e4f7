"""Bounds on a Markdown text, checked before Python-Markdown (and the HTML sanitiser) see it.

Python-Markdown's inline pass is quadratic in a paragraph: each place a pattern could start (a
`[`, `<`, backtick, `*`, quote …) is tried against the rest of the paragraph, and a `[` is
matched with its `]` by a loop in Python. 48 KB of nested brackets took 72 s. The HTML parser
under the sanitiser is quadratic in nested raw block tags (`<div><div>…`). The checks here are
linear and only reject what no article needs, so that a build never stalls on one file; the
limits are far above a 50 KB article with big tables and hundreds of footnotes and links.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import markdown
from markdown.extensions.fenced_code import FencedBlockPreprocessor

from ..messages import msg
from ..problems import Problem

MAX_CHARS = 1_000_000
MAX_QUOTE_DEPTH = 16
MAX_NESTING_COLUMNS = 128   # indentation, quote marks and list markers before a line's text
MAX_HTML_TAGS = 2_000
# Work estimates, summed over the paragraphs (about a second of conversion at most, each):
MAX_INLINE_WORK = 50_000_000   # places an inline pattern could start x characters of their paragraph
MAX_BRACKET_WORK = 500_000     # characters scanned from each `[` to its `]`, or to the paragraph's end
MAX_FOOTNOTE_REFS = 1_000
MAX_SAME_FOOTNOTE_REFS = 100   # each repeat of a reference costs the footnotes extension a pass over the others

_PREFIX = re.compile(r"(?:[ \t]|>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))*")
_MARKS = ("[", "<", "`", "*", "_", "&", '"', "'", "\\", "--", "...")
_HTML_TAG = re.compile(r"<[A-Za-z]")
_BRACKET = re.compile(r"\\.|\[|\]")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\n]+)\](?!:)")
# Lines that start a list item in a block whose first line does (sane_lists: items of one kind only).
_ITEM = (re.compile(r"[ ]{0,3}\d+\.[ ]+"), re.compile(r"[ ]{0,3}[*+-][ ]+"))
# Lines that may end a list before its block does (heading, setext underline, rule); what follows
# them can be a paragraph, so a block holding one is not split into items.
_ENDS_LIST = re.compile(r"[ ]{0,3}(?:#|[=-]+[ ]*$|(?:[-*_][ ]{0,2}){3,}[ ]*$)")
_MD = markdown.Markdown(extensions=["tables"])
_TABLE = _MD.parser.blockprocessors["table"]


class MarkdownLimitError(ValueError):
    """A Markdown text beyond one of the limits; `line` counts from 1 at the text's first line."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


def check_limits(text: str) -> tuple[str, int] | None:
    """(message, line) for the first limit `text` exceeds, or None when it may be converted."""
    if len(text) > MAX_CHARS:
        return (msg("the text is {size:,} characters long, more than {limit:,}: split it into several articles",
                    size=len(text), limit=MAX_CHARS), 1)
    text = _prepared(text)
    return _check_lines(text) or _check_html(text) or _check_work(text) or _check_footnotes(text)


def _prepared(text: str) -> str:
    """The text as Python-Markdown's block parser sees it, fenced code emptied (its marks are not
    parsed); for text without fences, only its line ends (the line checks need no more)."""
    if "```" not in text and "~~~" not in text:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return _without_fenced_code(_normalized(text))


def _normalized(text: str) -> str:
    """The text as Python-Markdown's block parser sees it (line ends, tabs, blank lines)."""
    return "\n".join(_MD.preprocessors["normalize_whitespace"].run(text.split("\n"))[:-2])


def _without_fenced_code(text: str) -> str:
    """Code in fences is not parsed for Markdown marks: keep only its line breaks (for line numbers)."""
    return FencedBlockPreprocessor.FENCED_BLOCK_RE.sub(
        lambda m: m.group("fence") + "\n" * m.group(0).count("\n") + m.group("fence"), text + "\n")[:-1]


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _check_lines(text: str) -> tuple[str, int] | None:
    for number, line in enumerate(text.split("\n"), 1):
        prefix = _PREFIX.match(line).group(0)
        if prefix.count(">") > MAX_QUOTE_DEPTH:
            return msg("quotes nested {depth} deep, more than {limit}", depth=prefix.count(">"),
                       limit=MAX_QUOTE_DEPTH), number
        if len(prefix.expandtabs(4)) > MAX_NESTING_COLUMNS:
            return (msg("the line starts {columns} columns in (indentation, `>` and list markers), more than "
                        "{limit}: lists or quotes are nested too deep", columns=len(prefix.expandtabs(4)),
                        limit=MAX_NESTING_COLUMNS), number)
    return None


def _check_html(text: str) -> tuple[str, int] | None:
    for count, match in enumerate(_HTML_TAG.finditer(text), 1):
        if count > MAX_HTML_TAGS:
            return (msg("more than {limit:,} HTML tags: write the text in Markdown", limit=MAX_HTML_TAGS),
                    _line_at(text, match.start()))
    return None


def _units(text: str) -> Iterator[tuple[int, str]]:
    """(first line, text) of each piece Python-Markdown runs its inline patterns over, or of a
    larger piece holding several (never a smaller one, so that the estimates never fall short):
    the lines between blank lines, split into rows for a table and into items for a list."""
    for first, lines in _blocks(text):
        block = "\n".join(lines)
        item = next((pattern for pattern in _ITEM if pattern.match(lines[0])), None)
        if _TABLE.test(None, block):
            yield from ((first + i, line) for i, line in enumerate(lines))
        elif item and not any(_ENDS_LIST.match(line) for line in lines[1:]):
            starts = [i for i, line in enumerate(lines) if item.match(line)] + [len(lines)]
            yield from ((first + a, "\n".join(lines[a:b])) for a, b in zip(starts, starts[1:]))
        else:
            yield first, block


def _blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line, lines) of each run of lines between blank lines."""
    first, lines = 1, []
    for number, line in enumerate(text.split("\n"), 1):
        if line:   # whitespace-only lines are empty after _normalized
            first = first if lines else number
            lines.append(line)
        elif lines:
            yield first, lines
            lines = []
    if lines:
        yield first, lines


def _check_work(text: str) -> tuple[str, int] | None:
    # Each estimate is at most (its marks in the whole text) x (the text's length, tabs expanded):
    # most texts stop here.
    longest = len(text) + 3 * text.count("\t")
    if longest * _marks(text) <= MAX_INLINE_WORK and longest * text.count("[") <= MAX_BRACKET_WORK:
        return None
    return _check_units(list(_units(_normalized(text))))


def _marks(text: str) -> int:
    return sum(text.count(mark) for mark in _MARKS)


def _check_units(units: list[tuple[int, str]]) -> tuple[str, int] | None:
    brackets = [(_bracket_work(text), line) for line, text in units]
    if sum(work for work, _ in brackets) > MAX_BRACKET_WORK:
        return (msg("too many `[` without a matching `]`, or nested too deep (the worst paragraph starts here): "
                    "write a bracket that is not a link as `\\[`"), max(brackets)[1])
    inline = [(len(text) * _marks(text), line, len(text)) for line, text in units]
    if sum(work for work, _, _ in inline) > MAX_INLINE_WORK:
        _, line, size = max(inline)
        return (msg("too many Markdown marks (`[ < * _ & \" '` …) in too long paragraphs, the worst starting here "
                    "({size:,} characters): separate paragraphs with a blank line, or remove stray marks",
                    size=size), line)
    return None


def _bracket_work(paragraph: str) -> int:
    """How many characters Python-Markdown scans looking for the `]` of each `[`: to the matching
    one, or to the end of the paragraph when there is none."""
    if "[" not in paragraph:
        return 0
    opened: list[int] = []
    work = 0
    for match in _BRACKET.finditer(paragraph):
        if match.group(0) == "[":
            opened.append(match.start())
        elif match.group(0) == "]" and opened:
            work += match.start() - opened.pop()
    return work + sum(len(paragraph) - start for start in opened)


def _check_footnotes(text: str) -> tuple[str, int] | None:
    if "[^" not in text:
        return None
    seen: Counter[str] = Counter()
    for count, match in enumerate(_FOOTNOTE_REF.finditer(text), 1):
        label = match.group(1)
        seen[label] += 1
        if count > MAX_FOOTNOTE_REFS:
            message = msg("more than {limit:,} footnote references", limit=MAX_FOOTNOTE_REFS)
        elif seen[label] > MAX_SAME_FOOTNOTE_REFS:
            message = msg("more than {limit} references to the footnote [^{label}]",
                          limit=MAX_SAME_FOOTNOTE_REFS, label=label)
        else:
            continue
        return message, _line_at(text, match.start())
    return None


def limit_problem(text: str, path: str, first_line: int, field_name: str) -> Problem | None:
    """The problem of a Markdown text too complex to convert safely (at the line where it starts),
    or None; `first_line` is the file's line of the text's first line."""
    found = check_limits(text)
    if found is None:
        return None
    message, line = found
    return Problem(path, first_line + line - 1, field_name, message)
