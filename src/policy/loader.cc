// The load pipeline of spec §12.6, in order:
//   1. parse each file; filter its macros and rules (agent_version, host
//      filters); diagnose duplicate ids among the accepted definitions;
//   2. combine the files (§12.5) in load order;
//   3. add macros to the SECL environment;
//   4. declare the variable of every `set` action of every remaining rule,
//      so rules may read variables other rules (or later rules) define;
//   5. expand fim.write.file.* rules (§10.2); compile each rule and its
//      actions; skip (with a warning) rules needing uncollected fields.
// Every problem is a diagnostic located in its file; nothing here throws.

#include "policy/loader.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>
#include <tuple>
#include <unordered_map>

#include "fields/catalogue.h"
#include "policy/policy_file.h"

namespace picket::policy {
namespace {

using Severity = PolicyDiagnostic::Severity;

constexpr std::string_view kDefaultPolicyName = "default.policy";

std::string FileName(std::string_view path) {
  return std::filesystem::path(path).filename().string();
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

struct MacroEntry {
  MacroDefinition def;
  std::size_t policy = 0;
};

struct RuleEntry {
  RuleDefinition def;
  std::size_t policy = 0;
};

// A rule ready to compile: its definition plus, for fim expansions, the
// rewritten expression.
struct RuleToCompile {
  const RuleEntry* entry = nullptr;
  std::string id;
  std::string expanded_from;
  LocatedString expression;
};

// fim.write.file.* → one rule per file event type (spec §10.2).
struct FimExpansion {
  std::string_view event_type;
  std::string_view prefix;  // replaces "fim.write.file."
  std::string_view guard;   // appended with &&; "" for none
};
constexpr std::string_view kFimPrefix = "fim.write.file.";
constexpr FimExpansion kFimExpansions[] = {
    {"open", "open.file.", "open.flags & (O_CREAT|O_TRUNC|O_APPEND|O_RDWR|O_WRONLY) > 0"},
    {"chmod", "chmod.file.", "chmod.file.destination.rights != chmod.file.rights"},
    {"chown", "chown.file.",
     "(chown.file.destination.uid != chown.file.uid || chown.file.destination.gid != "
     "chown.file.gid)"},
    {"link", "link.file.", ""},
    {"rename", "rename.file.", ""},
    {"rename", "rename.file.destination.", ""},
    {"unlink", "unlink.file.", ""},
    {"utimes", "utimes.file.", ""},
};

// Rewrites `expression`, keeping each output byte mapped to a file offset:
// the replacement maps to where "fim.write.file." was, added guards to the
// end of the expression.
LocatedString ExpandFim(const LocatedString& expression, const FimExpansion& expansion) {
  LocatedString out;
  out.node_offset = expression.node_offset;
  const std::string& text = expression.value;
  const bool guarded = !expansion.guard.empty();
  if (guarded) {
    out.value += '(';
    out.offsets.push_back(expression.FileOffset(0));
  }
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t found = text.find(kFimPrefix, pos);
    std::size_t copy_end = found == std::string::npos ? text.size() : found;
    for (std::size_t i = pos; i < copy_end; ++i) {
      out.value += text[i];
      out.offsets.push_back(expression.FileOffset(static_cast<std::uint32_t>(i)));
    }
    if (found == std::string::npos) break;
    for (char c : expansion.prefix) {
      out.value += c;
      out.offsets.push_back(expression.FileOffset(static_cast<std::uint32_t>(found)));
    }
    pos = found + kFimPrefix.size();
  }
  std::uint32_t end = expression.FileOffset(static_cast<std::uint32_t>(text.size()));
  if (guarded) {
    std::string suffix = ") && " + std::string(expansion.guard);
    out.value += suffix;
    out.offsets.insert(out.offsets.end(), suffix.size(), end);
  }
  out.offsets.push_back(end);
  return out;
}

class Loader {
 public:
  explicit Loader(const LoadOptions& options)
      : options_(options),
        schema_(options.schema != nullptr ? *options.schema : fields::FieldCatalogue::Default()),
        environment_(std::make_shared<secl::Environment>()) {}

  CompiledPolicy Load(std::vector<PolicySource> sources) {
    std::stable_sort(sources.begin(), sources.end(),
                     [](const PolicySource& a, const PolicySource& b) {
                       std::string name_a = FileName(a.path);
                       std::string name_b = FileName(b.path);
                       bool default_a = name_a == kDefaultPolicyName;
                       bool default_b = name_b == kDefaultPolicyName;
                       if (default_a != default_b) return default_a;
                       return name_a < name_b;
                     });
    for (PolicySource& source : sources) ReadPolicy(std::move(source));
    for (const MacroEntry& macro : macros_) AddMacro(macro);
    builtins_ = secl::DeclareBuiltinVariables(*environment_);
    std::vector<const RuleEntry*> rules = EnabledRules();
    std::map<const RuleEntry*, std::vector<std::optional<secl::VariableId>>> variables;
    std::set<const RuleEntry*> failed;
    for (const RuleEntry* rule : rules) {
      if (!DeclareVariables(*rule, variables[rule])) failed.insert(rule);
    }
    for (const RuleEntry* rule : rules) {
      if (failed.contains(rule)) {
        Skip(*rule, rule->def.id, SkipReason::kError, "invalid actions");
        continue;
      }
      for (RuleToCompile& item : Expand(*rule)) CompileRule(item, variables[rule]);
    }
    SortDiagnostics();
    out_.environment = environment_;
    out_.builtins = builtins_;
    for (const CompiledRule& rule : out_.rules) ++out_.rules_per_event_type[rule.event_type];
    return std::move(out_);
  }

 private:
  // ---- diagnostics --------------------------------------------------------

  void Report(std::size_t policy, PolicyDiagnostic diagnostic) {
    if (policy < out_.policies.size()) {
      (diagnostic.is_error() ? out_.policies[policy].errors : out_.policies[policy].warnings)++;
    }
    out_.diagnostics.push_back(std::move(diagnostic));
  }

  void ReportAt(std::size_t policy, Severity severity, const SourceFile& file, std::uint32_t begin,
                std::uint32_t end, std::string message, std::string hint = {},
                std::string rule_id = {}, std::string macro_id = {}) {
    PolicyDiagnostic diagnostic =
        MakeDiagnostic(severity, file, begin, end, std::move(message), std::move(hint));
    diagnostic.rule_id = std::move(rule_id);
    diagnostic.macro_id = std::move(macro_id);
    Report(policy, std::move(diagnostic));
  }

  // SECL diagnostics have spans in the decoded text; map them to the file.
  void ReportSecl(std::size_t policy, const secl::Diagnostics& diagnostics,
                  const LocatedString& text, const SourceFile& file, std::string_view context,
                  const std::string& rule_id, const std::string& macro_id = {}) {
    for (const secl::Diagnostic& d : diagnostics) {
      std::uint32_t begin = text.FileOffset(d.span.begin);
      std::uint32_t end = d.span.end > d.span.begin ? text.FileOffset(d.span.end - 1) + 1 : begin;
      ReportAt(
          policy,
          d.severity == secl::Diagnostic::Severity::kError ? Severity::kError : Severity::kWarning,
          file, begin, end, std::string(context) + d.message, d.hint, rule_id, macro_id);
    }
  }

  void Skip(const RuleEntry& rule, std::string id, SkipReason reason, std::string detail) {
    ++out_.policies[rule.policy].rules_skipped[std::string(SkipReasonName(reason))];
    out_.skipped.push_back(SkippedRule{std::move(id), reason, std::move(detail),
                                       rule.def.source ? rule.def.source->path() : ""});
  }

  // By file (load order), then position; diagnostics without a file first.
  void SortDiagnostics() {
    std::map<std::string, std::size_t> order;
    for (std::size_t i = 0; i < out_.policies.size(); ++i)
      order.emplace(out_.policies[i].path, i + 1);
    auto key = [&](const PolicyDiagnostic& d) {
      auto it = order.find(d.file);
      return std::make_tuple(it == order.end() ? 0 : it->second, d.line, d.column);
    };
    std::stable_sort(
        out_.diagnostics.begin(), out_.diagnostics.end(),
        [&](const PolicyDiagnostic& a, const PolicyDiagnostic& b) { return key(a) < key(b); });
  }

  // ---- step 1: read, filter, check ids ------------------------------------

  void ReadPolicy(PolicySource source) {
    std::size_t index = out_.policies.size();
    PolicyInfo& info = out_.policies.emplace_back();
    info.path = source.path;
    info.name = FileName(source.path);
    info.is_default = info.name == kDefaultPolicyName;
    auto file = std::make_shared<const SourceFile>(std::move(source.path), std::move(source.text));
    std::vector<PolicyDiagnostic> parse_diagnostics;
    PolicyFile policy = ParsePolicyFile(file, parse_diagnostics);
    for (PolicyDiagnostic& diagnostic : parse_diagnostics) Report(index, std::move(diagnostic));
    info.version = policy.version;
    info.rules_defined = policy.rules.size() + policy.invalid_rules.size();
    for (const std::string& id : policy.invalid_rules) {
      ++info.rules_skipped[std::string(SkipReasonName(SkipReason::kError))];
      out_.skipped.push_back(
          SkippedRule{id, SkipReason::kError, "invalid definition", file->path()});
    }
    if (parse_diagnostics.empty() && policy.macros.empty() && policy.rules.empty() &&
        !info.is_default) {
      Report(index, MakeDiagnostic(Severity::kError, *file, 0, 1,
                                   "the policy defines no macros and no rules"));
    }

    std::map<std::string, std::uint32_t> accepted_macros;  // id → offset, within this file
    for (MacroDefinition& macro : policy.macros) {
      if (!Accepted(index, *file, macro.agent_version, macro.filters, macro.id, nullptr)) continue;
      if (auto [it, inserted] = accepted_macros.emplace(macro.id, macro.offset); !inserted) {
        ReportAt(index, Severity::kError, *file, macro.offset,
                 macro.offset + static_cast<std::uint32_t>(macro.id.size()),
                 "duplicate macro id '" + macro.id + "'",
                 "first defined at line " + std::to_string(file->PositionOf(it->second).line), {},
                 macro.id);
        continue;
      }
      CombineMacro(MacroEntry{std::move(macro), index});
    }

    std::map<std::string, std::uint32_t> accepted_rules;
    for (RuleDefinition& rule : policy.rules) {
      RuleEntry entry{std::move(rule), index};
      SkipReason reason = SkipReason::kNone;
      std::string detail;
      if (!Accepted(index, *file, entry.def.agent_version, entry.def.filters, entry.def.id, &reason,
                    &detail)) {
        if (reason != SkipReason::kNone) Skip(entry, entry.def.id, reason, detail);
        continue;
      }
      const RuleDefinition& def = entry.def;
      if (auto [it, inserted] = accepted_rules.emplace(def.id, def.offset); !inserted) {
        ReportAt(index, Severity::kError, *file, def.offset,
                 def.offset + static_cast<std::uint32_t>(def.id.size()),
                 "duplicate rule id '" + def.id + "'",
                 "first defined at line " + std::to_string(file->PositionOf(it->second).line) +
                     "; ids must be unique among the rules a host accepts",
                 def.id);
        Skip(entry, def.id, SkipReason::kError, "duplicate id");
        continue;
      }
      CombineRule(std::move(entry));
    }
  }

  // agent_version and filters of a macro or rule. False when the definition
  // is not for this agent/host (reason set) or when they are erroneous
  // (reason kError, diagnostics reported).
  bool Accepted(std::size_t policy, const SourceFile& file,
                const std::optional<LocatedString>& agent_version,
                const std::vector<LocatedString>& filters, const std::string& id,
                SkipReason* reason, std::string* detail = nullptr) {
    auto set_reason = [&](SkipReason value, std::string text) {
      if (reason != nullptr) *reason = value;
      if (detail != nullptr) *detail = std::move(text);
    };
    if (agent_version && !agent_version->value.empty()) {
      Result<VersionConstraint> constraint = VersionConstraint::Parse(agent_version->value);
      if (!constraint) {
        ReportAt(policy, Severity::kError, file, agent_version->node_offset,
                 agent_version->FileOffset(static_cast<std::uint32_t>(agent_version->value.size())),
                 constraint.error().message(), "for example '>= 7.65' or '>=7.65 <7.70'", id);
        set_reason(SkipReason::kError, "invalid agent_version");
        return false;
      }
      if (!constraint->Allows(options_.agent_version)) {
        set_reason(SkipReason::kAgentVersion, "agent_version '" + agent_version->value + "'");
        return false;
      }
    }
    if (filters.empty()) return true;
    bool any = false;
    bool erroneous = false;
    for (const LocatedString& filter : filters) {
      std::optional<bool> result = EvaluateHostFilter(policy, file, filter, id);
      if (!result) {
        erroneous = true;
      } else {
        any = any || *result;
      }
    }
    if (erroneous) {
      set_reason(SkipReason::kError, "invalid filters");
      return false;
    }
    if (!any) {
      std::string joined;
      for (const LocatedString& filter : filters) {
        joined += (joined.empty() ? "" : " || ") + filter.value;
      }
      set_reason(SkipReason::kFilter, "filters '" + joined + "'");
      return false;
    }
    return true;
  }

  std::optional<bool> EvaluateHostFilter(std::size_t policy, const SourceFile& file,
                                         const LocatedString& filter, const std::string& id) {
    if (auto it = filter_results_.find(filter.value); it != filter_results_.end()) {
      return it->second;
    }
    secl::CompileResult compiled = secl::CompileFilter(filter.value, HostSchema::Default(),
                                                       host_environment_, options_.limits);
    if (!compiled.program) {
      ReportSecl(policy, compiled.diagnostics, filter, file, "in filter: ", id);
      return std::nullopt;
    }
    HostSource host(options_.host);
    bool result = secl::Evaluate(*compiled.program, host);
    filter_results_.emplace(filter.value, result);
    return result;
  }

  // ---- step 2: combine ----------------------------------------------------

  void CombineMacro(MacroEntry entry) {
    auto it = macro_index_.find(entry.def.id);
    if (it == macro_index_.end()) {
      macro_index_.emplace(entry.def.id, macros_.size());
      macros_.push_back(std::move(entry));
      return;
    }
    MacroEntry& existing = macros_[it->second];
    const SourceFile& file = *entry.def.source;
    const std::uint32_t begin = entry.def.offset;
    const std::uint32_t end = begin + static_cast<std::uint32_t>(entry.def.id.size());
    switch (entry.def.combine) {
      case Combine::kMerge:
        if (!existing.def.values || !entry.def.values) {
          ReportAt(entry.policy, Severity::kError, file, begin, end,
                   "cannot merge macro '" + entry.def.id + "': only 'values' macros can be merged",
                   "an 'expression' macro can only be replaced with 'combine: override'", {},
                   entry.def.id);
          return;
        }
        existing.def.values->insert(existing.def.values->end(), entry.def.values->begin(),
                                    entry.def.values->end());
        return;
      case Combine::kOverride:
        existing.def.values = std::move(entry.def.values);
        existing.def.expression = std::move(entry.def.expression);
        existing.def.source = entry.def.source;
        existing.policy = entry.policy;
        return;
      case Combine::kNone:
        ReportAt(
            entry.policy, Severity::kError, file, begin, end,
            "macro '" + entry.def.id + "' is already defined in " + existing.def.source->path(),
            "use 'combine: merge' or 'combine: override' to change it", {}, entry.def.id);
        return;
    }
  }

  void CombineRule(RuleEntry entry) {
    auto it = rule_index_.find(entry.def.id);
    if (it == rule_index_.end()) {
      rule_index_.emplace(entry.def.id, rules_.size());
      rules_.push_back(std::make_unique<RuleEntry>(std::move(entry)));
      return;
    }
    RuleEntry& existing = *rules_[it->second];
    RuleDefinition& later = entry.def;
    if (later.combine == Combine::kOverride) {
      const std::uint32_t fields = later.override_fields;
      if ((fields & kOverrideAll) != 0) {
        existing.def = std::move(later);
        existing.policy = entry.policy;
        return;
      }
      if (fields == 0 || (fields & kOverrideExpression) != 0) {
        existing.def.expression = std::move(later.expression);
        existing.def.source = later.source;
      }
      if ((fields & kOverrideActions) != 0) existing.def.actions = std::move(later.actions);
      if ((fields & kOverrideEvery) != 0) existing.def.every_ns = later.every_ns;
      if ((fields & kOverrideTags) != 0) {
        for (const auto& tag : later.tags) {
          auto found = std::find_if(existing.def.tags.begin(), existing.def.tags.end(),
                                    [&](const auto& old) { return old.first == tag.first; });
          if (found != existing.def.tags.end()) {
            found->second = tag.second;
          } else {
            existing.def.tags.push_back(tag);
          }
        }
      }
      if ((fields & kOverrideProductTags) != 0) {
        existing.def.product_tags = std::move(later.product_tags);
      }
      if (later.disabled.has_value()) existing.def.disabled = later.disabled;
      return;
    }
    if (existing.def.disabled.value_or(false) != later.disabled.value_or(false)) {
      existing.def.disabled = later.disabled;
      return;
    }
    const SourceFile& file = *later.source;
    ReportAt(entry.policy, Severity::kError, file, later.offset,
             later.offset + static_cast<std::uint32_t>(later.id.size()),
             "rule '" + later.id + "' is already defined in " + existing.def.source->path(),
             "use 'combine: override' to change it, or 'disabled: true' to disable it", later.id);
    Skip(entry, later.id, SkipReason::kError, "conflicting definition");
  }

  std::vector<const RuleEntry*> EnabledRules() {
    std::vector<const RuleEntry*> enabled;
    for (const std::unique_ptr<RuleEntry>& rule : rules_) {
      if (rule->def.disabled.value_or(false)) {
        Skip(*rule, rule->def.id, SkipReason::kDisabled, "disabled: true");
      } else {
        enabled.push_back(rule.get());
      }
    }
    return enabled;
  }

  // ---- step 3: macros -----------------------------------------------------

  void AddMacro(const MacroEntry& macro) {
    if (macro.def.values) {
      environment_->AddValuesMacro(macro.def.id, *macro.def.values);
      return;
    }
    const LocatedString& expression = *macro.def.expression;
    secl::Diagnostics diagnostics =
        environment_->AddMacro(macro.def.id, expression.value, options_.limits);
    ReportSecl(macro.policy, diagnostics, expression, *macro.def.source,
               "in macro '" + macro.def.id + "': ", {}, macro.def.id);
  }

  // ---- step 4: variables --------------------------------------------------

  std::optional<secl::Type> SetType(const RuleEntry& rule, const SetAction& set,
                                    const Action& action) {
    const SourceFile& file = *rule.def.source;
    std::optional<secl::Type> type;
    if (set.value) {
      type = secl::TypeOf(*set.value);
    } else if (!set.field.empty()) {
      const secl::FieldInfo* info = schema_.Find(set.field);
      if (info == nullptr) {
        ReportAt(rule.policy, Severity::kError, file, action.offset, action.offset + 1,
                 "rule '" + rule.def.id + "': set '" + set.name + "' reads unknown field '" +
                     set.field + "'",
                 {}, rule.def.id);
        return std::nullopt;
      }
      type = secl::Type{info->type, info->is_array || info->iterator != secl::kNoIterator};
    } else if (set.default_value) {
      type = secl::TypeOf(*set.default_value);
    } else {
      ReportAt(
          rule.policy, Severity::kError, file, action.offset, action.offset + 1,
          "rule '" + rule.def.id + "': failed to infer the type of variable '" + set.name + "'",
          "a set with 'expression' needs a 'default_value' giving the variable's type",
          rule.def.id);
      return std::nullopt;
    }
    if (set.append) type->is_array = true;
    return type;
  }

  bool DeclareVariables(const RuleEntry& rule, std::vector<std::optional<secl::VariableId>>& ids) {
    bool ok = true;
    ids.assign(rule.def.actions.size(), std::nullopt);
    for (std::size_t i = 0; i < rule.def.actions.size(); ++i) {
      const Action& action = rule.def.actions[i];
      const auto* set = std::get_if<SetAction>(&action.kind);
      if (set == nullptr) continue;
      std::optional<secl::Type> type = SetType(rule, *set, action);
      if (!type) {
        ok = false;
        continue;
      }
      Result<secl::VariableId> id = environment_->DeclareVariable(set->QualifiedName(), *type);
      if (!id) {
        ReportAt(
            rule.policy, Severity::kError, *rule.def.source, action.offset, action.offset + 1,
            "rule '" + rule.def.id + "': " + id.error().message(),
            "every set action writing '" + set->QualifiedName() + "' must give it the same type",
            rule.def.id);
        ok = false;
        continue;
      }
      ids[i] = *id;
    }
    return ok;
  }

  // ---- step 5: compile ----------------------------------------------------

  std::vector<RuleToCompile> Expand(const RuleEntry& rule) {
    std::vector<RuleToCompile> items;
    if (!rule.def.expression) {
      RuleToCompile item{&rule, rule.def.id, {}, {}};
      items.push_back(std::move(item));
      return items;
    }
    const LocatedString& expression = *rule.def.expression;
    if (expression.value.find(kFimPrefix) == std::string::npos) {
      items.push_back(RuleToCompile{&rule, rule.def.id, {}, expression});
      return items;
    }
    for (const FimExpansion& expansion : kFimExpansions) {
      std::string suffix = expansion.prefix == "rename.file.destination." ? "_destination" : "";
      items.push_back(RuleToCompile{
          &rule, "__fim_expanded_" + std::string(expansion.event_type) + suffix + "_" + rule.def.id,
          rule.def.id, ExpandFim(expression, expansion)});
    }
    return items;
  }

  bool IsCollected(std::string_view event_type) const {
    const auto& types = options_.collected_event_types;
    return std::find(types.begin(), types.end(), event_type) != types.end();
  }

  // The first field of `fields` picket does not collect, or nullptr.
  static const secl::FieldInfo* FirstUnsupported(
      const std::vector<const secl::FieldInfo*>& fields) {
    for (const secl::FieldInfo* field : fields) {
      if (!field->is_supported) return field;
    }
    return nullptr;
  }

  void SkipUnsupported(const RuleToCompile& item, const secl::FieldInfo& field,
                       std::string_view where) {
    const RuleEntry& rule = *item.entry;
    std::string event_type(field.event_type);
    bool event_collected =
        event_type.empty() || fields::FieldCatalogue::IsCollectedEventType(event_type);
    std::string detail = event_collected ? "field '" + std::string(field.name) + "'"
                                         : "event type '" + event_type + "'";
    std::string message = "rule '" + item.id + "' skipped: " + std::string(where) + "field '" +
                          std::string(field.name) + "'" +
                          (event_collected ? std::string(" is not collected by picket")
                                           : " belongs to event type '" + event_type +
                                                 "', which picket does not collect");
    PolicyDiagnostic diagnostic =
        MakeDiagnostic(Severity::kWarning, *rule.def.source, rule.def.offset,
                       rule.def.offset + static_cast<std::uint32_t>(rule.def.id.size()), message);
    diagnostic.rule_id = item.id;
    diagnostic.skip_reason = SkipReason::kUnsupportedField;
    diagnostic.detail = detail;
    Report(rule.policy, std::move(diagnostic));
    Skip(rule, item.id, SkipReason::kUnsupportedField, detail);
  }

  void CompileRule(const RuleToCompile& item,
                   const std::vector<std::optional<secl::VariableId>>& variables) {
    const RuleEntry& rule = *item.entry;
    const RuleDefinition& def = rule.def;
    const SourceFile& file = *def.source;
    if (!def.expression) {
      ReportAt(rule.policy, Severity::kError, file, def.offset,
               def.offset + static_cast<std::uint32_t>(def.id.size()),
               "rule '" + def.id + "' has no expression", {}, def.id);
      Skip(rule, item.id, SkipReason::kError, "no expression");
      return;
    }
    secl::CompileResult compiled =
        secl::CompileRule(item.expression.value, schema_, *environment_, options_.limits);
    if (!compiled.program) {
      ReportSecl(rule.policy, compiled.diagnostics, item.expression, file,
                 "rule '" + item.id + "': ", item.id);
      Skip(rule, item.id, SkipReason::kError, "expression");
      return;
    }
    const secl::Program& program = *compiled.program;
    if (const secl::FieldInfo* unsupported = FirstUnsupported(program.fields())) {
      SkipUnsupported(item, *unsupported, "");
      return;
    }
    std::string event_type(program.event_type());
    if (!IsCollected(event_type)) {
      PolicyDiagnostic diagnostic =
          MakeDiagnostic(Severity::kWarning, file, def.offset,
                         def.offset + static_cast<std::uint32_t>(def.id.size()),
                         "rule '" + item.id + "' skipped: event type '" + event_type +
                             "' is not collected by picket");
      diagnostic.rule_id = item.id;
      diagnostic.skip_reason = SkipReason::kUnsupportedField;
      diagnostic.detail = "event type '" + event_type + "'";
      Report(rule.policy, std::move(diagnostic));
      Skip(rule, item.id, SkipReason::kUnsupportedField, "event type '" + event_type + "'");
      return;
    }

    for (const std::string& token : def.limiter_token) {
      if (schema_.Find(token) == nullptr) {
        ReportAt(rule.policy, Severity::kError, file, def.offset,
                 def.offset + static_cast<std::uint32_t>(def.id.size()),
                 "rule '" + item.id + "': limiter_token names unknown field '" + token + "'", {},
                 item.id);
        Skip(rule, item.id, SkipReason::kError, "limiter_token");
        return;
      }
    }

    std::vector<CompiledAction> actions;
    for (std::size_t i = 0; i < def.actions.size(); ++i) {
      std::optional<CompiledAction> action =
          CompileAction(item, def.actions[i], variables[i], event_type);
      if (!action) return;  // CompileAction reported and recorded the skip
      actions.push_back(std::move(*action));
    }

    CompiledRule out{.program = program};
    out.actions = std::move(actions);
    out.id = item.id;
    out.version = def.version;
    out.description = def.description;
    out.expression = item.expression.value;
    out.tags = def.tags;
    out.product_tags = def.product_tags;
    out.every_ns = def.every_ns;
    out.silent = def.silent;
    out.priority = def.priority;
    out.group_id = def.group_id;
    out.limiter_token = def.limiter_token;
    out.documentation = def.documentation;
    for (const auto& [key, value] : def.tags) {
      if (key == "execution_context" && EqualsIgnoreCase(value, "true")) {
        out.execution_context = true;
      }
    }
    out.policy_index = rule.policy;
    out.file = file.path();
    out.line = file.PositionOf(def.offset).line;
    out.expanded_from = item.expanded_from;
    out.event_type = std::move(event_type);
    ++out_.policies[rule.policy].rules_loaded;
    out_.rules.push_back(std::move(out));
  }

  std::optional<CompiledAction> CompileAction(const RuleToCompile& item, const Action& action,
                                              std::optional<secl::VariableId> variable,
                                              const std::string& event_type) {
    const RuleEntry& rule = *item.entry;
    const SourceFile& file = *rule.def.source;
    const std::string context = "rule '" + item.id + "': ";
    CompiledAction out;
    out.action = action;
    auto fail = [&](std::string message, std::string hint = {}) {
      ReportAt(rule.policy, Severity::kError, file, action.offset, action.offset + 1,
               context + message, std::move(hint), item.id);
      Skip(rule, item.id, SkipReason::kError, "action");
      return std::nullopt;
    };
    if (action.filter) {
      secl::CompileResult filter =
          secl::CompileFilter(action.filter->value, schema_, *environment_, options_.limits);
      if (!filter.program) {
        ReportSecl(rule.policy, filter.diagnostics, *action.filter, file,
                   context + "in action filter: ", item.id);
        Skip(rule, item.id, SkipReason::kError, "action filter");
        return std::nullopt;
      }
      if (const secl::FieldInfo* unsupported = FirstUnsupported(filter.program->fields())) {
        SkipUnsupported(item, *unsupported, "action filter uses ");
        return std::nullopt;
      }
      out.filter = std::move(filter.program);
    }
    if (const auto* set = std::get_if<SetAction>(&action.kind)) {
      if (!variable) return fail("variable '" + set->QualifiedName() + "' was not declared");
      out.variable = *variable;
      const secl::VariableDeclaration* declaration =
          environment_->FindVariable(set->QualifiedName());
      if (declaration != nullptr) out.variable_type = declaration->type;
      if (!set->scope_field.empty()) {
        const secl::FieldInfo* scope_field = schema_.Find(set->scope_field);
        if (scope_field == nullptr || scope_field->type != secl::ScalarType::kInt ||
            scope_field->is_array) {
          return fail("scope_field '" + set->scope_field + "' is not an int field",
                      "scope_field names the field holding the pid of the process to write to");
        }
        if (!scope_field->is_supported) {
          SkipUnsupported(item, *scope_field, "set scope_field uses ");
          return std::nullopt;
        }
      }
      if (!set->field.empty()) {
        out.set_field = schema_.Find(set->field);
        if (out.set_field != nullptr && !out.set_field->is_supported) {
          SkipUnsupported(item, *out.set_field, "set action reads ");
          return std::nullopt;
        }
      }
      if (set->expression) {
        secl::CompileResult expression = secl::CompileExpression(set->expression->value, schema_,
                                                                 *environment_, options_.limits);
        if (!expression.program) {
          ReportSecl(rule.policy, expression.diagnostics, *set->expression, file,
                     context + "in set expression: ", item.id);
          Skip(rule, item.id, SkipReason::kError, "set expression");
          return std::nullopt;
        }
        if (const secl::FieldInfo* unsupported = FirstUnsupported(expression.program->fields())) {
          SkipUnsupported(item, *unsupported, "set expression uses ");
          return std::nullopt;
        }
        secl::Type result = expression.program->result_type();
        if (result.scalar != out.variable_type.scalar) {
          return fail("set expression for '" + set->QualifiedName() + "' has type " +
                          secl::TypeName(result) + " but the variable has type " +
                          secl::TypeName(out.variable_type),
                      "make default_value and the expression agree");
        }
        out.set_expression = std::move(expression.program);
      }
    } else if (const auto* kill = std::get_if<KillAction>(&action.kind)) {
      if (!options_.enforcement_enabled) {
        return fail("kill action is disabled globally",
                    "enable enforcement in the agent configuration to load rules that kill");
      }
      (void)kill;
    } else if (const auto* hash = std::get_if<HashAction>(&action.kind)) {
      if (hash->field.empty()) {
        if (event_type != "exec" && event_type != "open") {
          return fail("a hash action on a '" + event_type + "' rule needs a 'field'",
                      "for example 'field: process.file'");
        }
      } else if (schema_.Find(hash->field + ".path") == nullptr) {
        return fail("hash field '" + hash->field + "' is not a file",
                    "use a file prefix such as exec.file or process.file");
      }
    }
    return out;
  }

  const LoadOptions& options_;
  const secl::Schema& schema_;
  std::shared_ptr<secl::Environment> environment_;
  secl::Environment host_environment_;
  secl::BuiltinVariables builtins_;
  std::unordered_map<std::string, bool> filter_results_;
  std::vector<MacroEntry> macros_;
  std::unordered_map<std::string, std::size_t> macro_index_;
  std::vector<std::unique_ptr<RuleEntry>> rules_;
  std::unordered_map<std::string, std::size_t> rule_index_;
  CompiledPolicy out_;
};

}  // namespace

std::size_t CompiledPolicy::error_count() const {
  return static_cast<std::size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                                [](const auto& d) { return d.is_error(); }));
}

std::size_t CompiledPolicy::warning_count() const { return diagnostics.size() - error_count(); }

const CompiledRule* CompiledPolicy::FindRule(std::string_view id) const {
  for (const CompiledRule& rule : rules) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

std::map<std::string, std::vector<const SkippedRule*>> CompiledPolicy::SkippedByReason() const {
  std::map<std::string, std::vector<const SkippedRule*>> groups;
  for (const SkippedRule& skipped_rule : skipped) {
    groups[std::string(SkipReasonName(skipped_rule.reason))].push_back(&skipped_rule);
  }
  return groups;
}

CompiledPolicy LoadPolicies(std::vector<PolicySource> sources, const LoadOptions& options) {
  Loader loader(options);
  return loader.Load(std::move(sources));
}

std::vector<std::string> ExpandPolicyPaths(std::span<const std::string> paths,
                                           std::vector<PolicyDiagnostic>& diagnostics) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code error;
    fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
      diagnostics.push_back(
          MakeFileDiagnostic(Severity::kError, path, "no such file or directory"));
      continue;
    }
    if (!fs::is_directory(status)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> in_directory;
    for (fs::directory_iterator it(path, error), end; !error && it != end; it.increment(error)) {
      if (it->path().extension() == ".policy" && !it->is_directory()) {
        in_directory.push_back(it->path().string());
      }
    }
    if (error) {
      diagnostics.push_back(
          MakeFileDiagnostic(Severity::kError, path, "cannot list directory: " + error.message()));
    }
    std::sort(in_directory.begin(), in_directory.end());
    files.insert(files.end(), in_directory.begin(), in_directory.end());
  }
  return files;
}

CompiledPolicy LoadPolicyPaths(std::span<const std::string> paths, const LoadOptions& options) {
  std::vector<PolicyDiagnostic> diagnostics;
  std::vector<PolicySource> sources;
  for (const std::string& path : ExpandPolicyPaths(paths, diagnostics)) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      diagnostics.push_back(MakeFileDiagnostic(Severity::kError, path, "cannot open file"));
      continue;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
      diagnostics.push_back(MakeFileDiagnostic(Severity::kError, path, "cannot read file"));
      continue;
    }
    sources.push_back(PolicySource{path, buffer.str()});
  }
  CompiledPolicy policy = LoadPolicies(std::move(sources), options);
  policy.diagnostics.insert(policy.diagnostics.begin(), diagnostics.begin(), diagnostics.end());
  return policy;
}

}  // namespace picket::policy
