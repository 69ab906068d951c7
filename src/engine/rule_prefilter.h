// RulePrefilter: approver-style candidate selection for the rules of one
// event-type bucket (spec §17). At rule-set build time each rule's compiled
// program is partially evaluated for a necessary condition — a disjunction
// of string tests on direct fields of the event (`exec.comm in [...]`,
// `exec.file.name == "x"`, `exec.file.path in SHELLS`, ...) that must hold
// whenever the rule is true. Exact, case-sensitive literals are indexed in a
// hash map per field; the matchers with pattern members are asked all at
// once through a match::MatcherSet (one RE2::Set scan per value, which may
// over-report but never misses) and, when it cannot answer, one by one. Per
// event each field is read once, looked up, and only the rules whose
// condition holds (plus the rules without one) are evaluated.
//
// A field's value often repeats (the same executable, comm, parent name run
// again and again), so a caller can pass a Memo: per field with pattern
// atoms it remembers which positions each recent value marks, and the next
// event with that value costs one lookup instead of the pattern scans. It is
// bounded, and stops remembering a field whose values rarely repeat.
//
// Soundness: a guard is derived only from `&&` (any one conjunct's guard is
// implied) and `||` (every disjunct needs one; their union is implied) over
// non-negated string-match nodes, so skipping a rule whose guard is false
// never changes which (rule, event) pairs match. rule_prefilter_test.cc
// checks that on both default policies with a varied event set.

#ifndef PICKET_ENGINE_RULE_PREFILTER_H_
#define PICKET_ENGINE_RULE_PREFILTER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "match/matcher_set.h"
#include "match/string_matcher.h"
#include "secl/compiler.h"
#include "secl/field_source.h"

namespace picket::secl::detail {
struct MatcherLiterals;
}

namespace picket::engine {

// One test implied by a rule: the event's `field` (a string field read
// without iterator; for an array field, some element) satisfies `matcher`.
// `literals` describes the matcher's members (owned by the program, like the
// matcher).
struct GuardAtom {
  secl::FieldId field = 0;
  bool is_array = false;
  const match::StringMatcher* matcher = nullptr;
  const secl::detail::MatcherLiterals* literals = nullptr;
};

// A disjunction of atoms with: program true ⇒ some atom true. Empty optional
// when no such condition can be read off the program (the rule must then
// always be evaluated). Among the conjuncts of an `&&` the guard that wins
// is one the empty string fails (`process.container.id == ""` holds for
// every host process and would rule nothing out), then the one with the
// fewest non-indexable (pattern) atoms, then the fewest atoms.
// `per_rule_fields` are fields whose value depends on the rule being
// evaluated rather than the event (event.rule.tags); no atom tests them.
std::optional<std::vector<GuardAtom>> DeriveGuard(
    const secl::Program& program, std::span<const secl::FieldId> per_rule_fields = {});

// The same derivation with only the atoms `usable` accepts: a test on
// another field (or with another matcher) counts as no guard, so the result
// is a necessary condition made of usable atoms only, or none.
using GuardAtomFilter = std::function<bool(const GuardAtom&)>;
std::optional<std::vector<GuardAtom>> DeriveGuard(const secl::Program& program,
                                                  const GuardAtomFilter& usable);

class RulePrefilter {
  struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

 public:
  // Verdicts of one prefilter's pattern fields for recently seen values.
  // Belongs to one caller (not thread-safe) and one prefilter: Select resets
  // it when handed a memo last used with another prefilter.
  class Memo {
   public:
    static constexpr std::size_t kMaxValuesPerField = 256;
    static constexpr std::size_t kMaxValueLength = 128;  // longer: not remembered

    std::size_t values() const;  // remembered values, all fields
    std::size_t fields_given_up() const;
    std::uint64_t hits() const { return hits_; }
    std::uint64_t misses() const { return misses_; }

   private:
    friend class RulePrefilter;
    struct Field {
      std::unordered_map<std::string, std::vector<std::uint32_t>, TransparentHash,
                         std::equal_to<>>
          positions;  // value → positions it marks
      std::uint64_t hits_since_clear = 0;
      std::uint64_t misses_since_clear = 0;
      bool given_up = false;
    };
    const RulePrefilter* owner_ = nullptr;
    std::vector<Field> fields_;  // per FieldGroup
    std::uint64_t hits_ = 0;
    std::uint64_t misses_ = 0;
  };

  // Field → another field that reads the same value on every event
  // (secl::FieldInfo::same_value_as); atoms on both are one field group, read
  // and looked up once per event.
  using FieldAliases = std::unordered_map<secl::FieldId, secl::FieldId>;

  RulePrefilter() = default;
  // `programs[i]` is the rule at bucket position i; `per_rule_fields` as for
  // DeriveGuard.
  explicit RulePrefilter(const std::vector<const secl::Program*>& programs,
                         std::span<const secl::FieldId> per_rule_fields = {},
                         const FieldAliases& aliases = {});

  // Resizes `candidates` to the bucket size and sets candidates[i] to 1 for
  // every position whose rule may match the event `fields` is bound to; a 0
  // means the rule is certainly false for this event.
  // With `memo`, the same candidates, sooner for values seen before.
  void Select(const secl::FieldSource& fields, std::vector<std::uint8_t>& candidates,
              Memo* memo = nullptr) const;

  std::size_t positions() const { return positions_; }
  // Fields read per event (one per group of atoms on the same value).
  std::size_t fields_read() const { return groups_.size(); }
  std::size_t guarded() const { return positions_ - always_.size(); }
  // Positions evaluated for every event (no guard could be derived).
  const std::vector<std::uint32_t>& always_evaluated() const { return always_; }

 private:
  struct PatternTest {
    const match::StringMatcher* matcher = nullptr;
    std::uint32_t position = 0;
  };
  // Every atom on one field: exact literals → positions, then matchers.
  // `pattern_set` holds the matchers of `patterns[0 .. in_set)` (set index =
  // patterns index); the rest have regex members and are always run.
  struct FieldGroup {
    secl::FieldId field = 0;
    bool is_array = false;
    std::unordered_map<std::string, std::vector<std::uint32_t>, TransparentHash, std::equal_to<>>
        exact;
    std::vector<PatternTest> patterns;
    std::shared_ptr<const match::MatcherSet> pattern_set;
    std::size_t in_set = 0;
  };

  // Compiles the group's pattern matchers into one MatcherSet (when there
  // are at least two it can answer for).
  static void BuildPatternSet(FieldGroup& group);
  // Marks the positions whose atom on `group`'s field holds for `value`.
  static void Mark(const FieldGroup& group, std::string_view value,
                   std::vector<std::uint8_t>& candidates);
  // Every position whose atom on `group`'s field holds for `value`, sorted.
  static std::vector<std::uint32_t> Positions(const FieldGroup& group, std::string_view value);
  // Calls mark(p) for the positions whose atom on `group`'s field holds for
  // `value` (possibly more than once); a matcher whose position is_marked(p)
  // already is not run.
  template <typename IsMarked, typename MarkPosition>
  static void ForEachHolding(const FieldGroup& group, std::string_view value, IsMarked is_marked,
                             MarkPosition mark);
  // Mark through the memo's entry for the group (a group with patterns).
  static void MarkRemembered(const FieldGroup& group, Memo::Field& field_memo,
                             std::string_view value, std::vector<std::uint8_t>& candidates,
                             Memo& totals);

  std::size_t positions_ = 0;
  std::vector<std::uint32_t> always_;
  std::vector<FieldGroup> groups_;
};

}  // namespace picket::engine

#endif  // PICKET_ENGINE_RULE_PREFILTER_H_
