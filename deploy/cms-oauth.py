#!/usr/bin/env python3
"""The minimal OAuth proxy the web editing room (/admin/, Decap CMS, GitHub backend) logs in through.

GitHub gives a token only to a server that knows the OAuth app's secret; this is that server, and
nothing more: two routes, standard library only, no storage. See deploy/cms-oauth.md.

    GITHUB_CLIENT_ID=… GITHUB_CLIENT_SECRET=… CMS_ORIGIN=https://dangbo.example.vn \
        python3 deploy/cms-oauth.py --port 8788       # behind the HTTPS proxy as https://cms-auth.…/

GET /auth      → redirect to GitHub's consent page (with a random `state`, kept in a cookie)
GET /callback  → exchange the code for a token, hand it to the CMS window of CMS_ORIGIN only
"""

from __future__ import annotations

import argparse
import html
import json
import os
import secrets
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

AUTHORIZE = "https://github.com/login/oauth/authorize"
TOKEN = "https://github.com/login/oauth/access_token"
SCOPE = "repo"  # Decap commits to the repository and opens pull requests (editorial workflow)


def exchange(code: str) -> str:
    """The access token GitHub gives for `code` (raises ValueError when it gives none)."""
    body = urllib.parse.urlencode({"client_id": os.environ["GITHUB_CLIENT_ID"], "code": code,
                                   "client_secret": os.environ["GITHUB_CLIENT_SECRET"]}).encode()
    request = urllib.request.Request(TOKEN, body, {"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=15) as answer:
        data = json.load(answer)
    if "access_token" not in data:
        raise ValueError(data.get("error_description") or data.get("error") or "no token")
    return data["access_token"]


def handoff(origin: str, status: str, content: dict) -> bytes:
    """The popup page of Decap's handshake: it answers only a window of `origin`."""
    message = json.dumps(f"authorization:github:{status}:{json.dumps(content)}")
    return f"""<!DOCTYPE html><html lang="vi"><meta charset="utf-8"><title>Đăng nhập</title>
<p>Đang đăng nhập vào phòng biên tập…</p>
<script>
window.addEventListener("message", function (e) {{
  if (e.origin !== {json.dumps(origin)}) return;
  window.opener.postMessage({message}, e.origin);
}});
window.opener.postMessage("authorizing:github", {json.dumps(origin)});
</script></html>""".encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    origin = ""
    exchange = staticmethod(exchange)

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/auth":
            state = secrets.token_urlsafe(24)
            target = AUTHORIZE + "?" + urllib.parse.urlencode(
                {"client_id": os.environ["GITHUB_CLIENT_ID"], "scope": SCOPE, "state": state})
            self._send(302, b"", {"Location": target,
                                  "Set-Cookie": f"cms_state={state}; Max-Age=600; Path=/; Secure; HttpOnly; SameSite=Lax"})
        elif url.path == "/callback":
            cookie = SimpleCookie(self.headers.get("Cookie", ""))
            expected = cookie["cms_state"].value if "cms_state" in cookie else ""
            if not expected or not secrets.compare_digest(expected, query.get("state", "")):
                return self._page("error", {"message": "Phiên đăng nhập đã hết hạn, hãy thử lại."})
            try:
                token = self.exchange(query.get("code", ""))
            except (ValueError, OSError) as error:
                return self._page("error", {"message": f"GitHub từ chối đăng nhập: {html.escape(str(error))}"})
            self._page("success", {"token": token, "provider": "github"})
        else:
            self._send(404, "Không có trang này.".encode("utf-8"), {"Content-Type": "text/plain; charset=utf-8"})

    def _page(self, status: str, content: dict) -> None:
        self._send(200, handoff(self.origin, status, content),
                   {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"})

    def _send(self, code: int, body: bytes, headers: dict) -> None:
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8788)
    args = parser.parse_args()
    for name in ("GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "CMS_ORIGIN"):
        if not os.environ.get(name):
            parser.error(f"set {name} (see deploy/cms-oauth.md)")
    Handler.origin = os.environ["CMS_ORIGIN"].rstrip("/")
    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
