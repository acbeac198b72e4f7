"""What the <head> of each built page of the sample portal tells browsers and search engines."""

from __future__ import annotations

from html.parser import HTMLParser


class _Head(HTMLParser):
    """The <link> and <meta> elements of a page's <head>, as attribute dicts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_head = False
        self.links: list[dict] = []
        self.metas: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "head":
            self.in_head = True
        elif self.in_head and tag == "link":
            self.links.append(dict(attrs))
        elif self.in_head and tag == "meta":
            self.metas.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def head_of(page) -> _Head:
    parser = _Head()
    parser.feed(page.file.read_text(encoding="utf-8"))
    return parser


def test_the_404_page_is_not_indexed_and_claims_no_address(site_pages, published):
    head = head_of(site_pages["/404.html"])
    assert {"name": "robots", "content": "noindex"} in head.metas
    assert not [link for link in head.links if link.get("rel") == "canonical"]
    assert not [meta for meta in head.metas if meta.get("property") == "og:url"]


def test_every_other_page_is_indexable_with_its_own_canonical_address(site_pages, published):
    base = published["base_url"].rstrip("/")
    problems = []
    for url, page in site_pages.items():
        if url == "/404.html" or url.startswith("/pagefind/"):
            continue
        head = head_of(page)
        canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
        if canonical != [base + url]:
            problems.append(f"{url}: canonical {canonical}")
        if any(meta.get("name") == "robots" for meta in head.metas):
            problems.append(f"{url}: robots meta")
    assert not problems, "\n".join(problems[:20])
