"""Responsive images: which resized copies a photo gets, and how pages offer them to browsers.

Pure data and text: bantin/output/images.py reads the files with Pillow and encodes the copies.
A photo of width W gets copies at each of WIDTHS below W and at min(W, largest width) — never
upscaled — in WebP and in its own format (JPEG or PNG); pages offer them with `srcset` so a
phone downloads the 400-pixel copy and a desktop the 1200-pixel one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..site import urls as U

WIDTHS = (400, 800, 1200, 1600)
FALLBACK_WIDTH = 800        # the `src` of browsers that ignore srcset, and of feeds
SHARE_WIDTH = 1200          # og:image: large enough for link previews
# Formats Pillow re-encodes, and the extension of their copies; other images are published as they are.
RESIZED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

# Where each kind of image is shown, as the CSS lays it out (assets/css/site.css: 1180 px page,
# 300 px side column, one column under 900 px), so the browser picks the smallest copy that fills it.
SIZES = {
    "cover": "(max-width: 900px) calc(100vw - 2rem), 820px",
    "body": "(max-width: 900px) calc(100vw - 4rem), 780px",
    "card": "(max-width: 520px) calc(100vw - 4rem), 200px",
    "lead": "(max-width: 900px) calc(100vw - 2rem), 820px",
    "banner": "(max-width: 900px) calc(100vw - 2rem), 300px",
    "poster": "(max-width: 900px) calc(100vw - 2rem), 820px",
    "side": "(max-width: 900px) calc(100vw - 2rem), 300px",
}


@dataclass(frozen=True)
class Variant:
    """One published copy of a photo: its size, format extension and site path."""

    width: int
    height: int
    ext: str
    path: str


@dataclass(frozen=True)
class Picture:
    """An image under content/media as Pillow sees it (EXIF rotation applied) and its copies.

    `key` digests the source bytes and the encoding settings: a replaced photo or new settings
    give new copy names. `variants` is empty for images published as they are (GIF, SVG…)."""

    ref: str
    width: int
    height: int
    format: str
    key: str
    variants: tuple[Variant, ...] = ()

    def srcset(self, ext: str, url: Callable[[str], str]) -> str:
        """`srcset` of the copies in one format ("" when there are none)."""
        return ", ".join(f"{url(v.path)} {v.width}w" for v in self.variants if v.ext == ext)

    @property
    def ext(self) -> str:
        """The extension of the copies in the photo's own format."""
        return RESIZED.get(self.format, "")

    def nearest(self, width: int) -> Variant | None:
        """The copy in the photo's own format closest to `width` from below (the smallest if none is)."""
        own = [v for v in self.variants if v.ext == self.ext]
        if not own:
            return None
        below = [v for v in own if v.width <= width]
        return below[-1] if below else own[0]

    def full(self) -> Variant:
        """The full-size copy published at the original's address, when an article links to it."""
        return Variant(self.width, self.height, self.ext or "", U.media(self.ref))


@dataclass
class Photos:
    """The images of one build: their Pictures by reference (NFC, relative to content/) and files."""

    pictures: dict[str, Picture]
    sources: dict[str, Path]


def plan_picture(ref: str, width: int, height: int, fmt: str, key: str) -> Picture:
    """The Picture of an image `width`×`height` (after EXIF rotation) in Pillow format `fmt`."""
    ext = RESIZED.get(fmt)
    if ext is None or width <= 0 or height <= 0:
        return Picture(ref, width, height, fmt, key)
    widths = sorted({min(w, width) for w in WIDTHS})
    formats = ("webp",) if ext == "webp" else ("webp", ext)
    variants = tuple(Variant(w, max(1, round(height * w / width)), f, U.image_variant(ref, w, key[:10], f))
                     for f in formats for w in widths)
    return Picture(ref, width, height, fmt, key, variants)


def image_view(picture: Picture | None, ref: str, url: Callable[[str], str],
               absolute: Callable[[str], str]) -> dict:
    """An image as templates show it (partials/picture.html): fallback URL, size, srcsets."""
    if picture is None or not picture.variants:
        return {"url": url(U.media(ref)), "absolute": absolute(U.media(ref)),
                "width": picture.width if picture else None, "height": picture.height if picture else None,
                "srcset": "", "webp": ""}
    fallback, share = picture.nearest(FALLBACK_WIDTH), picture.nearest(SHARE_WIDTH)
    return {"url": url(fallback.path), "absolute": absolute(share.path),
            "width": picture.width, "height": picture.height,
            "srcset": picture.srcset(picture.ext, url),
            "webp": picture.srcset("webp", url) if picture.ext != "webp" else ""}
