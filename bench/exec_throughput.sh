#!/usr/bin/env bash
# exec_throughput.sh: what attaching picket's kernel collector costs.
#
#  1. Exec throughput, interleaved: each round runs the exec storm with
#     nothing attached (A), with the collector attached and batched wake-ups
#     (B, the default), and with wake-ups on every record (C), in an order
#     that rotates each round; the ratios B/A and C/A are taken per round (so
#     host drift cancels) and the median over rounds is reported.
#  2. Per-event BPF program cost: kernel.bpf_stats_enabled=1, one storm with
#     the collector attached, then run_time_ns / run_cnt of each loaded
#     program from `bpftool prog show id N --json`.
#
# Needs root. Usage:
#   bench/exec_throughput.sh [--bin-dir DIR] [--rounds N] [--count M]
#                            [--workers W] [--markdown FILE]
# DIR holds exec_storm and picket_collect_bench (default: build/release/bench,
# else build/dev/bench). --markdown writes the result table to FILE.
set -euo pipefail

bin_dir=""
rounds=5
count=8000
workers=4
markdown=""
while (($#)); do
  case "$1" in
    --bin-dir) bin_dir="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --markdown) markdown="$2"; shift 2 ;;
    *) echo "usage: $0 [--bin-dir DIR] [--rounds N] [--count M] [--workers W] [--markdown FILE]" >&2
       exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
if [[ -z "$bin_dir" ]]; then
  for candidate in "$root/build/release/bench" "$root/build/dev/bench"; do
    [[ -x "$candidate/picket_collect_bench" ]] && bin_dir="$candidate" && break
  done
fi
storm="$bin_dir/exec_storm"
collector="$bin_dir/picket_collect_bench"
if [[ ! -x "$storm" || ! -x "$collector" ]]; then
  echo "exec_throughput: build exec_storm and picket_collect_bench first (--bin-dir)" >&2
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "exec_throughput: needs root (loads BPF programs, sets kernel.bpf_stats_enabled)" >&2
  exit 1
fi

work=$(mktemp -d /tmp/picket-bench.XXXXXX)
collector_pid=""
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
cleanup() {
  [[ -n "$collector_pid" ]] && kill -INT "$collector_pid" 2>/dev/null && wait "$collector_pid" 2>/dev/null
  sysctl -q -w kernel.bpf_stats_enabled="$old_stats"
  rm -rf "$work"
}
trap cleanup EXIT

# Starts the collector with extra options; waits until it is attached.
start_collector() {
  rm -f "$work/ready"
  "$collector" --ready-file "$work/ready" "$@" > "$work/collector.out" 2> "$work/collector.err" &
  collector_pid=$!
  for _ in $(seq 1 500); do
    [[ -s "$work/ready" ]] && return 0
    kill -0 "$collector_pid" 2>/dev/null || break
    sleep 0.02
  done
  echo "exec_throughput: collector did not attach:" >&2
  cat "$work/collector.err" >&2
  exit 1
}

# Stops the collector (not in a subshell: wait needs the parent shell);
# its final counters line is then the last line of $work/collector.out.
stop_collector() {
  kill -INT "$collector_pid"
  wait "$collector_pid"
  collector_pid=""
}
last_lost() { sed -n 's/.* lost=\([0-9]*\).*/\1/p' "$work/collector.out" | tail -n 1; }

# Runs the storm; prints the achieved rate.
run_storm() {
  "$storm" --workers "$workers" --count "$count" | sed -n 's/.* rate=\([0-9.]*\).*/\1/p'
}

echo "# exec_throughput: $rounds rounds x $count execs, $workers workers" >&2
: > "$work/runs"
# One storm under configuration $1 (none | batched | eager); sets rate_<cfg>
# and lost_<cfg>.
run_config() {
  case "$1" in
    none) rate_none=$(run_storm) ;;
    batched)
      start_collector
      rate_batched=$(run_storm)
      stop_collector
      lost_batched=$(last_lost) ;;
    eager)
      start_collector --wakeup-bytes 0
      rate_eager=$(run_storm)
      stop_collector
      lost_eager=$(last_lost) ;;
  esac
}

# The order rotates every round (none batched eager, batched eager none, ...)
# so no configuration always runs first or last.
configs=(none batched eager)
for ((round = 1; round <= rounds; round++)); do
  shift_by=$(((round - 1) % 3))
  for i in 0 1 2; do
    run_config "${configs[$(((i + shift_by) % 3))]}"
  done
  echo "$round $rate_none $rate_batched $rate_eager $lost_batched $lost_eager" >> "$work/runs"
  echo "round $round: none=$rate_none/s batched=$rate_batched/s eager=$rate_eager/s" \
       "lost=$lost_batched/$lost_eager" >&2
done

# Per-program cost, batched wake-ups (the default) then eager ones.
measure_cost() {
  local label=$1
  shift
  sysctl -q -w kernel.bpf_stats_enabled=1
  start_collector "$@"
  local programs
  programs=$(sed -n 's/.*programs=\([^ ]*\).*/\1/p' "$work/ready")
  run_storm > /dev/null
  for entry in ${programs//,/ }; do
    local name=${entry%%:*} id=${entry##*:}
    bpftool prog show id "$id" --json |
      python3 -c 'import json,sys; p=json.load(sys.stdin); print(sys.argv[1], sys.argv[2], p.get("run_time_ns",0), p.get("run_cnt",0))' \
        "$label" "$name" >> "$work/cost"
  done
  stop_collector
  sysctl -q -w kernel.bpf_stats_enabled=0
}
: > "$work/cost"
measure_cost batched
measure_cost eager --wakeup-bytes 0
measure_cost batched-raw_tp --attach raw_tp

python3 - "$work/runs" "$work/cost" "$rounds" "$count" "$workers" "$markdown" <<'PY'
import statistics, sys
runs_path, cost_path, rounds, count, workers, markdown = sys.argv[1:7]
runs = [list(map(float, line.split())) for line in open(runs_path) if line.strip()]
med = statistics.median
lines = []


def spread(values, fmt):
    return f"{med(values):{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"


if runs:  # --rounds 0 measures program cost only
    none = [r[1] for r in runs]
    batched = [r[2] for r in runs]
    eager = [r[3] for r in runs]
    ratio_b = [r[2] / r[1] for r in runs]
    ratio_c = [r[3] / r[1] for r in runs]
    lost_b = sum(int(r[4]) for r in runs)
    lost_c = sum(int(r[5]) for r in runs)
    lines += [
        f"Exec storm: {count} fork+exec of /bin/true per run, {workers} workers, "
        f"{rounds} interleaved rounds, order rotating each round.",
        "",
        "| Configuration | Median execs/s (min-max) | Median ratio vs none (min-max) | Records lost |",
        "|---|---|---|---|",
        f"| nothing attached | {spread(none, '.0f')} | 1.000 | - |",
        f"| collector, batched wake-ups (default, 64 KiB) | {spread(batched, '.0f')} "
        f"| {spread(ratio_b, '.3f')} | {lost_b} |",
        f"| collector, wake-up on every record | {spread(eager, '.0f')} "
        f"| {spread(ratio_c, '.3f')} | {lost_c} |",
        "",
    ]
lines += [
    "Per-event BPF program cost (kernel.bpf_stats_enabled, one storm each):",
    "",
    "| Configuration | Program | Runs | Mean ns per run |",
    "|---|---|---|---|",
]
for line in open(cost_path):
    label, name, ns, cnt = line.split()
    ns, cnt = int(ns), int(cnt)
    lines.append(f"| {label} | {name} | {cnt} | {ns / cnt if cnt else 0:.0f} |")
text = "\n".join(lines)
print(text)
if markdown:
    open(markdown, "w").write(text + "\n")
PY
