"""Time full builds of generated corpora: cold, first (filling the cache) and warm.

    python benchmarks/bench_build.py [--sizes 1000 5000] [--jobs N] [--cmd "python build.py"]

Each corpus is made once by gen_corpus.py and kept in benchmarks/corpus-<n>/ (git-ignored).
Every build runs as its own child process; its wall time and peak RSS (of the largest process
of the build, workers included) come from os.wait4. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GENERATOR = HERE / "gen_corpus.py"


@dataclass(frozen=True)
class Run:
    label: str
    articles: int
    pages: int
    seconds: float
    rss_mb: float
    summary: str

    def row(self) -> str:
        rate = lambda n: f"{n / self.seconds:,.0f}" if self.seconds else "-"  # noqa: E731
        return (f"| {self.articles:,} | {self.label} | {self.pages:,} | {self.seconds:.2f} | "
                f"{rate(self.articles)} | {rate(self.pages)} | {self.rss_mb:,.0f} |")


HEADER = ("| articles | build | HTML pages | wall s | articles/s | pages/s | peak RSS MB |\n"
          "|---:|---|---:|---:|---:|---:|---:|")


class BuildFailed(RuntimeError):
    pass


def corpus(articles: int, units: int, seed: int) -> Path:
    """benchmarks/corpus-<n>/, (re)generated when missing or made with other arguments."""
    folder = HERE / f"corpus-{articles}"
    stamp = folder / ".corpus"
    wanted = json.dumps({"articles": articles, "units": units, "seed": seed,
                         "generator": hashlib.sha256(GENERATOR.read_bytes()).hexdigest()})
    if stamp.is_file() and stamp.read_text() == wanted:
        return folder
    # Generate beside it and swap, so a build reading the old corpus sees it whole until then.
    fresh = HERE / f"corpus-{articles}.new"  # git-ignored like the corpus
    shutil.rmtree(fresh, ignore_errors=True)
    subprocess.run([sys.executable, str(GENERATOR), str(fresh), "--articles", str(articles),
                    "--units", str(units), "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)
    (fresh / ".corpus").write_text(wanted)
    shutil.rmtree(folder, ignore_errors=True)
    fresh.rename(folder)
    return folder


def command(cmd: str | None) -> list[str]:
    """The build command's prefix, before `build --content …`."""
    return shlex.split(cmd) if cmd else [sys.executable, str(ROOT / "build.py")]


def supports(prefix: list[str], flag: str) -> bool:
    """True when `<prefix> build --help` mentions `flag` (older builds may lack --no-cache, --jobs)."""
    result = subprocess.run([*prefix, "build", "--help"], capture_output=True, text=True, cwd=ROOT)
    return flag in result.stdout


def measure(argv: list[str], log: Path) -> tuple[float, float, str]:
    """Run argv; return (wall seconds, peak RSS MB, last line of its output). Raises on failure."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace").strip()
    if child.returncode != 0:
        tail = "\n".join(text.splitlines()[-15:])
        raise BuildFailed(f"{shlex.join(argv)} exited {child.returncode}:\n{tail}")
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    rss = usage.ru_maxrss / (1024 * 1024 if platform.system() == "Darwin" else 1024)
    return seconds, rss, text.splitlines()[-1] if text else ""


def count_pages(out: Path) -> int:
    return sum(1 for _ in out.rglob("*.html"))


class Bench:
    """Builds one content folder into a scratch folder whose cache sits beside the output."""

    def __init__(self, prefix: list[str], content: Path, articles: int, work: Path, jobs: int | None,
                 extra: list[str] = ()):
        self.prefix, self.content, self.articles, self.jobs = prefix, content, articles, jobs
        self.extra = list(extra)
        self.out, self.cache, self.log = work / "site", work / ".bantin-cache", work / "build.log"
        self.no_cache = supports(prefix, "--no-cache")
        self.has_jobs = supports(prefix, "--jobs")

    def argv(self, use_cache: bool = True) -> list[str]:
        argv = [*self.prefix, "build", "--content", str(self.content), "--out", str(self.out)]
        if self.jobs is not None and self.has_jobs:
            argv += ["--jobs", str(self.jobs)]
        if not use_cache and self.no_cache:
            argv.append("--no-cache")
        return argv + self.extra

    def clean(self) -> None:
        shutil.rmtree(self.out, ignore_errors=True)
        shutil.rmtree(self.cache, ignore_errors=True)

    def run(self, label: str, use_cache: bool = True) -> Run:
        seconds, rss, summary = measure(self.argv(use_cache), self.log)
        return Run(label, self.articles, count_pages(self.out), seconds, rss, summary)

    def cold_fill_warm(self) -> list[Run]:
        runs = []
        if self.no_cache:
            self.clean()
            runs.append(self.run("cold (--no-cache)", use_cache=False))
        self.clean()
        runs.append(self.run("first (fills cache)" if self.no_cache else "cold"))
        runs.append(self.run("warm (no change)"))
        return runs


def machine() -> str:
    """`nproc` and the CPU model, for the figures' context."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"nproc {cores}, {model}, Python {platform.python_version()}"


def describe(prefix: list[str], args: argparse.Namespace) -> str:
    jobs = f" --jobs {args.jobs}" if args.jobs is not None else ""
    extra = f" {args.build_args}" if args.build_args else ""
    return f"{shlex.join(prefix)} build{jobs}{extra}"


def scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="bantin-bench-"))


def parse_args(argv: list[str] | None, description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000], help="articles per corpus")
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--jobs", type=int, default=None, help="passed to the build as --jobs")
    parser.add_argument("--cmd", default=None,
                        help="build command prefix instead of `python build.py` (e.g. a stub)")
    parser.add_argument("--build-args", default="", help='more build options, written with =, e.g. --build-args=--no-search')
    parser.add_argument("--keep", action="store_true", help="keep the scratch output folders")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.split("\n\n")[0])
    prefix = command(args.cmd)
    print(f"{machine()}; build: {describe(prefix, args)}", flush=True)
    print(HEADER, flush=True)
    failed = False
    for size in args.sizes:
        content = corpus(size, args.units, args.seed)
        work = scratch()
        try:
            bench = Bench(prefix, content, size, work, args.jobs, shlex.split(args.build_args))
            for run in bench.cold_fill_warm():
                print(run.row(), flush=True)
        except BuildFailed as err:
            print(f"| {size:,} | FAILED | | | | | |", flush=True)
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
