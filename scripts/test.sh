#!/usr/bin/env bash
# The whole test suite, as CI runs it: install dependencies, build the dev
# preset and run every test (unit + kernel integration tests when root), then
# the ASan/UBSan unit tests, then each libFuzzer target for FUZZ_SECONDS on
# its seed corpus.
#
#   scripts/test.sh              everything
#   SKIP_ASAN=1 SKIP_FUZZ=1 ...  the quick loop
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
JOBS=${JOBS:-$(nproc)}

bash scripts/install-deps.sh

step() { printf '\n=== %s ===\n' "$*"; }

step "dev build"
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$JOBS"

step "dev tests (unit + integration)"
rm -rf build/dev/test-signals
# A real ClickHouse on loopback for the ClickHouse sink's round-trip test.
clickhouse_dir=$(mktemp -d /tmp/picket-clickhouse.XXXXXX)
trap 'bash scripts/clickhouse-test-server.sh stop "$clickhouse_dir"' EXIT
PICKET_CLICKHOUSE_URL=$(bash scripts/clickhouse-test-server.sh start "$clickhouse_dir" 18123)
export PICKET_CLICKHOUSE_URL
ctest --preset dev -j "$JOBS"

step "every signal the suite emitted validates against docs/signal.schema.json"
/usr/bin/python3 scripts/validate-signals.py build/dev/test-signals

if [[ -z "${SKIP_ASAN:-}" ]]; then
  step "asan+ubsan build"
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$JOBS"
  step "asan+ubsan unit tests"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --preset asan -j "$JOBS" -L unit
fi

if [[ -z "${SKIP_FUZZ:-}" ]]; then
  step "fuzz build"
  cmake --preset fuzz >/dev/null
  # Only the fuzz targets (and the libraries they link): the tests were
  # already built and run twice above.
  mapfile -t fuzz_targets < <(cmake --build --preset fuzz --target help |
    sed -n 's/^\([a-z_]*_fuzzer\): .*/\1/p' | sort -u)
  cmake --build --preset fuzz -j "$JOBS" --target "${fuzz_targets[@]}"
  mapfile -t fuzzers < <(find build/fuzz/src -type f -executable -name '*_fuzzer' | sort)
  for fuzzer in "${fuzzers[@]}"; do
    name=$(basename "$fuzzer")          # <module>_<stem>_fuzzer
    module=${name%%_*}
    stem=${name#"${module}"_}
    seeds="src/${module}/testdata/${stem}_corpus"
    work="build/fuzz/corpus/${name}"
    mkdir -p "$work"
    step "fuzz ${name} for ${FUZZ_SECONDS}s (seeds: ${seeds})"
    args=(-max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048)
    [[ -d "$seeds" ]] && args+=("$work" "$seeds") || args+=("$work")
    "$fuzzer" "${args[@]}" 2>&1 | tail -n 12
  done
fi

step "all test stages passed"
