"""Photos under content/media read and resized with Pillow: sizes as browsers show them (EXIF
rotation applied), and the copies bantin/render/pictures.py plans, encoded once.

Published copies carry no EXIF, XMP or GPS (a reader must not learn where or with what a photo was
taken) but keep the colour profile. Encoded copies are kept in `.bantin-cache/images/`, named by a
key of the photo's bytes and of everything that shapes the encoding (these settings, this module
and pictures.py, Pillow's version), so an unchanged photo is never encoded twice and a changed
setting can never serve a stale copy. Missing copies are encoded in worker processes.
"""

from __future__ import annotations

import concurrent.futures
import io
import math
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path

import PIL
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from ..incremental.keys import digest_bytes, digest_value, source_digest
from ..incremental.parallel import start_method
from ..incremental.store import read_pickle, write_atomic, write_pickle
from ..problems import BuildFailed, Problem
from ..render import pictures
from ..render.pictures import Photos, Variant, plan_picture
from ..text import nfc

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
ENCODING = {
    "jpg": {"format": "JPEG", "quality": 80, "optimize": True, "progressive": True},
    "webp": {"format": "WEBP", "quality": 75, "method": 4},
    "png": {"format": "PNG", "compress_level": 9},
}
FULL_JPEG = {"format": "JPEG", "quality": 92, "optimize": True, "progressive": True}  # linked originals
_ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height
_UNREADABLE = (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError)


def settings_key() -> str:
    """Everything besides the photo's bytes that shapes an encoded copy."""
    return digest_value((ENCODING, FULL_JPEG, pictures.WIDTHS, PIL.__version__,
                         source_digest(Path(__file__), Path(pictures.__file__))))


@dataclass(frozen=True)
class Probe:
    """What Pillow said about one file, kept by its size and time so unchanged photos are not read again."""

    size: int
    mtime: int
    digest: str
    width: int
    height: int
    format: str


def probe(path: Path) -> Probe | None:
    """Digest, size as shown (EXIF rotation applied) and format of an image; None if Pillow cannot read it."""
    data = path.read_bytes()
    stat = path.stat()
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            fmt = "JPEG" if image.format == "MPO" else image.format or ""  # phones' JPEGs open as MPO
            orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except _UNREADABLE:
        return None
    if orientation in _ROTATED:
        width, height = height, width
    return Probe(stat.st_size, stat.st_mtime_ns, digest_bytes(data), width, height, fmt)


def read_photos(root: Path, media: tuple[str, ...], cache: Path | None) -> Photos:
    """Probe every image under content/media (reusing what the cache folder remembers)."""
    index_file = cache / "index.pickle" if cache else None
    index = (read_pickle(index_file) if index_file else None) or {}
    settings = settings_key()
    found, sources, fresh = {}, {}, {}
    for name in media:
        if not name.lower().endswith(IMAGE_SUFFIXES):
            continue
        path = root / name
        stat = path.stat()
        known = index.get(name)
        info = known if known and (known.size, known.mtime) == (stat.st_size, stat.st_mtime_ns) else probe(path)
        if info is None:
            continue
        fresh[name] = info
        ref = nfc(name)
        found[ref] = plan_picture(ref, info.width, info.height, info.format, digest_bytes(settings.encode(),
                                                                                          info.digest.encode()))
        sources[ref] = path
    if index_file and fresh != index:
        write_pickle(index_file, fresh)
    return Photos(found, sources)


@dataclass(frozen=True)
class Task:
    """The copies of one photo still to encode: (variant, file to write, full-size original?)."""

    source: Path
    ref: str
    key: str
    targets: tuple[tuple[Variant, Path, bool], ...]


def publish(output, photos: Photos, linked: set[str], folder: Path, jobs: int) -> None:
    """Put every copy of every photo (and the stripped originals articles link to) into `output`,
    encoding into `folder` those it does not hold yet."""
    tasks, files = [], []
    for ref, picture in sorted(photos.pictures.items()):
        if not picture.variants:
            continue
        targets = [(v, folder / f"{picture.key}-{v.width}.{v.ext}", False) for v in picture.variants]
        if ref in linked:
            targets.append((picture.full(), folder / f"{picture.key}-full.{picture.ext}", True))
        files += [(v.path, file) for v, file, _ in targets]
        missing = tuple(t for t in targets if not t[1].exists())
        if missing:
            tasks.append(Task(photos.sources[ref], ref, picture.key, missing))
    encode_all(tasks, jobs)
    for path, file in files:
        output.copy(file, path.lstrip("/"))


def encode_all(tasks: list[Task], jobs: int) -> None:
    """Encode the tasks, in worker processes when there are several; BuildFailed names unreadable photos."""
    jobs = min(jobs or os.cpu_count() or 1, len(tasks))
    tasks = sorted(tasks, key=lambda t: t.source.stat().st_size, reverse=True)  # largest first: even finish
    if jobs <= 1:
        errors = [encode(task) for task in tasks]
    else:
        context = multiprocessing.get_context(start_method())
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
            errors = list(pool.map(encode, tasks))
    problems = [Problem(task.ref, 0, "", f"cannot read the image: {error}",
                        "open it in an image editor and save it again as JPEG or PNG")
                for task, error in zip(tasks, errors) if error]
    if problems:
        raise BuildFailed(problems)


def encode(task: Task) -> str | None:
    """Write the copies of one photo; the reason as text when Pillow cannot decode it."""
    try:
        with Image.open(task.source) as image:
            largest = max(v.width for v, _, full in task.targets)
            rotated = image.getexif().get(ExifTags.Base.Orientation, 1) in _ROTATED
            if not any(full for _, _, full in task.targets):
                _draft(image, largest, rotated)
            image = ImageOps.exif_transpose(image)
            profile = image.info.get("icc_profile")
            for variant, file, full in task.targets:
                write_atomic(file, _encoded(image, variant, profile, full))
                # The writer knows a copied file by its size and time: a time made of the key gives
                # every build the same record, whichever folder the copy was encoded into.
                moment = int(task.key[:8], 16) * 1_000_000_000
                os.utime(file, ns=(moment, moment))
    except _UNREADABLE as error:
        return str(error) or type(error).__name__
    return None


def _draft(image: Image.Image, width: int, rotated: bool) -> None:
    """Let the JPEG decoder scale down by 1/2, 1/4 or 1/8 while still giving at least `width` pixels
    across as shown (EXIF may turn it): four times less work for a camera photo."""
    if image.format in ("JPEG", "MPO"):
        stored_w, stored_h = image.size
        scale = width / (stored_h if rotated else stored_w)
        image.draft(image.mode, (math.ceil(stored_w * scale), math.ceil(stored_h * scale)))


def _encoded(image: Image.Image, variant: Variant, profile: bytes | None, full: bool) -> bytes:
    """One copy's bytes: resized with Lanczos, in a mode its format takes, with no metadata but the profile."""
    settings = dict(FULL_JPEG if full and variant.ext == "jpg" else ENCODING[variant.ext])
    copy = _mode_for(image, variant.ext)
    if image.mode == "CMYK":
        profile = None  # a CMYK profile does not describe the converted pixels
    if copy.size != (variant.width, variant.height):
        copy = copy.resize((variant.width, variant.height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    elif copy is image:
        copy = image.copy()  # the next copies still need the source's info
    copy.info = {}  # EXIF, XMP, comments: nothing of the camera's travels with the pixels
    if profile:
        settings["icc_profile"] = profile
    buffer = io.BytesIO()
    copy.save(buffer, **settings)
    return buffer.getvalue()


def _mode_for(image: Image.Image, ext: str) -> Image.Image:
    """The image in a mode the target format can store (transparency kept where the format has it)."""
    transparent = "A" in image.getbands() or "transparency" in image.info
    if ext == "jpg":
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    if ext == "webp":
        wanted = "RGBA" if transparent else "RGB"
        return image if image.mode == wanted else image.convert(wanted)
    return image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA" if transparent else "RGB")
