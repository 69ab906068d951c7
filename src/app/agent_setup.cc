#include "app/agent_setup.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "app/agent_info.h"

namespace picket::app {

void AddAgentOptions(CLI::App& command, AgentOptions& options) {
  command.add_option("-c,--config", options.config_path,
                     "Config file (default: /etc/picket/picket.yaml if present)");
  command.add_option("-p,--policy", options.policies,
                     "Policy file or directory, in addition to the configured ones (repeatable)");
  command.add_flag("--no-builtin-policy", options.no_builtin, "Do not load the shipped policy");
  command.add_option("--log-level", options.log_level, "trace|debug|info|warn|error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
}

void InitLogging(const AgentOptions& options) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("picket"));
  spdlog::set_level(spdlog::level::from_str(options.log_level));
}

Result<AgentSetup> LoadAgentSetup(const AgentOptions& options) {
  Result<AgentConfig> config = LoadConfigOrDefaults(options.config_path);
  if (!config.has_value()) return config.error().WithContext("configuration");
  AgentSetup setup;
  setup.config = std::move(*config);
  setup.selection = SelectPolicies(setup.config, options.policies, options.no_builtin);
  Result<std::shared_ptr<const policy::CompiledPolicy>> compiled =
      LoadSelectedPolicies(setup.selection);
  if (!compiled.has_value()) return compiled.error();
  setup.policy = std::move(*compiled);
  LogPolicyReport(*setup.policy);
  return setup;
}

PipelineOptions PipelineOptionsFromConfig(const AgentConfig& config) {
  PipelineOptions options;
  options.tree_limits.max_processes = config.max_processes;
  options.tree_limits.max_ancestor_depth = config.max_ancestors;
  options.tree_limits.exit_grace_ns = config.exit_grace_seconds * 1'000'000'000ULL;
  options.agent = DetectAgentInfo(config);
  options.engine.kill.enforcement = config.enforcement;
  options.engine.kill.excluded_paths = config.kill_excluded_paths;
  return options;
}

probe::CollectorOptions CollectorOptionsFromConfig(const AgentConfig& config) {
  probe::CollectorOptions options;
  options.ring_size_bytes = config.ring_size_mib << 20;
  options.wakeup_threshold_bytes = options.ring_size_bytes / 8;
  options.argv_capture_bytes = config.argv_max_bytes;
  options.capture_env = config.capture_env;
  if (config.attach == "tp_btf") {
    options.attach_mode = probe::AttachMode::kTpBtf;
  } else if (config.attach == "raw_tp") {
    options.attach_mode = probe::AttachMode::kRawTp;
  } else {
    options.attach_mode = probe::AttachMode::kAuto;
  }
  return options;
}

}  // namespace picket::app
