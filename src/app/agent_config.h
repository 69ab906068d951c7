// AgentConfig: `picket run`'s configuration file (YAML, --config), with the
// defaults documented in docs/configuration.md. Unknown keys and wrong value
// types are errors — a typo in a security agent's config must not silently
// fall back to a default — and every problem is reported at once, each as
// "<file>:<line>:<col>: <message>".

#ifndef PICKET_APP_AGENT_CONFIG_H_
#define PICKET_APP_AGENT_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace picket::app {

struct AgentConfig {
  // Policies: the shipped default.policy (embedded in the binary) plus every
  // *.policy file of these files/directories.
  bool builtin_policy = true;
  std::vector<std::string> policy_paths = {"/etc/picket/policies.d"};
  std::string agent_version = "7.73.0";  // emulated Datadog agent version (agent_version:)

  // Kernel collection.
  std::uint32_t ring_size_mib = 8;
  std::uint32_t argv_max_bytes = 4096;
  bool capture_env = false;
  std::string attach = "auto";  // auto | tp_btf | raw_tp
  // Longest a record waits in the ring before the agent drains it when
  // nothing forced a wake-up (the ring's byte threshold, an urgent exec):
  // bounds exec → signal latency for rules that do not name the executed
  // program. Each drain has a fixed cost (the wake-up, caches the workload
  // evicted meanwhile), so a shorter interval costs CPU on a busy host.
  std::uint64_t poll_interval_ms = 50;
  // Execs of the programs the loaded rules name (engine/urgent_exec_names.h)
  // wake the agent instead of waiting for the interval ...
  bool urgent_exec_wakeups = true;
  // ... but no sooner than this after the previous drain, so a host that
  // runs named programs all the time (Datadog's rules name shells and
  // coreutils) pays at most one drain per min_poll_interval_ms. The same
  // spacing applies to wake-ups forced by the ring's byte threshold.
  std::uint64_t min_poll_interval_ms = 10;

  // Process tree.
  std::uint64_t max_processes = 65'536;
  std::uint64_t max_ancestors = 100;
  std::uint64_t exit_grace_seconds = 1;  // proc::ProcessTreeLimits::exit_grace_ns

  // Sinks.
  bool stdout_enabled = true;
  std::string stdout_format = "auto";  // auto | text | json
  bool sqlite_enabled = true;
  std::string sqlite_path = "/var/lib/picket/picket.db";
  std::uint64_t sqlite_retention_days = 30;
  std::uint64_t sqlite_max_rows = 1'000'000;
  bool jsonl_enabled = false;
  std::string jsonl_path = "/var/log/picket/signals.jsonl";
  bool http_enabled = false;
  std::string http_url;
  std::string http_spool_dir = "/var/lib/picket/spool/http";
  bool clickhouse_enabled = false;
  std::string clickhouse_url = "http://127.0.0.1:8123/";
  std::string clickhouse_table = "picket_signals";
  std::string clickhouse_spool_dir = "/var/lib/picket/spool/clickhouse";
  std::uint64_t sink_queue_capacity = 10'000;
  std::uint64_t sink_failure_log_interval_seconds = 10;

  // Operations.
  std::uint64_t stats_interval_seconds = 10;
  std::string hostname;  // "" = gethostname()
  // The event thread runs this many nice levels above normal (auditd's
  // priority_boost, default 4, for the same reason): on a saturated host it
  // is scheduled promptly after each poll interval, which keeps the
  // exec → signal latency bounded. 0 leaves the priority alone.
  std::uint64_t priority_boost = 4;
  bool enforcement = false;  // allow `kill` actions

  // Response safeguards for `kill`: never the agent, pid 1, or these paths.
  std::vector<std::string> kill_excluded_paths = {"/usr/lib/systemd/**", "/usr/sbin/sshd"};
};

// Reads and validates a config file. The error message lists every problem.
Result<AgentConfig> LoadAgentConfig(const std::string& path);
// Same, from text (`origin` names it in messages).
Result<AgentConfig> ParseAgentConfig(const std::string& text, const std::string& origin);

}  // namespace picket::app

#endif  // PICKET_APP_AGENT_CONFIG_H_
