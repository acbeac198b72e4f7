#!/usr/bin/env bash
# Build the portal and copy it to any static host over rsync (or to a local folder).
#   deploy/rsync-deploy.sh user@host:/srv/bantin/site/ [https://dangbo.example.vn/]
set -euo pipefail

usage() {
    echo "usage: $0 DEST [BASE_URL]" >&2
    echo "  DEST      rsync destination, e.g. user@host:/srv/bantin/site/ or /var/www/portal/" >&2
    echo "  BASE_URL  public address if not site.yaml's base_url, e.g. https://org.example/portal/" >&2
    exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
case "$1" in -h|--help) usage ;; esac
DEST=$1
BASE_URL=${2:-}

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; fi

"$PYTHON" build.py check
if [ -n "$BASE_URL" ]; then
    "$PYTHON" build.py build --base-url "$BASE_URL"
else
    "$PYTHON" build.py build
fi
# --checksum: a fresh build (or clone) gives every file a new time, so compare contents.
rsync -av --delete --checksum site/ "$DEST"
