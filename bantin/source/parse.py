"""Reading source files: UTF-8 text, YAML that remembers line numbers, front matter."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..problems import Problem
from ..text import nfc


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


def _make_loader(first_line: int) -> type:
    """A safe YAML loader whose mappings carry lines, shifted by `first_line` (for front matter)."""

    # libyaml's parser is ~10x faster than the pure-Python one and still reports line marks.
    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        duplicates: list[tuple[str, int]]

    # Dates stay strings: we parse them ourselves to report errors in the editor's terms.
    Loader.yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(loader: Loader, node: yaml.MappingNode) -> LineDict:
        loader.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + first_line
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:  # `[a]: b` or `{a: 1}: b` would crash the build instead of being reported
                raise yaml.constructor.ConstructorError(None, None, "a key must be a word, not a list or a mapping",
                                                        key_node.start_mark) from None
            key = nfc(key) if isinstance(key, str) else key
            line = key_node.start_mark.line + first_line
            if key in result:
                loader.duplicates.append((str(key), line))
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = line
        return result

    def construct_sequence(loader: Loader, node: yaml.SequenceNode) -> LineList:
        result = LineList(loader.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + first_line
        result.item_lines = [child.start_mark.line + first_line for child in node.value]
        return result

    def construct_str(loader: Loader, node: yaml.ScalarNode) -> str:
        return nfc(loader.construct_scalar(node))

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    Loader.add_constructor("tag:yaml.org,2002:str", construct_str)
    return Loader


_LOADERS = {1: _make_loader(1), 2: _make_loader(2)}


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
        raise SourceError(Problem(shown, line, "", "the file is not UTF-8 text",
                                  "save it as UTF-8 (in most editors: Save with encoding → UTF-8)"))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return nfc(text)


# -- A fast path for the `key: value` lines most front matter consists of ------------------------------
# PyYAML spends ~80 µs on a seven-line front matter, mostly in its Python-level constructor; 5,000
# articles made that the largest part of loading a site. Lines that are all `key: plain value`,
# `key: 'quoted'`, `key: "quoted"` or `key: [a, b]` are read here with PyYAML's own resolvers and
# constructors, so values, types and lines are exactly what PyYAML would give. Anything else
# (indentation, block scalars, comments after values, escapes, tabs, anchors, tags …) returns None
# and goes to PyYAML, which also reports every error. tests/core/test_yaml_fast_path.py compares both.

_STR, _NULL, _BOOL, _INT, _FLOAT, _MAP, _SEQ = (f"tag:yaml.org,2002:{t}"
                                                for t in ("str", "null", "bool", "int", "float", "map", "seq"))
_SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,127}):(?: +(.*))?")
# YAML reads characters outside these as errors, line breaks (NEL, LS, PS) or a BOM; tabs are left to
# PyYAML too. Everything else may stand inside a plain scalar.
_NOT_SIMPLE_CHAR = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                              "\U00010000-\U0010ffff]")
# Characters that make a plain scalar something else (or an error) when they start it.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# An item of a one-line flow list that is a plain scalar in flow context, whatever libyaml version.
_FLOW_ITEM = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@` ][^:,\[\]{}#?]*")


class _NotSimple(Exception):
    pass


def _resolvers_by_first_char() -> dict[str, list[tuple[str, re.Pattern]]]:
    table = _LOADERS[1].yaml_implicit_resolvers
    return {ch: table.get(ch, []) + table.get(None, []) for ch in table if ch}


_RESOLVERS = _resolvers_by_first_char()
_SPECIAL_START = _INDICATORS | set(_RESOLVERS)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _plain_scalar(value: str, normal: bool) -> Any:
    """A non-empty plain scalar as PyYAML resolves and constructs it (BaseResolver.resolve); `normal`
    when the text it was cut from is NFC (and so is the value: a cut cannot make characters compose)."""
    for tag, regexp in _RESOLVERS.get(value[0], ()):
        if regexp.match(value):
            break
    else:
        tag = _STR
    if tag == _STR:
        return value if normal or value.isascii() else nfc(value)
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return _CONSTRUCTOR.bool_values[value.lower()]
    if tag == _INT:
        return _CONSTRUCTOR.construct_yaml_int(yaml.ScalarNode(tag, value))
    if tag == _FLOAT:
        return _CONSTRUCTOR.construct_yaml_float(yaml.ScalarNode(tag, value))
    raise _NotSimple  # `=` (the value tag), `<<` (merge) …


def _simple_value(value: str, line: int, normal: bool) -> Any:
    first = value[0]
    if first not in _INDICATORS:
        if ": " in value or value[-1] == ":" or " #" in value:
            raise _NotSimple
        return _plain_scalar(value, normal)
    last = value[-1]
    if first == "[" and last == "]":
        inner = value[1:-1]
        items = [item.strip(" ") for item in inner.split(",")] if inner.strip(" ") else []
        for item in items:
            if not _FLOW_ITEM.fullmatch(item):
                raise _NotSimple
        result = LineList(_plain_scalar(item, normal) for item in items)
        result.line = line
        result.item_lines = [line] * len(items)
        return result
    if len(value) > 1 and first == last == "'":
        inner = value[1:-1]
        if "'" in inner.replace("''", ""):
            raise _NotSimple
        inner = inner.replace("''", "'")
        return inner if normal else nfc(inner)
    if len(value) > 1 and first == last == '"':
        inner = value[1:-1]
        if '"' in inner or "\\" in inner:
            raise _NotSimple
        return inner if normal else nfc(inner)
    raise _NotSimple


def _simple_yaml(text: str, first_line: int) -> tuple[LineDict, list[tuple[str, int]]] | None:
    """The mapping and duplicate keys of `key: value` lines, or None when PyYAML must read the text."""
    if _NOT_SIMPLE_CHAR.search(text):
        return None
    normal = text.isascii() or unicodedata.is_normalized("NFC", text)  # then so is every value: no nfc()
    result = LineDict()
    result.key_lines = key_lines = {}
    duplicates: list[tuple[str, int]] = []
    try:
        for number, line in enumerate(text.split("\n"), first_line):
            if not line or line[0] == "#" or not line.strip(" "):
                continue
            match = _SIMPLE_LINE.fullmatch(line)
            if match is None:
                return None
            key, value = match.groups()
            if key[0] in _RESOLVERS and _plain_scalar(key, True) != key:  # `null:`, `true:`, `1_000:` …
                return None
            if value:
                value = value.rstrip(" ")
            # Inlined for the common case, a plain text that no resolver looks at: ~40 % of the time here.
            if not value:
                value = None
            elif value[0] in _SPECIAL_START:
                value = _simple_value(value, number, normal)
            elif ": " in value or " #" in value or value[-1] == ":":
                return None
            elif not normal and not value.isascii():
                value = nfc(value)
            if not key_lines:
                result.line = number
            elif key in result:
                duplicates.append((key, number))
            result[key] = value
            key_lines[key] = number
    except _NotSimple:
        return None
    return (result, duplicates) if key_lines else None


def parse_yaml(text: str, shown: str, first_line: int = 1) -> tuple[Any, list[Problem]]:
    """Parse YAML text; return the data and problems (duplicate keys) or raise SourceError."""
    simple = _simple_yaml(text, first_line)
    data, duplicates = simple if simple is not None else _pyyaml(text, shown, first_line)
    problems = [Problem(shown, line, key, "this key appears twice", "keep only one of them")
                for key, line in duplicates]
    return data, problems


class _Builder:
    """Builds what the Loader's constructors build from the composed nodes of plain data (mappings,
    lists, text, numbers, booleans, null), at a third of the cost of PyYAML's generic construct_object.
    Raises _NotSimple on anything else (tags, merge keys, aliases of lists and mappings …) for the
    constructor to handle; tests/core/test_yaml_fast_path.py compares both on the same texts."""

    def __init__(self, loader: Any, first_line: int, normal: bool = False):
        self.first_line = first_line
        # An NFC text gives NFC scalars, except through escapes in double quotes ("e\\u0301").
        self.normal = normal
        self.duplicates: list[tuple[str, int]] = loader.duplicates
        self.scalars = {tag: loader.yaml_constructors[tag].__get__(loader) for tag in (_NULL, _BOOL, _INT, _FLOAT)}
        self.seen: set[int] = set()

    def build(self, node: yaml.Node) -> Any:
        tag, kind = node.tag, type(node)
        if kind is yaml.ScalarNode:
            if tag == _STR:
                value = node.value
                return value if value.isascii() or (self.normal and node.style != '"') else nfc(value)
            if tag == _INT and node.value.isdigit() and node.value.isascii() and node.value[:1] != "0":
                return int(node.value)  # what construct_yaml_int gives for plain decimals, the usual kind
            if tag in self.scalars:
                return self.scalars[tag](node)
            raise _NotSimple
        if id(node) in self.seen:  # an alias: the constructor shares the object, or refuses a cycle
            raise _NotSimple
        self.seen.add(id(node))
        first_line = self.first_line
        if kind is yaml.MappingNode and tag == _MAP:
            result = LineDict()
            result.line = node.start_mark.line + first_line
            result.key_lines = key_lines = {}
            for key_node, value_node in node.value:
                if type(key_node) is not yaml.ScalarNode or key_node.tag != _STR:
                    raise _NotSimple  # merge keys `<<`, `=`, numbers, lists …
                key = key_node.value
                if not (key.isascii() or (self.normal and key_node.style != '"')):
                    key = nfc(key)
                line = key_node.start_mark.line + first_line
                if key in result:
                    self.duplicates.append((key, line))
                result[key] = self.build(value_node)
                key_lines[key] = line
            return result
        if kind is yaml.SequenceNode and tag == _SEQ:
            items = LineList(self.build(child) for child in node.value)
            items.line = node.start_mark.line + first_line
            items.item_lines = [child.start_mark.line + first_line for child in node.value]
            return items
        raise _NotSimple


def _pyyaml(text: str, shown: str, first_line: int) -> tuple[Any, list[tuple[str, int]]]:
    """The data and duplicate keys (key, line) as PyYAML reads them; SourceError for invalid YAML."""
    loader_cls = _LOADERS.get(first_line) or _make_loader(first_line)
    loader = loader_cls(text)
    loader.duplicates = []
    try:
        node = loader.get_single_node()
        data = None
        if node is not None:
            try:
                data = _Builder(loader, first_line, unicodedata.is_normalized("NFC", text)).build(node)
            except Exception:  # noqa: BLE001 - anything unusual: PyYAML's constructor decides, errors included
                loader.duplicates = []
                data = loader.construct_document(node)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        hint = "check indentation and quote values that contain ':' or '#'"
        if err.context_mark and (err.context or "").startswith("while parsing a flow"):
            # An unclosed `[` or `{` is noticed lines later (or past the end): point at the bracket.
            mark, hint = err.context_mark, "a `[` or `{` opened on this line is not closed"
        line = (mark.line + first_line) if mark else first_line
        what = err.problem or "invalid YAML"
        raise SourceError(Problem(shown, line, "", f"malformed YAML: {what}", hint))
    except yaml.YAMLError as err:
        raise SourceError(Problem(shown, first_line, "", f"malformed YAML: {err}"))
    finally:
        loader.dispose()
    return data, loader.duplicates


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
        raise SourceError(Problem(shown, 1, "", "the file has no front matter",
                                  "start it with a line `---`, the fields (title, date …), then `---`"))
    start = text.index("\n") + 1 if "\n" in text else len(text)
    close = _CLOSE.search(text, start)
    if close is None:
        raise SourceError(Problem(shown, 1, "", "the front matter is not closed",
                                  "add a line `---` after the last field"))
    data, problems = parse_yaml(text[start:close.start()], shown, first_line=2)
    if data is None:
        data = LineDict()
        data.line, data.key_lines = 1, {}
    if not isinstance(data, LineDict):
        raise SourceError(Problem(shown, 2, "", "the front matter must be `key: value` lines"))
    body_start = text.find("\n", close.end())
    body = text[body_start + 1:] if body_start >= 0 else ""
    body_line = text[: body_start + 1].count("\n") + 1
    return Document(data, body, body_line, problems)
