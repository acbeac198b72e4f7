#!/usr/bin/env python3
"""bantin's command line: `python build.py build|check|serve|counter` (see README.md)."""

import sys

from bantin.cli import main

if __name__ == "__main__":
    sys.exit(main())
