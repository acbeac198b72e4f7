"""Photos as readers get them: resized copies with the right size in the HTML, turned as the camera
meant, without the camera's metadata, encoded once."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import ExifTags, Image, ImageCms

from bantin.pipeline import Options, build

from .helpers import FIXED_NOW, minimal_files, write_tree

ARTICLE = "tin-tuc/2024/03/bai-anh/index.html"


def camera_jpeg(width: int, height: int, orientation: int = 1, gps: bool = False, icc: bytes | None = None) -> bytes:
    """A JPEG as a phone writes it: EXIF orientation, optionally a GPS position and a colour profile."""
    image = Image.new("RGB", (width, height), (30, 120, 200))
    image.paste((220, 40, 40), (0, 0, width // 2, height // 4))   # marks the top-left corner as stored
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    if gps:
        exif[ExifTags.Base.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (10.0, 20.0, 30.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif, **({"icc_profile": icc} if icc else {}))
    return buffer.getvalue()


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


POST = """---
title: Bài ảnh
date: 2024-03-01
image: media/anh-bia.jpg
image_caption: Toàn cảnh hội nghị
image_credit: Minh Tâm
---
Đoạn mở đầu.

![Ảnh dọc](media/anh-doc.jpg)

[Tải ảnh gốc](media/anh-bia.jpg)
"""


def site_with_photos(tmp_path: Path, cover: bytes, portrait: bytes) -> tuple[Path, Options]:
    content = write_tree(tmp_path / "content", minimal_files(**{
        "posts/bai-anh.md": POST, "media/anh-bia.jpg": cover, "media/anh-doc.jpg": portrait}))
    return content, Options(content=content, out=tmp_path / "site", jobs=1, search=False, now=FIXED_NOW,
                            cache_dir=tmp_path / ".bantin-cache")


def published(site: Path, stem: str) -> dict[str, Image.Image]:
    return {p.name: Image.open(p) for p in sorted((site / "media").glob(stem + "-*w.*"))}


def test_can_publish_resized_copies_never_upscaled_in_webp_and_jpeg(tmp_path):
    _, options = site_with_photos(tmp_path, camera_jpeg(2000, 1000), camera_jpeg(300, 200))
    build(options)
    cover = published(tmp_path / "site", "anh-bia")
    assert sorted((im.format, im.size) for im in cover.values()) == sorted(
        (fmt, (w, w // 2)) for fmt in ("JPEG", "WEBP") for w in (400, 800, 1200, 1600))
    small = published(tmp_path / "site", "anh-doc")
    assert sorted(im.size for im in small.values()) == [(300, 200), (300, 200)]  # its own width, not more


def test_gives_sizes_and_srcset_as_the_photo_is_shown_and_lazy_only_below_the_fold(tmp_path):
    _, options = site_with_photos(tmp_path, camera_jpeg(1600, 1200), camera_jpeg(1200, 800, orientation=6))
    build(options)
    html = (tmp_path / "site" / ARTICLE).read_text(encoding="utf-8")
    cover = re.search(r'<figure class="article__cover">(.*?)</figure>', html, re.S).group(1)
    assert 'width="1600" height="1200"' in cover and 'fetchpriority="high"' in cover and "lazy" not in cover
    assert re.search(r'srcset="/media/anh-bia-400w\.\w+\.jpg 400w, [^"]*1200w, [^"]*1600w"', cover)
    assert '<source type="image/webp"' in cover and "sizes=" in cover
    body = html.split('class="article__body prose"', 1)[1]
    # Turned upright by its EXIF orientation: 800 wide, 1200 high, as the reader sees it.
    assert re.search(r'<img[^>]*alt="Ảnh dọc"[^>]*height="1200"[^>]*loading="lazy"[^>]*width="800"', body)
    assert "Toàn cảnh hội nghị <span class=\"credit\">Ảnh: Minh Tâm</span>" in cover


def test_turns_photos_upright_and_strips_gps_and_camera_data_but_keeps_the_colour_profile(tmp_path):
    profile = srgb_profile()
    _, options = site_with_photos(tmp_path, camera_jpeg(1000, 500, gps=True, icc=profile),
                                  camera_jpeg(600, 400, orientation=6, gps=True))
    build(options)
    site = tmp_path / "site"
    for image in [*published(site, "anh-bia").values(), *published(site, "anh-doc").values()]:
        assert len(image.getexif()) == 0 and "xmp" not in image.info, image.filename
    assert all(im.info.get("icc_profile") == profile for im in published(site, "anh-bia").values())
    upright = [im for name, im in published(site, "anh-doc").items() if name.endswith(".jpg")]
    assert sorted(im.size for im in upright) == [(400, 600)]
    # Orientation 6: the stored top-left corner (red) is now the top-right one.
    rgb = upright[0].convert("RGB")
    assert rgb.getpixel((390, 10))[0] > 180 and rgb.getpixel((10, 10))[0] < 100


def test_publishes_an_original_only_when_an_article_links_to_it_and_without_its_metadata(tmp_path):
    _, options = site_with_photos(tmp_path, camera_jpeg(900, 600, gps=True), camera_jpeg(300, 200))
    build(options)
    site = tmp_path / "site"
    assert not (site / "media/anh-doc.jpg").exists()   # only shown, never linked
    original = Image.open(site / "media/anh-bia.jpg")
    assert original.size == (900, 600) and len(original.getexif()) == 0


def test_encodes_only_the_photos_that_changed(tmp_path):
    content, options = site_with_photos(tmp_path, camera_jpeg(900, 600), camera_jpeg(700, 500))
    build(options)
    cache = tmp_path / ".bantin-cache/images"
    before = {p.name: p.stat().st_ino for p in cache.iterdir() if p.suffix != ".pickle"}
    old_names = set(published(tmp_path / "site", "anh-doc"))
    (content / "media/anh-doc.jpg").write_bytes(camera_jpeg(700, 500, orientation=8))
    build(options)
    after = {p.name: p.stat().st_ino for p in cache.iterdir() if p.suffix != ".pickle"}
    assert {n: i for n, i in after.items() if n in before} == before   # nothing re-encoded or rewritten
    assert len(after) > len(before)                                    # the new photo's copies were added
    new_names = set(published(tmp_path / "site", "anh-doc"))
    assert new_names and not new_names & old_names
    html = (tmp_path / "site" / ARTICLE).read_text(encoding="utf-8")
    assert all(name not in html for name in old_names) and 'height="700"' in html
