#!/usr/bin/env bash
# Shows picket's headline detection, safely, on this machine (root, eBPF):
#  1. starts `picket run` with the shipped policy (signals to a temporary
#     SQLite store and to the terminal);
#  2. drops a script in /tmp that runs curl against a loopback address
#     (127.0.0.2, nothing leaves the machine) → one `net_util` signal;
#  3. runs the same curl from a clean parent (/usr/bin/bash -c from /) → nothing;
#  4. lists the stored signal and shows it with its ancestor tree.
#
#   demo/net_util.sh              (after scripts/run.sh or a build in build/release)
#   PICKET=/path/to/picket demo/net_util.sh
set -euo pipefail
cd "$(dirname "$0")/.."

picket=${PICKET:-}
for candidate in build/release/src/app/picket build/dev/src/app/picket; do
  [[ -z "$picket" && -x "$candidate" ]] && picket=$candidate
done
if [[ -z "$picket" ]]; then
  echo "demo: build picket first (scripts/run.sh, or cmake --preset release && cmake --build --preset release)" >&2
  exit 1
fi
[[ $(id -u) -eq 0 ]] || { echo "demo: run as root (the collector loads eBPF programs)" >&2; exit 1; }

work=$(mktemp -d /var/lib/picket-demo.XXXXXX)
drop=/tmp/picket-demo-$$
cleanup() {
  [[ -n "${agent:-}" ]] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null || true
  rm -rf "$drop" "$work"
}
trap cleanup EXIT

cat > "$work/picket.yaml" <<YAML
policies:
  paths: []
stdout:
  format: text
sqlite:
  path: $work/picket.db
agent:
  stats_interval_seconds: 60
YAML

echo "== starting picket run (shipped policy)"
"$picket" run --config "$work/picket.yaml" 2>"$work/agent.log" &
agent=$!
for _ in $(seq 100); do grep -q "ready" "$work/agent.log" 2>/dev/null && break; sleep 0.1; done
grep -q "ready" "$work/agent.log" || { cat "$work/agent.log"; exit 1; }
grep -E "rules active|ready" "$work/agent.log" | sed 's/^/   agent: /'

echo "== a dropped script in $drop runs curl (loopback only)"
mkdir -p "$drop"
printf '#!/bin/sh\ncurl -s -o /dev/null --max-time 2 http://127.0.0.2:9/update.sh\n' > "$drop/update.sh"
chmod +x "$drop/update.sh"
"$drop/update.sh" || true

echo "== the same curl from a clean parent (expect no signal)"
(cd / && /usr/bin/bash -c 'curl -s -o /dev/null --max-time 2 http://127.0.0.2:9/update.sh') || true
sleep 1.5

kill -TERM "$agent"; wait "$agent" || true; agent=

echo "== stored signals"
"$picket" signals list --db "$work/picket.db"
id=$("$picket" signals list --db "$work/picket.db" --json | python3 -c 'import json,sys; rows=[json.loads(l) for l in sys.stdin if l.strip()]; print(rows[0]["id"] if rows else "")')
if [[ -n "$id" ]]; then
  echo "== signal $id"
  "$picket" signals show "$id" --db "$work/picket.db"
fi
