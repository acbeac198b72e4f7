"""Full-text search: a Pagefind index per shard of the site (see docs/search.md).

Articles are split by year (a big year by months), so an edit re-indexes one shard and each
Pagefind run stays small in memory; units and standalone pages have a shard of their own, last. The
pages Pagefind reads are made from the site model (documents.py), with their words folded so one
query finds every spelling. A shard whose documents did not change keeps its published files.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

from ...site.model import SiteModel
from ..writer import Stage, Update
from .documents import BODY_WORDS, Document, newest_first, page_html, site_documents
from .pagefind import PAGEFIND_VERSION, finish, start_pagefind

INDEX_DIR = "pagefind"
UNITS_FILE = f"{INDEX_DIR}/bantin-units.json"  # unit names for the filter box, read by search.js
SHARDS_FILE = f"{INDEX_DIR}/bantin-shards.json"  # the shards, newest first, read by search.js
STAMP_FILE = "_bantin/search.json"  # what each shard was built from
FORMAT_VERSION = 4  # the digests below include it: a new way of preparing pages rebuilds every shard
SHARD_PAGES = 2500  # a bigger year is split by months; Pagefind takes ~0.15 MB of memory per page
MONTH_SPLITS = (1, 2, 3, 4, 6, 12)
OTHER_SHARD = "khac"  # units and standalone pages: undated, so after every article


def index_site(output: Stage | Update, model: SiteModel, language: str, body_words: int = BODY_WORDS) -> None:
    """Publish `pagefind/` for `model` through `output`: changed shards are indexed again,
    the others keep the previous build's files."""
    shards = shard_documents(site_documents(model, language, body_words))
    digests = {shard: shard_digest(docs, language) for shard, docs in shards.items()}
    previous = previous_digests(output.out)
    changed = [s for s in shards if previous.get(s) != digests[s] or not output.keep_tree(f"{INDEX_DIR}/{s}")]
    build_shards(output, {s: shards[s] for s in changed}, language)
    order = sorted((s for s in shards if s != OTHER_SHARD), reverse=True) + [s for s in shards if s == OTHER_SHARD]
    output.write(SHARDS_FILE, shards_json(order))
    output.write(UNITS_FILE, units_json(model))
    stamp = {"version": FORMAT_VERSION, "pagefind": PAGEFIND_VERSION, "shards": digests}
    output.write(STAMP_FILE, (json.dumps(stamp, sort_keys=True, indent=0) + "\n").encode())


def shard_of(doc: Document, sizes: dict[int, int]) -> str:
    """The shard a document belongs to: its year ("2024"), or the year's first month of its block
    ("2024-07") when the year holds more than SHARD_PAGES articles; units and pages: OTHER_SHARD."""
    if doc.year is None:
        return OTHER_SHARD
    year = doc.year
    splits = next((n for n in MONTH_SPLITS if sizes.get(year, 0) <= n * SHARD_PAGES), 12)
    if splits == 1:
        return f"{year:04d}"
    month = int(doc.iso[5:7]) if doc.iso else 12
    first = (month - 1) // (12 // splits) * (12 // splits) + 1
    return f"{year:04d}-{first:02d}"


def shard_documents(docs: list[Document]) -> dict[str, list[Document]]:
    """Documents grouped by shard, in their stable order."""
    sizes: dict[int, int] = defaultdict(int)
    for doc in docs:
        if doc.year is not None:
            sizes[doc.year] += 1
    shards: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        shards[shard_of(doc, sizes)].append(doc)
    return dict(shards)


def shard_digest(docs: list[Document], language: str) -> str:
    """A digest of everything a shard's index is made of."""
    digest = hashlib.sha256(f"{FORMAT_VERSION}\0{PAGEFIND_VERSION}\0{language}\0".encode())
    for doc in docs:
        digest.update(doc.path.encode() + b"\0" + page_html(doc).encode() + b"\0")
    return digest.hexdigest()


def previous_digests(out: Path) -> dict[str, str]:
    """The shard digests the published build recorded (none when it has no usable index)."""
    try:
        stamp = json.loads((out / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stamp, dict) or stamp.get("version") != FORMAT_VERSION or not isinstance(stamp.get("shards"), dict):
        return {}
    return {str(k): str(v) for k, v in stamp["shards"].items()}


def build_shards(output: Stage | Update, shards: dict[str, list[Document]], language: str) -> None:
    """Index the given shards one after the other (memory, not cores, is what runs out first) and
    publish their files; the next shard's pages are written while Pagefind works on this one."""
    running = None
    for shard in sorted(shards, reverse=True):
        pages = write_pages(output.work_dir(f"search-pages-{shard}"), shards[shard])
        if running:
            finish(*running)
            output.adopt(f"{INDEX_DIR}/{running[2]}", running[1])
        out_dir = output.work_dir(f"search-index-{shard}")
        running = (start_pagefind(pages, out_dir, language), out_dir, shard)
    if running:
        finish(*running)
        output.adopt(f"{INDEX_DIR}/{running[2]}", running[1])


def write_pages(folder: Path, docs: list[Document]) -> Path:
    """The prepared pages, named in the order Pagefind should number them (search.js links each
    result by its `path` metadata, not by the file name)."""
    for number, doc in enumerate(newest_first(docs)):
        (folder / f"{number:06d}.html").write_text(page_html(doc), encoding="utf-8")
    return folder


def shards_json(order: list[str]) -> bytes:
    """The shards, newest first and OTHER_SHARD last: the first is Pagefind's primary index,
    the others are merged into it."""
    return json.dumps({"version": 1, "shards": order}, separators=(",", ":")).encode()


def units_json(model: SiteModel) -> bytes:
    """The unit names and depths the search page shows in its unit filter, in tree order."""
    rows, stack = [], [(root, 0) for root in reversed(model.roots)]
    while stack:
        unit_id, depth = stack.pop()
        rows.append({"id": unit_id, "name": model.units[unit_id].name, "depth": depth})
        stack.extend((child, depth + 1) for child in reversed(model.children.get(unit_id, ())))
    return json.dumps({"version": 1, "units": rows}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


__all__ = ["INDEX_DIR", "SHARDS_FILE", "STAMP_FILE", "UNITS_FILE", "index_site"]
