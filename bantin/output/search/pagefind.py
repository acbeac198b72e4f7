"""Running the Pagefind binary shipped by the `pagefind[extended]` wheel, and making its output
byte-identical from run to run (see docs/search.md)."""

from __future__ import annotations

import gzip
import hashlib
import subprocess
from pathlib import Path

from ...messages import msg
from ...problems import BuildFailed, Problem

PAGEFIND_VERSION = "1.5.2"
# Pagefind's ready-made interfaces; search.js uses only pagefind.js (and the worker, wasm, index).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


def start_pagefind(pages_dir: Path, out_dir: Path, language: str) -> subprocess.Popen:
    """Start Pagefind over a folder of prepared pages (their paths are the site paths); see finish()."""
    command = [str(pagefind_binary()), "--site", str(pages_dir), "--output-path", str(out_dir),
               "--force-language", language, "--silent"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen, out_dir: Path, where: str) -> None:
    """Wait for a Pagefind run, then make its output stable and drop what nobody loads."""
    output, _ = process.communicate()
    if process.returncode != 0:
        raise BuildFailed([Problem(where, 0, "", msg("Pagefind failed: {output}", output=output.strip()))])
    normalise_filters(out_dir)
    for name in UNUSED:
        (out_dir / name).unlink(missing_ok=True)


def pagefind_binary() -> Path:
    """The Pagefind executable of the installed `pagefind[extended]` package (never downloaded)."""
    try:
        from pagefind.service import get_executable
        binary = get_executable()
    except ImportError:
        binary = None
    if binary is None or not binary.is_file():
        raise BuildFailed([Problem("pagefind", 0, "", msg("the Pagefind binary is not installed"),
                                   msg("pip install -r requirements.txt (pagefind[extended]), or build with --no-search"))])
    return binary


# -- byte-identical output ------------------------------------------------------------------------
# Pagefind 1.5.2 writes the values inside each filter file in hash-map order, which changes from run
# to run (everything else it writes is stable). The file names are content hashes, so the order
# leaks into the names, into the language's .pf_meta that lists them and into pagefind-entry.json.
# Sorting the values and renaming the files in the same way makes two builds of the same pages equal.
_SIGNATURE = b"pagefind_dcd"


def normalise_filters(index_dir: Path) -> None:
    """Sort the values in every filter file and rename the files and their references to match."""
    entry_file = index_dir / "pagefind-entry.json"
    entry = entry_file.read_text(encoding="utf-8")
    for meta_file in sorted(index_dir.glob("pagefind.*.pf_meta")):
        old_hash = meta_file.name[len("pagefind."):-len(".pf_meta")]
        language = old_hash.rsplit("_", 1)[0]
        meta = gzip.decompress(meta_file.read_bytes())
        entries = []
        for filter_file in sorted((index_dir / "filter").glob(f"{language}_*.pf_filter")):
            data = sort_filter(gzip.decompress(filter_file.read_bytes()))
            new_name = _rewrite(filter_file, data, 7)
            meta = meta.replace(filter_file.stem.encode(), new_name.encode())  # same length: CBOR stays valid
            entries.append(b"\x82" + _text(_filter_name(data)) + _text(new_name.encode()))
        meta = _sort_span(meta, entries)
        new_hash = f"{language}_{hashlib.sha256(meta).hexdigest()[:len(old_hash) - len(language) - 1]}"
        meta_file.unlink()
        (index_dir / f"pagefind.{new_hash}.pf_meta").write_bytes(gzip.compress(meta, mtime=0))
        entry = entry.replace(f'"{old_hash}"', f'"{new_hash}"')
    entry_file.write_text(entry, encoding="utf-8")


def _sort_span(meta: bytes, entries: list[bytes]) -> bytes:
    """The meta file with its list of `[filter name, file]` pairs (also in hash-map order) sorted."""
    if not entries:
        return meta
    start = min(meta.find(entry) for entry in entries)
    end = start + sum(len(entry) for entry in entries)
    if start < 0 or sorted(entries) != sorted(_split(meta[start:end], entries)):
        raise ValueError("unexpected layout of the Pagefind meta file")
    return meta[:start] + b"".join(sorted(entries)) + meta[end:]


def _split(span: bytes, entries: list[bytes]) -> list[bytes]:
    """The entries found one after another in `span` (an unknown one ends the list)."""
    found, pos = [], 0
    while pos < len(span):
        match = next((e for e in entries if span.startswith(e, pos)), None)
        if match is None:
            break
        found.append(match)
        pos += len(match)
    return found


def _text(value: bytes) -> bytes:
    """A short CBOR text string (filter names and file names are well under 256 bytes)."""
    return (bytes([0x60 + len(value)]) if len(value) < 24 else bytes([0x78, len(value)])) + value


def _filter_name(data: bytes) -> bytes:
    """The filter name in a filter file's CBOR."""
    _, _, pos = _head(data, len(_SIGNATURE))
    _, length, pos = _head(data, pos)
    return data[pos:pos + length]


def _rewrite(path: Path, data: bytes, digits: int) -> str:
    """Replace a Pagefind file by `data` under a name hashed from it; returns the new stem."""
    language = path.stem.rsplit("_", 1)[0]
    stem = f"{language}_{hashlib.sha256(data).hexdigest()[:digits]}"
    path.unlink()
    path.with_name(stem + path.suffix).write_bytes(gzip.compress(data, mtime=0))
    return stem


def sort_filter(data: bytes) -> bytes:
    """A filter file's CBOR, `[name, [[value, [page, …]], …]]`, with the values in sorted order."""
    if not data.startswith(_SIGNATURE):
        raise ValueError("not a Pagefind filter file")
    pos = len(_SIGNATURE)
    _, _, pos = _head(data, pos)  # the outer 2-element array
    pos = _skip(data, pos)  # the filter name
    _, count, items_start = _head(data, pos)
    spans, cursor = [], items_start
    for _ in range(count):
        end = _skip(data, cursor)
        spans.append((_first_text(data, cursor), data[cursor:end]))
        cursor = end
    return data[:items_start] + b"".join(span for _, span in sorted(spans)) + data[cursor:]


def _head(data: bytes, pos: int) -> tuple[int, int, int]:
    """One CBOR item head: (major type, argument, position after the head)."""
    major, info = data[pos] >> 5, data[pos] & 0x1F
    if info < 24:
        return major, info, pos + 1
    size = 1 << (info - 24)  # 24..27: the argument follows in 1, 2, 4 or 8 bytes
    return major, int.from_bytes(data[pos + 1:pos + 1 + size], "big"), pos + 1 + size


def _skip(data: bytes, pos: int) -> int:
    """The position after one CBOR item (definite lengths only, which is what Pagefind writes)."""
    major, arg, pos = _head(data, pos)
    if major in (2, 3):
        return pos + arg
    if major == 4:
        for _ in range(arg):
            pos = _skip(data, pos)
    elif major == 5:
        for _ in range(2 * arg):
            pos = _skip(data, pos)
    return pos


def _first_text(data: bytes, pos: int) -> bytes:
    """The bytes of the first text string inside the array at `pos` (a filter value)."""
    _, _, pos = _head(data, pos)
    _, length, pos = _head(data, pos)
    return data[pos:pos + length]
