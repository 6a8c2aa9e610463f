#!/usr/bin/env bash
# Browser tests (issue 6): builds the sample site into a temporary copy, serves it with
# `litopys serve` on a free port, and runs test.js (headless Chromium via playwright-core,
# axe-core, the Nu validator) against it. Screenshots and reports: target/browser-artifacts/.
#
#   tests/browser/run.sh            # from the repository root (CI runs it from .ci/run)
#
# Needs /usr/bin/chromium (installed from Debian's `chromium` when missing and running as
# root), Node 18+, npm and Java 17+. Exits non-zero on any failure; each failure names the
# page and what went wrong.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
ARTIFACTS="$REPO/target/browser-artifacts"

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "browser tests: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

# Exact versions from package-lock.json; no install scripts (vnu-jar's would fetch a JDK).
(cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

cargo build --release --quiet --bin litopys
BIN="$REPO/target/release/litopys"

SITE=$(mktemp -d)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$SITE"
}
trap cleanup EXIT
# The sample site: config, raw texts, registry, templates (not public/ or content/articles/).
cp litopys.yaml "$SITE/"
mkdir -p "$SITE/content"
cp -r content/raw "$SITE/content/"
[ -f content/people.yaml ] && cp content/people.yaml "$SITE/content/"
[ -d templates ] && cp -r templates "$SITE/"

PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
rm -rf "$ARTIFACTS"; mkdir -p "$ARTIFACTS"
"$BIN" --root "$SITE" serve --port "$PORT" >"$ARTIFACTS/serve.log" 2>&1 &
SERVER=$!
URL="http://127.0.0.1:$PORT/"
for _ in $(seq 1 240); do
  if curl -fsS -o /dev/null "$URL" 2>/dev/null; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then echo "litopys serve exited:"; cat "$ARTIFACTS/serve.log"; exit 1; fi
  sleep 0.5
done
curl -fsS -o /dev/null "$URL" || { echo "litopys serve did not answer at $URL"; cat "$ARTIFACTS/serve.log"; exit 1; }

LITOPYS_URL="$URL" LITOPYS_PUBLIC="$SITE/public" ARTIFACTS="$ARTIFACTS" \
  timeout 600 node tests/browser/test.js
