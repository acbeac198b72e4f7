#!/bin/sh
# Lighthouse on the sample portal's home page and an article, mobile and desktop, in Debian chromium.
# A benchmark, not a test: performance scores move a few points from run to run.
#   benchmarks/lighthouse.sh [RUNS]    RUNS per page and form factor (default 1); the median is printed
# Reports: benchmarks/out/lighthouse/*.json. Needs Node 18.16+ (Lighthouse 12), /usr/bin/chromium.
set -eu
cd "$(dirname "$0")/.."
RUNS="${1:-1}"
PY=.venv/bin/python
OUT=benchmarks/out/lighthouse
SITE="$OUT/site"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
# The test suite's flags (tests/conftest.py), with the new headless mode Lighthouse needs.
FLAGS="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"

[ -x "$CHROME_PATH" ] || { echo "lighthouse.sh: no chromium at $CHROME_PATH" >&2; exit 1; }
[ -d benchmarks/lighthouse/node_modules ] || (cd benchmarks/lighthouse && npm ci --no-audit --no-fund --silent)
LH=benchmarks/lighthouse/node_modules/.bin/lighthouse

rm -rf "$OUT" && mkdir -p "$OUT"
"$PY" build.py build --out "$SITE" >/dev/null 2>&1
PORT=$("$PY" -c "from tests.conftest import free_port; print(free_port())")
"$PY" -m http.server "$PORT" --bind 127.0.0.1 --directory "$SITE" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT INT TERM
BASE="http://127.0.0.1:$PORT"
ARTICLE=$(cd "$SITE" && ls -d tin-tuc/*/*/*/ | sort | tail -n 1)
until "$PY" -c "import urllib.request; urllib.request.urlopen('$BASE/')" 2>/dev/null; do sleep 0.2; done

for name in home article; do
  if [ "$name" = home ]; then url="$BASE/"; else url="$BASE/$ARTICLE"; fi
  for form in mobile desktop; do
    preset=""; [ "$form" = desktop ] && preset="--preset=desktop"
    i=1
    while [ "$i" -le "$RUNS" ]; do
      "$LH" "$url" $preset --quiet --output=json --output-path="$OUT/$name-$form-$i.json" \
        --chrome-flags="$FLAGS" --only-categories=performance,accessibility,best-practices,seo
      i=$((i + 1))
    done
  done
done

"$PY" - "$OUT" "$ARTICLE" <<'EOF'
import json, statistics, sys
from pathlib import Path
out, article = Path(sys.argv[1]), sys.argv[2]
print(f"Lighthouse {json.loads(next(out.glob('*.json')).read_text())['lighthouseVersion']}, "
      f"article /{article}, median of {len(list(out.glob('home-mobile-*.json')))} run(s)")
print(f"{'page':8} {'form':8} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}   FCP     LCP     TBT    CLS")
for name in ("home", "article"):
    for form in ("mobile", "desktop"):
        runs = [json.loads(p.read_text()) for p in sorted(out.glob(f"{name}-{form}-*.json"))]
        score = lambda c: round(statistics.median(100 * r["categories"][c]["score"] for r in runs))
        metric = lambda a: statistics.median(r["audits"][a]["numericValue"] for r in runs)
        print(f"{name:8} {form:8} {score('performance'):5} {score('accessibility'):5} "
              f"{score('best-practices'):5} {score('seo'):5}   {metric('first-contentful-paint') / 1000:.2f}s"
              f"  {metric('largest-contentful-paint') / 1000:.2f}s  {metric('total-blocking-time'):4.0f}ms"
              f"  {metric('cumulative-layout-shift'):.3f}")
        for r in runs[:1]:
            for cat in ("accessibility", "best-practices", "seo"):
                for ref in r["categories"][cat]["auditRefs"]:
                    a = r["audits"][ref["id"]]
                    if ref["weight"] and a["score"] is not None and a["score"] < 1:
                        print(f"    {cat}: {ref['id']}: {a['title']}")
EOF
