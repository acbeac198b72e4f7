"""Regenerate the golden sites' expected output: `python tests/regen_golden.py [name ...]`.

Builds every tests/core/golden/<name>/content with the options the golden test uses
(tests/core/helpers.py: fixed clock, one process, no search index) and writes what the test
compares into <name>/expected/: every file except the build manifest and the built-in assets,
with asset links written without their fingerprints (`/assets/css/site.#.css`).
Review the diff (`git diff tests/core/golden`) before committing it.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from core.helpers import GOLDEN, build_tree, read_tree, write_tree  # noqa: E402


def regenerate(name: str) -> Path:
    """Rebuild one golden site's expected/ folder from its content/."""
    folder = GOLDEN / name
    expected = folder / "expected"
    with tempfile.TemporaryDirectory() as scratch:
        build_tree(folder / "content", Path(scratch) / "site")
        files = read_tree(Path(scratch) / "site")
    if expected.exists():
        shutil.rmtree(expected)
    write_tree(expected, files)
    return expected


def main(names: list[str]) -> int:
    for name in names or sorted(p.name for p in GOLDEN.iterdir() if (p / "content").is_dir()):
        print(f"regenerated {regenerate(name).relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
