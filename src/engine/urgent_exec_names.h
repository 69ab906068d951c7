// UrgentExecNames: which execs should reach the rules at once instead of at
// the collector's next batching interval. The agent drains the kernel's ring
// every `collector.poll_interval_ms`; an exec whose program a rule names
// (`exec.comm in ["curl", "wget"]`, `exec.file.name == "nc.openbsd"`,
// `exec.file.path == "/usr/bin/socat"`) should not wait for that: the BPF
// side looks every exec's comm and file name up in these names and wakes the
// agent when one is there (probe::Collector::SetUrgentExecNames).
//
// A rule contributes its names only when it can match nothing else: a
// necessary condition of the rule (engine/rule_prefilter.h's derivation)
// made only of exact, case-sensitive tests of the exec's comm, file name or
// file path. A path contributes its last component. Every other exec rule
// is listed as `rules_waiting`: its signals come within the interval.
//
// Names are cut to the 15 bytes the kernel keeps of a comm, as the BPF side
// cuts both values it looks up, so a long name still wakes (and may wake for
// another program sharing its first 15 bytes: a wake-up too many, never one
// missing).

#ifndef PICKET_ENGINE_URGENT_EXEC_NAMES_H_
#define PICKET_ENGINE_URGENT_EXEC_NAMES_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "engine/rule_set.h"
#include "policy/compiled_policy.h"
#include "secl/schema.h"

namespace picket::engine {

struct UrgentExecNames {
  static constexpr std::size_t kNameBytes = 15;  // a comm without its NUL

  std::vector<std::string> names;          // cut to kNameBytes, sorted, unique
  std::vector<std::string> rules_named;    // ids of the exec rules the names cover
  std::vector<std::string> rules_waiting;  // ids of the other exec rules
};

// `schema`: the schema the rule set was built against (it resolves the
// exec name fields).
UrgentExecNames DeriveUrgentExecNames(const RuleSet& rules, const secl::Schema& schema);

// The names one rule contributes (cut to kNameBytes, sorted, unique), or
// nullopt when it waits for the interval: it can match an exec whose comm
// and file name are none of them, or it is not an exec rule.
std::optional<std::vector<std::string>> UrgentExecNamesOf(const policy::CompiledRule& rule,
                                                          const secl::Schema& schema);

}  // namespace picket::engine

#endif  // PICKET_ENGINE_URGENT_EXEC_NAMES_H_
