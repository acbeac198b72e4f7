"""Markdown to safe HTML for article bodies, pages and unit descriptions: footnotes, tables, figures,
typography, media URLs under the base path, lazy images, and only allow-listed HTML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Mapping
from urllib.parse import quote

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from . import markdown_accel, sanitize
from ..source.markdown_limits import MarkdownLimitError, check_limits
from ..source.links import media_path
from .pictures import FALLBACK_WIDTH, SIZES, Picture

__all__ = ["EXTENSIONS", "MarkdownLimitError", "MarkdownRenderer", "MediaInfo",
           "check_limits", "media_path"]

EXTENSIONS = ["footnotes", "tables", "attr_list", "fenced_code", "sane_lists", "smarty"]
# Characters rather than smarty's default entities (&ldquo; …), so the HTML reads as the text does.
TYPOGRAPHY = {
    "left-single-quote": "‘", "right-single-quote": "’", "left-double-quote": "“", "right-double-quote": "”",
    "left-angle-quote": "«", "right-angle-quote": "»", "ndash": "–", "mdash": "—", "ellipsis": "…",
}



# A reference to a file under content/media/: `media/…` or `/media/…`, never `//host/…`.
_MEDIA_REF = re.compile(r"/?(media/[^?#]*)(.*)\Z", re.S)
# What a URL path may not hold as it is (WHATWG "URL code points"): spaces, controls, `%`, `#`, `?` …
# Letters with diacritics may, so `Lễ.jpg` stays readable in the HTML.
_NOT_IN_URL = re.compile(r"[^A-Za-z0-9!$&'()*+,\-./:;=@_~\u00a0-\U0010ffff]")


@dataclass
class MediaInfo:
    """What the HTML needs to know about media: the URL prefix and the photos' sizes and resized copies."""

    base_path: str = "/"
    pictures: Mapping[str, Picture] = field(default_factory=dict)
    table_label: str = "Bảng"
    footnote_back: str = "Jump back to footnote {} in the text"  # title of a note's link back; {} = number

    def url(self, ref: str) -> str:
        """A media reference as pages link it: under the base path, percent-encoded once; any other unchanged."""
        path = media_path(ref)
        if path is None:
            return ref
        encoded = _NOT_IN_URL.sub(lambda m: quote(m.group(0), safe=""), path)
        return self.base_path + encoded + _MEDIA_REF.match(ref).group(2)

    def site_url(self, site_path: str) -> str:
        """A site path ("/media/…") as pages link it, under the base path."""
        return self.url(site_path)


class _Polish(Treeprocessor):
    """Figures with captions, responsive lazy images with their sizes, scrollable tables."""

    def __init__(self, md: markdown.Markdown, media: MediaInfo):
        super().__init__(md)
        self.media = media

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "p" and _is_figure(child):
                    parent[index] = _figure(child)
                elif child.tag == "table":
                    parent[index] = self._table_wrap(child)
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "img":
                    parent[index] = self._image(child)

    def _table_wrap(self, table: etree.Element) -> etree.Element:
        # A focusable region lets keyboard users scroll wide tables on phones.
        wrap = etree.Element("div", {"class": "table-wrap", "role": "region", "tabindex": "0",
                                     "aria-label": self.media.table_label})
        wrap.append(table)
        wrap.tail, table.tail = table.tail, None
        return wrap

    def _image(self, img: etree.Element) -> etree.Element:
        """The image, lazy, with its size; a <picture> offering WebP and resized copies for a photo."""
        picture = self.media.pictures.get(media_path(img.get("src") or "") or "")   # src is None after {src}
        if picture and not img.get("width") and not img.get("height"):
            img.set("width", str(picture.width))
            img.set("height", str(picture.height))
        img.set("loading", "lazy")
        img.set("decoding", "async")
        if not picture or not picture.variants:
            return img
        url = self.media.site_url
        img.set("src", url(picture.nearest(FALLBACK_WIDTH).path))
        img.set("srcset", picture.srcset(picture.ext, url))
        img.set("sizes", SIZES["body"])
        wrap = etree.Element("picture")
        wrap.tail, img.tail = img.tail, None
        if picture.ext != "webp":
            etree.SubElement(wrap, "source", {"type": "image/webp", "srcset": picture.srcset("webp", url),
                                              "sizes": SIZES["body"]})
        wrap.append(img)
        return wrap


def _is_figure(p: etree.Element) -> bool:
    """A paragraph holding only an image, optionally followed by an emphasised caption."""
    if (p.text or "").strip() or not len(p) or p[0].tag != "img" or (p[0].tail or "").strip():
        return False
    return len(p) == 1 or (len(p) == 2 and p[1].tag == "em" and not (p[1].tail or "").strip())


def _figure(p: etree.Element) -> etree.Element:
    """The figure for a paragraph that _is_figure; attributes given to the paragraph go to the figure."""
    attributes = {key: value for key, value in p.attrib.items() if value is not None}
    attributes["class"] = " ".join(["figure", *attributes.get("class", "").split()])
    figure = etree.Element("figure", attributes)
    figure.tail = p.tail
    img = p[0]
    figure.append(img)
    if len(p) > 1:
        _caption(figure, p[1])
    elif (img.get("title") or "").strip():
        etree.SubElement(figure, "figcaption").text = img.attrib.pop("title").strip()
    return figure


def _caption(figure: etree.Element, em: etree.Element) -> None:
    """The emphasised line under an image as its caption, links and line breaks included."""
    caption = etree.SubElement(figure, "figcaption")
    caption.text = (em.text or "").lstrip()
    caption.extend(list(em))
    if len(caption):
        caption[-1].tail = (caption[-1].tail or "").rstrip()
    else:
        caption.text = caption.text.rstrip()


class _BantinExtension(Extension):
    def __init__(self, media: MediaInfo):
        super().__init__()
        self.media = media

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.treeprocessors.register(_Polish(md, self.media), "bantin-polish", 0)


class MarkdownRenderer:
    """One Markdown instance per renderer, reset before each document so footnotes never leak."""

    def __init__(self, media: MediaInfo, accelerate: bool = True):
        """accelerate=False: the library's own processors only (for comparisons)."""
        self.media = media
        self._md = markdown.Markdown(
            extensions=[*EXTENSIONS, _BantinExtension(media)], output_format="html",
            extension_configs={"footnotes": {"BACKLINK_TITLE": media.footnote_back},
                               "smarty": {"substitutions": TYPOGRAPHY}})
        self.accelerated = accelerate and markdown_accel.accelerate(self._md)
        self._policy = sanitize.HtmlPolicy(media.url)

    def convert(self, text: str) -> str:
        """Safe HTML for one Markdown document; MarkdownLimitError if it is beyond check_limits."""
        problem = check_limits(text)
        if problem:
            raise MarkdownLimitError(*problem)
        self._md.reset()
        return self._policy.clean(self._md.convert(text))
