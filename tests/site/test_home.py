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


class _MainLinks(HTMLParser):
    """The href of every link inside <main>, and the class of the element each sits in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        elif tag == "a" and self.depth:
            self.links.append(dict(attrs).get("href", ""))

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1


def story_links(html: str) -> list[str]:
    parser = _MainLinks()
    parser.feed(html)
    return [href for href in parser.links if "/tin-tuc/" in href]


PINNED = "/tin-tuc/2025/03/dai-hoi-diem-dang-bo-xa-phu-thuan-nhiem-ky-2025-2030/"
NEWEST_FEATURED = "/tin-tuc/2025/06/dua-chuyen-doi-so-vao-sinh-hoat-chi-bo-ap/"


def _section(html: str, css_class: str) -> str:
    start = html.index(f'class="{css_class}')
    return html[start:html.index("</section>", start)]


def test_no_story_appears_twice_in_the_home_page(sample_site):
    links = story_links((sample_site / "index.html").read_text(encoding="utf-8"))
    assert len(links) > 20
    assert [href for href in links if links.count(href) > 1] == []


def test_the_pinned_featured_article_leads_with_its_photo_and_two_to_four_secondary_stories(sample_site):
    top = _section((sample_site / "index.html").read_text(encoding="utf-8"), "top-stories")
    lead = top[:top.index("</article>")]
    assert f'href="{PINNED}"' in lead and 'class="lead__image"' in lead
    assert 2 <= top.count('<li class="card') <= 4


def test_when_the_pin_ends_the_newest_featured_article_leads(tmp_path):
    from datetime import timedelta

    from bantin.pipeline import Options, build
    from tests.support import SAMPLE_NOW, ROOT
    later = SAMPLE_NOW + timedelta(days=45)  # pinned_until: 2026-06-30 23:59
    build(Options(content=ROOT / "content", out=tmp_path / "site", jobs=1, cache_dir=None, search=False, now=later))
    top = _section((tmp_path / "site" / "index.html").read_text(encoding="utf-8"), "top-stories")
    lead = top[:top.index("</article>")]
    assert f'href="{NEWEST_FEATURED}"' in lead
    assert f'href="{PINNED}"' in top  # still featured: now a secondary story
