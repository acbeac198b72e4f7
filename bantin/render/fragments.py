"""Pieces of HTML that many pages share, rendered once per process and reused."""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup


class Fragments:
    """The header (one per active menu entry), the footer, and article cards by variant."""

    def __init__(self, env: jinja2.Environment, menu_prefixes: list[str]):
        self.env = env
        # Longest prefix first so /chuyen-muc/a-b/ is not taken for /chuyen-muc/a/.
        self.prefixes = sorted(menu_prefixes + ["/don-vi/", "/luu-tru/"], key=len, reverse=True)
        self._cache: dict[tuple, Markup] = {}

    def _render(self, key: tuple, template: str, **context: Any) -> Markup:
        html = self._cache.get(key)
        if html is None:
            html = self._cache[key] = Markup(self.env.get_template(template).render(**context))
        return html

    def header(self, path: str) -> Markup:
        """The header with the menu entry of `path` marked as current."""
        active = "/" if path == "/" else next((p for p in self.prefixes if path.startswith(p)), "")
        return self._render(("header", active), "partials/header.html", path=active)

    def footer(self) -> Markup:
        return self._render(("footer",), "partials/footer.html")

    def views(self, item: dict) -> Markup:
        """The "Lượt xem" label and the count the widget refreshes."""
        return self._render(("views", item["path"]), "partials/views.html", a=item)

    def cards(self, items: list[dict], heading: str = "h2", images: bool = True, variant: str = "") -> Markup:
        """A list of article cards; each card is rendered once per heading level and image choice.
        `variant` ("compact", "tiles") only changes the list's class: the layout is in site.css."""
        rendered = [self._render(("card", a["path"], heading, images), "partials/card.html",
                                 a=a, heading=heading, images=images) for a in items]
        css = f"cards cards--{variant}" if variant else "cards"
        return Markup(f'<ul class="{css}">\n') + Markup("").join(rendered) + Markup("</ul>\n")

    def titles(self, items: list[dict]) -> Markup:
        """A list of titles with dates ("Tin khác")."""
        rendered = [self._render(("title", a["path"]), "partials/title_item.html", a=a) for a in items]
        return Markup('<ul class="title-list">\n') + Markup("").join(rendered) + Markup("</ul>\n")
