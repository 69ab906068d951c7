// Rule actions (spec §14), parsed and validated at load time into typed
// values the engine runs on a match. Each YAML list item holds exactly one
// action kind plus an optional `filter` (SECL, compiled by the loader).

#ifndef PICKET_POLICY_ACTIONS_H_
#define PICKET_POLICY_ACTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "policy/source_file.h"
#include "secl/value.h"

namespace picket::policy {

enum class VariableScope { kGlobal, kProcess, kContainer, kCgroup };
std::string_view VariableScopeName(VariableScope scope);  // "global", "process", ...

// `set` (spec §8, §14.2): writes a variable.
struct SetAction {
  std::string name;  // without scope prefix: "correlation_key"
  VariableScope scope = VariableScope::kGlobal;
  // Exactly one source.
  std::optional<secl::OwnedValue> value;    // `value:` (YAML scalar or list)
  std::string field;                        // `field:` SECL field name
  std::optional<LocatedString> expression;  // `expression:` SECL value expression
  std::optional<secl::OwnedValue> default_value;
  std::string scope_field;  // process scope only: int field holding the pid
  bool append = false;
  std::uint32_t size = 0;    // array variables: LRU capacity; 0 = engine default (100)
  std::uint64_t ttl_ns = 0;  // 0 = no expiry
  bool is_private = false;   // hidden from serialized variables
  bool inherited = false;    // process scope only: read through the ancestors

  // "${<scope>.<name>}" form used in expressions: "process.x", "cgroup.y",
  // or "x" for global variables.
  std::string QualifiedName() const;
};

// `kill` (spec §14.3).
struct KillAction {
  std::string signal = "SIGKILL";  // signal constant name
  int signal_number = 9;
  enum class Scope { kProcess, kContainer, kCgroup } scope = Scope::kProcess;
  bool disable_container_disarmer = false;
  bool disable_executable_disarmer = false;
};

// `hash` (spec §14.4).
struct HashAction {
  std::string field;  // "exec.file", "process.file", ...; "" = the event's file
  std::uint64_t max_file_size = 5 * 1024 * 1024;
};

// `log` (spec §14.5).
struct LogAction {
  std::string level;    // debug|info|warning|error
  std::string message;  // "" = "Rule <id> triggered"
};

// `coredump` (spec §14.6).
struct CoredumpAction {
  bool process = false;
  bool mount = false;
  bool dentry = false;
  bool no_compression = false;
};

struct Action {
  std::variant<SetAction, KillAction, HashAction, LogAction, CoredumpAction> kind;
  std::optional<LocatedString> filter;  // SECL filter gating this action
  std::uint32_t offset = 0;             // file offset of the list item
};

std::string_view ActionKindName(const Action& action);  // "set", "kill", ...

}  // namespace picket::policy

#endif  // PICKET_POLICY_ACTIONS_H_
