"""Time the rebuild after editing one article, as an editor previewing a change would wait for it.

    python benchmarks/bench_incremental.py [--sizes 1000 5000] [--jobs N] [--cmd "python build.py"]

For each corpus (see bench_build.py): a first build fills the cache, a warm build changes nothing,
then one article gets a sentence appended to its body and the site is rebuilt; the article is
restored afterwards (also on failure or Ctrl-C) and rebuilt once more. The edits happen in a copy
of the corpus, so an interrupted run cannot leave the cached corpus changed. Prints a Markdown table.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

from bench_build import Bench, BuildFailed, command, corpus, describe, machine, parse_args, scratch

SENTENCE = "\nBan biên tập bổ sung thêm một câu để đo thời gian dựng lại trang.\n"
HEADER = ("| articles | build | HTML pages | wall s | peak RSS MB | build's summary |\n"
          "|---:|---|---:|---:|---:|---|")


def edited_article(content: Path) -> Path:
    """A deterministic article from the middle of the corpus."""
    posts = sorted((content / "posts").rglob("*.md"))
    return posts[len(posts) // 2]


def row(run) -> str:
    return (f"| {run.articles:,} | {run.label} | {run.pages:,} | {run.seconds:.2f} | "
            f"{run.rss_mb:,.0f} | {run.summary.split(': ', 1)[-1].replace('|', '/')} |")


def bench_one(bench: Bench, content: Path) -> list:
    bench.clean()
    runs = [bench.run("first (fills cache)"), bench.run("warm (no change)")]
    article = edited_article(content)
    original = article.read_bytes()
    try:
        article.write_bytes(original.rstrip(b"\n") + b"\n" + SENTENCE.encode("utf-8"))
        runs.append(bench.run("one article edited"))
    finally:
        article.write_bytes(original)
    runs.append(bench.run("article restored"))
    return runs


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.split("\n\n")[0])
    prefix = command(args.cmd)
    print(f"{machine()}; build: {describe(prefix, args)}", flush=True)
    print(HEADER, flush=True)
    failed = False
    for size in args.sizes:
        work = scratch()
        content = work / "content"
        shutil.copytree(corpus(size, args.units, args.seed), content)
        try:
            bench = Bench(prefix, content, size, work, args.jobs, shlex.split(args.build_args))
            for run in bench_one(bench, content):
                print(row(run), flush=True)
        except BuildFailed as err:
            print(f"| {size:,} | FAILED | | | | |", flush=True)
            print(err, file=sys.stderr)
            failed = True
        finally:
            if args.keep:
                print(f"(output kept in {work})", file=sys.stderr)
            else:
                shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
