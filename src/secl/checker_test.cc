// Checker: rendered diagnostics as golden text, macro expansion, variables,
// value expressions and what a Program reports about itself.

#include "secl/checker.h"

#include <gtest/gtest.h>

#include "secl/test_util.h"

namespace picket::secl::testing {
namespace {

struct GoldenCase {
  std::string_view rule;
  std::string_view rendered;
};

const GoldenCase kGoldenCases[] = {
    {R"(process.parnet.file.name == "sshd")",
     R"(rule:1:1: error: unknown field 'process.parnet.file.name'
process.parnet.file.name == "sshd"
^~~~~~~~~~~~~~~~~~~~~~~~
hint: did you mean 'process.parent.file.name'?
)"},
    {R"(exec.comm == "x" && zzz == 1)", R"(rule:1:21: error: unknown field 'zzz'
exec.comm == "x" && zzz == 1
                    ^~~
)"},
    {R"(exec.file.path =~ "/tmp/**" && exec.uid == "root")",
     R"(rule:1:32: error: cannot compare int and string with '=='
exec.file.path =~ "/tmp/**" && exec.uid == "root"
                               ^~~~~~~~~~~~~~~~~~
)"},
    {R"(exec.comm < "b")",
     R"(rule:1:1: error: operator '<' needs int operands, found string and string
exec.comm < "b"
^~~~~~~~~~~~~~~
)"},
    {R"(exec.comm & 1 > 0)",
     R"(rule:1:1: error: operator '&' needs int operands, found string and int
exec.comm & 1 > 0
^~~~~~~~~~~~~
)"},
    {R"(exec.comm == "a" && exec.uid)",
     R"(rule:1:21: error: operator '&&' needs bool operands, found int
exec.comm == "a" && exec.uid
                    ^~~~~~~~
)"},
    {R"(exec.comm)", R"(rule:1:1: error: a rule must be a bool expression, found string
exec.comm
^~~~~~~~~
)"},
    {R"(exec.comm in [1, 2])", R"(rule:1:1: error: cannot test a string against int[] with 'in'
exec.comm in [1, 2]
^~~~~~~~~~~~~~~~~~~
)"},
    {R"(exec.comm in ["a", 1])",
     R"(rule:1:14: error: a list must hold one kind of value (strings, integers or IPs)
exec.comm in ["a", 1]
             ^~~~~~~~
)"},
    {R"(exec.uid in [O_CREAT, NOPE])", R"(rule:1:23: error: unknown constant 'NOPE'
exec.uid in [O_CREAT, NOPE]
                      ^~~~
hint: list members must be literals or named constants
)"},
    {R"(exec.comm =~ r"(")",
     R"(rule:1:14: error: invalid regular expression r"(": invalid regular expression: missing ): (
exec.comm =~ r"("
             ^~~~
)"},
    {R"(exec.argv[0][1] == "x")",
     R"(rule:1:1: error: only one subscript or register is allowed in 'exec.argv[0][1]'
exec.argv[0][1] == "x"
^~~~~~~~~~~~~~~
)"},
    {R"(exec.comm[0] == "x")",
     R"(rule:1:1: error: 'exec.comm' is not an array; it cannot take a subscript
exec.comm[0] == "x"
^~~~~~~~~~~~
)"},
    {R"(exec[A].comm == "x")", R"(rule:1:1: error: 'exec' is not an iterator
exec[A].comm == "x"
^~~~~~~~~~~~
hint: registers such as [A] apply to iterators like process.ancestors
)"},
    {R"(exec.uid.length == 1)",
     R"(rule:1:1: error: '.length' applies to string and array fields; 'exec.uid' is int
exec.uid.length == 1
^~~~~~~~~~~~~~~
)"},
    {R"(exec.comm == ${nope})", R"(rule:1:14: error: unknown variable '${nope}'
exec.comm == ${nope}
             ^~~~~~~
hint: variables are defined by the 'set' action of a rule
)"},
    {R"(exec.comm == "a" == true)", R"(rule:1:14: error: cannot compare string and bool with '=='
exec.comm == "a" == true
             ^~~~~~~~~~~
)"},
    {R"(!exec.uid && exec.comm == "")",
     R"(rule:1:1: error: operator '!' needs an operand of type bool, found int
!exec.uid && exec.comm == ""
^~~~~~~~~
)"},
    {R"(-exec.comm == "x")",
     R"(rule:1:1: error: operator '-' needs an operand of type int, found string
-exec.comm == "x"
^~~~~~~~~~
)"},
    {R"(exec.comm == "a" && exec.argv in exec.uid)",
     R"(rule:1:21: error: cannot test a string[] against int with 'in'
exec.comm == "a" && exec.argv in exec.uid
                    ^~~~~~~~~~~~~~~~~~~~~
)"},
    {R"(connect.addr.ip == "10.0.0.1")", R"(rule:1:1: error: cannot compare IP and string with '=='
connect.addr.ip == "10.0.0.1"
^~~~~~~~~~~~~~~~~~~~~~~~~~~~~
)"},
    {R"(exec.comm == "a" ||
  exec.uid == "b" ||
  zzz.y == 2)",
     R"(rule:2:3: error: cannot compare int and string with '=='
  exec.uid == "b" ||
  ^~~~~~~~~~~~~~~
rule:3:3: error: unknown field 'zzz.y'
  zzz.y == 2
  ^~~~~
)"},
};

class CheckerTest : public SeclTest {};

TEST_F(CheckerTest, RendersGoldenDiagnostics) {
  for (const GoldenCase& c : kGoldenCases) {
    SCOPED_TRACE(c.rule);
    EXPECT_EQ(Errors(c.rule), c.rendered);
  }
}

TEST_F(CheckerTest, MacroDiagnosticsPointAtTheUseSite) {
  ASSERT_FALSE(environment_.AddMacro("bad_field", R"(exec.commm == "x")").HasErrors());
  EXPECT_EQ(Errors(R"(exec.uid == 0 && bad_field)"),
            R"(rule:1:18: error: in macro 'bad_field': unknown field 'exec.commm'
exec.uid == 0 && bad_field
                 ^~~~~~~~~
hint: did you mean 'exec.comm'?
)");
}

TEST_F(CheckerTest, MacroParseErrorsAreReportedOnceAndRulesSayTheMacroIsBroken) {
  Diagnostics diagnostics = environment_.AddMacro("broken", R"(["a", )");
  EXPECT_EQ(diagnostics.RenderAll(R"(["a", )", "macro broken"),
            R"(macro broken:1:1: error: unbalanced '[': missing ']'
["a", 
^
)");
  EXPECT_EQ(FirstError(R"(exec.comm in broken)"), "macro 'broken' has errors");
}

TEST_F(CheckerTest, MacroCyclesAreDiagnosed) {
  ASSERT_FALSE(environment_.AddMacro("ping", R"(exec.comm == "a" || pong)").HasErrors());
  ASSERT_FALSE(environment_.AddMacro("pong", R"(exec.comm == "b" || ping)").HasErrors());
  EXPECT_EQ(FirstError("ping"),
            "in macro 'pong': macro 'ping' refers to itself (ping -> pong -> ping)");
  ASSERT_FALSE(environment_.AddMacro("self", "self").HasErrors());
  EXPECT_EQ(FirstError("exec.comm == \"\" && self"),
            "in macro 'self': macro 'self' refers to itself (self -> self)");
}

TEST_F(CheckerTest, MacrosMayUseMacrosAndInferTheEventType) {
  ASSERT_FALSE(environment_.AddMacro("shells", R"(["bash", "sh"])").HasErrors());
  ASSERT_FALSE(environment_.AddMacro("is_shell", "exec.comm in shells").HasErrors());
  CompileResult result = CompileRuleText("is_shell && process.uid == 0");
  ASSERT_TRUE(result.program.has_value()) << result.diagnostics.RenderAll("is_shell");
  EXPECT_EQ(result.program->event_type(), "exec");
  TestEvent event;
  event.Set("exec.comm", std::string("sh"));
  EXPECT_TRUE(Evaluate(*result.program, event));
}

TEST_F(CheckerTest, ValuesMacrosAreListsOfScalars) {
  environment_.AddValuesMacro("names", {"a*", "b"});
  TestEvent event;
  event.Set("exec.comm", std::string("a*"));
  EXPECT_TRUE(Matches("exec.comm in names", event));
  event.Set("exec.comm", std::string("ax"));
  EXPECT_FALSE(Matches("exec.comm in names", event));  // values are not patterns
}

TEST_F(CheckerTest, ConstantsShadowMacrosAndMacrosShadowFields) {
  ASSERT_FALSE(environment_.AddMacro("exec.uid", "5").HasErrors());
  TestEvent event;
  event.Set("exec.uid", std::int64_t{7}).Set("exec.comm", std::string("x"));
  EXPECT_TRUE(Matches(R"(exec.comm == "x" && exec.uid == 5)", event));
  environment_.RemoveMacro("exec.uid");
  EXPECT_TRUE(Matches(R"(exec.comm == "x" && exec.uid == 7)", event));
  environment_.SetConstant("SEVEN", std::int64_t{7});
  EXPECT_TRUE(Matches(R"(exec.uid == SEVEN)", event));
}

TEST_F(CheckerTest, ProgramListsItsFieldsAndVariables) {
  ASSERT_TRUE(environment_.DeclareVariable("process.seen", {ScalarType::kBool, false}).has_value());
  ASSERT_FALSE(environment_.AddMacro("m", R"(open.file.name == "x")").HasErrors());
  CompileResult result =
      CompileRuleText(R"(open.file.path == "/a" && m && ${process.seen} && process.comm == "c")");
  ASSERT_TRUE(result.program.has_value()) << result.diagnostics.RenderAll("");
  std::vector<std::string_view> names;
  for (const FieldInfo* field : result.program->fields()) names.push_back(field->name);
  EXPECT_EQ(names,
            (std::vector<std::string_view>{"open.file.path", "open.file.name", "process.comm"}));
  EXPECT_FALSE(result.program->fields()[0]->is_supported);
  EXPECT_EQ(result.program->variables().size(), 1u);
  EXPECT_EQ(result.program->event_type(), "open");
}

TEST_F(CheckerTest, VariablesAreTypedAtLoad) {
  EXPECT_TRUE(environment_.DeclareVariable("n", {ScalarType::kInt, false}).has_value());
  EXPECT_TRUE(environment_.DeclareVariable("n", {ScalarType::kInt, false}).has_value());
  Result<VariableId> conflict = environment_.DeclareVariable("n", {ScalarType::kString, false});
  ASSERT_FALSE(conflict.has_value());
  EXPECT_EQ(conflict.error().message(), "variable 'n' is declared as int and as string");
  EXPECT_EQ(FirstError(R"(exec.comm == "x" && ${n} == "y")"),
            "cannot compare int and string with '=='");
}

TEST_F(CheckerTest, VariablesAreReadThroughTheVariableSource) {
  const VariableId names =
      *environment_.DeclareVariable("cgroup.names", {ScalarType::kString, true});
  const VariableId flag = *environment_.DeclareVariable("process.flag", {ScalarType::kBool, false});
  TestVariables variables;
  variables.Set(names, std::vector<std::string>{"aws", "gcp"}).Set(flag, true);
  TestEvent event;
  event.Set("exec.comm", std::string("x"));
  EXPECT_TRUE(Matches(R"(exec.comm == "x" && "aws" in ${cgroup.names})", event, &variables));
  EXPECT_FALSE(Matches(R"(exec.comm == "x" && "aws" not in ${cgroup.names})", event, &variables));
  EXPECT_TRUE(Matches(R"(exec.comm == "x" && ${process.flag})", event, &variables));
  EXPECT_TRUE(Matches(R"(exec.comm == "x" && ${cgroup.names.length} == 2)", event, &variables));
  // Without a VariableSource every variable reads as its zero value.
  EXPECT_FALSE(Matches(R"(exec.comm == "x" && ${process.flag})", event));
  EXPECT_TRUE(Matches(R"(exec.comm == "x" && "aws" not in ${cgroup.names})", event));
}

TEST_F(CheckerTest, ValueExpressionsInterpolateAndAdd) {
  const VariableId count = *environment_.DeclareVariable("cgroup.count", {ScalarType::kInt, false});
  const VariableId key = *environment_.DeclareVariable("process.key", {ScalarType::kString, false});
  const VariableId list = *environment_.DeclareVariable("list", {ScalarType::kString, true});
  const BuiltinVariables builtins = DeclareBuiltinVariables(environment_);
  TestVariables variables;
  variables.Set(count, std::int64_t{4})
      .Set(key, std::string("k1"))
      .Set(list, std::vector<std::string>{"a", "b"})
      .Set(builtins.process_pid, std::int64_t{77})
      .Set(builtins.uuid4, std::string("1b4e28ba-2fa1-11d2-883f-0016d3cca427"));
  TestEvent event;
  event.Set("process.comm", std::string("curl"));
  struct Case {
    std::string_view text;
    OwnedValue expected;
  };
  const Case cases[] = {
      {"${cgroup.count} + 1", std::int64_t{5}},
      {"${cgroup.count} - 10", std::int64_t{-6}},
      {R"("${process.key}:${cgroup.count}")", std::string("k1:4")},
      {R"("/proc/${process.pid}/maps")", std::string("/proc/77/maps")},
      {R"("cgroup_${builtins.uuid4}")", std::string("cgroup_1b4e28ba-2fa1-11d2-883f-0016d3cca427")},
      {R"("${list}")", std::string("a,b")},
      {R"("%{process.comm}-x")", std::string("curl-x")},
      {"process.comm", std::string("curl")},
      {R"(process.comm == "curl")", true},
      {"${list}", std::vector<std::string>{"a", "b"}},
      {"1 | 6", std::int64_t{7}},
      {"10.0.0.1", *IpNetwork::Parse("10.0.0.1")},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    CompileResult result = CompileExpression(c.text, schema(), environment_);
    ASSERT_TRUE(result.program.has_value()) << result.diagnostics.RenderAll(c.text);
    EXPECT_EQ(result.program->result_type(), TypeOf(c.expected));
    EXPECT_EQ(EvaluateValue(*result.program, event, &variables), c.expected);
  }
}

TEST_F(CheckerTest, InterpolatedStringsAreNotStaticPatterns) {
  ASSERT_TRUE(environment_.DeclareVariable("v", {ScalarType::kString, false}).has_value());
  EXPECT_EQ(FirstError(R"(exec.comm =~ "${v}*")"),
            "non static pattern: the right side of '=~' must be a string, pattern or regular "
            "expression literal");
  TestVariables variables;
  variables.Set(environment_.FindVariable("v")->id, std::string("ls"));
  EXPECT_TRUE(Matches(R"(exec.comm == "${v}")", LsEvent(), &variables));
}

TEST_F(CheckerTest, FiltersNeedNoEventType) {
  CompileResult result =
      CompileFilter(R"(process.pid != 0 && event.origin == "ebpf")", schema(), environment_);
  ASSERT_TRUE(result.program.has_value());
  EXPECT_EQ(result.program->event_type(), "");
  TestEvent event;
  event.Set("process.pid", std::int64_t{5}).Set("event.origin", std::string("ebpf"));
  EXPECT_TRUE(Evaluate(*result.program, event));
}

TEST_F(CheckerTest, WarningsDoNotPreventAProgram) {
  CompileResult result = CompileRuleText(R"(exec.comm == "a" && exec.uid == 0 || exec.uid == 1)");
  ASSERT_TRUE(result.program.has_value());
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics.items()[0].severity, Diagnostic::Severity::kWarning);
  TestEvent event;
  event.Set("exec.comm", std::string("b")).Set("exec.uid", std::int64_t{1});
  // a && (b || c): false because the comm differs, unlike C precedence.
  EXPECT_FALSE(Evaluate(*result.program, event));
}

TEST(EditDistanceTest, CountsEditsWithACap) {
  EXPECT_EQ(checked::EditDistance("parnet", "parent", 5), 2u);
  EXPECT_EQ(checked::EditDistance("", "abc", 5), 3u);
  EXPECT_EQ(checked::EditDistance("abc", "abc", 5), 0u);
  EXPECT_EQ(checked::EditDistance("abcdefgh", "zzzzzzzz", 3), 4u);
}

TEST(RenderTest, MapsOffsetsIntoTheEnclosingFile) {
  const std::string_view text = "exec.comm == \"a\" &&\n  zzz == 1";
  Diagnostic diagnostic;
  diagnostic.span = {22, 25};
  diagnostic.message = "unknown field 'zzz'";
  // The expression is a YAML block scalar starting at line 41, column 7; its
  // continuation lines start at column 7 too.
  EXPECT_EQ(Render(diagnostic, text, "default.policy", ShiftedLocationMapper(text, {41, 7}, 7)),
            "default.policy:42:9: error: unknown field 'zzz'\n  zzz == 1\n  ^~~\n");
  EXPECT_EQ(LocateOffset(text, 22).line, 2u);
  EXPECT_EQ(LocateOffset(text, 22).column, 3u);
  EXPECT_EQ(LocateOffset(text, 9999).line, 2u);
}

TEST(RenderTest, WarningsAndClampedSpans) {
  Diagnostic diagnostic;
  diagnostic.severity = Diagnostic::Severity::kWarning;
  diagnostic.span = {3, 100};
  diagnostic.message = "m";
  diagnostic.hint = "h";
  EXPECT_EQ(Render(diagnostic, "abcdef", "o"), "o:1:4: warning: m\nabcdef\n   ^~~\nhint: h\n");
}

}  // namespace
}  // namespace picket::secl::testing
