"""`python -m bantin.counter --db FILE --site DIR --port N`: the counter without build.py."""

from __future__ import annotations

import argparse
import sys

from . import add_arguments, cli_main


def main(argv: list[str] | None = None) -> int:
    """Parse the counter's options and run it."""
    parser = argparse.ArgumentParser(prog="python -m bantin.counter",
                                     description="Run the bantin view counter service.")
    add_arguments(parser)
    return cli_main(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
