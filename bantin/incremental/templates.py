"""Compiled templates kept between builds, so a rebuild (and every worker) skips compiling them.

Jinja keys its bytecode by the template's name and source; the key here also covers bantin's
code and library versions, which decide the environment's options and so the compiled code."""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2

from .keys import environment_digest


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file bytecode cache with keys that change with bantin's code and libraries."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder))
        self.salt = environment_digest()

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha1(f"{self.salt}\0{name}\0{filename or ''}".encode()).hexdigest()


def template_cache(cache_dir: Path | None) -> TemplateCache | None:
    """The template cache under cache_dir, or None when caching is off."""
    return TemplateCache(cache_dir / "templates") if cache_dir is not None else None
