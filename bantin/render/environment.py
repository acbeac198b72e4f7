"""The Jinja environment: a site's templates over the built-in ones, strict and autoescaped."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

import jinja2
from markupsafe import Markup

from ..builtin import TEMPLATES as BUILTIN_TEMPLATES
from ..text import format_number


def template_folders(site_templates: Path | None) -> list[Path]:
    """Search order: the site's own templates first, then bantin's."""
    folders = [BUILTIN_TEMPLATES]
    if site_templates and site_templates.is_dir() and site_templates.resolve() != BUILTIN_TEMPLATES:
        folders.insert(0, site_templates)
    return folders


class ContainedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that refuses a template which is a link to a file outside its folder."""

    def get_source(self, environment: jinja2.Environment, template: str):
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if not any(real.startswith(os.path.realpath(folder) + os.sep) for folder in self.searchpath):
            raise jinja2.TemplateError(f"{filename} is a link to a file outside the templates folder; "
                                       "copy the file in instead of linking to it")
        return source, filename, uptodate


def make_environment(folders: list[Path], language: str, globals_: dict[str, Any],
                     bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """An environment where an undefined name or a bad filter fails the build instead of printing nothing."""
    env = jinja2.Environment(
        loader=ContainedLoader([str(f) for f in folders]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, auto_reload=False, bytecode_cache=bytecode_cache)
    env.filters["num"] = lambda value: format_number(value, language)
    env.filters["pct"] = lambda value: format_number(round(value * 100, 1), language) + " %"
    env.filters["json"] = _json_for_script
    env.globals.update(globals_)
    return env


def _json_for_script(value: Any) -> Markup:
    """JSON safe inside <script>: no "</" can close the element early."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("</", "<\\/").replace("<!--", "<\\!--"))


def render(env: jinja2.Environment, template: str, context: dict[str, Any]) -> str:
    """Render one template by name."""
    return env.get_template(template).render(context)


def safe(html: str) -> Markup:
    """Mark HTML that bantin produced (Markdown output, SVG) as safe, exactly once."""
    return Markup(html)


TemplateError = jinja2.TemplateError
Renderer = Callable[[str, dict], str]
