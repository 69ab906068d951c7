// Loading policies (spec §12): read files, filter macros and rules by
// agent_version and host `filters`, combine several policies (§12.5), compile
// macros, declare every `set` variable, then compile each rule and its
// actions. Never throws, never aborts the whole load: each problem becomes a
// diagnostic, and a rule that needs a field picket does not collect is
// skipped with a warning naming the field.

#ifndef PICKET_POLICY_LOADER_H_
#define PICKET_POLICY_LOADER_H_

#include <span>
#include <string>
#include <vector>

#include "policy/compiled_policy.h"
#include "policy/host.h"
#include "policy/semver.h"
#include "secl/compiler.h"
#include "secl/schema.h"

namespace picket::policy {

struct LoadOptions {
  SemVer agent_version = kDefaultAgentVersion;  // emulated Datadog agent
  HostInfo host;                                // see HostInfo::Detect()
  // Kill actions are refused ("kill action is disabled globally") unless set.
  bool enforcement_enabled = true;
  // The field catalogue; nullptr = fields::FieldCatalogue::Default().
  const secl::Schema* schema = nullptr;
  // Event types whose rules may load; a rule of another type is skipped with
  // a warning. Default: what picket collects.
  std::vector<std::string> collected_event_types{"exec", "fork", "exit"};
  secl::Limits limits;
};

// A policy given as text (tests, fuzzing, remote config).
struct PolicySource {
  std::string path;  // printed in diagnostics; its file name decides ordering
  std::string text;
};

// Orders `sources` per §12.5: the policy named default.policy first, then the
// others by file name. Loads and compiles them together.
CompiledPolicy LoadPolicies(std::vector<PolicySource> sources, const LoadOptions& options);

// Reads each path (a file, or a directory whose *.policy files are loaded;
// other files in it are ignored) and loads them together. Unreadable paths
// are error diagnostics.
CompiledPolicy LoadPolicyPaths(std::span<const std::string> paths, const LoadOptions& options);

// Expands files and directories into the list of policy files to read, in
// no particular order (LoadPolicies orders them). Problems (missing path,
// unreadable directory) are appended to `diagnostics`.
std::vector<std::string> ExpandPolicyPaths(std::span<const std::string> paths,
                                           std::vector<PolicyDiagnostic>& diagnostics);

}  // namespace picket::policy

#endif  // PICKET_POLICY_LOADER_H_
