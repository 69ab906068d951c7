// One policy file as written (spec §12.1–§12.3): macros and rules decoded
// from YAML into plain values that keep their file locations, before any
// filtering, merging or SECL compilation. Parsing never throws: YAML syntax
// errors, wrong value shapes and invalid UTF-8 become diagnostics, and
// whatever could be decoded is returned.
//
// Unknown keys are ignored at every level, as Datadog's loader does, except
// picket's own extension key `picket:` on a rule (RuleDocumentation; see
// docs/policy-format.md), which is validated.

#ifndef PICKET_POLICY_POLICY_FILE_H_
#define PICKET_POLICY_POLICY_FILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "policy/actions.h"
#include "policy/policy_diagnostic.h"
#include "policy/source_file.h"

namespace picket::policy {

enum class Combine { kNone, kMerge, kOverride };

// picket's `picket:` rule extension: what an analyst needs when the rule
// fires. All optional.
struct RuleDocumentation {
  std::string severity;  // info | low | medium | high | critical
  // The signal message template, rendered against the signal JSON:
  // "The process `{{ @process.comm }}` was executed, ..." (spec §15.3).
  std::string message;
  std::string goal;                          // what the rule detects and why it matters
  std::string strategy;                      // how the expression detects it
  std::vector<std::string> triage;           // steps to decide true/false positive
  std::vector<std::string> response;         // what to do when it is real
  std::vector<std::string> false_positives;  // known benign causes
  std::vector<std::string> references;       // URLs, ATT&CK ids

  bool empty() const {
    return severity.empty() && message.empty() && goal.empty() && strategy.empty() &&
           triage.empty() && response.empty() && false_positives.empty() && references.empty();
  }
};

inline constexpr std::string_view kDocumentationSeverities[] = {"info", "low", "medium", "high",
                                                                "critical"};

struct MacroDefinition {
  std::string id;
  std::uint32_t offset = 0;  // the `id` value in the file
  std::optional<LocatedString> expression;
  std::optional<std::vector<std::string>> values;
  std::string description;
  std::optional<LocatedString> agent_version;
  std::vector<LocatedString> filters;
  Combine combine = Combine::kNone;
  SourceFilePtr source;
};

// override_options.fields
enum OverrideField : std::uint32_t {
  kOverrideExpression = 1u << 0,
  kOverrideActions = 1u << 1,
  kOverrideEvery = 1u << 2,
  kOverrideTags = 1u << 3,
  kOverrideProductTags = 1u << 4,
  kOverrideAll = 1u << 5,
};

struct RuleDefinition {
  std::string id;
  std::uint32_t offset = 0;  // the `id` value in the file
  std::string version;
  std::string description;
  std::optional<LocatedString> expression;
  std::vector<std::pair<std::string, std::string>> tags;  // in file order
  std::vector<std::string> product_tags;
  std::vector<Action> actions;
  std::vector<LocatedString> filters;
  std::optional<LocatedString> agent_version;
  std::optional<bool> disabled;  // absent ≠ false for combination (§12.5)
  std::optional<std::uint64_t> every_ns;
  bool silent = false;
  Combine combine = Combine::kNone;
  std::uint32_t override_fields = 0;  // OverrideField bits; 0 = not given
  std::int64_t priority = 0;
  std::string group_id;
  std::vector<std::string> limiter_token;
  RuleDocumentation documentation;
  SourceFilePtr source;
};

struct PolicyFile {
  SourceFilePtr source;
  std::string name;     // file name without directories ("default.policy")
  std::string version;  // `version:`
  std::string type;     // `type:`
  std::vector<MacroDefinition> macros;
  std::vector<RuleDefinition> rules;
  // Rule items that could not be decoded (their errors are diagnostics):
  // their ids, "" when the id itself was missing or invalid.
  std::vector<std::string> invalid_rules;
};

// Decodes one policy file. Diagnostics are appended to `diagnostics`.
PolicyFile ParsePolicyFile(SourceFilePtr source, std::vector<PolicyDiagnostic>& diagnostics);

// `^[a-zA-Z0-9_]*$` and non-empty (spec §12.2, §12.3).
bool IsValidId(std::string_view id);

// A YAML duration: an integer (nanoseconds) or a Go duration string
// ("10m", "1h30m", "250ms", "1.5s"). nullopt when malformed or negative.
std::optional<std::uint64_t> ParseDurationNs(std::string_view text);

}  // namespace picket::policy

#endif  // PICKET_POLICY_POLICY_FILE_H_
