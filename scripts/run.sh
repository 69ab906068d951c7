#!/usr/bin/env bash
# Quick start: install dependencies, build picket (release), and run the agent
# with its embedded defaults (the shipped policy, signals to stdout and to the
# SQLite store /var/lib/picket/picket.db). Needs root. Extra arguments go to
# `picket run` (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target picket
exec ./build/release/src/app/picket run "$@"
