"""find_media_links skips from "]" to "]"; it must find what the link pattern finds over the whole body."""

from __future__ import annotations

from hypothesis import example, given, settings, strategies as st

from bantin.source.articles import _MD_LINK, find_media_links


def by_pattern(body: str, first_line: int) -> tuple[tuple[str, int], ...]:
    links = []
    for match in _MD_LINK.finditer(body):
        ref = match.group(1)
        if ref.lstrip("/").startswith("media/") or ref.startswith(".."):
            links.append((ref, first_line + body.count("\n", 0, match.start())))
    return tuple(links)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["](", "]", "(", ")", " ", "\n", "<", ">", "media/", "../", "/", "a", "x.png",
                                 "]( ", "\t", "](<", "]](", "ả"]), max_size=24).map("".join))
@example("![a](media/x.png) [b](../y) [c](/media/z.jpg) [d](https://e.vn) ](media/a]b)")
def test_finds_what_the_link_pattern_finds(body):
    assert find_media_links(body, 7) == by_pattern(body, 7)
