#include "engine/rule_prefilter.h"

#include <algorithm>

#include "secl/lowering.h"

namespace picket::engine {
namespace {

using secl::detail::BoolKind;
using secl::detail::BoolNode;
using secl::detail::Operand;
using secl::detail::OperandKind;
using secl::detail::ProgramCode;

// The evaluator reads such an operand with one FieldSource::Get(field,
// kNoElement) call (scalar), or GetAt(field, kNoElement, i) for every i below
// ArrayLength (array, any element may match; `exec.argv[1]` index access is
// excluded), so the prefilter reads it the same way.
bool IsDirectStringField(const Operand& operand) {
  return operand.kind == OperandKind::kField && operand.iterator == secl::kNoIterator &&
         operand.type == secl::ScalarType::kString &&
         !(operand.field_is_array && operand.access == secl::checked::FieldAccess::kIndex);
}

std::size_t PatternAtoms(const std::vector<GuardAtom>& atoms) {
  return static_cast<std::size_t>(std::count_if(
      atoms.begin(), atoms.end(), [](const GuardAtom& a) { return !a.literals->exact_only; }));
}

// A guard that holds for the empty string: on most events the field is
// empty (`process.container.id == ""` on a host), so it rules nothing out.
bool AcceptsEmpty(const std::vector<GuardAtom>& atoms) {
  return std::any_of(atoms.begin(), atoms.end(),
                     [](const GuardAtom& a) { return a.matcher->Matches(""); });
}

// Lower is better: a guard that can rule events out, then fewer matcher
// calls per event, then fewer atoms.
bool Cheaper(const std::vector<GuardAtom>& a, const std::vector<GuardAtom>& b) {
  const bool ea = AcceptsEmpty(a);
  const bool eb = AcceptsEmpty(b);
  if (ea != eb) return !ea;
  const std::size_t pa = PatternAtoms(a);
  const std::size_t pb = PatternAtoms(b);
  return pa != pb ? pa < pb : a.size() < b.size();
}

std::optional<std::vector<GuardAtom>> Necessary(const ProgramCode& code, std::uint32_t index,
                                                const GuardAtomFilter& usable) {
  const BoolNode& node = code.bools[index];
  switch (node.kind) {
    case BoolKind::kStringMatch: {
      if (node.negate || !IsDirectStringField(code.operands[node.lhs])) return std::nullopt;
      if (node.set >= code.matcher_literals.size()) return std::nullopt;
      GuardAtom atom{.field = code.operands[node.lhs].field,
                     .is_array = code.operands[node.lhs].field_is_array,
                     .matcher = &code.matchers[node.set],
                     .literals = &code.matcher_literals[node.set]};
      if (!usable(atom)) return std::nullopt;
      return std::vector<GuardAtom>{atom};
    }
    case BoolKind::kAnd: {
      // Every conjunct is implied; keep the cheapest one that has a guard.
      std::optional<std::vector<GuardAtom>> best;
      for (std::uint32_t i = node.children_begin; i < node.children_end; ++i) {
        std::optional<std::vector<GuardAtom>> child =
            Necessary(code, code.child_indices[i], usable);
        if (child.has_value() && (!best.has_value() || Cheaper(*child, *best))) {
          best = std::move(child);
        }
      }
      return best;
    }
    case BoolKind::kOr: {
      // Some disjunct is true, so the union of all their guards is implied;
      // one disjunct without a guard leaves none.
      std::vector<GuardAtom> atoms;
      for (std::uint32_t i = node.children_begin; i < node.children_end; ++i) {
        std::optional<std::vector<GuardAtom>> child =
            Necessary(code, code.child_indices[i], usable);
        if (!child.has_value()) return std::nullopt;
        atoms.insert(atoms.end(), child->begin(), child->end());
      }
      if (atoms.empty()) return std::nullopt;
      return atoms;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<std::vector<GuardAtom>> DeriveGuard(const secl::Program& program,
                                                  const GuardAtomFilter& usable) {
  const ProgramCode& code = program.code();
  if (!code.root_is_bool || code.root >= code.bools.size()) return std::nullopt;
  return Necessary(code, code.root, usable);
}

std::optional<std::vector<GuardAtom>> DeriveGuard(const secl::Program& program,
                                                  std::span<const secl::FieldId> per_rule_fields) {
  return DeriveGuard(program, [per_rule_fields](const GuardAtom& atom) {
    return std::find(per_rule_fields.begin(), per_rule_fields.end(), atom.field) ==
           per_rule_fields.end();
  });
}

RulePrefilter::RulePrefilter(const std::vector<const secl::Program*>& programs,
                             std::span<const secl::FieldId> per_rule_fields,
                             const FieldAliases& aliases)
    : positions_(programs.size()) {
  auto group_of = [this, &aliases](const GuardAtom& atom) -> FieldGroup& {
    auto alias = aliases.find(atom.field);
    const secl::FieldId field = alias != aliases.end() ? alias->second : atom.field;
    for (FieldGroup& group : groups_) {
      if (group.field == field) return group;
    }
    groups_.push_back(FieldGroup{.field = field, .is_array = atom.is_array});
    return groups_.back();
  };
  for (std::uint32_t position = 0; position < programs.size(); ++position) {
    std::optional<std::vector<GuardAtom>> guard = DeriveGuard(*programs[position], per_rule_fields);
    if (!guard.has_value()) {
      always_.push_back(position);
      continue;
    }
    for (const GuardAtom& atom : *guard) {
      FieldGroup& group = group_of(atom);
      if (atom.literals->exact_only) {
        for (const std::string& value : atom.literals->exact) {
          std::vector<std::uint32_t>& hits = group.exact[value];
          if (hits.empty() || hits.back() != position) hits.push_back(position);
        }
      } else {
        group.patterns.push_back(PatternTest{.matcher = atom.matcher, .position = position});
      }
    }
  }
  for (FieldGroup& group : groups_) BuildPatternSet(group);
}

void RulePrefilter::BuildPatternSet(FieldGroup& group) {
  // Matchers the set can answer for first, so set index = patterns index.
  std::stable_partition(group.patterns.begin(), group.patterns.end(), [](const PatternTest& test) {
    return test.matcher->SupersetRegex().has_value();
  });
  auto set = std::make_shared<match::MatcherSet>();
  std::size_t in_set = 0;
  for (const PatternTest& test : group.patterns) {
    std::optional<int> index = set->Add(*test.matcher);
    if (!index.has_value() || static_cast<std::size_t>(*index) != in_set) break;
    ++in_set;
  }
  if (in_set < 2 || !set->Compile()) return;  // one matcher alone is as cheap
  group.pattern_set = std::move(set);
  group.in_set = in_set;
}

std::size_t RulePrefilter::Memo::values() const {
  std::size_t total = 0;
  for (const Field& field : fields_) total += field.positions.size();
  return total;
}

std::size_t RulePrefilter::Memo::fields_given_up() const {
  return static_cast<std::size_t>(
      std::count_if(fields_.begin(), fields_.end(), [](const Field& f) { return f.given_up; }));
}

void RulePrefilter::Select(const secl::FieldSource& fields, std::vector<std::uint8_t>& candidates,
                           Memo* memo) const {
  candidates.assign(positions_, 0);
  for (std::uint32_t position : always_) candidates[position] = 1;
  if (memo != nullptr && memo->owner_ != this) {
    *memo = Memo();
    memo->owner_ = this;
    memo->fields_.resize(groups_.size());
  }
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const FieldGroup& group = groups_[g];
    // Exact-only groups are one lookup already.
    Memo::Field* remembered =
        memo != nullptr && !group.patterns.empty() ? &memo->fields_[g] : nullptr;
    auto mark = [&](std::string_view value) {
      if (remembered != nullptr && !remembered->given_up) {
        MarkRemembered(group, *remembered, value, candidates, *memo);
      } else {
        Mark(group, value, candidates);
      }
    };
    if (!group.is_array) {
      mark(fields.Get(group.field, secl::kNoElement).string_value);
      continue;
    }
    const std::size_t length = fields.ArrayLength(group.field, secl::kNoElement);
    for (std::size_t i = 0; i < length; ++i) {
      mark(fields.GetAt(group.field, secl::kNoElement, i).string_value);
    }
  }
}

void RulePrefilter::MarkRemembered(const FieldGroup& group, Memo::Field& field_memo,
                                   std::string_view value, std::vector<std::uint8_t>& candidates,
                                   Memo& totals) {
  if (value.size() > Memo::kMaxValueLength) {
    Mark(group, value, candidates);
    return;
  }
  if (auto it = field_memo.positions.find(value); it != field_memo.positions.end()) {
    ++field_memo.hits_since_clear;
    ++totals.hits_;
    for (std::uint32_t position : it->second) candidates[position] = 1;
    return;
  }
  ++field_memo.misses_since_clear;
  ++totals.misses_;
  if (field_memo.positions.size() >= Memo::kMaxValuesPerField) {
    // Full: start over, unless the values mostly did not repeat (arguments,
    // environments), where remembering only costs.
    const bool worth_it = field_memo.hits_since_clear >= field_memo.misses_since_clear;
    field_memo.positions.clear();
    field_memo.hits_since_clear = 0;
    field_memo.misses_since_clear = 0;
    if (!worth_it) {
      field_memo.given_up = true;
      Mark(group, value, candidates);
      return;
    }
  }
  std::vector<std::uint32_t> positions = Positions(group, value);
  for (std::uint32_t position : positions) candidates[position] = 1;
  field_memo.positions.emplace(std::string(value), std::move(positions));
}

template <typename IsMarked, typename MarkPosition>
void RulePrefilter::ForEachHolding(const FieldGroup& group, std::string_view value,
                                   IsMarked is_marked, MarkPosition mark) {
  if (auto it = group.exact.find(value); it != group.exact.end()) {
    for (std::uint32_t position : it->second) mark(position);
  }
  std::size_t first_unanswered = 0;
  if (group.pattern_set != nullptr) {
    // Over-reporting only costs an evaluation, so the set's hits are marked
    // without re-running their matchers.
    static thread_local std::vector<int> hits;
    if (group.pattern_set->MayMatch(value, hits)) {
      for (int hit : hits) mark(group.patterns[static_cast<std::size_t>(hit)].position);
      first_unanswered = group.in_set;
    }
  }
  for (std::size_t i = first_unanswered; i < group.patterns.size(); ++i) {
    const PatternTest& test = group.patterns[i];
    if (!is_marked(test.position) && test.matcher->Matches(value)) mark(test.position);
  }
}

std::vector<std::uint32_t> RulePrefilter::Positions(const FieldGroup& group,
                                                    std::string_view value) {
  std::vector<std::uint32_t> positions;
  ForEachHolding(
      group, value, [](std::uint32_t) { return false; },
      [&positions](std::uint32_t position) { positions.push_back(position); });
  std::sort(positions.begin(), positions.end());
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  return positions;
}

void RulePrefilter::Mark(const FieldGroup& group, std::string_view value,
                         std::vector<std::uint8_t>& candidates) {
  ForEachHolding(
      group, value, [&candidates](std::uint32_t position) { return candidates[position] != 0; },
      [&candidates](std::uint32_t position) { candidates[position] = 1; });
}

}  // namespace picket::engine
