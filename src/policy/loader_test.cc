#include "policy/loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "fields/catalogue.h"

namespace picket::policy {
namespace {

HostInfo LinuxHost() {
  HostInfo host;
  host.os = "linux";
  host.os_id = "debian";
  host.SetKernelRelease("5.10.50-1-amd64");
  host.hostname = "test-host";
  return host;
}

LoadOptions Options() {
  LoadOptions options;
  options.host = LinuxHost();
  return options;
}

CompiledPolicy Load(std::vector<PolicySource> sources, const LoadOptions& options = Options()) {
  return LoadPolicies(std::move(sources), options);
}

CompiledPolicy LoadOne(std::string_view text, const LoadOptions& options = Options()) {
  return Load({PolicySource{"test.policy", std::string(text)}}, options);
}

std::string RenderAll(const CompiledPolicy& policy, bool errors_only = true) {
  std::string out;
  for (const PolicyDiagnostic& d : policy.diagnostics) {
    if (!errors_only || d.is_error()) out += Render(d);
  }
  return out;
}

std::vector<std::string> RuleIds(const CompiledPolicy& policy) {
  std::vector<std::string> ids;
  for (const CompiledRule& rule : policy.rules) ids.push_back(rule.id);
  return ids;
}

const SkippedRule* FindSkipped(const CompiledPolicy& policy, std::string_view id) {
  for (const SkippedRule& skipped : policy.skipped) {
    if (skipped.id == id) return &skipped;
  }
  return nullptr;
}

TEST(LoaderTest, CompilesRulesWithMetadata) {
  CompiledPolicy policy = LoadOne(R"(version: 2.0.0
macros:
  - id: TOOLS
    expression: '["curl", "wget"]'
rules:
  - id: net_tool
    version: "3"
    description: Network tool executed
    expression: exec.file.name in TOOLS && process.ancestors.file.path =~ "/tmp/**"
    tags: {execution_context: 'TRUE', threat_score: '5'}
    product_tags: [tactic:TA0011, technique:T1105]
    every: 30s
    priority: 3
    group_id: net
    picket: {severity: high, goal: g}
  - id: on_exit
    expression: exit.code != 0
)");
  ASSERT_TRUE(policy.ok()) << RenderAll(policy);
  ASSERT_EQ(policy.rules.size(), 2u);
  const CompiledRule& rule = policy.rules[0];
  EXPECT_EQ(rule.id, "net_tool");
  EXPECT_EQ(rule.version, "3");
  EXPECT_EQ(rule.description, "Network tool executed");
  EXPECT_EQ(rule.event_type, "exec");
  EXPECT_TRUE(rule.execution_context);
  EXPECT_EQ(rule.product_tags.size(), 2u);
  EXPECT_EQ(rule.every_ns, std::optional<std::uint64_t>(30'000'000'000ULL));
  EXPECT_EQ(rule.priority, 3);
  EXPECT_EQ(rule.group_id, "net");
  EXPECT_EQ(rule.documentation.severity, "high");
  EXPECT_EQ(rule.file, "test.policy");
  EXPECT_EQ(rule.line, 6u);
  EXPECT_EQ(policy.policies.at(rule.policy_index).version, "2.0.0");
  EXPECT_EQ(policy.rules[1].event_type, "exit");
  EXPECT_EQ(policy.rules_per_event_type,
            (std::map<std::string, std::size_t>{{"exec", 1}, {"exit", 1}}));
}

TEST(LoaderTest, GoldenDiagnosticInBlockScalarPointsAtFileLine) {
  CompiledPolicy policy = LoadOne(R"(rules:
  - id: web_shell
    expression: |-
      exec.file.name in ["sh", "bash"] &&
        process.parnet.file.name == "nginx"
)");
  EXPECT_EQ(RenderAll(policy),
            R"(test.policy:5:9: error: rule 'web_shell': unknown field 'process.parnet.file.name'
        process.parnet.file.name == "nginx"
        ^~~~~~~~~~~~~~~~~~~~~~~~
hint: did you mean 'process.parent.file.name'?
)");
}

// Checklist 13: one bad rule does not stop the others.
TEST(LoaderTest, GoldenTypeErrorOthersStillLoad) {
  CompiledPolicy policy = LoadOne(R"(rules:
  - id: bad
    expression: exec.file.name == 1
  - id: good
    expression: exec.file.name == "x"
)");
  EXPECT_EQ(RenderAll(policy),
            R"(test.policy:3:17: error: rule 'bad': cannot compare string and int with '=='
    expression: exec.file.name == 1
                ^~~~~~~~~~~~~~~~~~~
)");
  EXPECT_EQ(RuleIds(policy), std::vector<std::string>{"good"});
  EXPECT_EQ(FindSkipped(policy, "bad")->reason, SkipReason::kError);
}

TEST(LoaderTest, GoldenDuplicateRuleId) {
  CompiledPolicy policy = LoadOne(R"(rules:
  - id: dup
    expression: exec.file.name == "a"
  - id: dup
    expression: exec.file.name == "b"
)");
  EXPECT_EQ(RenderAll(policy), R"(test.policy:4:9: error: duplicate rule id 'dup'
  - id: dup
        ^~~
hint: first defined at line 2; ids must be unique among the rules a host accepts
)");
  ASSERT_EQ(policy.rules.size(), 1u);
  EXPECT_EQ(policy.rules[0].expression, R"(exec.file.name == "a")");
}

TEST(LoaderTest, DuplicateIdsAllowedWhenFiltersSelectOne) {
  CompiledPolicy policy = LoadOne(R"(rules:
  - id: r
    expression: exec.file.name == "win"
    filters: ['os == "windows"']
  - id: r
    expression: exec.file.name == "linux"
    filters: ['os == "linux"']
)");
  ASSERT_TRUE(policy.ok()) << RenderAll(policy);
  ASSERT_EQ(policy.rules.size(), 1u);
  EXPECT_EQ(policy.rules[0].expression, R"(exec.file.name == "linux")");
}

TEST(LoaderTest, GoldenMacroCycle) {
  CompiledPolicy policy = LoadOne(R"(macros:
  - id: CYCLE_ONE
    expression: CYCLE_TWO
  - id: CYCLE_TWO
    expression: CYCLE_ONE
rules:
  - id: r
    expression: exec.file.name in CYCLE_ONE
)");
  EXPECT_FALSE(policy.ok());
  EXPECT_TRUE(policy.rules.empty());
  std::string rendered = RenderAll(policy);
  EXPECT_NE(rendered.find("test.policy:8:35: error: rule 'r': "), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("refers to itself"), std::string::npos) << rendered;
}

TEST(LoaderTest, GoldenMacroParseErrorLocatedInMacro) {
  CompiledPolicy policy = LoadOne(R"(macros:
  - id: BROKEN
    expression: '["a", "b"'
rules:
  - id: r
    expression: exec.file.name in BROKEN
)");
  std::string rendered = RenderAll(policy);
  EXPECT_EQ(
      rendered.substr(0, rendered.find('\n')),
      "test.policy:3:18: error: in macro 'BROKEN': " +
          policy.diagnostics.front().message.substr(std::string("in macro 'BROKEN': ").size()))
      << rendered;
  EXPECT_NE(rendered.find("rule 'r': macro 'BROKEN' has errors"), std::string::npos) << rendered;
}

// Checklist 15 and 16 through the loader.
TEST(LoaderTest, EventTypeErrors) {
  CompiledPolicy policy = LoadOne(R"(rules:
  - id: none
    expression: process.file.name == "x"
  - id: multi
    expression: open.file.path == "/x" && exec.file.path == "/y"
)");
  std::string rendered = RenderAll(policy);
  EXPECT_NE(rendered.find("rule 'none': no event in the rule definition"), std::string::npos)
      << rendered;
  EXPECT_NE(rendered.find("rule 'multi': rule with multiple events is not supported"),
            std::string::npos)
      << rendered;
}

TEST(LoaderTest, UnsupportedEventTypeIsSkippedWithWarning) {
  CompiledPolicy policy = LoadOne(R"(rules:
  - id: dns_rule
    expression: dns.question.name == "evil.com"
  - id: upper
    expression: exec.file.name == "x" && exec.file.in_upper_layer
  - id: ok
    expression: exec.file.name == "x"
)");
  EXPECT_TRUE(policy.ok()) << RenderAll(policy);
  EXPECT_EQ(RuleIds(policy), std::vector<std::string>{"ok"});
  EXPECT_EQ(
      RenderAll(policy, /*errors_only=*/false),
      R"(test.policy:2:9: warning: rule 'dns_rule' skipped: field 'dns.question.name' belongs to event type 'dns', which picket does not collect
  - id: dns_rule
        ^~~~~~~~
test.policy:4:9: warning: rule 'upper' skipped: field 'exec.file.in_upper_layer' is not collected by picket
  - id: upper
        ^~~~~
)");
  EXPECT_EQ(FindSkipped(policy, "dns_rule")->detail, "event type 'dns'");
  EXPECT_EQ(FindSkipped(policy, "upper")->detail, "field 'exec.file.in_upper_layer'");
  EXPECT_EQ(policy.policies[0].rules_skipped.at("unsupported field"), 2u);
}

// Checklist 17: a variable defined by any rule's set (even a later one).
TEST(LoaderTest, Checklist17VariablesFromOtherRules) {
  CompiledPolicy undefined = LoadOne(R"(rules:
  - id: reader
    expression: exec.file.name == "x" && ${seen} == "y"
)");
  EXPECT_FALSE(undefined.ok());
  EXPECT_NE(RenderAll(undefined).find("unknown variable '${seen}'"), std::string::npos);

  CompiledPolicy defined = LoadOne(R"(rules:
  - id: reader
    expression: exec.file.name == "x" && ${seen} == "y" && ${process.count} > 1 && "a" in ${cgroup.names}
  - id: writer
    expression: exec.file.name == "y"
    actions:
      - set: {name: seen, field: exec.file.name}
      - set: {name: count, scope: process, expression: "${process.count} + 1", default_value: 0}
      - set: {name: names, scope: cgroup, value: a, append: true}
)");
  ASSERT_TRUE(defined.ok()) << RenderAll(defined);
  EXPECT_EQ(RuleIds(defined), (std::vector<std::string>{"reader", "writer"}));
  const CompiledRule* writer = defined.FindRule("writer");
  ASSERT_EQ(writer->actions.size(), 3u);
  EXPECT_TRUE(writer->actions[0].variable.has_value());
  EXPECT_EQ(writer->actions[0].variable_type, (secl::Type{secl::ScalarType::kString, false}));
  EXPECT_NE(writer->actions[0].set_field, nullptr);
  EXPECT_TRUE(writer->actions[1].set_expression.has_value());
  EXPECT_EQ(writer->actions[2].variable_type, (secl::Type{secl::ScalarType::kString, true}));
  EXPECT_NE(defined.environment->FindVariable("cgroup.names"), nullptr);
}

TEST(LoaderTest, VariableErrors) {
  CompiledPolicy policy = LoadOne(R"(rules:
  - id: a
    expression: exec.file.name == "a"
    actions:
      - set: {name: v, value: 1}
  - id: b
    expression: exec.file.name == "b"
    actions:
      - set: {name: v, value: text}
  - id: c
    expression: exec.file.name == "c"
    actions:
      - set: {name: w, expression: "${w} + 1"}
  - id: d
    expression: exec.file.name == "d"
    actions:
      - set: {name: s, expression: "1 + 1", default_value: ""}
)");
  std::string rendered = RenderAll(policy);
  EXPECT_EQ(RuleIds(policy), std::vector<std::string>{"a"}) << rendered;
  EXPECT_NE(rendered.find("test.policy:9:9: error: rule 'b': "), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("rule 'c': failed to infer the type of variable 'w'"), std::string::npos)
      << rendered;
  EXPECT_NE(rendered.find("rule 'd': set expression for 's' has type int but the variable has "
                          "type string"),
            std::string::npos)
      << rendered;
}

TEST(LoaderTest, ActionChecks) {
  const char* text = R"(rules:
  - id: killer
    expression: exec.file.name == "x"
    actions:
      - kill: {signal: SIGKILL}
  - id: exit_hash
    expression: exit.code == 1
    actions:
      - hash: {}
  - id: exit_hash_field
    expression: exit.code == 2
    actions:
      - hash: {field: process.file}
  - id: bad_hash_field
    expression: exec.file.name == "y"
    actions:
      - hash: {field: process.pid}
  - id: filtered
    expression: exec.file.name == "z"
    actions:
      - set: {name: v, value: true}
        filter: process.pid != 0 && event.origin == "ebpf"
  - id: filter_unsupported
    expression: exec.file.name == "w"
    actions:
      - set: {name: u, value: true}
        filter: process.file.in_upper_layer
)";
  CompiledPolicy enforcing = LoadOne(std::string(text) + R"(  - id: bad_token
    expression: exec.file.name == "t"
    limiter_token: [process.nope]
  - id: bad_scope_field
    expression: exec.file.name == "s"
    actions:
      - set: {name: sf, value: 1, scope: process, scope_field: exec.comm}
  - id: scope_field
    expression: exec.file.name == "q"
    limiter_token: [process.file.path]
    actions:
      - set: {name: sf2, value: 1, scope: process, scope_field: process.ppid}
)");
  std::string rendered = RenderAll(enforcing);
  EXPECT_EQ(RuleIds(enforcing),
            (std::vector<std::string>{"killer", "exit_hash_field", "filtered", "scope_field"}))
      << rendered;
  EXPECT_NE(rendered.find("rule 'exit_hash': a hash action on a 'exit' rule needs a 'field'"),
            std::string::npos);
  EXPECT_NE(rendered.find("rule 'bad_hash_field': hash field 'process.pid' is not a file"),
            std::string::npos);
  EXPECT_TRUE(enforcing.FindRule("filtered")->actions[0].filter.has_value());
  EXPECT_NE(rendered.find("rule 'bad_token': limiter_token names unknown field 'process.nope'"),
            std::string::npos);
  EXPECT_NE(rendered.find("rule 'bad_scope_field': scope_field 'exec.comm' is not an int field"),
            std::string::npos);
  EXPECT_EQ(FindSkipped(enforcing, "filter_unsupported")->reason, SkipReason::kUnsupportedField);

  LoadOptions no_enforcement = Options();
  no_enforcement.enforcement_enabled = false;
  CompiledPolicy passive = LoadOne(text, no_enforcement);
  EXPECT_EQ(passive.FindRule("killer"), nullptr);
  EXPECT_NE(RenderAll(passive).find("rule 'killer': kill action is disabled globally"),
            std::string::npos);
}

// Checklist 56: inherited is a process-scope feature; the rule is rejected
// at load and the others still load.
TEST(LoaderTest, Checklist56InheritedWithContainerScopeRejected) {
  CompiledPolicy policy = LoadOne(R"(rules:
  - id: bad
    expression: exec.file.name == "x"
    actions:
      - set: {name: v, scope: container, inherited: true, value: true}
  - id: good
    expression: exec.file.name == "y"
    actions:
      - set: {name: w, scope: process, inherited: true, value: true}
)");
  EXPECT_EQ(RenderAll(policy),
            R"(test.policy:5:53: error: 'inherited' is only allowed with 'scope: process'
      - set: {name: v, scope: container, inherited: true, value: true}
                                                    ^
)");
  EXPECT_EQ(RuleIds(policy), std::vector<std::string>{"good"});
  EXPECT_EQ(FindSkipped(policy, "bad")->reason, SkipReason::kError);
}

// Checklist 51: an integer ttl (ns) and a duration string are equivalent.
TEST(LoaderTest, Checklist51TtlForms) {
  CompiledPolicy policy = LoadOne(R"(rules:
  - id: r
    expression: exec.file.name == "x"
    actions:
      - set: {name: a, value: 1, ttl: 600000000000}
      - set: {name: b, value: 1, ttl: "10m"}
)");
  ASSERT_TRUE(policy.ok()) << RenderAll(policy);
  const auto& actions = policy.FindRule("r")->actions;
  EXPECT_EQ(std::get<SetAction>(actions[0].action.kind).ttl_ns, 600'000'000'000ULL);
  EXPECT_EQ(std::get<SetAction>(actions[1].action.kind).ttl_ns, 600'000'000'000ULL);
}

// Checklist 46: a macro filtered out does not exist for rules.
TEST(LoaderTest, Checklist46MacroFiltersOnLinux) {
  CompiledPolicy policy = LoadOne(R"(macros:
  - id: WIN_TOOLS
    expression: '["cmd.exe"]'
    filters: ['os == "windows"']
  - id: LINUX_TOOLS
    expression: '["sh"]'
    filters: ['os == "linux"']
rules:
  - id: uses_windows
    expression: exec.file.name in WIN_TOOLS
  - id: uses_linux
    expression: exec.file.name in LINUX_TOOLS
)");
  EXPECT_EQ(RuleIds(policy), std::vector<std::string>{"uses_linux"});
  std::string rendered = RenderAll(policy);
  EXPECT_NE(rendered.find("rule 'uses_windows': unknown field 'WIN_TOOLS'"), std::string::npos)
      << rendered;
}

// Checklist 59: filters are OR-ed.
TEST(LoaderTest, Checklist59FiltersAreOred) {
  CompiledPolicy policy = LoadOne(R"(rules:
  - id: both
    expression: exec.file.name == "x"
    filters: ['os == "windows"', 'os == "linux"']
  - id: windows_only
    expression: exec.file.name == "y"
    filters: ['os == "windows"']
  - id: kernel_range
    expression: exec.file.name == "z"
    filters: ['kernel.version.major == 5 && kernel.version.minor == 10 && kernel.version.patch < 102 && os == "linux"']
  - id: bad_filter
    expression: exec.file.name == "w"
    filters: ['os.nonsense == "x"']
)");
  EXPECT_EQ(RuleIds(policy), (std::vector<std::string>{"both", "kernel_range"}));
  EXPECT_EQ(FindSkipped(policy, "windows_only")->reason, SkipReason::kFilter);
  EXPECT_EQ(FindSkipped(policy, "bad_filter")->reason, SkipReason::kError);
  EXPECT_NE(RenderAll(policy).find("in filter: unknown field 'os.nonsense'"), std::string::npos);
}

// Checklist 57 through the loader.
TEST(LoaderTest, Checklist57AgentVersionGating) {
  const char* text = R"(rules:
  - id: range
    expression: exec.file.name == "x"
    agent_version: ">=7.65 <7.70"
  - id: bad_constraint
    expression: exec.file.name == "y"
    agent_version: ">= seven"
)";
  LoadOptions options = Options();
  options.agent_version = *SemVer::Parse("7.68.0");
  CompiledPolicy at_768 = LoadOne(text, options);
  EXPECT_EQ(RuleIds(at_768), std::vector<std::string>{"range"});
  EXPECT_NE(RenderAll(at_768).find("invalid version"), std::string::npos);
  options.agent_version = *SemVer::Parse("7.70.0-rc.1");
  CompiledPolicy at_770 = LoadOne(text, options);
  EXPECT_TRUE(at_770.rules.empty());
  EXPECT_EQ(FindSkipped(at_770, "range")->reason, SkipReason::kAgentVersion);
  EXPECT_EQ(FindSkipped(at_770, "range")->detail, "agent_version '>=7.65 <7.70'");
}

constexpr const char* kBasePolicy = R"(version: 1.0.0
macros:
  - id: LIST
    values: [a, b]
  - id: EXPR
    expression: '["x"]'
rules:
  - id: base
    description: Base rule
    expression: exec.file.name == "base"
    tags: {k: v}
    actions:
      - set: {name: base_var, value: true}
  - id: other
    expression: exec.file.name == "other"
)";

// Checklist 60.
TEST(LoaderTest, Checklist60DisableAndConflict) {
  CompiledPolicy disabled = Load({{"default.policy", kBasePolicy},
                                  {"custom.policy", "rules:\n  - id: base\n    disabled: true\n"}});
  ASSERT_TRUE(disabled.ok()) << RenderAll(disabled);
  EXPECT_EQ(RuleIds(disabled), std::vector<std::string>{"other"});
  EXPECT_EQ(FindSkipped(disabled, "base")->reason, SkipReason::kDisabled);

  CompiledPolicy conflict = Load(
      {{"default.policy", kBasePolicy},
       {"custom.policy", "rules:\n  - id: base\n    expression: exec.file.name == \"new\"\n"}});
  EXPECT_EQ(RenderAll(conflict),
            R"(custom.policy:2:9: error: rule 'base' is already defined in default.policy
  - id: base
        ^~~~
hint: use 'combine: override' to change it, or 'disabled: true' to disable it
)");
  EXPECT_EQ(conflict.FindRule("base")->expression, R"(exec.file.name == "base")");
}

// Checklist 61.
TEST(LoaderTest, Checklist61CombineOverride) {
  CompiledPolicy expression_only =
      Load({{"default.policy", kBasePolicy}, {"custom.policy", R"(rules:
  - id: base
    combine: override
    description: New description
    expression: exec.file.name == "new"
    actions: []
)"}});
  ASSERT_TRUE(expression_only.ok()) << RenderAll(expression_only);
  const CompiledRule* rule = expression_only.FindRule("base");
  EXPECT_EQ(rule->expression, R"(exec.file.name == "new")");
  EXPECT_EQ(rule->description, "Base rule");
  EXPECT_EQ(rule->actions.size(), 1u);

  CompiledPolicy all = Load({{"default.policy", kBasePolicy}, {"custom.policy", R"(rules:
  - id: base
    combine: override
    override_options: {fields: [all]}
    description: New description
    expression: exec.file.name == "new"
)"}});
  ASSERT_TRUE(all.ok()) << RenderAll(all);
  EXPECT_EQ(all.FindRule("base")->description, "New description");
  EXPECT_TRUE(all.FindRule("base")->actions.empty());
  EXPECT_TRUE(all.FindRule("base")->tags.empty());

  CompiledPolicy actions = Load({{"default.policy", kBasePolicy}, {"custom.policy", R"(rules:
  - id: base
    combine: override
    override_options: {fields: [actions]}
    expression: exec.file.name == "ignored"
    actions:
      - log: {level: info}
)"}});
  ASSERT_TRUE(actions.ok()) << RenderAll(actions);
  EXPECT_EQ(actions.FindRule("base")->expression, R"(exec.file.name == "base")");
  ASSERT_EQ(actions.FindRule("base")->actions.size(), 1u);
  EXPECT_EQ(ActionKindName(actions.FindRule("base")->actions[0].action), "log");
}

// Checklist 62.
TEST(LoaderTest, Checklist62MacroMerge) {
  CompiledPolicy merged = Load({{"default.policy", kBasePolicy}, {"custom.policy", R"(macros:
  - id: LIST
    values: [c]
    combine: merge
rules:
  - id: uses_list
    expression: exec.file.name in LIST
)"}});
  ASSERT_TRUE(merged.ok()) << RenderAll(merged);
  const secl::Program& program = merged.FindRule("uses_list")->program;
  EXPECT_EQ(program.event_type(), "exec");

  CompiledPolicy bad = Load({{"default.policy", kBasePolicy}, {"custom.policy", R"(macros:
  - id: EXPR
    values: [y]
    combine: merge
  - id: LIST
    values: [z]
)"}});
  EXPECT_EQ(
      RenderAll(bad),
      R"(custom.policy:2:9: error: cannot merge macro 'EXPR': only 'values' macros can be merged
  - id: EXPR
        ^~~~
hint: an 'expression' macro can only be replaced with 'combine: override'
custom.policy:5:9: error: macro 'LIST' is already defined in default.policy
  - id: LIST
        ^~~~
hint: use 'combine: merge' or 'combine: override' to change it
)");
}

// Checklist 63: default.policy first, then *.policy by name; other files ignored.
TEST(LoaderTest, Checklist63LoadOrder) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("picket_policy_order_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto write = [&](const char* name, const std::string& text) {
    std::ofstream(dir / name) << text;
  };
  write("b.policy", "rules:\n  - id: from_b\n    expression: exec.file.name == \"b\"\n");
  write("a.policy", "rules:\n  - id: from_a\n    expression: exec.file.name == \"a\"\n");
  write("default.policy",
        "rules:\n  - id: from_default\n    expression: exec.file.name == \"d\"\n");
  write("notes.txt", "not: [a policy");
  std::vector<std::string> paths{dir.string()};
  CompiledPolicy policy = LoadPolicyPaths(paths, Options());
  fs::remove_all(dir);
  ASSERT_TRUE(policy.ok()) << RenderAll(policy);
  ASSERT_EQ(policy.policies.size(), 3u);
  EXPECT_EQ(policy.policies[0].name, "default.policy");
  EXPECT_EQ(policy.policies[1].name, "a.policy");
  EXPECT_EQ(policy.policies[2].name, "b.policy");
  EXPECT_EQ(RuleIds(policy), (std::vector<std::string>{"from_default", "from_a", "from_b"}));
}

TEST(LoaderTest, MissingPathIsAnError) {
  std::vector<std::string> paths{"/nonexistent/picket.policy"};
  CompiledPolicy policy = LoadPolicyPaths(paths, Options());
  EXPECT_EQ(RenderAll(policy), "/nonexistent/picket.policy: error: no such file or directory\n");
}

TEST(LoaderTest, EmptyNonDefaultPolicyIsAnError) {
  CompiledPolicy policy = Load({{"empty.policy", "version: 1\n"}});
  EXPECT_EQ(policy.error_count(), 1u);
  CompiledPolicy empty_default = Load({{"default.policy", "version: 1\n"}});
  EXPECT_TRUE(empty_default.ok());
}

// A schema where every catalogue field is collected, to evaluate rules of
// event types picket cannot collect yet (fim expansion semantics).
class AllSupportedSchema final : public secl::Schema {
 public:
  AllSupportedSchema() {
    const auto& catalogue = fields::FieldCatalogue::Default();
    for (const fields::FieldEntry& entry : catalogue.entries()) {
      secl::FieldInfo info = entry.info;
      info.is_supported = true;
      fields_.push_back(info);
    }
  }
  const secl::FieldInfo* Find(std::string_view name) const override {
    const secl::FieldInfo* info = fields::FieldCatalogue::Default().Find(name);
    return info == nullptr ? nullptr : &fields_[info->id];
  }
  const secl::IteratorInfo* FindIterator(std::string_view name) const override {
    return fields::FieldCatalogue::Default().FindIterator(name);
  }
  void ForEachFieldName(const std::function<void(std::string_view)>& visit) const override {
    fields::FieldCatalogue::Default().ForEachFieldName(visit);
  }

 private:
  std::vector<secl::FieldInfo> fields_;
};

// A file event: "<type>.file.path" and friends by name.
class FileEventSource final : public secl::FieldSource {
 public:
  std::map<std::string, std::string, std::less<>> strings;
  std::map<std::string, std::int64_t, std::less<>> ints;

  secl::Value Get(secl::FieldId field, std::uint32_t) const override {
    const secl::FieldInfo& info = fields::FieldCatalogue::Default().entry(field).info;
    if (info.type == secl::ScalarType::kString) {
      auto it = strings.find(info.name);
      return secl::Value::String(it == strings.end() ? std::string_view() : it->second);
    }
    if (info.type == secl::ScalarType::kInt) {
      auto it = ints.find(info.name);
      return secl::Value::Int(it == ints.end() ? 0 : it->second);
    }
    return secl::Value::Zero(info.type);
  }
  std::size_t ArrayLength(secl::FieldId, std::uint32_t) const override { return 0; }
  secl::Value GetAt(secl::FieldId field, std::uint32_t, std::size_t) const override {
    return secl::Value::Zero(fields::FieldCatalogue::Default().entry(field).info.type);
  }
  std::size_t IteratorLength(secl::IteratorId) const override { return 0; }
  std::int64_t NowNs() const override { return 0; }
};

// Checklist 66: fim.write.file.* expands to one rule per file event type,
// with write guards; picket collects none of them yet, so with the real
// catalogue every expansion is skipped naming its event type.
TEST(LoaderTest, Checklist66FimExpansion) {
  const char* text = R"(rules:
  - id: pam
    expression: fim.write.file.path == "/etc/x"
)";
  CompiledPolicy real = LoadOne(text);
  ASSERT_TRUE(real.ok()) << RenderAll(real);
  EXPECT_TRUE(real.rules.empty());
  std::vector<std::string> skipped;
  for (const SkippedRule& s : real.skipped) skipped.push_back(s.id + " " + s.detail);
  EXPECT_EQ(skipped, (std::vector<std::string>{
                         "__fim_expanded_open_pam event type 'open'",
                         "__fim_expanded_chmod_pam event type 'chmod'",
                         "__fim_expanded_chown_pam event type 'chown'",
                         "__fim_expanded_link_pam event type 'link'",
                         "__fim_expanded_rename_pam event type 'rename'",
                         "__fim_expanded_rename_destination_pam event type 'rename'",
                         "__fim_expanded_unlink_pam event type 'unlink'",
                         "__fim_expanded_utimes_pam event type 'utimes'",
                     }));

  AllSupportedSchema schema;
  LoadOptions options = Options();
  options.schema = &schema;
  options.collected_event_types = {"open", "chmod", "chown", "link", "rename", "unlink", "utimes"};
  CompiledPolicy expanded = LoadOne(text, options);
  ASSERT_TRUE(expanded.ok()) << RenderAll(expanded);
  ASSERT_TRUE(expanded.rules.size() == 8u) << RenderAll(expanded, false);
  ASSERT_EQ(expanded.rules.size(), 8u);
  std::map<std::string, const CompiledRule*> by_type;
  for (const CompiledRule& rule : expanded.rules) {
    EXPECT_EQ(rule.expanded_from, "pam");
    by_type.emplace(rule.id, &rule);
  }
  const CompiledRule& open = *by_type.at("__fim_expanded_open_pam");
  EXPECT_EQ(open.event_type, "open");
  FileEventSource event;
  event.strings["open.file.path"] = "/etc/x";
  event.ints["open.flags"] = 0;  // O_RDONLY
  EXPECT_FALSE(secl::Evaluate(open.program, event));
  event.ints["open.flags"] = 01;  // O_WRONLY
  EXPECT_TRUE(secl::Evaluate(open.program, event));
  event.strings["open.file.path"] = "/etc/y";
  EXPECT_FALSE(secl::Evaluate(open.program, event));

  const CompiledRule& rename_destination = *by_type.at("__fim_expanded_rename_destination_pam");
  FileEventSource rename;
  rename.strings["rename.file.destination.path"] = "/etc/x";
  EXPECT_TRUE(secl::Evaluate(rename_destination.program, rename));
  const CompiledRule& chown = *by_type.at("__fim_expanded_chown_pam");
  FileEventSource chown_event;
  chown_event.strings["chown.file.path"] = "/etc/x";
  chown_event.ints["chown.file.uid"] = 0;
  chown_event.ints["chown.file.destination.uid"] = 0;
  EXPECT_FALSE(secl::Evaluate(chown.program, chown_event));
  chown_event.ints["chown.file.destination.uid"] = 1000;
  EXPECT_TRUE(secl::Evaluate(chown.program, chown_event));
}

}  // namespace
}  // namespace picket::policy
