"""The HTML of videos and downloadable documents, the same whether an editor wrote them in front
matter (`video:`, `attachments:`) or in Markdown (a paragraph holding only a video link; a link to
a document under media/).

A YouTube or Facebook video is a link to the video with its poster and a play button: the page
makes no request to the third party until the reader clicks, then assets/js/video.js puts the
official player (the address source/media_fields.py allowed) in its place. Without JavaScript
the link opens the video on its site.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from markupsafe import Markup

from ..source.media_fields import DOCUMENTS, VIDEO_FILES

SERVICES = {"youtube": "YouTube", "facebook": "Facebook"}


@dataclass(frozen=True)
class Labels:
    """The words these blocks show, in the site's language (from i18n, so caches can key on them)."""

    language: str = "vi"
    play: str = "Phát video: {title}"
    consent: str = "Video phát từ {service}; bấm để tải trình phát của {service}."
    download: str = "Tải về"


@dataclass(frozen=True)
class VideoView:
    """A video as a page shows it: addresses already under the base path."""

    kind: str                  # "file", "youtube", "facebook"
    src: str                   # the file's URL, or the video's address on its site
    embed: str = ""            # the official player's address (youtube/facebook)
    title: str = ""
    poster: dict | None = field(default=None, hash=False, compare=False)  # pictures.image_view of the poster


def video_element(video: VideoView, labels: Labels) -> etree.Element:
    """<figure class="video"> with a <video> for a file, or a click-to-load link for an embed."""
    figure = etree.Element("figure", {"class": f"video video--{video.kind}"})
    poster = video.poster or {}
    size = {"width": str(poster["width"]), "height": str(poster["height"])} if poster.get("width") else {}
    if video.kind == "file":
        player = etree.SubElement(figure, "video", {"controls": "controls", "preload": "none", **size,
                                                   **({"poster": poster["url"]} if poster else {})})
        ext = "." + video.src.rsplit(".", 1)[-1].lower()
        etree.SubElement(player, "source", {"src": video.src, "type": VIDEO_FILES.get(ext, "video/mp4")})
        etree.SubElement(player, "a", {"href": video.src}).text = labels.download
    else:
        service = SERVICES[video.kind]
        # The play button is drawn by CSS (.video__play::after); the link's name says what it does.
        link = etree.SubElement(figure, "a", {"class": "video__play", "href": video.src,
                                              "aria-label": labels.play.format(title=video.title or service),
                                              "data-embed": video.embed, "data-service": service})
        if poster:
            etree.SubElement(link, "img", {"src": poster["url"], "alt": "", "loading": "lazy",
                                           "decoding": "async", **size})
    if video.title or video.kind != "file":
        caption = etree.SubElement(figure, "figcaption")
        caption.text = video.title or ""
        if video.kind != "file":
            note = etree.SubElement(caption, "small", {"class": "video__note"})
            note.text = labels.consent.format(service=SERVICES[video.kind])
    return figure


def video_html(video: VideoView, labels: Labels) -> Markup:
    """video_element as trusted HTML for templates (every value in it was checked or escaped)."""
    return Markup(etree.tostring(video_element(video, labels), encoding="unicode", method="html"))


def document_type(ref: str) -> str | None:
    """"PDF", "DOCX"… for a document under media/, None for any other file."""
    dot = ref.rfind(".")
    return DOCUMENTS.get(ref[dot:].lower()) if dot >= 0 else None


def format_size(size: int, language: str) -> str:
    """A file size as readers read it: "1,2 MB", "350 KB" ("1.2 MB" in English)."""
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if size >= scale:
            value = size / scale
            text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
            text = text[:-2] if text.endswith(".0") else text
            return (text.replace(".", ",") if language == "vi" else text) + f" {unit}"
    return f"{size} B"


def download_note(ref: str, size: int | None, labels: Labels) -> str:
    """"Tải về — PDF, 1,2 MB" for a document (without the size when it is not known)."""
    kind = document_type(ref) or ""
    return f"{labels.download} — {kind}" + (f", {format_size(size, labels.language)}" if size is not None else "")
