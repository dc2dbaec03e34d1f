#!/usr/bin/env bash
# Real Mastodon clients against running Halqa nodes: Mastodon.py and the toot CLI (from PyPI)
# talk to two `halqa serve` processes over plain http on loopback, the way a teacher's app would.
#
# Usage (from anywhere in a clone; CI runs it from .ci/run):
#   tests/clients/run.sh                 # both scenarios
#   tests/clients/run.sh mastodon_py     # only Mastodon.py   (or: toot)
#
# What it does:
#   1. a Python venv with the pinned clients (tests/clients/requirements.txt) under
#      $HALQA_CLIENTS_VENV (default ~/.cache/halqa-clients-venv), rebuilt only when the
#      requirements or the Python version change; installs python3-venv with apt if missing;
#   2. `cargo build --bin halqa` with $CARGO_TARGET_DIR (default ~/.cache/halqa-target);
#   3. two nodes A and B on free 127.0.0.1 ports, domains localhost:PORT, SQLite files and media
#      in a temporary directory, federation debug mode (http + loopback peers) and the OAuth
#      password grant on; users alice, carol (A) and bob, dave (B), emails <name>@example.org;
#   4. waits for both nodes by polling (deadline, no fixed sleeps), runs
#      mastodon_py_scenario.py (alice, bob) and toot_scenario.py (carol, dave), each printing
#      PASS / FAIL / SKIP per step and the HTTP exchanges of a failing step;
#   5. stops the nodes on exit; on failure prints the end of both node logs. Exit status is
#      non-zero if any step failed.
#
# Knobs (environment):
#   HALQA_BIN=path            use this halqa binary instead of building one
#   HALQA_CLIENTS_RELEASE=1   build and use the release binary
#   HALQA_CLIENTS_VENV=dir    where the venv lives
#   HALQA_CLIENTS_DEADLINE=s  how long a step waits for federation / notifications (default 30)
#   HALQA_CLIENTS_LOG=filter  the nodes' log filter (default "info"; e.g. "halqa=debug,info")
#   HALQA_CLIENTS_KEEP=1      keep the temporary directory (databases, logs) after the run
#   HALQA_CLIENTS_READY_DEADLINE=s  how long the nodes may take to answer (default 60)
#   HALQA_CLIENTS_VERBOSE=1   full Python tracebacks for failing steps
#   HALQA_CLIENTS_LOG_LINES=n lines of each node log printed on failure (default 300)
#
# The scenarios run on their own too, against nodes started by hand: set HALQA_A_URL,
# HALQA_B_URL (http://localhost:PORT), HALQA_A_DOMAIN, HALQA_B_DOMAIN (localhost:PORT),
# HALQA_CLIENTS_PASSWORD and HALQA_CLIENTS_WORKDIR, then
# ~/.cache/halqa-clients-venv/bin/python tests/clients/mastodon_py_scenario.py
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/halqa-target}"
VENV="${HALQA_CLIENTS_VENV:-$HOME/.cache/halqa-clients-venv}"
REQUIREMENTS="$ROOT/tests/clients/requirements.txt"
PASSWORD="halqa-clients-Secret-1"
ADMIN_PASSWORD="halqa-clients-Admin-1"
READY_DEADLINE="${HALQA_CLIENTS_READY_DEADLINE:-60}"
LOG_LINES="${HALQA_CLIENTS_LOG_LINES:-300}"

SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(mastodon_py toot)
for s in "${SCENARIOS[@]}"; do
  [ -f "$ROOT/tests/clients/${s}_scenario.py" ] || { echo "unknown scenario: $s (mastodon_py, toot)" >&2; exit 2; }
done

# The two nodes: build, ports, temp dir, start, readiness, cleanup (shared with tests/browser).
NODES_LABEL=clients
NODES_RELEASE="${HALQA_CLIENTS_RELEASE:-0}"
NODES_LOG_FILTER="${HALQA_CLIENTS_LOG:-info}"
NODES_KEEP="${HALQA_CLIENTS_KEEP:-0}"
NODES_READY_DEADLINE="$READY_DEADLINE"
NODES_LOG_LINES="$LOG_LINES"
# shellcheck source=../nodes.sh
. "$ROOT/tests/nodes.sh"

# --- 1. the clients' venv -------------------------------------------------------------------
ensure_venv() {
  command -v python3 >/dev/null || { as_root apt-get update -qq && as_root apt-get install -y -qq python3; }
  local want have
  want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1) $(python3 -c 'import sys; print(sys.version.split()[0])')"
  have="$(cat "$VENV/.halqa-requirements" 2>/dev/null || true)"
  if [ -x "$VENV/bin/python" ] && [ "$want" = "$have" ] && "$VENV/bin/python" -c 'import mastodon, toot' 2>/dev/null; then
    return
  fi
  say "creating the clients' venv in $VENV"
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    as_root apt-get update -qq && as_root apt-get install -y -qq python3-venv
  fi
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQUIREMENTS"
  echo "$want" > "$VENV/.halqa-requirements"
}
ensure_venv
"$VENV/bin/python" -m pip list --disable-pip-version-check 2>/dev/null | grep -iE '^(mastodon.py|toot) '

# --- 2. the binary --------------------------------------------------------------------------
nodes_build

# --- 3. two nodes ---------------------------------------------------------------------------
nodes_init
for n in a b; do halqa_on "$n" migrate; done
halqa_on a admin create-user alice --email alice@example.org --password "$PASSWORD"
halqa_on a admin create-user carol --email carol@example.org --password "$PASSWORD"
halqa_on b admin create-user bob --email bob@example.org --password "$PASSWORD"
halqa_on b admin create-user dave --email dave@example.org --password "$PASSWORD"
nodes_start

# --- 4. the scenarios -----------------------------------------------------------------------
export HALQA_A_URL="http://localhost:$PORT_A" HALQA_B_URL="http://localhost:$PORT_B"
export HALQA_A_DOMAIN="localhost:$PORT_A" HALQA_B_DOMAIN="localhost:$PORT_B"
export HALQA_CLIENTS_PASSWORD="$PASSWORD" HALQA_CLIENTS_WORKDIR="$TMP"
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1

FAILED=()
for s in "${SCENARIOS[@]}"; do
  say "scenario: $s"
  if ! "$VENV/bin/python" "$ROOT/tests/clients/${s}_scenario.py"; then FAILED+=("$s"); fi
done

nodes_alive || FAILED+=(node-died)

if [ ${#FAILED[@]} -eq 0 ]; then
  say "real clients: all scenarios passed"
  STATUS=0
else
  say "real clients: failed: ${FAILED[*]}"
  STATUS=1
fi
