// CompiledPolicy: the result of loading a set of policy files — every
// accepted rule compiled, every problem reported. An immutable value: the
// engine holds it as a snapshot (std::shared_ptr<const CompiledPolicy>) and a
// reload builds a new one. Programs refer to the field Schema the loader used
// (fields::FieldCatalogue::Default() unless overridden), which must outlive it.

#ifndef PICKET_POLICY_COMPILED_POLICY_H_
#define PICKET_POLICY_COMPILED_POLICY_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "policy/actions.h"
#include "policy/policy_diagnostic.h"
#include "policy/policy_file.h"
#include "secl/compiler.h"

namespace picket::policy {

// One loaded policy file, with what became of its rules.
struct PolicyInfo {
  std::string path;     // as given
  std::string name;     // file name ("default.policy")
  std::string version;  // `version:`
  bool is_default = false;
  std::size_t rules_defined = 0;                     // rule definitions in the file
  std::size_t rules_loaded = 0;                      // accepted and compiled (after combination)
  std::map<std::string, std::size_t> rules_skipped;  // SkipReasonName → count
  std::size_t errors = 0;
  std::size_t warnings = 0;
};

struct CompiledAction {
  Action action;
  std::optional<secl::Program> filter;  // present iff action.filter
  // set actions: the declared variable and, for `expression:`, its program.
  std::optional<secl::VariableId> variable;
  secl::Type variable_type;
  std::optional<secl::Program> set_expression;
  const secl::FieldInfo* set_field = nullptr;  // `field:` source
};

struct CompiledRule {
  secl::Program program;  // the compiled expression (first: no default constructor)
  std::string id;
  std::string version;
  std::string description;
  std::string expression;  // as written (decoded YAML)
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<std::string> product_tags;
  std::vector<CompiledAction> actions;
  std::optional<std::uint64_t> every_ns;
  bool silent = false;
  std::int64_t priority = 0;
  std::string group_id;
  std::vector<std::string> limiter_token;
  RuleDocumentation documentation;
  // tags: execution_context: "true" (case-insensitive); evaluated first in
  // its bucket (spec §13).
  bool execution_context = false;
  std::size_t policy_index = 0;  // into CompiledPolicy::policies (defining file)
  std::string file;              // defining file
  std::uint32_t line = 0;        // line of the rule's id
  // The fim.write.file.* rule this one was expanded from (spec §10.2), or "".
  std::string expanded_from;
  std::string event_type;  // "exec", "exit", ...
};

struct SkippedRule {
  std::string id;
  SkipReason reason = SkipReason::kNone;
  std::string detail;  // "field 'open.file.path' (event type 'open')", "agent_version '>= 7.80'"
  std::string file;
};

struct CompiledPolicy {
  std::vector<PolicyInfo> policies;  // load order
  std::vector<CompiledRule> rules;   // load order (engine sorts its buckets)
  std::vector<SkippedRule> skipped;
  std::vector<PolicyDiagnostic> diagnostics;  // errors and warnings, in discovery order
  // Macros, constants and every declared variable; the engine's variable
  // store is keyed by its VariableIds.
  std::shared_ptr<const secl::Environment> environment;
  secl::BuiltinVariables builtins;
  std::map<std::string, std::size_t> rules_per_event_type;

  std::size_t error_count() const;
  std::size_t warning_count() const;
  bool ok() const { return error_count() == 0; }
  const CompiledRule* FindRule(std::string_view id) const;
  // Skips grouped by reason name, in a stable order.
  std::map<std::string, std::vector<const SkippedRule*>> SkippedByReason() const;
};

}  // namespace picket::policy

#endif  // PICKET_POLICY_COMPILED_POLICY_H_
