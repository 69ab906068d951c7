// What `picket run` and `picket replay` share before their event loops: the
// configuration, the policies it selects (loaded, compiled and reported to
// the log), and the pipeline options derived from it — one code path, so a
// replay evaluates exactly what the live agent did.

#ifndef PICKET_APP_AGENT_SETUP_H_
#define PICKET_APP_AGENT_SETUP_H_

#include <memory>
#include <string>
#include <vector>

#include "app/agent_config.h"
#include "app/agent_policy.h"
#include "app/pipeline.h"
#include "base/result.h"

namespace picket::app {

struct AgentSetup {
  AgentConfig config;
  PolicySelection selection;  // kept for SIGHUP reloads
  std::shared_ptr<const policy::CompiledPolicy> policy;
};

// Loads the config (LoadConfigOrDefaults), selects and compiles the
// policies, and logs the policy report. The error is what to print.
Result<AgentSetup> LoadAgentSetup(const std::string& config_path,
                                  std::vector<std::string> cli_policies, bool no_builtin);

// Tree limits, agent facts and response safeguards from the config.
PipelineOptions PipelineOptionsFromConfig(const AgentConfig& config);

}  // namespace picket::app

#endif  // PICKET_APP_AGENT_SETUP_H_
