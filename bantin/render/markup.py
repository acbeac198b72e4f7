"""Markdown to HTML for article bodies: footnotes, tables, figures, media links, lazy images."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from . import markdown_accel

EXTENSIONS = ["footnotes", "tables", "attr_list", "fenced_code", "sane_lists"]
RENDERER_VERSION = "2"


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


class _BantinExtension(Extension):
    def __init__(self, media: MediaInfo):
        super().__init__()
        self.media = media

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        # Re-indenting the tree costs ~5 % of a conversion and only changes whitespace.
        md.treeprocessors.deregister("prettify")
        md.treeprocessors.register(_Polish(md, self.media), "bantin-polish", 0)


class MarkdownRenderer:
    """One Markdown instance per renderer, reset before each document so footnotes never leak."""

    def __init__(self, media: MediaInfo, accelerate: bool = True):
        """accelerate=False: the library's own processors only (for comparisons)."""
        self.media = media
        self._md = markdown.Markdown(extensions=[*EXTENSIONS, _BantinExtension(media)],
                                     extension_configs={"footnotes": {"BACKLINK_TITLE": media.footnote_back}},
                                     output_format="html")
        self.accelerated = accelerate and markdown_accel.accelerate(self._md)

    def convert(self, text: str) -> str:
        """HTML for one Markdown document."""
        self._md.reset()
        return self._md.convert(text)
