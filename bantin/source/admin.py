"""`admin:` in site.yaml: whether the built site has the web editing room (/admin/) and where it saves.

    admin:
      enabled: true
      backend: github                 # the only production backend (every save is a commit)
      repo: huyen-uy/cong-thong-tin   # owner/name on GitHub
      branch: main
      workflow: editorial             # simple (save = publish) | editorial (draft → review → publish as PRs)
      auth_url: https://cms-auth.example.vn   # the OAuth proxy (deploy/cms-oauth.md)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .fields import Fields
from ..messages import msg
from ..text import shorten

ADMIN_KEYS = ("enabled", "backend", "repo", "branch", "workflow", "auth_url")
BACKENDS = ("github",)
WORKFLOWS = ("simple", "editorial")
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+")
_BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*")


@dataclass(frozen=True)
class AdminSettings:
    """Validated `admin:` settings; `auth_url` None means GitHub's own OAuth through Netlify."""

    enabled: bool = False
    backend: str = "github"
    repo: str = ""
    branch: str = "main"
    workflow: str = "simple"
    auth_url: str | None = None


def parse_admin(f: Fields) -> AdminSettings:
    """The `admin:` mapping of site.yaml (disabled when absent); problems go to `f`."""
    data = f.mapping("admin")
    if data is None:
        return AdminSettings()
    sub = Fields(data, f.path, "admin.", f.problems)
    sub.reject_unknown(ADMIN_KEYS)
    enabled = sub.boolean("enabled", default=False)
    backend = _choice(sub, "backend", BACKENDS)
    workflow = _choice(sub, "workflow", WORKFLOWS)
    repo = sub.text("repo", required=enabled, hint=msg("add `repo: owner/name` (the GitHub repository)")) or ""
    if repo and not _REPO.fullmatch(repo):
        sub.error("repo", msg("`{repo}` is not a GitHub repository", repo=shorten(repo)), msg("write it as `owner/name`"))
    branch = sub.text("branch") or "main"
    if not _BRANCH.fullmatch(branch):
        sub.error("branch", msg("`{branch}` is not a branch name", branch=shorten(branch)), msg("e.g. {example}", example="`main`"))
    auth_url = sub.text("auth_url")
    if auth_url and (urlsplit(auth_url).scheme != "https" or not urlsplit(auth_url).netloc):
        sub.error("auth_url", msg("must be an https:// address, not `{url}`", url=shorten(auth_url)),
                  msg("the address of the OAuth proxy, e.g. `https://cms-auth.example.vn`"))
    return AdminSettings(enabled, backend, repo, branch, workflow, auth_url.rstrip("/") if auth_url else None)


def _choice(f: Fields, key: str, choices: tuple[str, ...]) -> str:
    value = f.text(key) or choices[0]
    if value not in choices:
        f.error(key, msg("unknown {key} `{value}`", key=key, value=shorten(value)),
                msg("use one of: {choices}", choices=", ".join(f"`{c}`" for c in choices)))
        return choices[0]
    return value

