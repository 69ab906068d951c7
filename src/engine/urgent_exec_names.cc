#include "engine/urgent_exec_names.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "engine/rule_prefilter.h"
#include "secl/lowering.h"

namespace picket::engine {
namespace {

enum class NameKind { kNone, kName, kPath };

// Fields whose value on an exec event is the comm or the executed file's
// name (as is), or the executed file's path (its last component is the name).
constexpr std::array<std::string_view, 4> kNameFields = {"exec.comm", "process.comm",
                                                         "exec.file.name", "process.file.name"};
constexpr std::array<std::string_view, 2> kPathFields = {"exec.file.path", "process.file.path"};

struct NameFields {
  std::vector<secl::FieldId> names;
  std::vector<secl::FieldId> paths;

  NameKind KindOf(secl::FieldId field) const {
    if (std::find(names.begin(), names.end(), field) != names.end()) return NameKind::kName;
    if (std::find(paths.begin(), paths.end(), field) != paths.end()) return NameKind::kPath;
    return NameKind::kNone;
  }
};

NameFields ResolveNameFields(const secl::Schema& schema) {
  NameFields fields;
  for (std::string_view name : kNameFields) {
    if (const secl::FieldInfo* field = schema.Find(name)) fields.names.push_back(field->id);
  }
  for (std::string_view name : kPathFields) {
    if (const secl::FieldInfo* field = schema.Find(name)) fields.paths.push_back(field->id);
  }
  return fields;
}

// The name a literal of `kind` stands for, cut like a comm; nullopt when it
// names no file ("", "/usr/bin/").
std::optional<std::string> NameOf(NameKind kind, const std::string& literal) {
  std::string_view name = literal;
  if (kind == NameKind::kPath) name = name.substr(name.rfind('/') + 1);  // npos + 1 == 0
  if (name.empty()) return std::nullopt;
  return std::string(name.substr(0, UrgentExecNames::kNameBytes));
}

// The names a rule can match only through, or nullopt when it can match an
// exec whose comm and file name are none of them. A test with a literal that
// names no file is not usable, so another conjunct of an `&&` can still give
// the names.
std::optional<std::vector<std::string>> NamesOf(const secl::Program& program,
                                                const NameFields& fields) {
  std::optional<std::vector<GuardAtom>> guard =
      DeriveGuard(program, [&fields](const GuardAtom& atom) {
        const NameKind kind = fields.KindOf(atom.field);
        return atom.literals->exact_only && !atom.is_array && kind != NameKind::kNone &&
               std::all_of(atom.literals->exact.begin(), atom.literals->exact.end(),
                           [kind](const std::string& literal) {
                             return NameOf(kind, literal).has_value();
                           });
      });
  if (!guard.has_value()) return std::nullopt;
  std::vector<std::string> names;
  for (const GuardAtom& atom : *guard) {
    for (const std::string& literal : atom.literals->exact) {
      names.push_back(*NameOf(fields.KindOf(atom.field), literal));
    }
  }
  return names;
}

void SortUnique(std::vector<std::string>& names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
}

}  // namespace

std::optional<std::vector<std::string>> UrgentExecNamesOf(const policy::CompiledRule& rule,
                                                          const secl::Schema& schema) {
  if (rule.event_type != "exec") return std::nullopt;
  std::optional<std::vector<std::string>> names = NamesOf(rule.program, ResolveNameFields(schema));
  if (names.has_value()) SortUnique(*names);
  return names;
}

UrgentExecNames DeriveUrgentExecNames(const RuleSet& rules, const secl::Schema& schema) {
  UrgentExecNames urgent;
  const std::vector<std::size_t>* bucket = rules.Bucket("exec");
  if (bucket == nullptr) return urgent;
  const NameFields fields = ResolveNameFields(schema);
  for (std::size_t index : *bucket) {
    const policy::CompiledRule& rule = *rules.rules[index].compiled;
    std::optional<std::vector<std::string>> names = NamesOf(rule.program, fields);
    if (!names.has_value()) {
      urgent.rules_waiting.push_back(rule.id);
      continue;
    }
    urgent.rules_named.push_back(rule.id);
    urgent.names.insert(urgent.names.end(), names->begin(), names->end());
  }
  SortUnique(urgent.names);
  return urgent;
}

}  // namespace picket::engine
