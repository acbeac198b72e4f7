"""Reading source files: UTF-8 text, YAML that remembers line numbers, front matter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem
from .text import nfc


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


def read_text(path: Path, shown: str) -> str:
    """UTF-8 text with or without BOM, LF line ends, NFC; a clear error for other encodings."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SourceError(Problem(shown, line, "", "the file is not UTF-8 text",
                                  "save it as UTF-8 (in most editors: Save with encoding → UTF-8)"))
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


def parse_yaml(text: str, shown: str, first_line: int = 1) -> tuple[Any, list[Problem]]:
    """Parse YAML text; return the data and problems (duplicate keys) or raise SourceError."""
    loader_cls = _LOADERS.get(first_line) or _make_loader(first_line)
    loader = loader_cls(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
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
    problems = [Problem(shown, line, key, "this key appears twice", "keep only one of them")
                for key, line in loader.duplicates]
    return data, problems


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
