# Two `halqa serve` nodes on loopback for the out-of-process tests (tests/clients/run.sh,
# tests/browser/run.sh): sourced, not run. Builds (or takes) the binary, picks two free ports,
# gives each node a SQLite file and a media folder in a temporary directory, federation debug
# mode (http + loopback peers) and the OAuth password grant, polls until both answer, and on
# exit stops them and, if the run failed, prints the end of both logs.
#
# The caller sets, before sourcing:
#   NODES_LABEL          a short name for the temporary directory (e.g. clients, browser)
#   NODES_RELEASE=1      build and use the release binary (HALQA_BIN=path: use that binary)
#   NODES_LOG_FILTER     the nodes' log filter (default "info")
#   NODES_KEEP=1         keep the temporary directory (databases, logs) after the run
#   NODES_READY_DEADLINE how long the nodes may take to answer, in seconds (default 60)
#   NODES_LOG_LINES      lines of each node log printed on failure (default 300)
#   NODES_EXTRA_ENV      an array of extra VAR=value settings for both nodes (optional)
#   ADMIN_PASSWORD       the first admin's password
# and then calls, in order: nodes_build, nodes_init (ports, temp dir, exit trap), `halqa_on a|b
# <halqa command>` for set-up (migrate, admin create-user …), nodes_start, and at the end sets
# STATUS=0 on success (the exit trap keeps the logs quiet then).
#
# After nodes_init: TMP, PORT_A, PORT_B; after nodes_start: PIDS (node A's then B's).

say() { printf '\n--- %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

# Sets BIN: $HALQA_BIN, or a fresh `cargo build` (debug, or release with NODES_RELEASE=1).
nodes_build() {
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/halqa-target}"
  if [ -n "${HALQA_BIN:-}" ]; then
    BIN="$HALQA_BIN"
  elif [ "${NODES_RELEASE:-0}" = 1 ]; then
    say "cargo build --release --bin halqa"
    cargo build --release --bin halqa
    BIN="$CARGO_TARGET_DIR/release/halqa"
  else
    say "cargo build --bin halqa"
    cargo build --bin halqa
    BIN="$CARGO_TARGET_DIR/debug/halqa"
  fi
  [ -x "$BIN" ] || { echo "no halqa binary at $BIN" >&2; exit 1; }
}

nodes_cleanup() {
  local rc=$?
  [ "$STATUS" = 0 ] && [ "$rc" = 0 ] || STATUS=1
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$STATUS" != 0 ]; then
    for n in a b; do
      if [ -f "$TMP/$n.log" ]; then
        say "node ${n^^} log (last ${NODES_LOG_LINES:-300} lines of $TMP/$n.log)"
        tail -n "${NODES_LOG_LINES:-300}" "$TMP/$n.log"
      fi
    done
  fi
  if [ "${NODES_KEEP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
  exit "$STATUS"
}

# The temporary directory, two free ports, and the exit trap.
nodes_init() {
  TMP="$(mktemp -d "${TMPDIR:-/tmp}/halqa-${NODES_LABEL:-nodes}.XXXXXX")"
  PIDS=()
  STATUS=1
  trap nodes_cleanup EXIT
  trap 'exit 130' INT TERM
  read -r PORT_A PORT_B < <(python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
EOF
)
  say "nodes: A on localhost:$PORT_A, B on localhost:$PORT_B (files in $TMP)"
}

# Sets NODE_ENV to node $1's configuration (a or b).
node_env() {
  local name="$1" port
  if [ "$name" = a ]; then port="$PORT_A"; else port="$PORT_B"; fi
  NODE_ENV=(
    HALQA__SERVER__BIND="127.0.0.1:$port"
    HALQA__INSTANCE__DOMAIN="localhost:$port"
    HALQA__DATABASE__URL="sqlite://$TMP/$name.db"
    HALQA__MEDIA__DIR="$TMP/$name-media"
    HALQA__FEDERATION__DEBUG=true
    HALQA__OAUTH__ALLOW_PASSWORD_GRANT=true
    HALQA__ADMIN__PASSWORD="$ADMIN_PASSWORD"
    HALQA__LOG__FILTER="${NODES_LOG_FILTER:-info}"
    NO_COLOR=1
    ${NODES_EXTRA_ENV[@]+"${NODES_EXTRA_ENV[@]}"}
  )
}

# Runs a halqa command with node $1's configuration, its output appended to the node's log.
halqa_on() {
  local name="$1"
  shift
  node_env "$name"
  env "${NODE_ENV[@]}" "$BIN" "$@" >>"$TMP/$name.log" 2>&1 || {
    echo "halqa ${1:-} ${2:-} failed on node ${name^^}:" >&2; tail -n 20 "$TMP/$name.log" >&2; return 1; }
}

# Ready when /api/v1/instance (or, before the client API exists, NodeInfo) answers 200.
node_wait_ready() {
  local port="$1" pid="$2" deadline=$((SECONDS + ${NODES_READY_DEADLINE:-60}))
  while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$pid" 2>/dev/null || { echo "the node on port $port exited" >&2; return 1; }
    if python3 - "$port" <<'EOF'
import sys, urllib.request
port = sys.argv[1]
for path in ("/api/v1/instance", "/.well-known/nodeinfo"):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except Exception:
        pass
sys.exit(1)
EOF
    then return 0; fi
    sleep 0.2
  done
  echo "the node on port $port did not answer within ${NODES_READY_DEADLINE:-60}s" >&2
  return 1
}

# Starts both nodes in the background (PIDS) and waits until both answer.
nodes_start() {
  # A simple command in the background, so $! is the node itself (env execs halqa).
  for n in a b; do
    node_env "$n"
    env "${NODE_ENV[@]}" "$BIN" serve >>"$TMP/$n.log" 2>&1 &
    PIDS+=($!)
  done
  node_wait_ready "$PORT_A" "${PIDS[0]}"
  node_wait_ready "$PORT_B" "${PIDS[1]}"
  echo "both nodes answer"
}

# Non-zero (and a message) if a node died during the run.
nodes_alive() {
  local ok=0
  for i in 0 1; do
    kill -0 "${PIDS[$i]}" 2>/dev/null || {
      echo "node $([ "$i" = 0 ] && echo A || echo B) died during the run" >&2; ok=1; }
  done
  return "$ok"
}
