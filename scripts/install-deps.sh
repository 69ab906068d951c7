#!/usr/bin/env bash
# Installs everything picket needs to build, test and benchmark, from Debian 12's
# archive only. Idempotent: safe to run again; installs only what is missing.
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: run as root (apt-get needs it)" >&2
  exit 1
fi

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  clang clang-14 llvm-14 lld-14 libclang-rt-14-dev clang-format clang-tidy
  # eBPF: libbpf + bpftool (skeletons, vmlinux.h) + their link deps
  libbpf-dev bpftool libelf-dev zlib1g-dev
  # libraries
  libyaml-cpp-dev libre2-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libsqlite3-dev sqlite3 libcurl4-openssl-dev libssl-dev
  # the agent's allocator (tcmalloc_minimal; see PICKET_TCMALLOC in CMakeLists.txt)
  libgoogle-perftools-dev
  # the distributed store's real server, started on loopback by the tests
  clickhouse-server clickhouse-client
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev python3 python3-jsonschema
  # network tools the detection tests run against loopback
  curl wget dnsutils bind9-host netcat-openbsd socat iproute2 procps util-linux
)

# --bench: also the tools bench/compare measures picket against, and the
# plotting library its figure needs.
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(auditd bpftrace bpfcc-tools python3-matplotlib)
elif (($#)); then
  echo "usage: $0 [--bench]" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all ${#packages[@]} packages present"
fi
