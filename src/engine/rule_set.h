// RuleSet: the engine's immutable, evaluation-ready view of a compiled policy:
// rules bucketed by event type in evaluation order (spec §13.3: rules tagged
// execution_context first, then by priority, stable), each with the signal
// metadata, rate limit and limiter-token fields it needs, plus the behaviour
// of every declared variable. Built once per (re)load; shared read-only.

#ifndef PICKET_ENGINE_RULE_SET_H_
#define PICKET_ENGINE_RULE_SET_H_

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/rate_limiter.h"
#include "engine/rule_prefilter.h"
#include "engine/variable_store.h"
#include "policy/compiled_policy.h"
#include "secl/schema.h"
#include "signals/signal.h"

namespace picket::engine {

struct Rule {
  const policy::CompiledRule* compiled = nullptr;  // owned by RuleSet::policy
  signals::RuleInfo info;
  RateLimit rate;
  std::vector<const secl::FieldInfo*> limiter_fields;  // limiter_token
};

struct RuleSet {
  // Keyed by event type; each Engine looks a type up once per rule set and
  // keeps the answer (Engine::RulesFor), other callers per call.
  struct EventTypeHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename T>
  using ByEventType = std::unordered_map<std::string, T, EventTypeHash, std::equal_to<>>;

  std::shared_ptr<const policy::CompiledPolicy> policy;
  std::vector<Rule> rules;
  // Event type → indices into `rules`, in evaluation order.
  ByEventType<std::vector<std::size_t>> buckets;
  // Event type → candidate selection over the positions of its bucket.
  ByEventType<RulePrefilter> prefilters;
  std::vector<VariableSpec> variables;

  const std::vector<std::size_t>* Bucket(std::string_view event_type) const;
  const RulePrefilter* Prefilter(std::string_view event_type) const;
  std::size_t active_rules() const { return rules.size(); }
};

// `schema` resolves limiter_token field names (the schema the policy was
// compiled against).
std::shared_ptr<const RuleSet> BuildRuleSet(std::shared_ptr<const policy::CompiledPolicy> policy,
                                            const secl::Schema& schema);

}  // namespace picket::engine

#endif  // PICKET_ENGINE_RULE_SET_H_
