// `picket policy check FILE|DIR...`: load policies together (as the agent
// would) and report, per file, rules loaded, rules skipped grouped by reason,
// errors (rendered file:line:col with the source line and a caret) and rules
// per event type. Exit 0 iff there is no error. `--json` prints one JSON
// document instead.
//
// `picket policy explain --rule ID [FILE|DIR...]`: what a rule is — status,
// how soon its events reach it, description, expression, tags, actions and
// its picket: documentation.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app/command.h"
#include "app/embedded_policy.h"
#include "engine/urgent_exec_names.h"
#include "fields/catalogue.h"
#include "policy/compiled_policy.h"
#include "policy/loader.h"
#include "policy/policy_file.h"
#include "policy/semver.h"

namespace picket::app {
namespace {

using policy::CompiledPolicy;
using policy::PolicyDiagnostic;

// The agent's default policy directory (docs/configuration.md).
constexpr const char* kDefaultPolicyDirectory = "/etc/picket/policies.d";

struct CheckOptions {
  std::vector<std::string> paths;
  bool json = false;
  bool verbose = false;
  bool no_enforcement = false;
  std::string agent_version = policy::kDefaultAgentVersion.ToString();
};

struct ExplainOptions {
  std::vector<std::string> paths;
  std::string rule_id;
  bool no_builtin = false;  // leave out the shipped policy embedded in the binary
  std::string agent_version = policy::kDefaultAgentVersion.ToString();
};

void Print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// How soon the running agent hands the rule its events (run_command.cc,
// engine/urgent_exec_names.h).
std::string DescribeDelivery(const policy::CompiledRule& rule) {
  std::optional<std::vector<std::string>> names =
      engine::UrgentExecNamesOf(rule, fields::FieldCatalogue::Default());
  if (!names.has_value()) {
    return "within collector.poll_interval_ms of the event (the rule does not name the "
           "programs it matches)";
  }
  std::string text = "early: an exec of";
  for (const std::string& name : *names) text += " " + name;
  return text +
         " wakes the agent (collector.urgent_exec_wakeups; no sooner than "
         "collector.min_poll_interval_ms after its previous drain)";
}

// Parses --agent-version; on error prints it and returns nullopt.
std::optional<policy::LoadOptions> MakeLoadOptions(const std::string& agent_version,
                                                   bool enforcement) {
  Result<policy::SemVer> version = policy::SemVer::Parse(agent_version);
  if (!version) {
    std::fprintf(stderr, "picket policy: --agent-version: %s\n", version.error().message().c_str());
    return std::nullopt;
  }
  policy::LoadOptions options;
  options.agent_version = *version;
  options.host = policy::HostInfo::Detect();
  options.enforcement_enabled = enforcement;
  return options;
}

std::map<std::string, std::size_t> RulesPerEventType(const CompiledPolicy& compiled,
                                                     std::size_t policy_index) {
  std::map<std::string, std::size_t> counts;
  for (const policy::CompiledRule& rule : compiled.rules) {
    if (rule.policy_index == policy_index) ++counts[rule.event_type];
  }
  return counts;
}

// reason → detail → count, for one file.
std::map<std::string, std::map<std::string, std::size_t>> SkipDetails(
    const CompiledPolicy& compiled, const std::string& path) {
  std::map<std::string, std::map<std::string, std::size_t>> details;
  for (const policy::SkippedRule& skipped : compiled.skipped) {
    if (skipped.file != path) continue;
    ++details[std::string(policy::SkipReasonName(skipped.reason))][skipped.detail];
  }
  return details;
}

std::string FormatCounts(const std::map<std::string, std::size_t>& counts) {
  std::vector<std::pair<std::string, std::size_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text;
  for (const auto& [name, count] : sorted) {
    if (!text.empty()) text += ", ";
    text += (name.empty() ? "(none)" : name) + " " + std::to_string(count);
  }
  return text.empty() ? "none" : text;
}

void PrintText(const CompiledPolicy& compiled, const CheckOptions& options) {
  for (const PolicyDiagnostic& diagnostic : compiled.diagnostics) {
    if (diagnostic.is_error() || options.verbose) Print(policy::Render(diagnostic));
  }
  if (!compiled.diagnostics.empty() && (compiled.error_count() > 0 || options.verbose)) {
    Print("\n");
  }
  for (std::size_t i = 0; i < compiled.policies.size(); ++i) {
    const policy::PolicyInfo& info = compiled.policies[i];
    std::size_t skipped_total = 0;
    for (const auto& [reason, count] : info.rules_skipped) skipped_total += count;
    std::string out;
    out += info.path;
    if (!info.version.empty()) out += " (version " + info.version + ")";
    out += "\n";
    out += "  rules defined: " + std::to_string(info.rules_defined) +
           ", loaded: " + std::to_string(info.rules_loaded) +
           ", skipped: " + std::to_string(skipped_total) + "\n";
    for (const auto& [reason, details] : SkipDetails(compiled, info.path)) {
      std::size_t count = 0;
      for (const auto& [detail, n] : details) count += n;
      out += "    skipped, " + reason + ": " + std::to_string(count) + "\n";
      if (reason == "unsupported field" || reason == "agent_version" || reason == "filters") {
        std::vector<std::pair<std::string, std::size_t>> sorted(details.begin(), details.end());
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        for (const auto& [detail, n] : sorted) {
          out += "      " + detail + ": " + std::to_string(n) + "\n";
        }
      }
    }
    out += "  rules per event type: " + FormatCounts(RulesPerEventType(compiled, i)) + "\n";
    out += "  errors: " + std::to_string(info.errors) +
           ", warnings: " + std::to_string(info.warnings) + "\n";
    Print(out);
  }
  std::string summary = "total: " + std::to_string(compiled.rules.size()) + " rules loaded (" +
                        FormatCounts(compiled.rules_per_event_type) + "), " +
                        std::to_string(compiled.error_count()) + " errors, " +
                        std::to_string(compiled.warning_count()) + " warnings\n";
  if (compiled.warning_count() > 0 && !options.verbose) {
    summary += "(run with --verbose to print every warning)\n";
  }
  Print(summary);
}

void PrintJson(const CompiledPolicy& compiled, const CheckOptions& options) {
  using nlohmann::json;
  json document;
  document["ok"] = compiled.ok();
  document["agent_version"] = options.agent_version;
  document["rules_loaded"] = compiled.rules.size();
  document["rules_per_event_type"] = compiled.rules_per_event_type;
  document["errors"] = compiled.error_count();
  document["warnings"] = compiled.warning_count();
  json files = json::array();
  for (std::size_t i = 0; i < compiled.policies.size(); ++i) {
    const policy::PolicyInfo& info = compiled.policies[i];
    json file;
    file["path"] = info.path;
    file["version"] = info.version;
    file["rules_defined"] = info.rules_defined;
    file["rules_loaded"] = info.rules_loaded;
    file["rules_skipped"] = info.rules_skipped;
    file["rules_skipped_details"] = SkipDetails(compiled, info.path);
    file["rules_per_event_type"] = RulesPerEventType(compiled, i);
    file["errors"] = info.errors;
    file["warnings"] = info.warnings;
    files.push_back(std::move(file));
  }
  document["files"] = std::move(files);
  json diagnostics = json::array();
  for (const PolicyDiagnostic& d : compiled.diagnostics) {
    json item;
    item["severity"] = d.is_error() ? "error" : "warning";
    item["file"] = d.file;
    item["line"] = d.line;
    item["column"] = d.column;
    item["message"] = d.message;
    if (!d.hint.empty()) item["hint"] = d.hint;
    if (!d.rule_id.empty()) item["rule_id"] = d.rule_id;
    if (!d.macro_id.empty()) item["macro_id"] = d.macro_id;
    if (d.skip_reason != policy::SkipReason::kNone) {
      item["skip_reason"] = policy::SkipReasonName(d.skip_reason);
      item["detail"] = d.detail;
    }
    item["rendered"] = policy::Render(d);
    diagnostics.push_back(std::move(item));
  }
  document["diagnostics"] = std::move(diagnostics);
  // Policy text may hold invalid UTF-8 (reported as an error); never throw on it.
  Print(document.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

int RunCheck(const CheckOptions& options) {
  std::optional<policy::LoadOptions> load =
      MakeLoadOptions(options.agent_version, !options.no_enforcement);
  if (!load) return 2;
  CompiledPolicy compiled = policy::LoadPolicyPaths(options.paths, *load);
  if (options.json) {
    PrintJson(compiled, options);
  } else {
    PrintText(compiled, options);
  }
  return compiled.ok() ? 0 : 1;
}

std::string Bullets(const std::vector<std::string>& items, bool numbered) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += numbered ? "  " + std::to_string(i + 1) + ". " : "  - ";
    out += items[i] + "\n";
  }
  return out;
}

std::string Indent(const std::string& text) {
  std::string out = "  ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += "  ";
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  return out + "\n";
}

std::string DescribeAction(const policy::Action& action) {
  std::string text(policy::ActionKindName(action));
  if (const auto* set = std::get_if<policy::SetAction>(&action.kind)) {
    text += " ${" + set->QualifiedName() + "}";
    if (set->value) text += " = " + secl::ToString(*set->value);
    if (!set->field.empty()) text += " = " + set->field;
    if (set->expression) text += " = " + set->expression->value;
    if (set->append) text += " (append)";
    if (set->ttl_ns != 0) text += " ttl " + std::to_string(set->ttl_ns / 1'000'000'000) + "s";
    if (set->inherited) text += " inherited";
    if (set->is_private) text += " private";
  } else if (const auto* kill = std::get_if<policy::KillAction>(&action.kind)) {
    text += " " + kill->signal;
  } else if (const auto* hash = std::get_if<policy::HashAction>(&action.kind)) {
    if (!hash->field.empty()) text += " " + hash->field;
  } else if (const auto* log = std::get_if<policy::LogAction>(&action.kind)) {
    text += " " + log->level + (log->message.empty() ? "" : ": " + log->message);
  }
  if (action.filter) text += "  [if " + action.filter->value + "]";
  return text;
}

int RunExplain(const ExplainOptions& options) {
  std::optional<policy::LoadOptions> load = MakeLoadOptions(options.agent_version, true);
  if (!load) return 2;

  // What the agent would load: the shipped policy, then the given files.
  std::vector<policy::PolicySource> sources;
  if (!options.no_builtin) {
    sources.push_back(
        {.path = std::string(kEmbeddedPolicyName), .text = std::string(EmbeddedDefaultPolicy())});
  }
  std::vector<PolicyDiagnostic> ignored;
  for (const std::string& path : policy::ExpandPolicyPaths(options.paths, ignored)) {
    std::ifstream in(path, std::ios::binary);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    sources.push_back({.path = path, .text = text.str()});
  }

  // The definition as written (the last source defining it wins, as
  // combination would), found even when the rule was skipped.
  std::optional<policy::RuleDefinition> definition;
  std::string defined_in;
  for (const policy::PolicySource& source_text : sources) {
    auto source = std::make_shared<const policy::SourceFile>(source_text.path, source_text.text);
    policy::PolicyFile parsed = policy::ParsePolicyFile(source, ignored);
    for (policy::RuleDefinition& rule : parsed.rules) {
      if (rule.id == options.rule_id) {
        defined_in = source_text.path + ":" + std::to_string(source->PositionOf(rule.offset).line);
        definition = std::move(rule);
      }
    }
  }
  CompiledPolicy compiled = policy::LoadPolicies(std::move(sources), *load);
  const policy::CompiledRule* loaded = compiled.FindRule(options.rule_id);
  if (!definition && loaded == nullptr) {
    std::fprintf(stderr, "picket policy explain: no rule '%s' in the given policies\n",
                 options.rule_id.c_str());
    return 1;
  }

  std::string out = "rule: " + options.rule_id + "\n";
  out += "defined in: " + defined_in + "\n";
  if (loaded != nullptr) {
    out += "status: loaded (event type " + loaded->event_type + ")\n";
    out += "delivery: " + DescribeDelivery(*loaded) + "\n";
  } else {
    std::string status = "status: not loaded";
    for (const policy::SkippedRule& skipped : compiled.skipped) {
      if (skipped.id == options.rule_id) {
        status += " (" + std::string(policy::SkipReasonName(skipped.reason)) + ": " +
                  skipped.detail + ")";
      }
    }
    out += status + "\n";
  }
  const policy::RuleDefinition empty;
  const policy::RuleDefinition& def = definition ? *definition : empty;
  std::string description = loaded != nullptr ? loaded->description : def.description;
  std::string expression =
      loaded != nullptr ? loaded->expression : (def.expression ? def.expression->value : "");
  out += "description: " + description + "\n";
  if (!def.version.empty()) out += "version: " + def.version + "\n";
  out += "expression:\n" + Indent(expression);
  const auto& tags = loaded != nullptr ? loaded->tags : def.tags;
  if (!tags.empty()) {
    out += "tags:";
    for (const auto& [key, value] : tags) out += " " + key + ":" + value;
    out += "\n";
  }
  const auto& product_tags = loaded != nullptr ? loaded->product_tags : def.product_tags;
  if (!product_tags.empty()) {
    out += "product tags:";
    for (const std::string& tag : product_tags) out += " " + tag;
    out += "\n";
  }
  if (!def.actions.empty()) {
    out += "actions:\n";
    for (const policy::Action& action : def.actions) out += "  - " + DescribeAction(action) + "\n";
  }
  if (def.silent) out += "silent: true (actions only, no signal)\n";
  if (def.every_ns) out += "every: " + std::to_string(*def.every_ns) + " ns\n";
  if (!def.group_id.empty()) out += "group_id: " + def.group_id + "\n";
  const policy::RuleDocumentation& doc = def.documentation;
  if (doc.empty()) {
    out += "documentation: none (no picket: block)\n";
  } else {
    out += "documentation:\n";
    if (!doc.severity.empty()) out += "  severity: " + doc.severity + "\n";
    if (!doc.message.empty()) out += "  message: " + doc.message + "\n";
    if (!doc.goal.empty()) out += "  goal:\n" + Indent(Indent(doc.goal));
    if (!doc.strategy.empty()) out += "  strategy:\n" + Indent(Indent(doc.strategy));
    if (!doc.triage.empty()) out += "  triage:\n" + Indent(Bullets(doc.triage, true));
    if (!doc.response.empty()) out += "  response:\n" + Indent(Bullets(doc.response, true));
    if (!doc.false_positives.empty()) {
      out += "  false positives:\n" + Indent(Bullets(doc.false_positives, false));
    }
    if (!doc.references.empty()) out += "  references:\n" + Indent(Bullets(doc.references, false));
  }
  Print(out);
  return 0;
}

void AddPolicyCommand(CLI::App& root, int& exit_code) {
  CLI::App* policy_command = root.add_subcommand("policy", "Validate and explain policies");
  policy_command->require_subcommand(1);

  auto check = std::make_shared<CheckOptions>();
  CLI::App* check_command = policy_command->add_subcommand(
      "check", "Load policy files together and report rules loaded, skipped and errors");
  check_command->add_option("paths", check->paths, "Policy files or directories (*.policy)")
      ->required();
  check_command->add_flag("--json", check->json, "Print one JSON document");
  check_command->add_flag("-v,--verbose", check->verbose, "Print every warning");
  check_command
      ->add_option("--agent-version", check->agent_version,
                   "Emulated Datadog agent version for agent_version constraints")
      ->capture_default_str();
  check_command->add_flag("--no-enforcement", check->no_enforcement,
                          "Refuse rules with kill actions, as an agent without enforcement");
  check_command->callback([&exit_code, check] { exit_code = RunCheck(*check); });

  auto explain = std::make_shared<ExplainOptions>();
  CLI::App* explain_command = policy_command->add_subcommand(
      "explain", "Show a rule: status, description, expression, tags, documentation");
  explain_command->add_option("--rule", explain->rule_id, "Rule id")->required();
  explain_command->add_option(
      "paths", explain->paths,
      std::string("Policy files or directories, after the shipped policy (default: ") +
          kDefaultPolicyDirectory + " when it exists)");
  explain_command->add_flag("--no-builtin-policy", explain->no_builtin,
                            "Leave out the shipped policy embedded in the binary");
  explain_command
      ->add_option("--agent-version", explain->agent_version, "Emulated Datadog agent version")
      ->capture_default_str();
  explain_command->callback([&exit_code, explain] {
    std::error_code error;
    if (explain->paths.empty() && std::filesystem::exists(kDefaultPolicyDirectory, error)) {
      explain->paths.push_back(kDefaultPolicyDirectory);
    }
    exit_code = RunExplain(*explain);
  });
}

const CommandRegistrar kRegistrar(AddPolicyCommand);

}  // namespace
}  // namespace picket::app
