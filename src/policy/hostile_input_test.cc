// Hostile policy text must yield diagnostics in bounded time — never a
// crash, a hang or an exception.

#include <gtest/gtest.h>

#include <chrono>

#include "policy/loader.h"

namespace picket::policy {
namespace {

using std::string_literals::operator""s;

struct HostileCase {
  std::string name;
  std::string text;
  std::string expected_message;  // a substring of some error's message
};

std::vector<HostileCase> Cases() {
  std::vector<HostileCase> cases;
  cases.push_back(
      {"truncated yaml", "rules:\n  - id: r\n    expression: [exec.file.name", "invalid YAML"});
  cases.push_back({"truncated mid-key", "version: 1\nrules:\n  - id: r\n    expre", ""});
  cases.push_back({"duplicate id",
                   "rules:\n  - id: r\n    expression: exec.comm == \"a\"\n  - id: r\n"
                   "    expression: exec.comm == \"b\"\n",
                   "duplicate rule id 'r'"});
  cases.push_back({"macro cycle",
                   "macros:\n  - id: M_ONE\n    expression: M_TWO\n  - id: M_TWO\n"
                   "    expression: M_ONE\nrules:\n  - id: r\n    expression: exec.comm in M_ONE\n",
                   "refers to itself"});
  cases.push_back({"self macro",
                   "macros:\n  - id: M_SELF\n    expression: M_SELF\nrules:\n  - id: r\n"
                   "    expression: exec.comm in M_SELF\n",
                   "refers to itself"});
  cases.push_back({"yaml nesting 10000",
                   "rules: " + std::string(10000, '[') + std::string(10000, ']') + "\n",
                   "invalid YAML"});
  {
    std::string yaml = "rules:\n";
    std::string indent;
    for (int i = 0; i < 10000; ++i) {
      yaml += indent + "- \n";
      indent += ' ';
    }
    cases.push_back({"yaml block nesting 10000", yaml, ""});
  }
  cases.push_back({"expression nesting 10000",
                   "rules:\n  - id: r\n    expression: '" + std::string(10000, '(') +
                       "exec.comm == \"a\"" + std::string(10000, ')') + "'\n",
                   ""});
  cases.push_back(
      {"unary nesting 10000",
       "rules:\n  - id: r\n    expression: '" + std::string(10000, '!') + "exec.is_thread'\n", ""});
  {
    std::string expression;
    while (expression.size() < (1 << 20)) expression += "exec.comm == \"abcdefgh\" || ";
    expression += "exec.comm == \"x\"";
    cases.push_back(
        {"1 MB expression", "rules:\n  - id: r\n    expression: '" + expression + "'\n", ""});
  }
  {
    std::string list = "[";
    for (int i = 0; i < 50000; ++i) list += "\"item" + std::to_string(i) + "\", ";
    list += "\"last\"]";
    cases.push_back({"1 MB list macro",
                     "macros:\n  - id: BIG\n    expression: '" + list +
                         "'\nrules:\n  - id: r\n    expression: exec.comm in BIG\n",
                     ""});
  }
  cases.push_back({"invalid utf-8",
                   "rules:\n  - id: r\n    expression: exec.comm == \"\xc3\x28\"\n",
                   "invalid UTF-8"});
  cases.push_back({"NUL byte", "rules:\n  - id: r\0\n"s, ""});
  cases.push_back({"binary garbage", "\x01\x02\x03{{{{:::\t\t- - -"s, ""});
  cases.push_back({"anchors and aliases",
                   "a: &x [1, 2]\nrules:\n  - &r {id: r, expression: 'exec.comm == \"a\"'}\n"
                   "  - *r\n",
                   "duplicate rule id 'r'"});
  cases.push_back({"huge regex",
                   "rules:\n  - id: r\n    expression: 'exec.comm =~ r\"" + std::string(5000, '(') +
                       "a" + std::string(5000, ')') + "{1000}\"'\n",
                   ""});
  return cases;
}

TEST(HostileInputTest, DiagnosedInBoundedTime) {
  LoadOptions options;
  options.host.os = "linux";
  for (const HostileCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    auto start = std::chrono::steady_clock::now();
    CompiledPolicy policy = LoadPolicies({PolicySource{"hostile.policy", c.text}}, options);
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, std::chrono::seconds(5));
    std::string rendered;
    for (const PolicyDiagnostic& d : policy.diagnostics) rendered += Render(d);
    if (!c.expected_message.empty()) {
      EXPECT_NE(rendered.find(c.expected_message), std::string::npos) << rendered.substr(0, 2000);
    }
    // A failed rule never reaches the compiled set.
    for (const CompiledRule& rule : policy.rules) EXPECT_FALSE(rule.id.empty());
  }
}

TEST(HostileInputTest, DeepExpressionIsAnErrorNotACrash) {
  LoadOptions options;
  options.host.os = "linux";
  std::string text = "rules:\n  - id: r\n    expression: '" + std::string(10000, '(') +
                     "exec.comm == \"a\"" + std::string(10000, ')') + "'\n";
  CompiledPolicy policy = LoadPolicies({PolicySource{"deep.policy", text}}, options);
  EXPECT_FALSE(policy.ok());
  EXPECT_TRUE(policy.rules.empty());
}

}  // namespace
}  // namespace picket::policy
