"""Search at 5,000 articles: index build time, index size, bytes fetched and time to first results.

    python benchmarks/bench_search.py [--articles 5000] [--jobs 2] [--runs 3] [--site DIR] [--append]

Builds benchmarks/corpus-<n>/ (made by gen_corpus.py through bench_build.corpus) once with
`build.py build --jobs N`, then times the index step on that site: each phase of a fresh index
(prepare pages, Pagefind, normalise) and the check a no-op rebuild makes before reusing the
previous index. Then serves the site on localhost and, for each query, opens /tim-kiem/?q=… in a
fresh Chromium context (empty cache), counting the bytes of every response and the time from
navigation start to the first result on screen. Prints Markdown; --append adds it to
benchmarks/README.md under "## Search".
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from bantin import search  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_folder  # noqa: E402

QUERIES = ("dang bo", "chi bo bon tot", "Đảng bộ", "xyzzyqwv")
FIRST_RESULT = ("document.querySelector('.search-result') !== null || "
                "/Không tìm thấy|No articles/.test(document.querySelector('[data-search-status]').textContent)")


def build_site(content: Path, out: Path, jobs: int) -> float:
    """A full build (with the index) in a child process; returns its wall time."""
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--out", str(out),
                    "--jobs", str(jobs), "--no-cache"], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def time_phases(site: Path, scratch: Path) -> dict[str, float]:
    """Seconds of each phase of a fresh index of `site`, written into a scratch copy."""
    stage = scratch / "stage"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(site, stage, ignore=shutil.ignore_patterns("pagefind", "search.json"))
    clock = time.perf_counter
    t0 = clock()
    paths = search.article_paths(stage)
    units = search.read_units(stage)
    search.fingerprint(stage, paths, units, "vi")
    t1 = clock()
    parents = {u["id"]: u["parent"] for u in units}
    pages = [(p, search.prepare_page((stage / search.page_file(p)).read_text(encoding="utf-8"), parents))
             for p in paths]
    t2 = clock()
    search.run_pagefind(pages, stage / search.INDEX_DIR, "vi")
    t3 = clock()
    search.normalise_filters(stage / search.INDEX_DIR)
    search.drop_unused(stage / search.INDEX_DIR)
    t4 = clock()
    return {"fingerprint": t1 - t0, "prepare": t2 - t1, "pagefind": t3 - t2, "normalise": t4 - t3, "total": t4 - t0}


def time_reuse(site: Path, scratch: Path) -> float:
    """Seconds of index_site on an unchanged copy: fingerprint, compare, link the previous index."""
    stage = scratch / "reuse"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(site, stage, ignore=shutil.ignore_patterns("pagefind", "search.json"))
    started = time.perf_counter()
    search.index_site(stage, "vi", previous=site)
    return time.perf_counter() - started


def folder_bytes(folder: Path) -> tuple[int, int]:
    """(total bytes, file count) under a folder."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def browse(site: Path) -> list[dict]:
    """For each query, in a fresh context: bytes fetched (all / Pagefind's) and ms to first result."""
    from playwright.sync_api import sync_playwright
    url, server = serve_folder(site)
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for query in QUERIES:
                context = browser.new_context()
                page = context.new_page()
                sizes: list[tuple[str, int]] = []
                page.on("requestfinished", lambda r: sizes.append((r.url, r.sizes()["responseBodySize"])))
                page.goto(f"{url}/tim-kiem/?q={quote(query)}")
                page.wait_for_function(FIRST_RESULT, timeout=60_000)
                first_ms = page.evaluate("performance.now()")
                count = page.text_content("[data-search-status]")
                page.wait_for_load_state("networkidle")
                rows.append({"query": query, "ms": first_ms, "status": count,
                             "all": sum(n for _, n in sizes), "requests": len(sizes),
                             "pagefind": sum(n for u, n in sizes if "/pagefind/" in u),
                             "pagefind_requests": sum(1 for u, _ in sizes if "/pagefind/" in u),
                             **plain_pagefind(browser, url, query)})
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return rows


def plain_pagefind(browser, url: str, query: str) -> dict:
    """The same query through Pagefind alone (no d/đ variants, no phrases), for comparison:
    ms for init + search + the first ten results' data, and Pagefind bytes, in a fresh context."""
    context = browser.new_context()
    page = context.new_page()
    sizes: list[int] = []
    page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"] if "/pagefind/" in r.url else 0))
    page.goto(f"{url}/404.html")  # a page without search.js, so only this script loads Pagefind
    ms = page.evaluate("""async (q) => { const t = performance.now();
        const pf = await import('/pagefind/pagefind.js'); await pf.init();
        const found = await pf.search(q); await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
        return performance.now() - t; }""", query)
    context.close()
    return {"plain_ms": ms, "plain_bytes": sum(sizes)}


def report(articles: int, jobs: int, build_s: float | None, phases: list[dict], reuse: list[float],
           size: tuple[int, int], site_size: tuple[int, int], rows: list[dict]) -> str:
    median = lambda key: statistics.median(p[key] for p in phases)  # noqa: E731
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()[0]
    lines = [
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC at commit {commit}, `nproc` {os.cpu_count()}, "
        f"{cpu}, Python {platform.python_version()}, Pagefind {search.PAGEFIND_VERSION}; load average {load:.1f}. "
        f"`python benchmarks/bench_search.py --articles {articles} --jobs {jobs}`:",
        "",
        f"- full build with the index (`--jobs {jobs}`, `--no-cache`): "
        + (f"{build_s:.1f} s" if build_s is not None else "not measured (`--site`)"),
        f"- fresh index, median of {len(phases)}: **{median('total'):.2f} s** = fingerprint {median('fingerprint'):.2f} s"
        f" + prepare pages {median('prepare'):.2f} s + Pagefind {median('pagefind'):.2f} s"
        f" + normalise {median('normalise'):.2f} s",
        f"- no-op rebuild (no article changed: fingerprint, then link the previous index): "
        f"{statistics.median(reuse):.2f} s",
        f"- index size: {size[0] / 1e6:.1f} MB in {size[1]:,} files (site: {site_size[0] / 1e6:.0f} MB, {site_size[1]:,} files)",
        "",
        "| query (fresh browser context) | results | first result on screen, ms from navigation | "
        "bytes fetched, all (requests) | of which Pagefind (requests) | Pagefind alone: ms, bytes |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(f"| `{row['query']}` | {row['status']} | {row['ms']:,.0f} | {row['all']:,} ({row['requests']}) | "
                     f"{row['pagefind']:,} ({row['pagefind_requests']}) | {row['plain_ms']:,.0f}, {row['plain_bytes']:,} |")
    lines += ["", "\"Pagefind alone\": `pagefind.search(query)` as typed and the first ten results' data, without "
              "search.js's d/đ variants and phrase searches."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3, help="fresh index runs (median reported)")
    parser.add_argument("--site", type=Path, default=None,
                        help="measure an already built site of the corpus instead of building one (no build time)")
    parser.add_argument("--append", action="store_true", help='append the figures to benchmarks/README.md "## Search"')
    args = parser.parse_args()
    from bench_build import corpus
    content = corpus(args.articles, args.units, args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-search-", dir=HERE) as scratch:
        scratch_dir = Path(scratch)
        site = args.site or scratch_dir / "site"
        build_s = build_site(content, site, args.jobs) if args.site is None else None
        phases = [time_phases(site, scratch_dir) for _ in range(args.runs)]
        reuse = [time_reuse(site, scratch_dir) for _ in range(args.runs)]
        text = report(args.articles, args.jobs, build_s, phases, reuse, folder_bytes(site / search.INDEX_DIR),
                      folder_bytes(site), browse(site))
    print(text)
    if args.append:
        readme = HERE / "README.md"
        existing = readme.read_text(encoding="utf-8")
        heading = "" if "\n## Search\n" in existing else "\n## Search\n\n"
        with readme.open("a", encoding="utf-8") as out:
            out.write(heading + ("\n" if not heading else "") + text)


if __name__ == "__main__":
    main()
