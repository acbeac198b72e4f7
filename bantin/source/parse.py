"""Reading source files: UTF-8 text, YAML that remembers line numbers, front matter."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..messages import msg
from ..problems import Problem
from ..text import nfc, shorten

# Editors nest four levels at most (a unit's stats → a year → its ratings → a count).
MAX_DEPTH = 20
_STR, _MAP, _SEQ, _INT, _TIMESTAMP = (f"tag:yaml.org,2002:{t}" for t in ("str", "map", "seq", "int", "timestamp"))
# Every level of YAML nesting needs one of these characters, so a text with no more of them than
# MAX_DEPTH cannot nest deeper (and libyaml's composer, which recurses in C, is safe with it).
_NESTING_CHARS = "[{-?:"


class LineDict(dict):
    """A mapping from YAML that knows the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence from YAML that knows its line and the line of each item."""

    line: int = 0
    item_lines: list[int]


class SourceError(Exception):
    """A file that cannot be read or parsed; carries the problem to report."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


class _Refused(yaml.constructor.ConstructorError):
    """Valid YAML that a content file may not hold, with a hint on what to write instead."""

    def __init__(self, message: str, hint: str, mark: Any):
        super().__init__(None, None, message, mark)
        self.hint = hint


# libyaml's parser is ~10x faster than the pure-Python one and reports the same marks.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineLoader(_SafeLoader):
    """PyYAML's safe loader whose mappings and lists remember their lines (shifted by `first_line`,
    the file line of the text's first line) and which records duplicate keys instead of hiding them."""

    def __init__(self, text: str, first_line: int = 1):
        super().__init__(text)
        self.first_line = first_line
        self.duplicates: list[tuple[str, int]] = []

    def line(self, node: yaml.Node) -> int:
        """The file line (1-based) where `node` starts."""
        return node.start_mark.line + self.first_line

    def construct_line_dict(self, node: yaml.MappingNode) -> LineDict:
        """A mapping with the lines of its keys; a repeated key is recorded, the later value kept."""
        self.flatten_mapping(node)  # `<<:` merge keys
        result = LineDict()
        result.line, result.key_lines = self.line(node), {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:  # `[a]: b` or `{a: 1}: b` would crash the build instead of being reported
                raise _Refused(msg("a key must be a word, not a list or a mapping"),
                               msg("quote the key if the brackets belong to it"), key_node.start_mark) from None
            if key in result:
                self.duplicates.append((str(key), self.line(key_node)))
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = self.line(key_node)
        return result

    def construct_line_list(self, node: yaml.SequenceNode) -> LineList:
        """A list with the lines of its items."""
        result = LineList(self.construct_object(child, deep=True) for child in node.value)
        result.line, result.item_lines = self.line(node), [self.line(child) for child in node.value]
        return result

    def construct_nfc_str(self, node: yaml.ScalarNode) -> str:
        """Text in NFC, whatever the file or a `\\u` escape gave; an escape may not write an invisible
        character (read_source keeps them out of the text itself)."""
        text = self.construct_scalar(node)
        if node.style == '"' and (found := _INVISIBLE.search(text)):
            raise _Refused(msg("an escape writes the invisible character {code}", code=f"U+{ord(found.group()):04X}"),
                           msg("delete the escape (`\\x…` or `\\u…`) from the quoted text"), node.start_mark)
        return nfc(text)

    def construct_bounded_int(self, node: yaml.ScalarNode) -> int:
        """An integer as PyYAML reads it, or a YAML error where Python refuses to make one."""
        try:
            return self.construct_yaml_int(node)
        except ValueError:  # Python refuses to read integers of more than 4,300 digits
            raise _Refused(msg("the number `{number}` is too long", number=shorten(node.value, 20)),
                           msg("check the figure"), node.start_mark) from None


LineLoader.add_constructor(_MAP, LineLoader.construct_line_dict)
LineLoader.add_constructor(_SEQ, LineLoader.construct_line_list)
LineLoader.add_constructor(_STR, LineLoader.construct_nfc_str)
LineLoader.add_constructor(_INT, LineLoader.construct_bounded_int)
# Dates stay the text the editor wrote: articles.parse_date reads them and explains its errors.
LineLoader.add_constructor(_TIMESTAMP, LineLoader.construct_nfc_str)


def parse_yaml(text: str, shown: str, first_line: int = 1) -> tuple[Any, list[Problem]]:
    """Parse YAML text; return the data and problems (duplicate keys) or raise SourceError."""
    loader = LineLoader(text, first_line)
    try:
        if _may_alias_or_nest_deep(text):
            _check_structure(text, shown, first_line)
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as err:
        raise SourceError(_yaml_problem(err, shown, first_line)) from None
    except yaml.YAMLError as err:
        raise SourceError(Problem(shown, first_line, "", msg("malformed YAML: {problem}", problem=shorten(str(err))))) from None
    finally:
        loader.dispose()
    problems = [Problem(shown, line, shorten(key), msg("this key appears twice"), msg("keep only one of them"))
                for key, line in loader.duplicates]
    return data, problems


def _may_alias_or_nest_deep(text: str) -> bool:
    """Whether the text may hold anchors and aliases or nest deeper than MAX_DEPTH: most texts cannot."""
    return "&" in text or "*" in text or sum(text.count(ch) for ch in _NESTING_CHARS) > MAX_DEPTH


def _check_structure(text: str, shown: str, first_line: int) -> None:
    """Refuse anchors and aliases (a few hundred bytes of them expand to gigabytes: "billion laughs")
    and deep nesting (libyaml's composer recurses in C and crashes the process), from the events
    libyaml's parser gives before anything is composed."""
    depth = 0
    for event in yaml.parse(text, Loader=_SafeLoader):
        line = event.start_mark.line + first_line
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:  # aliases have one too
            raise SourceError(Problem(shown, line, "", msg("anchors and aliases (`&name`, `*name`) are not supported"),
                                      msg("write the value out in full where it is needed")))
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise SourceError(Problem(shown, line, "", msg("the YAML is nested more than {depth} levels deep", depth=MAX_DEPTH),
                                          msg("check the indentation and the brackets")))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _yaml_problem(err: yaml.MarkedYAMLError, shown: str, first_line: int) -> Problem:
    mark = err.problem_mark or err.context_mark
    hint = err.hint if isinstance(err, _Refused) else msg("check indentation and quote values that contain ':' or '#'")
    if err.context_mark and (err.context or "").startswith("while parsing a flow"):
        # An unclosed `[` or `{` is noticed lines later (or past the end): point at the bracket.
        mark, hint = err.context_mark, msg("a `[` or `{{` opened on this line is not closed")
    line = (mark.line + first_line) if mark else first_line
    problem = err.problem if isinstance(err, _Refused) else shorten(err.problem or "invalid YAML")
    return Problem(shown, line, "", msg("malformed YAML: {problem}", problem=problem), hint)


def read_text(path: Path | str, shown: str) -> str:
    """UTF-8 text with or without BOM, LF line ends, NFC; a clear error for other encodings."""
    return decode_text(read_bytes(path), shown)


def read_bytes(path: Path | str) -> bytes:
    """The file's bytes, like Path.read_bytes() but with a third of its cost (no buffered file object)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        data = os.read(fd, os.fstat(fd).st_size + 1)
        if data:  # a file may grow while it is read: read until the end, as Path.read_bytes does
            more = os.read(fd, 1 << 16)
            if more:
                chunks = [data, more]
                while more := os.read(fd, 1 << 16):
                    chunks.append(more)
                data = b"".join(chunks)
    finally:
        os.close(fd)
    return data


def decode_text(data: bytes, shown: str) -> str:
    """What read_text makes of a file's bytes."""
    # Stripping the BOM ourselves and decoding as plain UTF-8 does what "utf-8-sig" does, without its
    # Python-level codec wrapper; the replaces cost a pass over the text, so only files with CR pay them.
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SourceError(Problem(shown, line, "", msg("the file is not UTF-8 text"),
                                  msg("save it as UTF-8 (in most editors: Save with encoding → UTF-8)")))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x0b" in text or "\x0c" in text:
        # Word processors write a manual line break as VT and a page break as FF. A space keeps the words
        # apart where they stand, and YAML, XML and HTML all accept it (a line break could split a value).
        text = text.replace("\x0b", " ").replace("\x0c", " ")
    return nfc(text)


# What XML 1.0 forbids or HTML reads as a parse error: C0 controls but tab and line feed (CR is gone by
# now), DEL and the C1 controls, and the noncharacters U+FDD0–U+FDEF, U+FFFE and U+FFFF. They are
# invisible, or a sign of damage: C1 controls are what curly quotes and dashes become in a file that
# was converted with the wrong encoding.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
# Searching the text costs more than reading it; its UTF-8 bytes tell more cheaply whether it may hold
# one of them: a C0 control or DEL is one byte, C1 controls start with \xc2, the noncharacters with
# \xef\xb7 or \xef\xbf.
_C0_BYTES = bytes([*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f])


def read_source(path: Path | str, shown: str) -> tuple[str, list[Problem]]:
    """read_text without the characters that no page or feed may contain, and a problem for each line
    that had some: the rest of the file is still read, so every other problem is reported too."""
    data = read_bytes(path)
    text = decode_text(data, shown)
    maybe = (len(data.translate(None, _C0_BYTES)) < len(data) or b"\xc2" in data
             or (b"\xef" in data and (b"\xef\xb7" in data or b"\xef\xbf" in data)))
    if not maybe or not _INVISIBLE.search(text):
        return text, []
    return nfc(_INVISIBLE.sub("", text)), invisible_problems(text, shown)


def invisible_problems(text: str, shown: str) -> list[Problem]:
    """One problem for the NUL characters of `text` (a sign of UTF-16 or binary data), one for each
    line with other invisible characters."""
    problems = []
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        problems.append(Problem(shown, line, "", msg("the file contains NUL characters (U+0000)"),
                                msg("save it as UTF-8 text: a file saved as UTF-16, or not a text file, looks like this")))
    for number, line in enumerate(text.split("\n"), 1):
        found = sorted(set(_INVISIBLE.findall(line)) - {"\x00"})
        if found:
            codes = ", ".join(f"U+{ord(ch):04X}" for ch in found)
            what = (msg("invisible characters {codes} in the text", codes=codes) if len(found) > 1
                    else msg("invisible character {codes} in the text", codes=codes))
            problems.append(Problem(shown, number, "", what, msg(
                "delete them: they come with text pasted from a word processor or a damaged file")))
    return problems


@dataclass(frozen=True)
class Document:
    """A Markdown file split into front matter and body, with the body's first line number."""

    meta: LineDict
    body: str
    body_line: int
    problems: list[Problem] = field(default_factory=list)


_FENCE = re.compile(r"^---[ \t]*$", re.M)
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)


def split_front_matter(text: str, shown: str) -> Document:
    """Split `---` front matter from the Markdown body; raise SourceError if it is missing or broken."""
    if not _FENCE.match(text):
        raise SourceError(Problem(shown, 1, "", msg("the file has no front matter"),
                                  msg("start it with a line `---`, the fields (title, date …), then `---`")))
    start = text.index("\n") + 1 if "\n" in text else len(text)
    close = _CLOSE.search(text, start)
    if close is None:
        raise SourceError(Problem(shown, 1, "", msg("the front matter is not closed"),
                                  msg("add a line `---` after the last field")))
    data, problems = parse_yaml(text[start:close.start()], shown, first_line=2)
    if data is None:
        data = LineDict()
        data.line, data.key_lines = 1, {}
    if not isinstance(data, LineDict):
        raise SourceError(Problem(shown, 2, "", msg("the front matter must be `key: value` lines")))
    body_start = text.find("\n", close.end())
    body = text[body_start + 1:] if body_start >= 0 else ""
    body_line = text[: body_start + 1].count("\n") + 1
    return Document(data, body, body_line, problems)
