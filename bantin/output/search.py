"""Full-text search index over the built site, written by Pagefind (see docs/search.md).

Only article pages are indexed (templates/article.html marks the `data-pagefind-body`). Pagefind
already matches Vietnamese tones loosely ("bo" finds "bộ") but treats "đ" as its own letter; the
page script (assets/js/search.js) covers that by also searching the d/đ variants of the query.
What this module adds to each page before Pagefind reads it: the unit filter values of every
ancestor unit, so that filtering by a unit also finds the news of its sub-units.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .opendata import JSON_PATH as UNITS_JSON
from ..messages import msg
from ..problems import BuildFailed, Problem

INDEX_DIR = "pagefind"
UNITS_FILE = f"{INDEX_DIR}/bantin-units.json"  # unit names for the filter box, read by search.js
STAMP_FILE = "_bantin/search.json"  # fingerprint of what the index was built from
PAGES_FILE = "_bantin/pages.json"
# Bump when the way pages are prepared for Pagefind changes, so old indexes are not reused.
FORMAT_VERSION = 3
PAGEFIND_VERSION = "1.5.2"

_BODY_TAG = re.compile(r"<[a-z]+\b[^>]*\bdata-pagefind-body\b[^>]*>")
_UNIT_FILTER = re.compile(r'data-pagefind-filter="unit:([^"]+)"')
# Pagefind's ready-made interfaces; search.js uses only pagefind.js (and the worker, wasm, index).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
_VIEWS = re.compile(rb"<span[^>]*\bdata-views=[^>]*>[^<]*</span>")
_STAGING = re.compile(r"\.(?P<name>.+)\.staging-\d+")


def index_site(site_dir: Path, language: str, previous: Path | None = None) -> None:
    """Write `<site_dir>/pagefind/` for the article pages, reusing the previous build's index when
    no article page, unit or setting changed. `previous` is the last published site (by default
    the output folder the staging folder `site_dir` will replace)."""
    previous = previous if previous is not None else published_site(site_dir)
    paths = article_paths(site_dir)
    units = read_units(site_dir)
    digest = fingerprint(site_dir, paths, units, language)
    if previous is None or not reuse_index(previous, site_dir, digest):
        parents = {unit["id"]: unit["parent"] for unit in units}
        pages = [(path, prepare_page((site_dir / page_file(path)).read_text(encoding="utf-8"), parents))
                 for path in paths]
        run_pagefind(pages, site_dir / INDEX_DIR, language)
        normalise_filters(site_dir / INDEX_DIR)
        drop_unused(site_dir / INDEX_DIR)
        (site_dir / UNITS_FILE).write_bytes(units_json(units))
    stamp = site_dir / STAMP_FILE
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({"version": FORMAT_VERSION, "digest": digest}) + "\n", encoding="utf-8")


def drop_unused(index_dir: Path) -> None:
    """Remove the bundled search interfaces nobody loads (~400 KB per site)."""
    for name in UNUSED:
        (index_dir / name).unlink(missing_ok=True)


def published_site(stage_dir: Path) -> Path | None:
    """The output folder a staging folder (`.site.staging-123`, see bantin/writer.py) will replace."""
    match = _STAGING.fullmatch(stage_dir.name)
    return stage_dir.with_name(match["name"]) if match else None


def article_paths(site_dir: Path) -> list[str]:
    """Site paths of the article pages, from the page manifest (docs/contracts.md), sorted."""
    manifest = json.loads((site_dir / PAGES_FILE).read_text(encoding="utf-8"))
    return sorted(page["path"] for page in manifest["pages"] if page["kind"] == "article")


def page_file(site_path: str) -> str:
    """The file that holds a site path: "/tin-tuc/x/" -> "tin-tuc/x/index.html"."""
    return site_path.strip("/") + "/index.html" if site_path != "/" else "index.html"


def read_units(site_dir: Path) -> list[dict]:
    """Units in tree order with id, name, parent and depth, from the open-data file of the build."""
    data = json.loads((site_dir / UNITS_JSON).read_text(encoding="utf-8"))
    return [{"id": u["id"], "name": u["name"], "parent": u["parent"], "depth": u["depth"]} for u in data["units"]]


def ancestors(unit_id: str, parents: dict[str, str | None]) -> list[str]:
    """The parents of a unit from its own parent up to the top; unknown ids have none."""
    chain, node = [], parents.get(unit_id)
    while node is not None and node not in chain:  # `not in chain` guards against a cycle
        chain.append(node)
        node = parents.get(node)
    return chain


def prepare_page(html: str, parents: dict[str, str | None]) -> str:
    """The page as Pagefind should see it: with unit filter values for every ancestor unit,
    so that filtering by "Đảng bộ huyện" also finds the news of its communes and branches."""
    found = _UNIT_FILTER.search(html)
    body = _BODY_TAG.search(html)
    if found is None or body is None:
        return html
    extra = "".join(f'<span data-pagefind-filter="unit:{unit}"></span>' for unit in ancestors(found[1], parents))
    return html[:body.end()] + extra + html[body.end():]


def fingerprint(site_dir: Path, paths: list[str], units: list[dict], language: str) -> str:
    """A digest of everything the index is made of: article pages, the unit tree, the settings."""
    digest = hashlib.sha256(f"{FORMAT_VERSION}\0{PAGEFIND_VERSION}\0{language}\0".encode())
    digest.update(json.dumps(units, sort_keys=True).encode())
    for path in paths:
        digest.update(path.encode() + b"\0")
        digest.update(hashlib.sha256(indexed_part((site_dir / page_file(path)).read_bytes())).digest())
    return digest.hexdigest()


def indexed_part(html: bytes) -> bytes:
    """The bytes of a page that can change its index entry: from the indexed element to the end of
    <main>, without view counts. The header's date and the side column change every day or with
    every counter snapshot, and must not force a new index."""
    start = html.find(b"data-pagefind-body")
    end = html.find(b"</main>", start)
    part = html[start:end] if start >= 0 and end >= 0 else html
    return _VIEWS.sub(b"", part)


def reuse_index(previous: Path, site_dir: Path, digest: str) -> bool:
    """Link the previous build's index into the stage when it was built from the same pages."""
    try:
        stamp = json.loads((previous / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    old = previous / INDEX_DIR
    if stamp.get("digest") != digest or not (old / "pagefind-entry.json").is_file():
        return False
    shutil.copytree(old, site_dir / INDEX_DIR, copy_function=_link_or_copy, dirs_exist_ok=True)
    return True


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)  # the published file is never rewritten in place, so sharing is safe
    except OSError:
        shutil.copy2(source, target)


def units_json(units: list[dict]) -> bytes:
    """The unit names and depths the search page shows in its unit filter, in tree order."""
    rows = [{"id": u["id"], "name": u["name"], "depth": u["depth"]} for u in units]
    return json.dumps({"version": 1, "units": rows}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def run_pagefind(pages: list[tuple[str, str]], out_dir: Path, language: str) -> None:
    """Index (site path, HTML) pairs with the Pagefind binary shipped by the `pagefind` package.

    The prepared pages go to a scratch folder that mirrors their site paths, so Pagefind derives
    each result URL itself. (Its Python API is not used: its service client reads one reply per
    100 ms, which makes 5,000 pages take minutes.)"""
    binary = pagefind_binary()
    with tempfile.TemporaryDirectory(prefix=".search-", dir=out_dir.parent.parent) as scratch:
        root = Path(scratch)
        for path, html in pages:
            target = root / page_file(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        command = [str(binary), "--site", str(root), "--output-path", str(out_dir.resolve()),
                   "--force-language", language, "--silent"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip()
        raise BuildFailed([Problem(INDEX_DIR, 0, "", msg("Pagefind failed: {output}", output=output))])


def pagefind_binary() -> Path:
    """The Pagefind executable of the installed `pagefind[extended]` package (never downloaded)."""
    try:
        from pagefind.service import get_executable
        binary = get_executable()
    except ImportError:
        binary = None
    if binary is None or not binary.is_file():
        raise BuildFailed([Problem(INDEX_DIR, 0, "", msg("the Pagefind binary is not installed"),
                                   msg("pip install -r requirements.txt (pagefind[extended]), "
                                       "or build with --no-search"))])
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
