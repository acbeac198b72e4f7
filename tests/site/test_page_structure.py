"""Every built page, not only one of each kind: language, one h1, landmarks and a skip link that lands on main."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT


def test_every_page_has_lang_one_h1_landmarks_and_a_skip_link(site_pages):
    language = yaml.safe_load((ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))["language"]
    problems = []
    for page in site_pages.values():
        if page.lang != language:
            problems.append(f"{page.url}: lang={page.lang!r}")
        if page.tags["h1"] != 1:
            problems.append(f"{page.url}: {page.tags['h1']} h1")
        for tag in ("header", "nav", "main", "footer"):
            if not page.tags[tag]:
                problems.append(f"{page.url}: no <{tag}>")
        if page.tags["main"] > 1:
            problems.append(f"{page.url}: {page.tags['main']} <main>")
        if not (page.first_link or "").startswith("#") or page.first_link[1:] not in page.ids:
            problems.append(f"{page.url}: the first link {page.first_link!r} is not a skip link to an id on the page")
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])
