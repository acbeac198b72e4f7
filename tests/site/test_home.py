"""The home page of the built sample portal."""

from __future__ import annotations

from html.parser import HTMLParser


class _MainImages(HTMLParser):
    """Attributes of every <img> inside <main>, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        elif tag == "img" and self.depth:
            self.images.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1


def main_images(html: str) -> list[dict]:
    parser = _MainImages()
    parser.feed(html)
    return parser.images


def test_the_first_image_of_the_home_page_loads_at_once_and_the_others_lazily(sample_site):
    # The first photo is the largest thing in view (Largest Contentful Paint): a lazy one waits for
    # layout before it is even requested.
    images = main_images((sample_site / "index.html").read_text(encoding="utf-8"))
    assert len(images) > 1
    first, *others = images
    assert first.get("fetchpriority") == "high" and first.get("loading", "eager") == "eager", first
    for image in others:
        assert image.get("loading") == "lazy" and "fetchpriority" not in image, image
