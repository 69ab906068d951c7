// engine/: evaluates every rule of an event's type against the bound event,
// runs the actions of the rules that match — `set` (variables), `hash`,
// `kill`, `log` — in rule order, so a context rule's write is visible to the
// rules after it on the same event (spec §13), and passes each non-silent
// match through the per-rule rate limiter. What comes out are the matches to
// turn into signals.
//
// The rule set is an immutable snapshot; SetRules() installs a new one between
// events and resets variables and rate limiters, as a Datadog agent does on a
// policy reload. Not thread-safe: the pipeline thread owns the engine.

#ifndef PICKET_ENGINE_ENGINE_H_
#define PICKET_ENGINE_ENGINE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/file_hasher.h"
#include "engine/process_killer.h"
#include "engine/rate_limiter.h"
#include "engine/rule_prefilter.h"
#include "engine/rule_set.h"
#include "engine/variable_store.h"
#include "fields/event_view.h"
#include "proc/process.h"

namespace picket::engine {

struct EngineOptions {
  FileHasherOptions hasher;
  KillOptions kill;
  std::size_t rate_limiter_buckets = 4096;
  // Evaluate only the rules the RuleSet's prefilter selects (never changes
  // the matches; off only to measure or cross-check it).
  bool prefilter = true;
  // Remember the prefilter's pattern verdicts for repeated field values
  // (RulePrefilter::Memo; same candidates, fewer pattern scans).
  bool prefilter_memo = true;
};

struct Match {
  const Rule* rule = nullptr;  // valid until the next SetRules()
  std::uint64_t suppressed_since_previous = 0;
  std::optional<FileHashes> hashes;  // from a `hash` action
  std::vector<KillReport> kills;     // from `kill` actions
};

struct EngineStats {
  std::uint64_t events_evaluated = 0;
  std::uint64_t rule_evaluations = 0;
  std::uint64_t rules_skipped = 0;  // ruled out by the prefilter
  std::uint64_t matches = 0;
  std::uint64_t silent_matches = 0;
  std::uint64_t suppressed = 0;  // matches dropped by the rate limiter
  std::uint64_t actions_run = 0;
  std::uint64_t actions_filtered = 0;  // action `filter` was false
  std::uint64_t hashes = 0;
  std::uint64_t kills_performed = 0;
  std::uint64_t kills_not_performed = 0;  // disabled, refused, disarmed or failed
};

class Engine {
 public:
  Engine(EngineOptions options, std::shared_ptr<const RuleSet> rules);

  void SetRules(std::shared_ptr<const RuleSet> rules);
  const RuleSet& rules() const { return *rules_; }

  // `view` must be bound to the event; `image` is the event's process image
  // (may be null); `now_ns` is the event time (rate limits and TTLs use it,
  // so replays behave like the live run).
  std::vector<Match> Evaluate(std::string_view event_type, fields::EventView& view,
                              const proc::Process* image, std::uint64_t now_ns);
  // Whether some rule handles `event_type`: when none does, the caller need
  // not bind a view for Evaluate.
  bool HandlesEventType(std::string_view event_type) {
    return RulesFor(event_type).bucket != nullptr;
  }

  // Drops the process-scoped variable instances of an image now, without
  // waiting for the store's sweep of freed images (VariableStore::Bind).
  void ForgetProcess(const ImageKey& image) { variables_->ForgetProcess(image); }
  std::size_t variable_instances() const { return variables_->instance_count(); }
  // Non-private variables of `scope` visible to the event last evaluated
  // (spec §8.6), keyed by their unqualified name, for the signal JSON.
  std::map<std::string, secl::OwnedValue> VisibleVariables(policy::VariableScope scope) const;

  const EngineStats& stats() const { return stats_; }

 private:
  // Runs the rule's actions; fills `match` with hash/kill outcomes.
  void RunActions(const Rule& rule, fields::EventView& view, const proc::Process* image,
                  std::uint64_t now_ns, Match& match);
  std::string LimiterBucket(const Rule& rule, const fields::EventView& view) const;

  // What Evaluate needs for one event type. Every event asks, and the rule
  // set's maps are cold between batches, so the few types an agent sees are
  // kept here and compared, not hashed.
  struct TypeRules {
    std::string event_type;
    const std::vector<std::size_t>* bucket = nullptr;  // null: no rule handles the type
    const RulePrefilter* prefilter = nullptr;          // null: disabled or none
    RulePrefilter::Memo* memo = nullptr;               // null: disabled
  };
  static constexpr std::size_t kMaxCachedEventTypes = 16;
  const TypeRules& RulesFor(std::string_view event_type);

  EngineOptions options_;
  std::shared_ptr<const RuleSet> rules_;
  std::unique_ptr<VariableStore> variables_;
  RateLimiter limiter_;
  FileHasher hasher_;
  ProcessKiller killer_;
  EngineStats stats_;
  std::vector<std::uint8_t> candidates_;  // per bucket position, reused per event
  // One per event type's prefilter, cleared on every SetRules so that no
  // key outlives the prefilter it points to.
  std::unordered_map<const RulePrefilter*, RulePrefilter::Memo> prefilter_memos_;
  std::vector<TypeRules> type_rules_;  // cleared with the memos
  TypeRules uncached_;                 // beyond kMaxCachedEventTypes
};

// Reads a field of the bound event as an owning value (set actions with
// `field:`): arrays element by element.
secl::OwnedValue ReadFieldValue(const secl::FieldInfo& field, const secl::FieldSource& source);

}  // namespace picket::engine

#endif  // PICKET_ENGINE_ENGINE_H_
