// Decoding a policy file from YAML. yaml-cpp throws on syntax errors and on
// failed conversions; every call into it happens inside this file behind
// try/catch, and every shape check is explicit so a wrong shape becomes a
// located diagnostic rather than an exception.

#include "policy/policy_file.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <exception>
#include <string>

#include "policy/yaml_util.h"

namespace picket::policy {
namespace {

using Severity = PolicyDiagnostic::Severity;

class Decoder {
 public:
  Decoder(const SourceFilePtr& source, std::vector<PolicyDiagnostic>& diagnostics)
      : yaml_(*source, diagnostics), source_(source) {}

  PolicyFile Decode(const YAML::Node& root) {
    PolicyFile policy;
    policy.source = source_;
    if (!root.IsMap()) {
      if (root.IsNull()) {
        yaml_.Error(root, "the policy file is empty", "a policy needs at least 'rules:'");
      } else {
        yaml_.Error(root, "a policy must be a YAML mapping with 'version', 'macros' and 'rules'");
      }
      return policy;
    }
    for (const auto& entry : root) {
      std::string key = yaml_.KeyName(entry.first);
      const YAML::Node& value = entry.second;
      if (key == "version") {
        yaml_.String(value, "version", policy.version);
      } else if (key == "type") {
        yaml_.String(value, "type", policy.type);
      } else if (key == "macros") {
        if (!yaml_.IsListOrNull(value, "macros")) continue;
        for (const YAML::Node& item : value) {
          if (std::optional<MacroDefinition> macro = DecodeMacro(item)) {
            policy.macros.push_back(std::move(*macro));
          }
        }
      } else if (key == "rules") {
        if (!yaml_.IsListOrNull(value, "rules")) continue;
        for (const YAML::Node& item : value) {
          std::string id;
          if (std::optional<RuleDefinition> rule = DecodeRule(item, id)) {
            policy.rules.push_back(std::move(*rule));
          } else {
            policy.invalid_rules.push_back(std::move(id));
          }
        }
      }
      // Other top-level keys are ignored (forward compatibility, §12.1).
    }
    return policy;
  }

 private:
  bool DecodeId(const YAML::Node& map, std::string_view what, std::string& id,
                std::uint32_t& offset) {
    YAML::Node node = map["id"];
    if (!node.IsDefined() || node.IsNull()) {
      yaml_.Error(map, std::string(what) + " without 'id'");
      return false;
    }
    offset = YamlDecoder::Offset(node);
    if (!yaml_.String(node, "id", id)) return false;
    if (!IsValidId(id)) {
      yaml_.Error(node, std::string(what) + " id '" + id + "' is invalid",
                  "ids may contain only letters, digits and '_' (^[a-zA-Z0-9_]*$)");
      return false;
    }
    return true;
  }

  std::optional<Combine> DecodeCombine(const YAML::Node& node, bool allow_merge) {
    std::string text;
    if (!yaml_.String(node, "combine", text)) return std::nullopt;
    if (text == "override") return Combine::kOverride;
    if (text == "merge" && allow_merge) return Combine::kMerge;
    if (text.empty()) return Combine::kNone;
    yaml_.Error(node, "unknown combine policy '" + text + "'",
                allow_merge ? "use 'merge' or 'override'" : "rules accept only 'override'");
    return std::nullopt;
  }

  std::optional<MacroDefinition> DecodeMacro(const YAML::Node& item) {
    if (!item.IsMap()) {
      yaml_.Error(item, "a macro must be a mapping with 'id' and 'expression'");
      return std::nullopt;
    }
    MacroDefinition macro;
    macro.source = source_;
    bool ok = DecodeId(item, "macro", macro.id, macro.offset);
    for (const auto& entry : item) {
      std::string key = yaml_.KeyName(entry.first);
      const YAML::Node& value = entry.second;
      if (key == "expression") {
        macro.expression = yaml_.Located(value, "expression");
        ok = ok && macro.expression.has_value();
      } else if (key == "values") {
        macro.values = yaml_.StringList(value, "values");
        ok = ok && macro.values.has_value();
      } else if (key == "description") {
        yaml_.String(value, "description", macro.description);
      } else if (key == "agent_version") {
        macro.agent_version = yaml_.Located(value, "agent_version");
      } else if (key == "filters") {
        ok = yaml_.LocatedList(value, "filters", macro.filters) && ok;
      } else if (key == "combine") {
        std::optional<Combine> combine = DecodeCombine(value, /*allow_merge=*/true);
        if (combine) macro.combine = *combine;
        ok = ok && combine.has_value();
      }
    }
    if (ok && macro.expression.has_value() == macro.values.has_value()) {
      yaml_.Error(item, "macro '" + macro.id + "' needs exactly one of 'expression' or 'values'");
      ok = false;
    }
    if (!ok) return std::nullopt;
    return macro;
  }

  // `id` receives the rule's id when it is valid, for reporting a rule that
  // fails to decode.
  std::optional<RuleDefinition> DecodeRule(const YAML::Node& item, std::string& id) {
    if (!item.IsMap()) {
      yaml_.Error(item, "a rule must be a mapping with 'id' and 'expression'");
      return std::nullopt;
    }
    RuleDefinition rule;
    rule.source = source_;
    bool ok = DecodeId(item, "rule", rule.id, rule.offset);
    if (ok) id = rule.id;
    for (const auto& entry : item) {
      std::string key = yaml_.KeyName(entry.first);
      const YAML::Node& value = entry.second;
      if (key == "version") {
        yaml_.String(value, "version", rule.version);
      } else if (key == "description") {
        yaml_.String(value, "description", rule.description);
      } else if (key == "expression") {
        rule.expression = yaml_.Located(value, "expression");
        ok = ok && rule.expression.has_value();
      } else if (key == "tags") {
        ok = DecodeTags(value, rule.tags) && ok;
      } else if (key == "product_tags") {
        std::optional<std::vector<std::string>> tags = yaml_.StringList(value, "product_tags");
        if (tags) rule.product_tags = std::move(*tags);
        ok = ok && tags.has_value();
      } else if (key == "actions") {
        ok = DecodeActions(value, rule.actions) && ok;
      } else if (key == "filters") {
        ok = yaml_.LocatedList(value, "filters", rule.filters) && ok;
      } else if (key == "agent_version") {
        rule.agent_version = yaml_.Located(value, "agent_version");
      } else if (key == "disabled") {
        bool disabled = false;
        if (yaml_.Bool(value, "disabled", disabled)) rule.disabled = disabled;
      } else if (key == "every") {
        std::uint64_t every = 0;
        if (yaml_.Duration(value, "every", every)) {
          rule.every_ns = every;
        } else {
          ok = false;
        }
      } else if (key == "silent") {
        yaml_.Bool(value, "silent", rule.silent);
      } else if (key == "combine") {
        std::optional<Combine> combine = DecodeCombine(value, /*allow_merge=*/false);
        if (combine) rule.combine = *combine;
        ok = ok && combine.has_value();
      } else if (key == "override_options") {
        ok = DecodeOverrideOptions(value, rule.override_fields) && ok;
      } else if (key == "priority") {
        yaml_.Int(value, "priority", rule.priority);
      } else if (key == "group_id") {
        if (yaml_.String(value, "group_id", rule.group_id) && !rule.group_id.empty() &&
            !IsValidId(rule.group_id)) {
          yaml_.Error(value, "group_id '" + rule.group_id + "' is invalid",
                      "ids may contain only letters, digits and '_' (^[a-zA-Z0-9_]*$)");
          ok = false;
        }
      } else if (key == "limiter_token") {
        std::optional<std::vector<std::string>> tokens = yaml_.StringList(value, "limiter_token");
        if (tokens) rule.limiter_token = std::move(*tokens);
      } else if (key == "picket") {
        ok = DecodeDocumentation(value, rule.documentation) && ok;
      }
      // Other keys are ignored, as Datadog does.
    }
    if (!ok) return std::nullopt;
    return rule;
  }

  bool DecodeTags(const YAML::Node& node, std::vector<std::pair<std::string, std::string>>& tags) {
    if (node.IsNull()) return true;
    if (!node.IsMap()) {
      yaml_.Error(node, "'tags' must be a mapping of strings to strings");
      return false;
    }
    bool ok = true;
    for (const auto& entry : node) {
      std::string key = yaml_.KeyName(entry.first);
      std::string value;
      if (yaml_.String(entry.second, "tag value", value)) {
        tags.emplace_back(std::move(key), std::move(value));
      } else {
        ok = false;
      }
    }
    return ok;
  }

  bool DecodeOverrideOptions(const YAML::Node& node, std::uint32_t& fields) {
    if (node.IsNull()) return true;
    if (!node.IsMap()) {
      yaml_.Error(node, "'override_options' must be a mapping with 'fields'");
      return false;
    }
    YAML::Node list = node["fields"];
    if (!list.IsDefined()) return true;
    std::optional<std::vector<std::string>> names =
        yaml_.StringList(list, "override_options.fields");
    if (!names) return false;
    bool ok = true;
    std::uint32_t index = 0;
    for (const std::string& name : *names) {
      if (name == "all") {
        fields |= kOverrideAll;
      } else if (name == "expression") {
        fields |= kOverrideExpression;
      } else if (name == "actions") {
        fields |= kOverrideActions;
      } else if (name == "every") {
        fields |= kOverrideEvery;
      } else if (name == "tags") {
        fields |= kOverrideTags;
      } else if (name == "product_tags") {
        fields |= kOverrideProductTags;
      } else {
        yaml_.Error(list.IsSequence() ? list[index] : list, "unknown override field '" + name + "'",
                    "use all, expression, actions, every, tags or product_tags");
        ok = false;
      }
      ++index;
    }
    return ok;
  }

  bool DecodeDocumentation(const YAML::Node& node, RuleDocumentation& doc) {
    if (node.IsNull()) return true;
    if (!node.IsMap()) {
      yaml_.Error(node, "'picket' must be a mapping (severity, goal, strategy, triage, response)");
      return false;
    }
    bool ok = true;
    for (const auto& entry : node) {
      std::string key = yaml_.KeyName(entry.first);
      const YAML::Node& value = entry.second;
      auto list = [&](std::vector<std::string>& out) {
        std::optional<std::vector<std::string>> items = yaml_.StringList(value, "picket." + key);
        if (items) {
          out = std::move(*items);
        } else {
          ok = false;
        }
      };
      if (key == "severity") {
        if (!yaml_.String(value, "picket.severity", doc.severity)) {
          ok = false;
          continue;
        }
        bool known = false;
        for (std::string_view severity : kDocumentationSeverities)
          known |= doc.severity == severity;
        if (!known) {
          yaml_.Error(value, "unknown severity '" + doc.severity + "'",
                      "use info, low, medium, high or critical");
          ok = false;
        }
      } else if (key == "message") {
        ok = yaml_.String(value, "picket.message", doc.message) && ok;
      } else if (key == "goal") {
        ok = yaml_.String(value, "picket.goal", doc.goal) && ok;
      } else if (key == "strategy") {
        ok = yaml_.String(value, "picket.strategy", doc.strategy) && ok;
      } else if (key == "triage") {
        list(doc.triage);
      } else if (key == "response") {
        list(doc.response);
      } else if (key == "false_positives") {
        list(doc.false_positives);
      } else if (key == "references") {
        list(doc.references);
      } else {
        // picket's own key: typos are reported (unlike Datadog keys).
        yaml_.Error(entry.first, "unknown key 'picket." + key + "'",
                    "the picket: block accepts severity, message, goal, strategy, triage, "
                    "response, false_positives, references");
        ok = false;
      }
    }
    return ok;
  }

  bool DecodeActions(const YAML::Node& node, std::vector<Action>& actions) {
    if (node.IsNull()) return true;
    if (!node.IsSequence()) {
      yaml_.Error(node, "'actions' must be a list");
      return false;
    }
    bool ok = true;
    for (const YAML::Node& item : node) {
      std::optional<Action> action = DecodeAction(item);
      if (action) {
        actions.push_back(std::move(*action));
      } else {
        ok = false;
      }
    }
    return ok;
  }

  std::optional<Action> DecodeAction(const YAML::Node& item) {
    if (!item.IsMap()) {
      yaml_.Error(item,
                  "an action must be a mapping holding one of set, kill, hash, log, coredump");
      return std::nullopt;
    }
    Action action;
    action.offset = YamlDecoder::Offset(item);
    int kinds = 0;
    bool ok = true;
    for (const auto& entry : item) {
      std::string key = yaml_.KeyName(entry.first);
      const YAML::Node& value = entry.second;
      if (key == "filter") {
        action.filter = yaml_.Located(value, "filter");
        ok = ok && action.filter.has_value();
        continue;
      }
      std::optional<bool> decoded;
      if (key == "set") {
        decoded = DecodeSet(value, action);
      } else if (key == "kill") {
        decoded = DecodeKill(value, action);
      } else if (key == "hash") {
        decoded = DecodeHash(value, action);
      } else if (key == "log") {
        decoded = DecodeLog(value, action);
      } else if (key == "coredump") {
        decoded = DecodeCoredump(value, action);
      } else if (key == "network_filter") {
        yaml_.Error(entry.first, "the network_filter action is not supported by picket",
                    "remove the action or the rule");
        decoded = false;
      }
      if (decoded.has_value()) {
        ++kinds;
        ok = ok && *decoded;
      }
    }
    if (kinds != 1) {
      yaml_.Error(item,
                  kinds == 0 ? "an action needs one of set, kill, hash, log, coredump"
                             : "an action may hold only one of set, kill, hash, log, "
                               "coredump",
                  kinds == 0 ? "" : "split it into several list items");
      return std::nullopt;
    }
    if (!ok) return std::nullopt;
    return action;
  }

  bool DecodeSet(const YAML::Node& node, Action& action) {
    if (!node.IsMap()) {
      yaml_.Error(node, "'set' must be a mapping with 'name' and one of value/field/expression");
      return false;
    }
    SetAction set;
    bool ok = true;
    int sources = 0;
    for (const auto& entry : node) {
      std::string key = yaml_.KeyName(entry.first);
      const YAML::Node& value = entry.second;
      if (key == "name") {
        ok = yaml_.String(value, "set.name", set.name) && ok;
      } else if (key == "value") {
        ++sources;
        set.value = yaml_.Value(value, "set.value");
        ok = ok && set.value.has_value();
      } else if (key == "field") {
        ++sources;
        ok = yaml_.String(value, "set.field", set.field) && ok;
      } else if (key == "expression") {
        ++sources;
        set.expression = yaml_.Located(value, "set.expression");
        ok = ok && set.expression.has_value();
      } else if (key == "default_value") {
        set.default_value = yaml_.Value(value, "set.default_value");
        ok = ok && set.default_value.has_value();
      } else if (key == "scope") {
        std::string scope;
        if (!yaml_.String(value, "set.scope", scope)) {
          ok = false;
        } else if (scope == "process") {
          set.scope = VariableScope::kProcess;
        } else if (scope == "container") {
          set.scope = VariableScope::kContainer;
        } else if (scope == "cgroup") {
          set.scope = VariableScope::kCgroup;
        } else if (!scope.empty()) {
          yaml_.Error(value, "unknown variable scope '" + scope + "'",
                      "use process, container or cgroup (or no scope for a global variable)");
          ok = false;
        }
      } else if (key == "scope_field") {
        ok = yaml_.String(value, "set.scope_field", set.scope_field) && ok;
      } else if (key == "append") {
        ok = yaml_.Bool(value, "set.append", set.append) && ok;
      } else if (key == "size") {
        std::int64_t size = 0;
        if (!yaml_.Int(value, "set.size", size)) {
          ok = false;
        } else if (size <= 0 || size > 1'000'000) {
          yaml_.Error(value, "set.size must be between 1 and 1000000");
          ok = false;
        } else {
          set.size = static_cast<std::uint32_t>(size);
        }
      } else if (key == "ttl") {
        ok = yaml_.Duration(value, "set.ttl", set.ttl_ns) && ok;
      } else if (key == "private") {
        ok = yaml_.Bool(value, "set.private", set.is_private) && ok;
      } else if (key == "inherited") {
        ok = yaml_.Bool(value, "set.inherited", set.inherited) && ok;
      }
    }
    if (set.name.empty()) {
      yaml_.Error(node, "'set' needs a 'name'");
      ok = false;
    } else if (!IsValidVariableName(set.name)) {
      yaml_.Error(node["name"], "invalid variable name '" + set.name + "'",
                  "variable names may contain only letters, digits, '_' and '.'");
      ok = false;
    }
    if (sources != 1) {
      yaml_.Error(node, sources == 0
                            ? "'set' needs one of 'value', 'field' or 'expression'"
                            : "'set' accepts only one of 'value', 'field' or 'expression'");
      ok = false;
    }
    if (set.scope != VariableScope::kProcess) {
      if (set.inherited) {
        yaml_.Error(node["inherited"], "'inherited' is only allowed with 'scope: process'");
        ok = false;
      }
      if (!set.scope_field.empty()) {
        yaml_.Error(node["scope_field"], "'scope_field' is only allowed with 'scope: process'");
        ok = false;
      }
    }
    if (set.value && set.default_value &&
        secl::TypeOf(*set.value) != secl::TypeOf(*set.default_value)) {
      yaml_.Error(node["default_value"],
                  "default_value has type " + secl::TypeName(secl::TypeOf(*set.default_value)) +
                      " but value has type " + secl::TypeName(secl::TypeOf(*set.value)));
      ok = false;
    }
    action.kind = std::move(set);
    return ok;
  }

  static bool IsValidVariableName(std::string_view name) {
    if (name.empty()) return false;
    for (char c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return false;
    }
    return true;
  }

  bool DecodeKill(const YAML::Node& node, Action& action) {
    KillAction kill;
    if (!node.IsMap()) {
      yaml_.Error(node, "'kill' must be a mapping with 'signal'");
      return false;
    }
    bool ok = true;
    bool has_signal = false;
    for (const auto& entry : node) {
      std::string key = yaml_.KeyName(entry.first);
      const YAML::Node& value = entry.second;
      if (key == "signal") {
        has_signal = true;
        if (!yaml_.String(value, "kill.signal", kill.signal)) {
          ok = false;
        } else if (std::optional<int> number = SignalNumber(kill.signal)) {
          kill.signal_number = *number;
        } else {
          yaml_.Error(value, "unknown signal '" + kill.signal + "'",
                      "use a signal name such as SIGKILL or SIGTERM");
          ok = false;
        }
      } else if (key == "scope") {
        std::string scope;
        if (!yaml_.String(value, "kill.scope", scope)) {
          ok = false;
        } else if (scope == "process" || scope.empty()) {
          kill.scope = KillAction::Scope::kProcess;
        } else if (scope == "container") {
          kill.scope = KillAction::Scope::kContainer;
        } else if (scope == "cgroup") {
          kill.scope = KillAction::Scope::kCgroup;
        } else {
          yaml_.Error(value, "unknown kill scope '" + scope + "'",
                      "use process, container or cgroup");
          ok = false;
        }
      } else if (key == "disable_container_disarmer") {
        ok =
            yaml_.Bool(value, "kill.disable_container_disarmer", kill.disable_container_disarmer) &&
            ok;
      } else if (key == "disable_executable_disarmer") {
        ok = yaml_.Bool(value, "kill.disable_executable_disarmer",
                        kill.disable_executable_disarmer) &&
             ok;
      }
    }
    if (!has_signal) {
      yaml_.Error(node, "'kill' needs a 'signal'", "for example 'signal: SIGKILL'");
      ok = false;
    }
    action.kind = std::move(kill);
    return ok;
  }

  bool DecodeHash(const YAML::Node& node, Action& action) {
    HashAction hash;
    bool ok = true;
    if (node.IsMap()) {
      for (const auto& entry : node) {
        std::string key = yaml_.KeyName(entry.first);
        if (key == "field") {
          ok = yaml_.String(entry.second, "hash.field", hash.field) && ok;
        } else if (key == "max_file_size") {
          std::int64_t size = 0;
          if (yaml_.Int(entry.second, "hash.max_file_size", size) && size > 0) {
            hash.max_file_size = static_cast<std::uint64_t>(size);
          } else {
            if (size <= 0) yaml_.Error(entry.second, "hash.max_file_size must be positive");
            ok = false;
          }
        }
      }
    } else if (!node.IsNull()) {
      yaml_.Error(node, "'hash' must be a mapping (or {})");
      ok = false;
    }
    action.kind = std::move(hash);
    return ok;
  }

  bool DecodeLog(const YAML::Node& node, Action& action) {
    LogAction log;
    if (!node.IsMap()) {
      yaml_.Error(node, "'log' must be a mapping with 'level'");
      return false;
    }
    bool ok = true;
    for (const auto& entry : node) {
      std::string key = yaml_.KeyName(entry.first);
      if (key == "level") {
        ok = yaml_.String(entry.second, "log.level", log.level) && ok;
      } else if (key == "message") {
        ok = yaml_.String(entry.second, "log.message", log.message) && ok;
      }
    }
    if (log.level != "debug" && log.level != "info" && log.level != "warning" &&
        log.level != "error") {
      yaml_.Error(
          node["level"].IsDefined() ? node["level"] : node,
          log.level.empty() ? "'log' needs a 'level'" : "unknown log level '" + log.level + "'",
          "use debug, info, warning or error");
      ok = false;
    }
    action.kind = std::move(log);
    return ok;
  }

  bool DecodeCoredump(const YAML::Node& node, Action& action) {
    CoredumpAction coredump;
    if (!node.IsMap()) {
      yaml_.Error(node, "'coredump' must be a mapping");
      return false;
    }
    bool ok = true;
    for (const auto& entry : node) {
      std::string key = yaml_.KeyName(entry.first);
      if (key == "process")
        ok = yaml_.Bool(entry.second, "coredump.process", coredump.process) && ok;
      if (key == "mount") ok = yaml_.Bool(entry.second, "coredump.mount", coredump.mount) && ok;
      if (key == "dentry") ok = yaml_.Bool(entry.second, "coredump.dentry", coredump.dentry) && ok;
      if (key == "no_compression") {
        ok = yaml_.Bool(entry.second, "coredump.no_compression", coredump.no_compression) && ok;
      }
    }
    if (!coredump.process && !coredump.mount && !coredump.dentry) {
      yaml_.Error(node, "'coredump' needs at least one of process, mount, dentry set to true");
      ok = false;
    }
    action.kind = std::move(coredump);
    return ok;
  }

  static std::optional<int> SignalNumber(std::string_view name) {
    static constexpr std::pair<std::string_view, int> kSignals[] = {
        {"SIGHUP", 1},   {"SIGINT", 2},     {"SIGQUIT", 3},  {"SIGILL", 4},    {"SIGTRAP", 5},
        {"SIGABRT", 6},  {"SIGIOT", 6},     {"SIGBUS", 7},   {"SIGFPE", 8},    {"SIGKILL", 9},
        {"SIGUSR1", 10}, {"SIGSEGV", 11},   {"SIGUSR2", 12}, {"SIGPIPE", 13},  {"SIGALRM", 14},
        {"SIGTERM", 15}, {"SIGSTKFLT", 16}, {"SIGCHLD", 17}, {"SIGCONT", 18},  {"SIGSTOP", 19},
        {"SIGTSTP", 20}, {"SIGTTIN", 21},   {"SIGTTOU", 22}, {"SIGURG", 23},   {"SIGXCPU", 24},
        {"SIGXFSZ", 25}, {"SIGVTALRM", 26}, {"SIGPROF", 27}, {"SIGWINCH", 28}, {"SIGIO", 29},
        {"SIGPOLL", 29}, {"SIGPWR", 30},    {"SIGSYS", 31},
    };
    for (const auto& [signal_name, number] : kSignals) {
      if (signal_name == name) return number;
    }
    return std::nullopt;
  }

  YamlDecoder yaml_;
  SourceFilePtr source_;
};

// Offset of the first byte that is not part of valid UTF-8, or npos.
std::size_t FindInvalidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80           ? 1
                         : (c >> 5) == 0x6  ? 2
                         : (c >> 4) == 0xe  ? 3
                         : (c >> 3) == 0x1e ? 4
                                            : 0;
    if (length == 0 || i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return i;
    }
    // Overlong forms, surrogates and values beyond U+10FFFF.
    if (length == 2 && c < 0xc2) return i;
    if (length == 3) {
      unsigned char c1 = static_cast<unsigned char>(text[i + 1]);
      if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0)) return i;
    }
    if (length == 4) {
      unsigned char c1 = static_cast<unsigned char>(text[i + 1]);
      if ((c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 >= 0x90) || c > 0xf4) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

}  // namespace

bool IsValidId(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::optional<std::uint64_t> ParseDurationNs(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // A bare integer is nanoseconds.
  std::uint64_t integer = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), integer);
  if (error == std::errc() && end == text.data() + text.size()) return integer;
  if (text == "0") return 0;
  // Go's time.ParseDuration: a sequence of decimal numbers with units.
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"ns", 1.0}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"ms", 1e6},
      {"s", 1e9},  {"m", 60e9}, {"h", 3600e9},
  };
  double total = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t number_begin = pos;
    while (pos < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) {
      ++pos;
    }
    if (pos == number_begin) return std::nullopt;
    std::string number(text.substr(number_begin, pos - number_begin));
    if (number == "." || number.find('.') != number.rfind('.')) return std::nullopt;
    double value = std::strtod(number.c_str(), nullptr);
    std::size_t unit_begin = pos;
    while (pos < text.size() && !std::isdigit(static_cast<unsigned char>(text[pos])) &&
           text[pos] != '.') {
      ++pos;
    }
    std::string_view unit = text.substr(unit_begin, pos - unit_begin);
    bool found = false;
    for (const auto& [name, scale] : kUnits) {
      if (name == unit) {
        total += value * scale;
        found = true;
        break;
      }
    }
    if (!found) return std::nullopt;
  }
  if (!std::isfinite(total) || total < 0 || total > 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(total);
}

PolicyFile ParsePolicyFile(SourceFilePtr source, std::vector<PolicyDiagnostic>& diagnostics) {
  PolicyFile empty;
  empty.source = source;
  const std::string& text = source->text();
  if (std::size_t bad = FindInvalidUtf8(text); bad != std::string_view::npos) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
    diagnostics.push_back(MakeDiagnostic(Severity::kError, *source, static_cast<std::uint32_t>(bad),
                                         static_cast<std::uint32_t>(bad + 1),
                                         std::string("invalid UTF-8 (byte ") + hex + ")",
                                         "policy files must be UTF-8 text"));
    return empty;
  }
  try {
    YAML::Node root = YAML::Load(text);
    Decoder decoder(source, diagnostics);
    return decoder.Decode(root);
  } catch (const YAML::Exception& e) {
    std::uint32_t offset = 0;
    if (!e.mark.is_null()) {
      offset = source->OffsetOf(static_cast<std::uint32_t>(e.mark.line) + 1,
                                static_cast<std::uint32_t>(e.mark.column) + 1);
    }
    std::string message = e.msg.empty() ? std::string(e.what()) : e.msg;
    if (message == "bad file") message = "document nested too deeply or malformed";
    diagnostics.push_back(
        MakeDiagnostic(Severity::kError, *source, offset, offset + 1, "invalid YAML: " + message));
  } catch (const std::exception& e) {
    diagnostics.push_back(MakeDiagnostic(Severity::kError, *source, 0, 1,
                                         std::string("cannot decode policy: ") + e.what()));
  }
  return empty;
}

}  // namespace picket::policy
