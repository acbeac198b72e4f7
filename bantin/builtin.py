"""Where bantin's own templates and assets are: beside the package in a checkout (the client's
layout: templates/ and assets/ at the top), inside it once installed with `pip install .`."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "builtin"
_CHECKOUT = _PACKAGE.parent


def _folder(name: str) -> Path:
    installed = _INSTALLED / name
    return installed if installed.is_dir() else _CHECKOUT / name


TEMPLATES = _folder("templates")
ASSETS = _folder("assets")
# The folder the built-in templates and assets live in; a build never writes into it.
PROJECT_ROOT = _INSTALLED if _INSTALLED.is_dir() else _CHECKOUT
