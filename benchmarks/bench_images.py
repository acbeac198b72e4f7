"""Photos: how long resized copies take to make (cold) and to reuse (warm), and what a reader downloads.

Adds N synthetic camera photos (4000×3000 JPEG, EXIF orientation, ~2–3 MB each, generated once into
benchmarks/out/photos-N/) to a copy of the sample content, with one photo-led article using three of
them, then times, with `python build.py build --no-search --jobs J`:

- baseline: the same content without the N photos (so the photo work is the difference);
- cold: empty .bantin-cache (every copy encoded);
- warm: nothing changed (the unchanged-site check), and one article edited (the build runs, photos reused);

and reports the image bytes of the photo-led article page as a browser picks them from srcset/sizes
at 390 px (DPR 3, a phone) and 1280 px (DPR 1, a desktop): before = the originals every page used to
link, after = the copies picked. Usage: .venv/bin/python benchmarks/bench_images.py [--photos 300] [--jobs 2]
"""

from __future__ import annotations

import argparse
import html.parser
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import ExifTags, Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
ARTICLE = """---
title: Ngày hội đại đoàn kết qua ống kính phóng viên
date: 2026-05-20 08:00
category: tin-hoat-dong
image: media/bench/anh-000.jpg
image_caption: Bà con khóm Trung Phú 1 dự ngày hội
image_credit: Phóng viên thử nghiệm
---
Bài ảnh dùng để đo dung lượng ảnh tải về của một trang bài viết.

![Gian hàng nông sản](media/bench/anh-001.jpg)

Người dân tham gia các trò chơi dân gian trong khuôn viên nhà văn hóa.

![Văn nghệ quần chúng](media/bench/anh-002.jpg)
"""
SLUG_PATH = "tin-tuc/2026/05/ngay-hoi-dai-doan-ket-qua-ong-kinh-phong-vien/index.html"


def camera_photo(seed: int) -> bytes:
    """A 4000×3000 JPEG with texture (so it compresses like a photo, not a flat colour) and EXIF."""
    rng = random.Random(seed)
    small = Image.effect_noise((500, 375), 60).convert("RGB")
    tint = Image.new("RGB", small.size, (rng.randrange(40, 200), rng.randrange(40, 200), rng.randrange(40, 200)))
    small = Image.blend(small, tint, 0.55).filter(ImageFilter.SMOOTH)
    big = small.resize((4000, 3000), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((4000, 3000), 18).convert("RGB")
    photo = Image.blend(big, grain, 0.12)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "BenchCam"
    exif[ExifTags.Base.Orientation] = 1 if seed % 5 else 6
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=88, exif=exif)
    return buffer.getvalue()


def photo_folder(count: int) -> Path:
    folder = OUT / f"photos-{count}"
    if len(list(folder.glob("*.jpg"))) == count:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"anh-{i:03d}.jpg").write_bytes(camera_photo(i))
    return folder


def build(content: Path, out: Path, jobs: int) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content", str(content),
                             "--out", str(out), "--no-search", "--jobs", str(jobs)],
                            capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise SystemExit(result.stderr[-2000:])
    return time.perf_counter() - started


class _Images(html.parser.HTMLParser):
    """<img> and <source> of a page, with the <picture> each belongs to."""

    def __init__(self) -> None:
        super().__init__()
        self.pictures: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "picture":
            self._open = {"sources": []}
        elif tag == "source" and self._open is not None:
            self._open["sources"].append(a)
        elif tag == "img":
            entry = self._open or {"sources": []}
            entry["img"] = a
            self.pictures.append(entry)
            self._open = None


def slot_width(sizes: str, viewport: int) -> float:
    """The width a `sizes` value gives at a viewport width (the forms pictures.SIZES uses)."""
    for part in sizes.split(","):
        part = part.strip()
        match = re.match(r"\(max-width:\s*(\d+)px\)\s*(.+)", part)
        if match and viewport > int(match.group(1)):
            continue
        value = match.group(2) if match else part
        calc = re.match(r"calc\(100vw - ([\d.]+)rem\)", value)
        if calc:
            return viewport - float(calc.group(1)) * 16
        return float(value.rstrip("px"))
    return viewport


def picked(entry: dict, viewport: int, dpr: float) -> str:
    """The URL a browser picks: WebP source first, then the smallest candidate covering the slot."""
    candidates = entry["sources"] + [entry["img"]]
    chosen = candidates[0]
    if not chosen.get("srcset"):
        return entry["img"]["src"]
    need = slot_width(chosen.get("sizes", "100vw"), viewport) * dpr
    options = sorted((int(w[:-1]), url) for url, w in (c.strip().rsplit(" ", 1) for c in chosen["srcset"].split(",")))
    return next((url for width, url in options if width >= need), options[-1][1])


def original_of(url: str) -> str:
    return re.sub(r"-\d+w\.[0-9a-f]{10}\.\w+$", "", url)


def page_bytes(site: Path, content: Path, viewport: int, dpr: float) -> tuple[int, int]:
    """(before, after) image bytes of the photo-led article page."""
    parser = _Images()
    parser.feed((site / SLUG_PATH).read_text(encoding="utf-8"))
    before = after = 0
    for entry in parser.pictures:
        url = picked(entry, viewport, dpr)
        after += (site / url.lstrip("/")).stat().st_size
        stem = original_of(url.lstrip("/"))
        originals = [p for p in (content / Path(stem).parent).glob(Path(stem).name + ".*")]
        before += originals[0].stat().st_size if originals else (site / url.lstrip("/")).stat().st_size
    return before, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    photos = photo_folder(args.photos)
    with tempfile.TemporaryDirectory(dir=OUT) as temporary:
        work = Path(temporary)
        base = work / "base" / "content"
        shutil.copytree(ROOT / "content", base)
        baseline = build(base, work / "base" / "site", args.jobs)
        content = work / "photos" / "content"
        shutil.copytree(ROOT / "content", content)
        shutil.copytree(photos, content / "media" / "bench")
        (content / "posts/2026").mkdir(exist_ok=True)
        (content / "posts/2026/ngay-hoi-dai-doan-ket-qua-ong-kinh-phong-vien.md").write_text(ARTICLE, encoding="utf-8")
        site = work / "photos" / "site"
        cold = build(content, site, args.jobs)
        warm = build(content, site, args.jobs)
        post = content / "posts/2026/ngay-hoi-dai-doan-ket-qua-ong-kinh-phong-vien.md"
        post.write_text(ARTICLE + "\nMột câu thêm.\n", encoding="utf-8")
        edited = build(content, site, args.jobs)
        source_mb = sum(p.stat().st_size for p in photos.glob("*.jpg")) / 1e6
        published_mb = sum(p.stat().st_size for p in (site / "media/bench").iterdir()) / 1e6
        print(f"{args.photos} photos 4000x3000 JPEG ({source_mb:.0f} MB), --jobs {args.jobs}, nproc {os.cpu_count()}")
        print(f"  baseline build without them   {baseline:7.2f} s")
        print(f"  cold (every copy encoded)     {cold:7.2f} s  -> {cold - baseline:.2f} s for photos, "
              f"{(cold - baseline) / args.photos * 1000:.0f} ms/photo; copies {published_mb:.0f} MB")
        print(f"  warm, nothing changed         {warm:7.2f} s")
        print(f"  warm, one article edited      {edited:7.2f} s")
        for label, viewport, dpr in (("390 px, DPR 3", 390, 3.0), ("1280 px, DPR 1", 1280, 1.0)):
            before, after = page_bytes(site, content, viewport, dpr)
            print(f"  article page images at {label}: before {before / 1e6:.2f} MB, after {after / 1e6:.3f} MB")


if __name__ == "__main__":
    main()
