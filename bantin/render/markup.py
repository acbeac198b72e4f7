"""Markdown to HTML for article bodies: footnotes, tables, figures, media links, lazy images."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
from markdown import blockprocessors as bp
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.extensions.footnotes import FootnoteBlockProcessor
from markdown.extensions.sane_lists import SaneOListProcessor, SaneUListProcessor
from markdown.extensions.tables import TableProcessor
from markdown import util
from markdown.blockparser import BlockParser
from markdown.preprocessors import HtmlBlockPreprocessor, NormalizeWhitespace
from markdown.treeprocessors import InlineProcessor, Treeprocessor

EXTENSIONS = ["footnotes", "tables", "attr_list", "fenced_code", "sane_lists"]
# Every default inline pattern needs one of these; text without them can skip the ~20 regex passes.
_INLINE_TRIGGER = re.compile(r"[`\\\[!<&*_\x02\x03~^]|  \n")
RENDERER_VERSION = "2"


# A character each default inline pattern needs to see before it can match (by registry name).
_PATTERN_TRIGGERS = {
    "backtick": "`", "escape": "\\", "reference": "[", "link": "[", "image_link": "!",
    "image_reference": "!", "short_reference": "[", "short_image_ref": "!", "autolink": "<",
    "automail": "<", "linebreak": "\n", "html": "<", "entity": "&", "em_strong": "*_", "footnote": "^",
}


class _FastInline(InlineProcessor):
    """Python-Markdown's inline pass, skipping the patterns that a text cannot match.

    Each of ~15 patterns otherwise runs a regex over every paragraph; most Vietnamese
    prose has no Markdown marks at all, or only `*`. Text holding placeholders of
    already-parsed nodes takes the library's own path unchanged.
    """

    _triggers: list[str | None] | None = None

    def _pattern_triggers(self) -> list[str | None]:
        registry = self.inlinePatterns
        if self._triggers is None or len(self._triggers) != len(registry):
            registry._sort()
            names = [item.name for item in registry._priority]
            self._triggers = [_PATTERN_TRIGGERS.get(name) for name in names]
        return self._triggers

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        if isinstance(data, util.AtomicString) or "\x02" in data or "\x03" in data:
            return super()._InlineProcessor__handleInline(data, patternIndex)
        if patternIndex == 0 and not _INLINE_TRIGGER.search(data):
            return data
        triggers, start, count = self._pattern_triggers(), 0, len(self.inlinePatterns)
        while patternIndex < count:
            needs = triggers[patternIndex]
            if needs is not None and not any(ch in data for ch in needs):
                patternIndex, start = patternIndex + 1, 0  # as the library does after a miss
                continue
            data, matched, start = self._InlineProcessor__applyPattern(
                self.inlinePatterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


@dataclass
class MediaInfo:
    """What the HTML needs to know about media: the URL prefix and image sizes (to avoid layout shift)."""

    base_path: str = "/"
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    table_label: str = "Bảng"
    footnote_back: str = "Jump back to footnote {} in the text"  # title of a note's link back; {} = number

    def url(self, ref: str) -> str:
        relative = ref.lstrip("/")
        if relative.startswith("media/"):
            return self.base_path + relative
        return ref


class _Polish(Treeprocessor):
    """Figures with captions, media URLs under the base path, lazy images, scrollable tables."""

    def __init__(self, md: markdown.Markdown, media: MediaInfo):
        super().__init__(md)
        self.media = media

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "p" and _is_figure(child):
                    parent[index] = self._figure(child)
                elif child.tag == "table":
                    parent[index] = self._table_wrap(child)
                elif child.tag == "pre":
                    _trim_code(child)
        for img in root.iter("img"):
            self._image(img)
        for link in root.iter("a"):
            if link.get("href"):
                link.set("href", self.media.url(link.get("href")))

    def _figure(self, p: etree.Element) -> etree.Element:
        img = p[0]
        figure = etree.Element("figure", {"class": "figure"})
        figure.append(img)
        img.tail = None
        caption = "".join(p[1].itertext()) if len(p) > 1 else img.get("title", "")
        if caption.strip():
            etree.SubElement(figure, "figcaption").text = caption.strip()
            img.attrib.pop("title", None)
        return figure

    def _table_wrap(self, table: etree.Element) -> etree.Element:
        # A focusable region lets keyboard users scroll wide tables on phones.
        wrap = etree.Element("div", {"class": "table-wrap", "role": "region", "tabindex": "0",
                                     "aria-label": self.media.table_label})
        wrap.append(table)
        wrap.tail, table.tail = table.tail, None
        return wrap

    def _image(self, img: etree.Element) -> None:
        src = img.get("src", "")
        size = self.media.sizes.get(src.lstrip("/"))
        img.set("src", self.media.url(src))
        img.set("loading", "lazy")
        img.set("decoding", "async")
        if size and not img.get("width"):
            img.set("width", str(size[0]))
            img.set("height", str(size[1]))


def _trim_code(pre: etree.Element) -> None:
    """Drop the blank lines an indented code block ends with (Python-Markdown's prettify step did this)."""
    if len(pre) and pre[0].tag == "code" and not len(pre[0]) and pre[0].text is not None:
        pre[0].text = util.AtomicString(pre[0].text.rstrip() + "\n")


def _is_figure(p: etree.Element) -> bool:
    """A paragraph holding only an image, optionally followed by an emphasised caption."""
    if (p.text or "").strip() or not len(p) or p[0].tag != "img":
        return False
    if len(p) == 1:
        return not (p[0].tail or "").strip()
    return (len(p) == 2 and p[1].tag == "em" and not (p[0].tail or "").strip()
            and not (p[1].tail or "").strip())


# ---------------------------------------------------------------- fast paths
#
# Each one skips library work that provably cannot change this document, and otherwise runs the
# library's own code. They are installed only over the exact library classes they were written
# against (Python-Markdown 3.11); anything else keeps the library's processors untouched.


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


class _FastFencedBlock(FencedBlockPreprocessor):
    """A fence is a line starting with ``` or ~~~: text with neither character has none."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if "`" not in source and "~" not in source:
            return lines
        return super().run(lines)


class _FastHtmlBlock(HtmlBlockPreprocessor):
    """The HTML extractor only acts at `<` and `&`; without them it hands back the text as it was."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if "<" not in source and "&" not in source:
            return lines
        return super().run(lines)


class _FastAttrList(AttrListTreeprocessor):
    """Every attribute-list pattern needs a `{` in an element's text or tail; without one, nothing to do."""

    def run(self, doc: etree.Element) -> None:
        for elem in doc.iter():
            if "{" in (elem.text or "") or "{" in (elem.tail or ""):
                super().run(doc)
                return


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


def _plain_paragraph(block: str) -> bool:
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
            if _plain_paragraph(blocks[0]):
                paragraph.run(parent, blocks)
                continue
            for processor in parser.blockprocessors:   # the library's loop, one block
                if processor.test(parent, blocks[0]):
                    if processor.run(parent, blocks) is not False:
                        break

    parser.parseBlocks = parseBlocks
    return True


def _sorted(registry: util.Registry) -> list:
    registry._sort()
    return list(registry._priority)


def _replace(registry: util.Registry, name: str, library: type, make) -> bool:
    """Register make(old) under `name` in place of the library's processor, if that is what is there."""
    if name not in registry or type(registry[name]) is not library:
        return False
    priority = next(item.priority for item in registry._priority if item.name == name)
    registry.register(make(registry[name]), name, priority)
    return True


def _install_fast_paths(md: markdown.Markdown) -> None:
    _replace(md.preprocessors, "normalize_whitespace", NormalizeWhitespace, lambda old: _FastNormalizeWhitespace(md))
    _replace(md.preprocessors, "fenced_code_block", FencedBlockPreprocessor,
             lambda old: _FastFencedBlock(md, old.config))
    _replace(md.preprocessors, "html_block", HtmlBlockPreprocessor, lambda old: _FastHtmlBlock(md))
    _replace(md.treeprocessors, "attr_list", AttrListTreeprocessor, lambda old: _FastAttrList(md))
    _install_fast_blocks(md.parser)


class _BantinExtension(Extension):
    def __init__(self, media: MediaInfo, fast: bool = True):
        super().__init__()
        self.media = media
        self.fast = fast

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        if self.fast:
            md.treeprocessors.register(_FastInline(md), "inline", 20)
        # Re-indenting the tree costs ~5 % of a conversion and only changes whitespace.
        md.treeprocessors.deregister("prettify")
        md.treeprocessors.register(_Polish(md, self.media), "bantin-polish", 0)


class MarkdownRenderer:
    """One Markdown instance per renderer, reset before each document so footnotes never leak."""

    def __init__(self, media: MediaInfo, fast: bool = True):
        """fast=False: the library's own processors only (no fast paths), for differential tests."""
        self.media = media
        self._md = markdown.Markdown(extensions=[*EXTENSIONS, _BantinExtension(media, fast)],
                                     extension_configs={"footnotes": {"BACKLINK_TITLE": media.footnote_back}},
                                     output_format="html")
        if fast:
            _install_fast_paths(self._md)

    def convert(self, text: str) -> str:
        """HTML for one Markdown document."""
        self._md.reset()
        return self._md.convert(text)
