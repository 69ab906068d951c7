#include "app/agent_setup.h"

#include <unistd.h>

#include "app/agent_info.h"

namespace picket::app {

Result<AgentSetup> LoadAgentSetup(const std::string& config_path,
                                  std::vector<std::string> cli_policies, bool no_builtin) {
  Result<AgentConfig> config = LoadConfigOrDefaults(config_path);
  if (!config.has_value()) return config.error().WithContext("configuration");
  AgentSetup setup;
  setup.config = std::move(*config);
  setup.selection = SelectPolicies(setup.config, std::move(cli_policies), no_builtin);
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

}  // namespace picket::app
