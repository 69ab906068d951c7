// What `picket run` and `picket replay` share before their event loops: the
// configuration, the policies it selects (loaded, compiled and reported to
// the log), and the pipeline options derived from it — one code path, so a
// replay evaluates exactly what the live agent did.

#ifndef PICKET_APP_AGENT_SETUP_H_
#define PICKET_APP_AGENT_SETUP_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "app/agent_config.h"
#include "app/agent_policy.h"
#include "app/pipeline.h"
#include "base/result.h"
#include "probe/collector.h"

namespace picket::app {

// The command-line options `run` and `replay` share.
struct AgentOptions {
  std::string config_path;
  std::vector<std::string> policies;  // --policy, after the configured ones
  bool no_builtin = false;
  std::string log_level;
};

// Adds -c/--config, -p/--policy, --no-builtin-policy and --log-level to
// `command`, writing into `options` (which must outlive the parse).
void AddAgentOptions(CLI::App& command, AgentOptions& options);

// Logs to stderr through the "picket" spdlog logger at options.log_level.
void InitLogging(const AgentOptions& options);

struct AgentSetup {
  AgentConfig config;
  PolicySelection selection;  // kept for SIGHUP reloads
  std::shared_ptr<const policy::CompiledPolicy> policy;
};

// Loads the config (LoadConfigOrDefaults), selects and compiles the
// policies, and logs the policy report. The error is what to print.
Result<AgentSetup> LoadAgentSetup(const AgentOptions& options);

// Tree limits, agent facts and response safeguards from the config.
PipelineOptions PipelineOptionsFromConfig(const AgentConfig& config);

// Ring size, capture limits and attach mode from the config. The ring's
// wake-up threshold is an eighth of the ring: it only guards against
// overflow (seven eighths stay free for the wake-up and the drain), while
// the poll interval sets the batch. A fixed 64 KiB was crossed inside every
// 50 ms interval from ~1,300 execs/s on, which cost a second wake-up per
// drain (docs/performance.md, eleventh round).
probe::CollectorOptions CollectorOptionsFromConfig(const AgentConfig& config);

}  // namespace picket::app

#endif  // PICKET_APP_AGENT_SETUP_H_
