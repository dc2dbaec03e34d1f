#!/usr/bin/env bash
# Real-browser tests of the web frontend: Debian's chromium, driven headless by playwright-core,
# against two running `halqa serve` nodes (registration open): sign up, log in, post, follow
# across nodes, mentorship / resources / collections, the language switch (Arabic rtl, French),
# axe-core on every main page, page weights and phone-sized screenshots in ar, fr and en.
#
# Usage (from anywhere in a clone; CI runs it from .ci/run):
#   tests/browser/run.sh
#
# What it does:
#   1. installs Debian's chromium (apt) if /usr/bin/chromium is missing, and Node.js/npm if
#      `node` is missing (playwright-core needs Node 20+);
#   2. `npm ci` of tests/browser/package-lock.json (playwright-core, axe-core, pinned) into
#      $HALQA_BROWSER_NPM (default ~/.cache/halqa-browser-npm), redone only when the lock file
#      or the Node version changes — nothing is written into the clone;
#   3. builds halqa and starts nodes A and B (tests/nodes.sh, as tests/clients/run.sh does),
#      registration mode open, user bob on B made by the CLI;
#   4. runs scenario.mjs, which prints PASS / FAIL / SKIP per step, a page-weight table, and
#      writes screenshots, weights.md and failure screenshots under $HALQA_BROWSER_OUT;
#   5. on failure prints the end of both node logs. Exit status non-zero if any step failed.
#
# Knobs (environment):
#   HALQA_BIN=path              use this halqa binary instead of building one
#   HALQA_BROWSER_RELEASE=1     build and use the release binary
#   HALQA_BROWSER_OUT=dir       screenshots and reports (default: <clone>/target/browser)
#   HALQA_BROWSER_NPM=dir       where playwright-core and axe-core are installed
#   HALQA_BROWSER_CHROMIUM=path the browser (default /usr/bin/chromium)
#   HALQA_BROWSER_DEADLINE=s    how long a step waits for federation (default 30)
#   HALQA_BROWSER_ONLY=a,b      only these pages in the per-language pass (names as printed)
#   HALQA_BROWSER_HEADED=1      show the browser window (needs a display)
#   HALQA_BROWSER_LOG=filter    the nodes' log filter (default "info")
#   HALQA_BROWSER_KEEP=1        keep the temporary directory (databases, logs)
#   HALQA_BROWSER_LOG_LINES=n   lines of each node log printed on failure (default 200)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/halqa-target}"
NPM_DIR="${HALQA_BROWSER_NPM:-$HOME/.cache/halqa-browser-npm}"
CHROMIUM="${HALQA_BROWSER_CHROMIUM:-/usr/bin/chromium}"
OUT="${HALQA_BROWSER_OUT:-$ROOT/target/browser}"
PASSWORD="halqa-browser-Secret-1"
ADMIN_PASSWORD="halqa-browser-Admin-1"

NODES_LABEL=browser
NODES_RELEASE="${HALQA_BROWSER_RELEASE:-0}"
NODES_LOG_FILTER="${HALQA_BROWSER_LOG:-info}"
NODES_KEEP="${HALQA_BROWSER_KEEP:-0}"
NODES_LOG_LINES="${HALQA_BROWSER_LOG_LINES:-200}"
NODES_EXTRA_ENV=(HALQA__REGISTRATION__MODE=open)
# shellcheck source=../nodes.sh
. "$ROOT/tests/nodes.sh"

# --- 1. chromium and Node.js ----------------------------------------------------------------
if [ ! -x "$CHROMIUM" ]; then
  say "installing Debian's chromium"
  as_root apt-get update -qq && as_root apt-get install -y -qq chromium
fi
"$CHROMIUM" --version 2>/dev/null || true
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing Node.js and npm"
  as_root apt-get update -qq && as_root apt-get install -y -qq nodejs npm
fi
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$NODE_MAJOR" -lt 20 ]; then
  echo "playwright-core needs Node.js 20 or later; this is $(node --version)" >&2
  exit 1
fi

# --- 2. playwright-core and axe-core --------------------------------------------------------
want="$(sha256sum tests/browser/package-lock.json | cut -d' ' -f1) $(node --version)"
if [ "$(cat "$NPM_DIR/.halqa-lock" 2>/dev/null || true)" != "$want" ] \
  || [ ! -f "$NPM_DIR/node_modules/playwright-core/package.json" ]; then
  say "npm ci into $NPM_DIR"
  rm -rf "$NPM_DIR"
  mkdir -p "$NPM_DIR"
  cp tests/browser/package.json tests/browser/package-lock.json "$NPM_DIR/"
  (cd "$NPM_DIR" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  echo "$want" > "$NPM_DIR/.halqa-lock"
fi
node -e 'for (const p of ["playwright-core", "axe-core"]) console.log(p, require(process.argv[1] + "/node_modules/" + p + "/package.json").version)' "$NPM_DIR"

# --- 3. two nodes ---------------------------------------------------------------------------
nodes_build
nodes_init
for n in a b; do halqa_on "$n" migrate; done
halqa_on b admin create-user bob --email bob@example.org --password "$PASSWORD"
nodes_start

# --- 4. the scenario ------------------------------------------------------------------------
mkdir -p "$OUT"
export HALQA_A_URL="http://localhost:$PORT_A" HALQA_B_URL="http://localhost:$PORT_B"
export HALQA_A_DOMAIN="localhost:$PORT_A" HALQA_B_DOMAIN="localhost:$PORT_B"
export HALQA_BROWSER_PASSWORD="$PASSWORD" HALQA_BROWSER_OUT="$OUT"
export HALQA_BROWSER_ADMIN_PASSWORD="$ADMIN_PASSWORD"
export HALQA_BROWSER_NPM="$NPM_DIR" HALQA_BROWSER_CHROMIUM="$CHROMIUM"

say "scenario (output in $OUT)"
if node "$ROOT/tests/browser/scenario.mjs" && nodes_alive; then
  say "browser tests passed"
  STATUS=0
else
  say "browser tests failed (screenshots of the failing steps in $OUT/failures)"
  STATUS=1
fi
