"""The files of /admin/: the page, its generated config.yml, bantin-cms.js and the vendored Decap
bundle (installed by `npm ci` from package.json at setup time; never fetched at build or view time)."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Protocol

from ..builtin import PROJECT_ROOT
from ..messages import msg
from ..problems import BuildFailed, Problem
from ..source.load import Content
from .cmsconfig import cms_config, config_yaml

HERE = Path(__file__).resolve().parent
OWN_SCRIPT = HERE / "bantin-cms.js"
ADMIN_DIR = "admin"


def node_modules() -> Path:
    """Where `npm ci` put the CMS: the checkout's node_modules/, or $BANTIN_NODE_MODULES."""
    return Path(os.environ.get("BANTIN_NODE_MODULES") or PROJECT_ROOT / "node_modules")


def admin_sources() -> list[Path]:
    """Folders whose files /admin/ copies: a change there must make the next build publish them."""
    return [HERE, node_modules() / "decap-cms" / "dist", node_modules() / "js-yaml" / "dist"]


def bundle_files() -> dict[str, Path]:
    """Published name -> file of every script the editing room loads (source maps left out)."""
    dist = node_modules() / "decap-cms" / "dist"
    js_yaml = node_modules() / "js-yaml" / "dist" / "js-yaml.min.js"
    if not (dist / "decap-cms.js").is_file() or not js_yaml.is_file():
        raise BuildFailed([Problem("site.yaml", 0, "admin.enabled",
                                   msg("the web editing room is enabled but Decap CMS is not installed"),
                                   msg("run `npm ci` in the bantin folder (./dev serve and ./dev test do it)"))])
    files = {p.name: p for p in sorted(dist.iterdir())
             if p.name.endswith((".decap-cms.js", ".wasm")) or p.name in ("decap-cms.js", "decap-cms.js.LICENSE.txt")}
    return files | {"js-yaml.min.js": js_yaml, "bantin-cms.js": OWN_SCRIPT}


def index_html(site_title: str, site_css: str, timezone: str) -> bytes:
    """admin/index.html: Decap, js-yaml and our additions, configured by config.yml beside it.

    The optional </head> is left out on purpose: `serve` adds its live-reload script before it, and a
    rebuild after every save or upload would then reload the editor's page and lose the open form."""
    attrs = f'data-site-css="{html.escape(site_css)}" data-timezone="{html.escape(timezone)}"'
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>Phòng biên tập — {html.escape(site_title)}</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
<script>window.CMS_MANUAL_INIT = true;</script>
<body>
<script src="decap-cms.js"></script>
<script src="js-yaml.min.js"></script>
<script src="bantin-cms.js" {attrs}></script>
</body>
</html>
""".encode("utf-8")


class Output(Protocol):
    def write(self, name: str, data: bytes) -> None: ...
    def copy(self, source: Path, name: str) -> None: ...


def write_admin(output: Output, content: Content, site_css: str) -> None:
    """Put /admin/ into the built site (only called when site.yaml enables it)."""
    config = content.config
    for name, path in bundle_files().items():
        output.copy(path, f"{ADMIN_DIR}/{name}")
    output.write(f"{ADMIN_DIR}/index.html", index_html(config.title, site_css, config.timezone))
    output.write(f"{ADMIN_DIR}/config.yml", config_yaml(cms_config(content, config.admin)))
