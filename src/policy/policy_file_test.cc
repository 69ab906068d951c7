#include "policy/policy_file.h"

#include <gtest/gtest.h>

namespace picket::policy {
namespace {

struct Parsed {
  PolicyFile file;
  std::vector<PolicyDiagnostic> diagnostics;
  std::string rendered;
};

Parsed Parse(std::string_view text) {
  Parsed parsed;
  auto source = std::make_shared<const SourceFile>("test.policy", std::string(text));
  parsed.file = ParsePolicyFile(source, parsed.diagnostics);
  for (const PolicyDiagnostic& d : parsed.diagnostics) parsed.rendered += Render(d);
  return parsed;
}

TEST(PolicyFileTest, DecodesEveryRuleKey) {
  Parsed parsed = Parse(R"(version: "1.2.3"
type: policy
macros:
  - id: M
    expression: '["a"]'
    description: d
    agent_version: ">= 7.0"
    filters: ['os == "linux"']
  - id: V
    values: [x, y]
    combine: merge
rules:
  - id: r1
    version: "4"
    description: Rule one
    expression: exec.file.name in M
    tags: {execution_context: 'True', threat_score: 3}
    product_tags: [tactic:TA0011]
    filters: ['os == "linux"', 'os == "windows"']
    agent_version: ">= 7.60"
    disabled: false
    every: 10s
    silent: true
    combine: override
    override_options: {fields: [expression, tags]}
    priority: 7
    group_id: g1
    limiter_token: [process.file.path]
)");
  ASSERT_TRUE(parsed.diagnostics.empty()) << parsed.rendered;
  EXPECT_EQ(parsed.file.version, "1.2.3");
  EXPECT_EQ(parsed.file.type, "policy");
  ASSERT_EQ(parsed.file.macros.size(), 2u);
  EXPECT_EQ(parsed.file.macros[0].expression->value, R"(["a"])");
  EXPECT_EQ(parsed.file.macros[0].filters.size(), 1u);
  EXPECT_EQ(*parsed.file.macros[1].values, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(parsed.file.macros[1].combine, Combine::kMerge);
  ASSERT_EQ(parsed.file.rules.size(), 1u);
  const RuleDefinition& rule = parsed.file.rules[0];
  EXPECT_EQ(rule.id, "r1");
  EXPECT_EQ(rule.version, "4");
  EXPECT_EQ(rule.description, "Rule one");
  EXPECT_EQ(rule.tags.size(), 2u);
  EXPECT_EQ(rule.tags[1].second, "3");
  EXPECT_EQ(rule.product_tags, (std::vector<std::string>{"tactic:TA0011"}));
  EXPECT_EQ(rule.filters.size(), 2u);
  EXPECT_EQ(rule.agent_version->value, ">= 7.60");
  EXPECT_EQ(rule.disabled, std::optional<bool>(false));
  EXPECT_EQ(rule.every_ns, std::optional<std::uint64_t>(10'000'000'000ULL));
  EXPECT_TRUE(rule.silent);
  EXPECT_EQ(rule.combine, Combine::kOverride);
  EXPECT_EQ(rule.override_fields, kOverrideExpression | kOverrideTags);
  EXPECT_EQ(rule.priority, 7);
  EXPECT_EQ(rule.group_id, "g1");
  EXPECT_EQ(rule.limiter_token, (std::vector<std::string>{"process.file.path"}));
}

// Checklist 64: unknown keys are ignored at every level.
TEST(PolicyFileTest, Checklist64UnknownKeysIgnored) {
  Parsed parsed = Parse(R"(version: 1
type: policy
foo: bar
rules:
  - id: r
    expression: exec.file.name == "x"
    foo: bar
    actions:
      - set: {name: v, value: 1, some_future_key: 2}
        another: 3
)");
  EXPECT_TRUE(parsed.diagnostics.empty()) << parsed.rendered;
  EXPECT_EQ(parsed.file.rules.size(), 1u);
}

// Checklist 65: ids match ^[a-zA-Z0-9_]*$.
TEST(PolicyFileTest, Checklist65RuleIdWithDashRejected) {
  Parsed parsed = Parse("rules:\n  - id: my-rule\n    expression: exec.file.name == \"x\"\n");
  EXPECT_TRUE(parsed.file.rules.empty());
  EXPECT_EQ(parsed.file.invalid_rules.size(), 1u);
  EXPECT_EQ(parsed.rendered, R"(test.policy:2:9: error: rule id 'my-rule' is invalid
  - id: my-rule
        ^
hint: ids may contain only letters, digits and '_' (^[a-zA-Z0-9_]*$)
)");
}

TEST(PolicyFileTest, IdValidation) {
  EXPECT_TRUE(IsValidId("abc_DEF_123"));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId("a-b"));
  EXPECT_FALSE(IsValidId("a.b"));
  EXPECT_FALSE(IsValidId("a b"));
}

TEST(PolicyFileTest, DecodesActions) {
  Parsed parsed = Parse(R"(rules:
  - id: r
    expression: exec.file.name == "x"
    actions:
      - set:
          name: seen
          scope: cgroup
          field: process.file.path
          append: true
          size: 10
          ttl: 3600000000000
          private: true
        filter: process.pid != 0
      - set: {name: count, scope: process, expression: "${process.count} + 1", default_value: 0, inherited: true, scope_field: exec.pid}
      - set: {name: flag, value: true, ttl: "10m"}
      - set: {name: names, value: [a, b]}
      - kill: {signal: SIGTERM, scope: container}
      - hash: {}
      - hash: {field: process.file}
      - log: {level: warning, message: hi}
      - coredump: {process: true}
)");
  ASSERT_TRUE(parsed.diagnostics.empty()) << parsed.rendered;
  const std::vector<Action>& actions = parsed.file.rules.at(0).actions;
  ASSERT_EQ(actions.size(), 9u);
  const auto& set = std::get<SetAction>(actions[0].kind);
  EXPECT_EQ(set.QualifiedName(), "cgroup.seen");
  EXPECT_EQ(set.field, "process.file.path");
  EXPECT_TRUE(set.append);
  EXPECT_EQ(set.size, 10u);
  EXPECT_EQ(set.ttl_ns, 3'600'000'000'000ULL);
  EXPECT_TRUE(set.is_private);
  EXPECT_EQ(actions[0].filter->value, "process.pid != 0");
  const auto& count = std::get<SetAction>(actions[1].kind);
  EXPECT_EQ(count.expression->value, "${process.count} + 1");
  EXPECT_EQ(std::get<std::int64_t>(*count.default_value), 0);
  EXPECT_TRUE(count.inherited);
  EXPECT_EQ(count.scope_field, "exec.pid");
  const auto& flag = std::get<SetAction>(actions[2].kind);
  EXPECT_EQ(std::get<bool>(*flag.value), true);
  EXPECT_EQ(flag.ttl_ns, 600'000'000'000ULL);  // checklist 51: "10m" == 600000000000
  EXPECT_EQ(std::get<std::vector<std::string>>(*std::get<SetAction>(actions[3].kind).value),
            (std::vector<std::string>{"a", "b"}));
  const auto& kill = std::get<KillAction>(actions[4].kind);
  EXPECT_EQ(kill.signal_number, 15);
  EXPECT_EQ(kill.scope, KillAction::Scope::kContainer);
  EXPECT_EQ(std::get<HashAction>(actions[5].kind).field, "");
  EXPECT_EQ(std::get<HashAction>(actions[6].kind).field, "process.file");
  EXPECT_EQ(std::get<LogAction>(actions[7].kind).level, "warning");
  EXPECT_TRUE(std::get<CoredumpAction>(actions[8].kind).process);
  EXPECT_EQ(ActionKindName(actions[8]), "coredump");
}

struct InvalidActionCase {
  std::string_view name;
  std::string_view action;  // one flow mapping
  std::string_view message;
};

constexpr InvalidActionCase kInvalidActions[] = {
    // Checklist 56: inherited only with process scope.
    {"inherited container", "{set: {name: v, value: 1, scope: container, inherited: true}}",
     "'inherited' is only allowed with 'scope: process'"},
    {"scope_field cgroup", "{set: {name: v, value: 1, scope: cgroup, scope_field: exec.pid}}",
     "'scope_field' is only allowed with 'scope: process'"},
    {"no source", "{set: {name: v}}", "'set' needs one of 'value', 'field' or 'expression'"},
    {"two sources", "{set: {name: v, value: 1, field: process.pid}}",
     "'set' accepts only one of 'value', 'field' or 'expression'"},
    {"no name", "{set: {value: 1}}", "'set' needs a 'name'"},
    {"bad scope", "{set: {name: v, value: 1, scope: host}}", "unknown variable scope 'host'"},
    {"default type", "{set: {name: v, value: 1, default_value: x}}",
     "default_value has type string but value has type int"},
    {"bad ttl", "{set: {name: v, value: 1, ttl: soon}}", "'set.ttl' must be a duration"},
    {"bad size", "{set: {name: v, value: 1, size: 0}}", "set.size must be between 1 and 1000000"},
    {"kill no signal", "{kill: {scope: process}}", "'kill' needs a 'signal'"},
    {"kill bad signal", "{kill: {signal: SIGFOO}}", "unknown signal 'SIGFOO'"},
    {"log no level", "{log: {message: x}}", "'log' needs a 'level'"},
    {"coredump nothing", "{coredump: {no_compression: true}}",
     "'coredump' needs at least one of process, mount, dentry set to true"},
    {"two kinds", "{hash: {}, log: {level: info}}",
     "an action may hold only one of set, kill, hash, log, coredump"},
    {"no kind", "{filter: 'process.pid != 0'}",
     "an action needs one of set, kill, hash, log, coredump"},
    {"network_filter", "{network_filter: {filter: tcp}}",
     "the network_filter action is not supported by picket"},
};

TEST(PolicyFileTest, InvalidActionsAreDiagnosed) {
  for (const InvalidActionCase& c : kInvalidActions) {
    SCOPED_TRACE(c.name);
    Parsed parsed = Parse(
        "rules:\n  - id: r\n    expression: exec.file.name == \"x\"\n"
        "    actions:\n      - " +
        std::string(c.action) + "\n");
    EXPECT_TRUE(parsed.file.rules.empty());
    ASSERT_FALSE(parsed.diagnostics.empty());
    bool found = false;
    for (const PolicyDiagnostic& d : parsed.diagnostics) found |= d.message == c.message;
    EXPECT_TRUE(found) << parsed.rendered;
  }
}

TEST(PolicyFileTest, PicketDocumentationBlock) {
  Parsed parsed = Parse(R"(rules:
  - id: r
    expression: exec.file.name == "x"
    picket:
      severity: high
      goal: Catch x.
      strategy: Name match.
      triage: [look at the parent, check the user]
      response: [kill it]
      false_positives: [admins]
      references: [T1105]
)");
  ASSERT_TRUE(parsed.diagnostics.empty()) << parsed.rendered;
  const RuleDocumentation& doc = parsed.file.rules.at(0).documentation;
  EXPECT_EQ(doc.severity, "high");
  EXPECT_EQ(doc.goal, "Catch x.");
  EXPECT_EQ(doc.strategy, "Name match.");
  EXPECT_EQ(doc.triage.size(), 2u);
  EXPECT_EQ(doc.response, (std::vector<std::string>{"kill it"}));
  EXPECT_EQ(doc.false_positives.size(), 1u);
  EXPECT_EQ(doc.references.size(), 1u);

  Parsed bad = Parse(R"(rules:
  - id: r
    expression: exec.file.name == "x"
    picket:
      severity: urgent
      triag: [typo]
)");
  EXPECT_EQ(bad.rendered, R"(test.policy:5:17: error: unknown severity 'urgent'
      severity: urgent
                ^
hint: use info, low, medium, high or critical
test.policy:6:7: error: unknown key 'picket.triag'
      triag: [typo]
      ^
hint: the picket: block accepts severity, message, goal, strategy, triage, response, false_positives, references
)");
}

TEST(PolicyFileTest, GoldenTruncatedYaml) {
  Parsed parsed = Parse("rules:\n  - id: r\n    expression: [a, b\n");
  EXPECT_EQ(parsed.rendered, R"(test.policy:4:1: error: invalid YAML: end of sequence flow not found
)"
                             "\n^\n");
}

TEST(PolicyFileTest, GoldenInvalidUtf8) {
  Parsed parsed = Parse("rules:\n  - id: r\n    expression: exec.file.name == \"\xff\"\n");
  EXPECT_TRUE(parsed.file.rules.empty());
  EXPECT_EQ(parsed.rendered, R"(test.policy:3:36: error: invalid UTF-8 (byte 0xFF)
    expression: exec.file.name == "?"
                                   ^
hint: policy files must be UTF-8 text
)");
}

TEST(PolicyFileTest, WrongShapesAreDiagnosedNotThrown) {
  struct ShapeCase {
    std::string_view text;
    std::string_view message;
  };
  const ShapeCase cases[] = {
      {"- a\n- b\n", "a policy must be a YAML mapping with 'version', 'macros' and 'rules'"},
      {"", "the policy file is empty"},
      {"rules: {a: b}\n", "'rules' must be a list, not a mapping"},
      {"rules:\n  - just a string\n", "a rule must be a mapping with 'id' and 'expression'"},
      {"rules:\n  - expression: a\n", "rule without 'id'"},
      {"rules:\n  - id: r\n    expression: [a]\n", "'expression' must be a string, not a list"},
      {"rules:\n  - id: r\n    every: soon\n", "'every' must be a duration"},
      {"rules:\n  - id: r\n    combine: merge\n", "unknown combine policy 'merge'"},
      {"rules:\n  - id: r\n    override_options: {fields: [colour]}\n",
       "unknown override field 'colour'"},
      {"macros:\n  - id: m\n", "macro 'm' needs exactly one of 'expression' or 'values'"},
      {"macros:\n  - id: m\n    expression: a\n    values: [b]\n",
       "macro 'm' needs exactly one of 'expression' or 'values'"},
      {"rules:\n  - id: r\n    tags: [a]\n", "'tags' must be a mapping of strings to strings"},
      {"rules:\n  - id: r\n    priority: high\n", "'priority' must be an integer"},
      {"rules:\n  - id: r\n    group_id: a-b\n", "group_id 'a-b' is invalid"},
  };
  for (const ShapeCase& c : cases) {
    SCOPED_TRACE(c.text);
    Parsed parsed = Parse(c.text);
    ASSERT_FALSE(parsed.diagnostics.empty());
    EXPECT_EQ(parsed.diagnostics.front().message, c.message) << parsed.rendered;
  }
}

TEST(DurationTest, IntegersAndGoDurations) {
  EXPECT_EQ(ParseDurationNs("0"), std::optional<std::uint64_t>(0));
  EXPECT_EQ(ParseDurationNs("600000000000"), std::optional<std::uint64_t>(600'000'000'000ULL));
  EXPECT_EQ(ParseDurationNs("10m"), std::optional<std::uint64_t>(600'000'000'000ULL));
  EXPECT_EQ(ParseDurationNs("1h30m"), std::optional<std::uint64_t>(5'400'000'000'000ULL));
  EXPECT_EQ(ParseDurationNs("250ms"), std::optional<std::uint64_t>(250'000'000ULL));
  EXPECT_EQ(ParseDurationNs("1.5s"), std::optional<std::uint64_t>(1'500'000'000ULL));
  EXPECT_EQ(ParseDurationNs("3us"), std::optional<std::uint64_t>(3'000ULL));
  EXPECT_FALSE(ParseDurationNs("").has_value());
  EXPECT_FALSE(ParseDurationNs("10").has_value() == false);
  EXPECT_FALSE(ParseDurationNs("1d").has_value());
  EXPECT_FALSE(ParseDurationNs("-1s").has_value());
  EXPECT_FALSE(ParseDurationNs("s").has_value());
  EXPECT_FALSE(ParseDurationNs("1..2s").has_value());
}

}  // namespace
}  // namespace picket::policy
