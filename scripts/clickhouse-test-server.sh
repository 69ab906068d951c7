#!/usr/bin/env bash
# A throwaway ClickHouse server (Debian's clickhouse-server) on loopback, for
# the ClickHouse sink's real-server test:
#   scripts/clickhouse-test-server.sh start DIR PORT   → prints its HTTP URL
#   scripts/clickhouse-test-server.sh stop DIR
# Data, logs and the pid live under DIR; it listens on 127.0.0.1 only.
set -euo pipefail
command=${1:?start|stop}
dir=${2:?directory}

case "$command" in
  start)
    port=${3:?port}
    mkdir -p "$dir"/{data,tmp,user_files,format_schemas,log}
    clickhouse-server --config-file=/etc/clickhouse-server/config.xml -- \
      --path="$dir/data/" --tmp_path="$dir/tmp/" --user_files_path="$dir/user_files/" \
      --format_schema_path="$dir/format_schemas/" --listen_host=127.0.0.1 \
      --http_port="$port" --tcp_port=$((port + 1)) --interserver_http_port=$((port + 2)) \
      --logger.log="$dir/log/server.log" --logger.errorlog="$dir/log/error.log" \
      >"$dir/log/stdout.log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 100); do
      if curl -s --max-time 1 "http://127.0.0.1:$port/ping" >/dev/null; then
        echo "http://127.0.0.1:$port/"
        exit 0
      fi
      sleep 0.2
    done
    echo "clickhouse-test-server: not answering on 127.0.0.1:$port; see $dir/log" >&2
    exit 1
    ;;
  stop)
    if [[ -f "$dir/pid" ]]; then
      kill "$(cat "$dir/pid")" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$(cat "$dir/pid")" 2>/dev/null || break; sleep 0.2; done
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
