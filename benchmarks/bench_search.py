"""Search on the generated corpus: the build with its index, an edit re-indexed, and queries in Chromium.

    python benchmarks/bench_search.py [--articles 5000 20000] [--jobs 2] [--append]

For each size, benchmarks/corpus-<n>/ (gen_corpus.py through bench_build.corpus) is built cold with
`build.py build --jobs N` (a fresh output and cache), timing the wall clock and the peak memory of
the whole process tree (bantin, its workers and every Pagefind run; bench_peers.run); then one
article from the middle of the corpus gets a sentence appended and the site is published again with
the cache and the previous build present (its shard is re-indexed, the others kept), and restored.
Then the site is served on localhost and, for each query, a fresh Chromium context opens /tim-kiem/,
waits until the search is ready, types the query and presses Enter: the time from Enter to the first
result on screen, and the bytes of every response since the page was opened (a fresh context has
nothing cached, so this counts Pagefind's code, the shards' metadata and the chunks the query needs).
Prints Markdown; --append adds it to benchmarks/README.md under "## Search".
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from bantin.output.search import INDEX_DIR, SHARDS_FILE  # noqa: E402
from bantin.output.search.pagefind import PAGEFIND_VERSION  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_folder  # noqa: E402

# The corpus's most common words first (every generated article holds "Đảng bộ"), then rarer ones.
QUERIES = ("dang bo", "Đảng bộ", "chi bo bon tot", "ket nap dang vien", "dang vien", "phat trien dang vien",
           "chuyen doi so", "Phú Thuận", "xyzzyqwv")
READY = "window.bantinSearch && !document.querySelector('[data-search-filters]').hidden"
SENTENCE = "\nBan biên tập bổ sung thêm một câu để đo thời gian đăng lại bài.\n"


def build(content: Path, out: Path, jobs: int, *extra: str):
    """One build in a child process: (seconds, peak MB of the whole process tree)."""
    from bench_peers import run
    sample = run([sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--out", str(out),
                  "--jobs", str(jobs), *extra])
    return sample.seconds, sample.peak_mb


def edit_and_publish(content: Path, out: Path, jobs: int) -> tuple[float, float]:
    """Seconds to publish one edited article (cache and previous build present), then restored."""
    from bench_incremental import edited_article
    article = edited_article(content)
    original = article.read_bytes()
    try:
        article.write_bytes(original.rstrip(b"\n") + b"\n" + SENTENCE.encode("utf-8"))
        edited = build(content, out, jobs)[0]
    finally:
        article.write_bytes(original)
    return edited, build(content, out, jobs)[0]


def folder_bytes(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def browse(site: Path, queries: tuple[str, ...], rounds: int) -> list[dict]:
    """For each query: median ms from Enter to the first result on screen, and bytes fetched."""
    from playwright.sync_api import sync_playwright
    url, server = serve_folder(site)
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for query in queries:
                runs = [one_query(browser, url, query) for _ in range(rounds)]
                rows.append({"query": query, "ms": statistics.median(r["ms"] for r in runs),
                             "bytes": statistics.median(r["bytes"] for r in runs),
                             "status": runs[0]["status"], "first": runs[0]["first"]})
            browser.close()
    finally:
        server.shutdown()
    return rows


def one_query(browser, url: str, query: str) -> dict:
    context = browser.new_context()
    sizes: list[int] = []
    context.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"]))
    page = context.new_page()
    page.goto(f"{url}/tim-kiem/")
    page.wait_for_function(READY, timeout=120_000)
    page.fill("#search-q", query)
    page.evaluate("""() => { window.__enter = null;
        document.querySelector('#search-q').addEventListener('keydown', () => { window.__enter = performance.now(); },
                                                            { once: true });
        new MutationObserver((_, observer) => { if (document.querySelector('.search-result')) {
            window.__first = performance.now(); observer.disconnect(); } })
          .observe(document.querySelector('[data-search-list]'), { childList: true }); }""")
    page.press("#search-q", "Enter")
    done = ("window.__first || /Không tìm thấy|Nothing found/.test("
            "document.querySelector('[data-search-status]').textContent)")
    page.wait_for_function(done, timeout=120_000)
    ms = page.evaluate("(window.__first || performance.now()) - window.__enter")
    page.wait_for_function("!document.querySelector('[data-search-status]').textContent.startsWith('Đang')")
    page.wait_for_load_state("networkidle")
    first = page.evaluate("(document.querySelector('.search-result h3') || {}).textContent || ''")
    result = {"ms": ms, "bytes": sum(sizes), "status": page.text_content("[data-search-status]"), "first": first}
    context.close()
    return result


def report(articles: int, jobs: int, cold: tuple[float, float], bare: tuple[float, float] | None,
           edit: tuple[float, float], index: tuple[int, int], shards: list[str], rows: list[dict]) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    lines = [
        f"### {articles:,} articles — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}, "
        f"`nproc` {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, Pagefind {PAGEFIND_VERSION}",
        "",
        f"- cold build with search (`--jobs {jobs}`, no previous build or cache): **{cold[0]:.1f} s**, "
        f"peak memory of the whole process tree **{cold[1]:,.0f} MB**"
        + (f" (without search: {bare[0]:.1f} s, {bare[1]:,.0f} MB)" if bare else ""),
        f"- one article edited and published (cache and previous build present, its shard re-indexed): "
        f"**{edit[0]:.1f} s**; restored: {edit[1]:.1f} s",
        f"- index: {index[0] / 1e6:.1f} MB in {index[1]:,} files, {len(shards)} shards ({', '.join(shards)})",
        "",
        "| query | results | Enter → first result on screen, ms | bytes fetched (page + search) | first result |",
        "|---|---|---:|---:|---|",
    ]
    for row in rows:
        lines.append(f"| `{row['query']}` | {row['status']} | {row['ms']:,.0f} | {row['bytes']:,.0f} | {row['first'][:60]} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[5000])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="fresh browser contexts per query (median)")
    parser.add_argument("--without-search", action="store_true", help="also time a cold build with --no-search")
    parser.add_argument("--append", action="store_true", help='append the figures to benchmarks/README.md "## Search"')
    args = parser.parse_args()
    from bench_build import corpus
    texts = []
    for articles in args.articles:
        content = corpus(articles, args.units, args.seed)
        with tempfile.TemporaryDirectory(prefix="bench-search-", dir=HERE) as scratch:
            site = Path(scratch) / "site"
            bare = None
            if args.without_search:
                bare = build(content, Path(scratch) / "bare", args.jobs, "--no-search", "--no-cache")
                shutil.rmtree(Path(scratch) / "bare")
            cold = build(content, site, args.jobs)
            edit = edit_and_publish(content, site, args.jobs)
            shards = json.loads((site / SHARDS_FILE).read_text(encoding="utf-8"))["shards"]
            rows = browse(site, QUERIES, args.rounds)
            texts.append(report(articles, args.jobs, cold, bare, edit, folder_bytes(site / INDEX_DIR), shards, rows))
            print(texts[-1], flush=True)
    if args.append:
        readme = HERE / "README.md"
        existing = readme.read_text(encoding="utf-8")
        heading = "" if "\n## Search\n" in existing else "\n## Search\n\n"
        with readme.open("a", encoding="utf-8") as out:
            out.write(heading + "\n" + "\n".join(texts))


if __name__ == "__main__":
    main()
