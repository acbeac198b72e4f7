"""Fixtures shared by the whole suite: the sample portal built once, served on localhost, a browser."""

from __future__ import annotations

import functools
import os
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from hypothesis import settings

from tests.support import SAMPLE_NOW, free_port

# Property tests run the same examples on every run (a failure is reproducible and CI never flakes);
# HYPOTHESIS_PROFILE=explore searches new examples locally.
settings.register_profile("fixed", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample portal in content/, built once per test session (with its search index)."""
    from bantin.pipeline import Options, build
    out = tmp_path_factory.mktemp("sample") / "site"
    build(Options(content=ROOT / "content", out=out, jobs=1, cache_dir=None, now=SAMPLE_NOW))
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass

    def send_error(self, code, message=None, explain=None):
        # Serve the site's own 404 page the way a static host would.
        page = Path(self.directory) / "404.html"
        if code == 404 and page.exists():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


def serve_folder(folder: Path):
    """Start a static HTTP server for `folder`; returns (base URL, server)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@pytest.fixture(scope="session")
def sample_url(sample_site):
    """Base URL of the sample portal served on localhost."""
    url, server = serve_folder(sample_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (skipped where Chromium is not installed)."""
    if not CHROMIUM.exists():
        # In CI a missing browser is a broken setup, not a reason to pass without the browser tests.
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is not installed: ./dev test installs it")
        pytest.skip("Debian chromium is not installed (./dev test installs it)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
