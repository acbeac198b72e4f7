"""`python -m bantin …`: the same as `python build.py …` and the installed `bantin` command."""

import sys

from .cli import main

sys.exit(main())
