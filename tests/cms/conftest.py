"""A copy of the sample portal served by `build.py serve`, for the web editing room's tests."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from bantin.admin.files import node_modules
from tests.support import ROOT, copy_sample, free_port, wait_for

TIMEOUT = 90.0  # an upper bound for a loaded CI machine


def fetch(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def needs_decap() -> None:
    if not (node_modules() / "decap-cms" / "dist" / "decap-cms.js").is_file():
        pytest.skip("Decap CMS is not installed (./dev test runs npm ci)")


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """(base URL, content folder) of a served copy of the sample; tests add files, never edit shared ones."""
    needs_decap()
    tmp_path = tmp_path_factory.mktemp("cms")
    content = copy_sample(tmp_path)
    port = free_port()
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content), "--out", str(tmp_path / "site"),
         "--port", str(port), "--no-counter", "--no-search", "--jobs", "1"],
        cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: fetch(base + "/")[0] == 200, "the first build to be served", 120)
        yield base, content
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        finally:
            process.kill()
            log.seek(0)
            print(log.read())
            log.close()
