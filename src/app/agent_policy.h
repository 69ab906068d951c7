// The policies an agent run (or replay) evaluates: the embedded shipped
// policy (unless disabled) plus every *.policy of the configured paths and
// the --policy arguments, loaded together (spec §12.5) for the configured
// emulated Datadog agent version. Shared by `picket run` and `picket replay`
// so a replay evaluates exactly what the live agent did.

#ifndef PICKET_APP_AGENT_POLICY_H_
#define PICKET_APP_AGENT_POLICY_H_

#include <memory>
#include <string>
#include <vector>

#include "app/agent_config.h"
#include "base/result.h"
#include "engine/rule_set.h"
#include "policy/compiled_policy.h"

namespace picket::app {

struct PolicySelection {
  bool builtin = true;
  std::vector<std::string> config_paths;  // from the config file; missing ones are skipped
  std::vector<std::string> cli_paths;     // --policy; missing ones are errors
  std::string agent_version = "7.73.0";
};

PolicySelection SelectPolicies(const AgentConfig& config, std::vector<std::string> cli_paths,
                               bool no_builtin);

// Loads and compiles. Fails (kInvalidArgument) only on a bad agent version;
// policy problems are diagnostics inside the result.
Result<std::shared_ptr<const policy::CompiledPolicy>> LoadSelectedPolicies(
    const PolicySelection& selection);

// Logs every diagnostic (rendered, file:line:col) and one summary line:
// "<n> rules active (exec: a, exit: b); <k> skipped; <e> errors".
void LogPolicyReport(const policy::CompiledPolicy& policy);

// The summary above, without logging.
std::string PolicySummary(const policy::CompiledPolicy& policy);

}  // namespace picket::app

#endif  // PICKET_APP_AGENT_POLICY_H_
