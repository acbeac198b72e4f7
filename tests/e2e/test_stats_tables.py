"""The unit tree and comparison tables on a phone: readable column headers, scrolling inside their own box."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# For each column header: its text, and on how many lines that text stands (the tops of its text
# fragments, those less than half a line apart counted as one line).
HEADER_LINES = """() => [...document.querySelectorAll('.stats-table thead th')].map(th => {
  const tops = [];
  const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 0) tops.push(r.top);
  }
  tops.sort((a, b) => a - b);
  const half = parseFloat(getComputedStyle(th).fontSize) / 2;
  const lines = tops.filter((top, i) => i === 0 || top - tops[i - 1] > half).length;
  return [th.textContent.trim(), lines];
})"""


@pytest.mark.parametrize("kind", ["units", "compare"])
def test_column_headers_stay_readable_at_390_px_without_sideways_page_scroll(contexts, sample_url, pages, kind):
    page = contexts[390].new_page()
    try:
        page.goto(sample_url + pages[kind], wait_until="load")
        page.wait_for_load_state("networkidle")  # sortable.js has turned the headers into buttons
        headers = page.evaluate(HEADER_LINES)
        width_used = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    finally:
        page.close()
    assert headers
    # Squeezed to their longest word, headers stood one word per line (ten lines for the share columns).
    short = [(text, lines) for text, lines in headers if len(text.split()) <= 3 and lines > 1]
    assert short == [], "short column headers that wrap"
    tall = [(text, lines) for text, lines in headers if lines > 4]
    assert tall == [], "column headers taller than four lines"
    assert width_used[0] <= width_used[1], f"the page scrolls sideways: {width_used[0]} px wide in {width_used[1]} px"
