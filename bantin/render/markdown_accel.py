"""Faster Python-Markdown, for the one library version it was checked against.

This is the only module in bantin that touches Python-Markdown's private internals (name-mangled
methods of InlineProcessor, Registry._sort and ._priority, BlockParser.parseBlocks). Those
changed between 3.10 and 3.11, so nothing here is installed unless the installed library is
exactly VERIFIED_VERSION; with any other version the renderer runs the stock library and says so
once on stderr. Every fast path only skips work that cannot change the document and otherwise
runs the library's own code; tests/core/test_markup_fast.py compares the output with the stock
library's, byte for byte.
"""

from __future__ import annotations

import functools
import importlib.metadata
import re
import sys
import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
from markdown import blockprocessors as bp
from markdown import util
from markdown.blockparser import BlockParser
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.extensions.footnotes import FootnoteBlockProcessor
from markdown.extensions.sane_lists import SaneOListProcessor, SaneUListProcessor
from markdown.extensions.tables import TableProcessor
from markdown.preprocessors import HtmlBlockPreprocessor, NormalizeWhitespace
from markdown.treeprocessors import InlineProcessor

VERIFIED_VERSION = "3.11.3"


def library_version() -> str:
    """The installed Python-Markdown, from its package metadata (what pip installed)."""
    return importlib.metadata.version("markdown")


def accelerate(md: markdown.Markdown) -> bool:
    """Install the fast paths on `md` when the library is the verified version; True if installed."""
    installed = library_version()
    if installed != VERIFIED_VERSION:
        _notice(installed)
        return False
    _replace(md.preprocessors, "normalize_whitespace", NormalizeWhitespace, lambda old: _FastNormalizeWhitespace(md))
    _replace(md.preprocessors, "fenced_code_block", FencedBlockPreprocessor,
             lambda old: _FastFencedBlock(md, old.config))
    _replace(md.preprocessors, "html_block", HtmlBlockPreprocessor, lambda old: _FastHtmlBlock(md))
    _replace(md.treeprocessors, "attr_list", AttrListTreeprocessor, lambda old: _FastAttrList(md))
    for name in ("inline", "smarty"):
        _replace(md.treeprocessors, name, InlineProcessor, lambda old: _fast_inline(md, old))
    _install_fast_blocks(md.parser)
    return True


@functools.cache
def _notice(installed: str) -> None:
    print(f"bantin: Python-Markdown {installed} is installed, the Markdown accelerator was checked against "
          f"{VERIFIED_VERSION}: using the library as it is (slower, same output)", file=sys.stderr)


def _sorted(registry: util.Registry) -> list:
    registry._sort()
    return list(registry._priority)


def _replace(registry: util.Registry, name: str, library: type, make: Callable) -> bool:
    """Register make(old) under `name`, at its priority, if the library's own class is what is there
    and make() accepts it (returns not None)."""
    if name not in registry or type(registry[name]) is not library:
        return False
    new = make(registry[name])
    if new is None:
        return False
    priority = next(item.priority for item in _sorted(registry) if item.name == name)
    registry.register(new, name, priority)
    return True


# ---------------------------------------------------------------- inline patterns

# Substrings one of which each pattern needs to see before it can match (by registry name):
# the main pass of Python-Markdown 3.11 with footnotes, and smarty's pass.
_PATTERN_NEEDS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",), "escape": ("\\",), "footnote": ("[^",), "reference": ("[",), "link": ("[",),
    "image_link": ("![",), "image_reference": ("![",), "short_reference": ("[",), "short_image_ref": ("![",),
    "autolink": ("<",), "automail": ("<",), "linebreak": ("  \n",), "html": ("<",), "entity": ("&",),
    "em_strong": ("*", "_"),
    "smarty-em-dashes": ("---",), "smarty-en-dashes": ("--",), "smarty-ellipses": ("...",),
    **{f"smarty-quotes-{n}": ("'", '"') for n in range(15)},
}


def _fast_inline(md: markdown.Markdown, old: InlineProcessor) -> _FastInline | None:
    """A _FastInline over the same patterns, if every one of them is in _PATTERN_NEEDS."""
    names = [item.name for item in _sorted(old.inlinePatterns)]
    if not names or any(name not in _PATTERN_NEEDS for name in names):
        return None
    if "em_strong" in names and list(md.delimiters.tokens) != ["*", "_"]:
        return None
    fast = _FastInline(md)
    fast.inlinePatterns = old.inlinePatterns
    return fast


class _FastInline(InlineProcessor):
    """Python-Markdown's inline pass, skipping the patterns that a text cannot match.

    Each of ~15 patterns otherwise runs a regex over every paragraph; most Vietnamese
    prose has no Markdown marks at all, or only `*`. Text holding placeholders of
    already-parsed nodes takes the library's own path unchanged.
    """

    _needs: list[tuple[str, ...]] | None = None
    _any_need: re.Pattern[str] | None = None

    def _pattern_needs(self) -> list[tuple[str, ...]]:
        if self._needs is None or len(self._needs) != len(self.inlinePatterns):
            self._needs = [_PATTERN_NEEDS[item.name] for item in _sorted(self.inlinePatterns)]
            wanted = sorted({s for needs in self._needs for s in needs}, key=len, reverse=True)
            self._any_need = re.compile("|".join(map(re.escape, wanted)))
        return self._needs

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        if isinstance(data, util.AtomicString) or util.STX in data or util.ETX in data:
            return super()._InlineProcessor__handleInline(data, patternIndex)
        needs, start, count = self._pattern_needs(), 0, len(self.inlinePatterns)
        if patternIndex == 0 and not self._any_need.search(data):
            return data
        while patternIndex < count:
            if not any(s in data for s in needs[patternIndex]):
                patternIndex, start = patternIndex + 1, 0  # as the library does after a miss
                continue
            data, matched, start = self._InlineProcessor__applyPattern(
                self.inlinePatterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


# ---------------------------------------------------------------- preprocessors and attribute lists


class _FastNormalizeWhitespace(NormalizeWhitespace):
    """The library's whitespace normalisation, skipping the steps that find nothing to change.

    Replacing or expanding a character that is absent returns the same text; the blank-line regex
    (a run of spaces between two newlines) costs more than the rest and rarely matches.
    """

    _BLANK = re.compile(r"(?<=\n) +\n")   # the library's pattern
    _BLANK_ANYWHERE = re.compile(r"\n +\n")   # matches exactly when _BLANK does, but scans fast

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if util.STX in source or util.ETX in source:
            source = source.replace(util.STX, "").replace(util.ETX, "")
        if "\r" in source:
            source = source.replace("\r\n", "\n").replace("\r", "\n")
        source += "\n\n"
        if "\t" in source:
            source = source.expandtabs(self.md.tab_length)
        if self._BLANK_ANYWHERE.search(source):
            source = self._BLANK.sub("\n", source)
        return source.split("\n")


class _SkipWithout:
    """A preprocessor that hands back its lines untouched when they hold none of NEEDS, as the
    library's own would after looking through them."""

    NEEDS = ""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if not any(char in source for char in self.NEEDS):
            return lines
        return super().run(lines)


class _FastFencedBlock(_SkipWithout, FencedBlockPreprocessor):
    """A fence is a line starting with ``` or ~~~: text with neither character has none."""

    NEEDS = "`~"


class _FastHtmlBlock(_SkipWithout, HtmlBlockPreprocessor):
    """The HTML extractor only acts at `<` and `&`."""

    NEEDS = "<&"


class _FastAttrList(AttrListTreeprocessor):
    """Every attribute-list pattern needs a `{` in an element's text or tail; without one, nothing to do."""

    def run(self, doc: etree.Element) -> None:
        for elem in doc.iter():
            if "{" in (elem.text or "") or "{" in (elem.tail or ""):
                super().run(doc)
                return


# ---------------------------------------------------------------- block parsing

# The block processors, in the order the parser tries them, that _plain_paragraph was written for.
_BLOCK_PROCESSORS = (
    ("empty", bp.EmptyBlockProcessor), ("indent", bp.ListIndentProcessor), ("code", bp.CodeBlockProcessor),
    ("table", TableProcessor), ("hashheader", bp.HashHeaderProcessor),
    ("setextheader", bp.SetextHeaderProcessor), ("hr", bp.HRProcessor), ("olist", SaneOListProcessor),
    ("ulist", SaneUListProcessor), ("quote", bp.BlockQuoteProcessor), ("footnote", FootnoteBlockProcessor),
    ("reference", bp.ReferenceProcessor), ("paragraph", bp.ParagraphProcessor),
)
# A block starting with one of these (or a digit) may be something other than a paragraph:
# blank line or empty block, indented code or list continuation, header, setext underline, rule,
# list item, quote, footnote or link reference.
_SPECIAL_FIRST = " \n#=-_*>[+"
# The same for a later line of the block (item markers and digits only count on the first line).
_SPECIAL_LINE = re.compile(r"\n[ #=\-_*>\[]")


def plain_paragraph(block: str) -> bool:
    """True if no block processor before ParagraphProcessor can take this block, whatever the
    parser state: it is not empty, its first line starts with none of the characters those
    processors look for (and is not indented), no later line does, and it holds no `|` (table).

    False means only "not sure": the block then goes through every processor as usual.
    """
    first = block[:1]
    if not first or first in _SPECIAL_FIRST or first.isdigit() or "|" in block:
        return False
    return "\n" not in block or not _SPECIAL_LINE.search(block)


def _install_fast_blocks(parser: BlockParser) -> bool:
    """Let the parser hand plain paragraphs straight to ParagraphProcessor.

    The library tries all 13 processors on every block, each a test and most a regex; a plain
    paragraph falls through all of them to ParagraphProcessor. Other blocks still go through the
    library's loop, unchanged.
    """
    registry = parser.blockprocessors
    found = tuple((item.name, type(registry[item.name])) for item in _sorted(registry))
    if found != _BLOCK_PROCESSORS or parser.md.tab_length != 4:
        return False
    paragraph = registry["paragraph"]

    def parseBlocks(parent: etree.Element, blocks: list[str]) -> None:  # noqa: N802
        while blocks:
            if plain_paragraph(blocks[0]):
                paragraph.run(parent, blocks)
                continue
            for processor in parser.blockprocessors:   # the library's loop, one block
                if processor.test(parent, blocks[0]):
                    if processor.run(parent, blocks) is not False:
                        break

    parser.parseBlocks = parseBlocks
    return True
