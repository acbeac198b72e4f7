"""deploy/cms-oauth.py, the OAuth proxy of the production editing room: GitHub's consent page with a
state, and the token handed only to the portal's own window after the state matched."""

from __future__ import annotations

import http.client
import importlib.util
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support import ROOT


@pytest.fixture
def proxy(monkeypatch):
    spec = importlib.util.spec_from_file_location("cms_oauth", ROOT / "deploy" / "cms-oauth.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setenv("GITHUB_CLIENT_ID", "id-123")
    monkeypatch.setenv("GITHUB_CLIENT_SECRET", "secret")

    class Handler(module.Handler):
        origin = "https://dangbo.example.vn"
        exchange = staticmethod(lambda code: f"token-for-{code}")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def get(port: int, path: str, cookie: str = "") -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    return connection.getresponse()


def test_login_goes_to_github_and_the_token_reaches_only_the_portal(proxy):
    start = get(proxy, "/auth?provider=github&scope=repo")
    assert start.status == 302
    target = urlsplit(start.getheader("Location"))
    query = parse_qs(target.query)
    assert target.netloc == "github.com" and query["client_id"] == ["id-123"] and query["scope"] == ["repo"]
    state = query["state"][0]
    assert f"cms_state={state}" in start.getheader("Set-Cookie")
    done = get(proxy, f"/callback?code=abc&state={state}", cookie=f"cms_state={state}").read().decode()
    assert "token-for-abc" in done and 'e.origin !== "https://dangbo.example.vn"' in done


def test_a_callback_without_the_matching_state_gets_no_token(proxy):
    page = get(proxy, "/callback?code=abc&state=forged", cookie="cms_state=other").read().decode()
    assert "token-for" not in page and "authorization:github:error" in page
