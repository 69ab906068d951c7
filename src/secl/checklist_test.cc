// Spec §20 compatibility checklist, items 1-45 (the language part), one test
// per item, named after its number. Items 46+ belong to policy/ and engine/.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>

#include "secl/ast.h"
#include "secl/lexer.h"
#include "secl/parser.h"
#include "secl/test_util.h"

namespace picket::secl::testing {
namespace {

std::string Tree(std::string_view text) {
  Diagnostics diagnostics;
  std::unique_ptr<ast::Node> tree = ParseText(text, 256, diagnostics);
  return tree == nullptr ? "<error: " + diagnostics.RenderAll(text) + ">" : ast::DebugString(*tree);
}

class Checklist : public SeclTest {
 protected:
  bool FilterMatches(std::string_view text, const TestEvent& event) {
    CompileResult result = CompileFilter(text, schema(), environment_);
    EXPECT_TRUE(result.program.has_value()) << result.diagnostics.RenderAll(text);
    return result.program.has_value() && Evaluate(*result.program, event);
  }
};

TEST_F(Checklist, Checklist01_SpacesAroundOperatorsDoNotMatter) {
  EXPECT_EQ(Tree(R"(exec.file.name == "x")"), Tree(R"(exec.file.name=="x")"));
  EXPECT_EQ(Tree(R"(process.parent.ppid !=2)"), "(!= process.parent.ppid 2)");
  EXPECT_EQ(Errors(R"(exec.comm == "x" && process.parent.ppid !=2)"), "");
}

TEST_F(Checklist, Checklist02_BitAndBindsTighterThanComparison) {
  EXPECT_EQ(Tree("open.flags & O_CREAT > 0"), "(> (& open.flags O_CREAT) 0)");
  TestEvent event;
  event.Set("open.flags", std::int64_t{0x41});
  EXPECT_TRUE(Matches("open.flags & O_CREAT > 0", event));
  event.Set("open.flags", std::int64_t{0x1});
  EXPECT_FALSE(Matches("open.flags & O_CREAT > 0", event));
}

TEST_F(Checklist, Checklist03_AndOrShareOnePrecedenceLevelGroupingRight) {
  const TestEvent event;
  EXPECT_TRUE(FilterMatches("true && false || true", event));
  EXPECT_FALSE(FilterMatches("false && true || true", event));
  EXPECT_TRUE(FilterMatches("true || false && false", event));
}

TEST_F(Checklist, Checklist04_NotBindsToTheNextOperand) {
  EXPECT_EQ(Errors(R"(!(exec.file.name == "a"))"), "");
  EXPECT_EQ(Errors(R"(!exec.file.name == "a")"),
            R"(rule:1:1: error: operator '!' needs an operand of type bool, found string
!exec.file.name == "a"
^~~~~~~~~~~~~~~
)");
}

TEST_F(Checklist, Checklist05_NoEscapeProcessingInStrings) {
  Diagnostics diagnostics;
  std::vector<Token> tokens = Lex(R"("a\"b")", diagnostics);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kString);
  EXPECT_EQ(tokens[0].text, R"(a\"b)");
  EXPECT_EQ(tokens[0].text.size(), 4u);
}

TEST_F(Checklist, Checklist06_RegexKeepsBackslashes) {
  TestEvent event;
  event.Set("exec.comm", std::string("[kworker/0:1]"));
  EXPECT_TRUE(Matches(R"(exec.comm =~ r"^\[.*\]$")", event));
  event.Set("exec.comm", std::string("kworker"));
  EXPECT_FALSE(Matches(R"(exec.comm =~ r"^\[.*\]$")", event));
}

TEST_F(Checklist, Checklist07_Durations) {
  struct Case {
    std::string_view text;
    std::int64_t nanoseconds;
  };
  for (const Case& c : {Case{"30s", 30'000'000'000}, Case{"1m", 60'000'000'000},
                        Case{"120s", 120'000'000'000}, Case{"250ms", 250'000'000}}) {
    Diagnostics diagnostics;
    std::vector<Token> tokens = Lex(c.text, diagnostics);
    ASSERT_EQ(tokens.size(), 2u) << c.text;
    EXPECT_EQ(tokens[0].kind, TokenKind::kDuration) << c.text;
    EXPECT_EQ(tokens[0].int_value, c.nanoseconds) << c.text;
  }
  Diagnostics diagnostics;
  Lex("1d", diagnostics);
  EXPECT_TRUE(diagnostics.HasErrors());
}

TEST_F(Checklist, Checklist08_CidrLists) {
  constexpr std::string_view kRule =
      "connect.addr.ip not in [127.0.0.0/8, 0.0.0.0/32, ::1/128, ::/128]";
  EXPECT_EQ(Errors(kRule), "");
  TestEvent event;
  event.Set("connect.addr.ip", *IpNetwork::Parse("::1"));
  EXPECT_FALSE(Matches(kRule, event));
  event.Set("connect.addr.ip", *IpNetwork::Parse("127.1.2.3"));
  EXPECT_FALSE(Matches(kRule, event));
  event.Set("connect.addr.ip", *IpNetwork::Parse("8.8.8.8"));
  EXPECT_TRUE(Matches(kRule, event));
  event.Set("connect.addr.ip", *IpNetwork::Parse("::2"));
  EXPECT_TRUE(Matches(kRule, event));
  EXPECT_TRUE(IpNetwork::Parse("::1/128")->Contains(*IpNetwork::Parse("::1")));
}

TEST_F(Checklist, Checklist09_MultiLineExpressionsWithLfAndCrLf) {
  const TestEvent event = LsEvent();
  EXPECT_TRUE(Matches("exec.comm == \"ls\"\n  && exec.uid == 1000\n", event));
  EXPECT_TRUE(Matches("exec.comm == \"ls\"\r\n  && exec.uid == 1000\r\n", event));
}

TEST_F(Checklist, Checklist10_RegisterIsPartOfOneIdentifier) {
  Diagnostics diagnostics;
  std::vector<Token> tokens = Lex("process.ancestors[A].comm", diagnostics);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kIdent);
  EXPECT_EQ(tokens[0].text, "process.ancestors[A].comm");
  CompileResult result = CompileRuleText(R"(exec.comm == "x" && process.ancestors[A].comm == "y")");
  ASSERT_TRUE(result.program.has_value());
  EXPECT_TRUE(result.program->uses_register());
}

TEST_F(Checklist, Checklist11_SignedIntAbsorbsThePlus) {
  ASSERT_TRUE(environment_.DeclareVariable("x", {ScalarType::kInt, false}).has_value());
  CompileResult glued = CompileExpression("${x}+1", schema(), environment_);
  EXPECT_FALSE(glued.program.has_value());
  CompileResult spaced = CompileExpression("${x} + 1", schema(), environment_);
  ASSERT_TRUE(spaced.program.has_value());
  TestVariables variables;
  variables.Set(environment_.FindVariable("x")->id, std::int64_t{41});
  EXPECT_EQ(EvaluateValue(*spaced.program, TestEvent(), &variables), OwnedValue(std::int64_t{42}));
}

TEST_F(Checklist, Checklist12_EveryDefaultPolicyExpressionParses) {
  const char* source_dir = std::getenv("PICKET_SOURCE_DIR");
  std::filesystem::path path = std::filesystem::path(source_dir != nullptr ? source_dir : ".") /
                               "../shared/data/datadog/default.policy";
  if (!std::filesystem::exists(path)) path = "/work/shared/data/datadog/default.policy";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "default.policy not available";
  YAML::Node policy = YAML::LoadFile(path.string());
  int rules = 0;
  int macros = 0;
  for (const YAML::Node& macro : policy["macros"]) {
    const std::string text = macro["expression"].as<std::string>();
    Diagnostics diagnostics;
    std::vector<Token> tokens = Lex(text, diagnostics);
    EXPECT_NE(ParseMacroBody(tokens, 256, diagnostics), nullptr)
        << macro["id"].as<std::string>() << "\n"
        << diagnostics.RenderAll(text);
    ++macros;
  }
  for (const YAML::Node& rule : policy["rules"]) {
    const std::string text = rule["expression"].as<std::string>();
    Diagnostics diagnostics;
    EXPECT_NE(ParseText(text, 256, diagnostics), nullptr) << rule["id"].as<std::string>() << "\n"
                                                          << diagnostics.RenderAll(text);
    EXPECT_FALSE(diagnostics.HasErrors());
    ++rules;
  }
  EXPECT_EQ(rules, 319);
  EXPECT_EQ(macros, 50);
}

TEST_F(Checklist, Checklist13_StringComparedWithIntIsACompileError) {
  EXPECT_EQ(Errors(R"(exec.file.name == 1)"),
            R"(rule:1:1: error: cannot compare string and int with '=='
exec.file.name == 1
^~~~~~~~~~~~~~~~~~~
)");
}

TEST_F(Checklist, Checklist14_NonStaticPattern) {
  EXPECT_EQ(
      Errors(R"(exec.file.name =~ process.comm)"),
      R"(rule:1:19: error: non static pattern: the right side of '=~' must be a string, pattern or regular expression literal
exec.file.name =~ process.comm
                  ^~~~~~~~~~~~
)");
}

TEST_F(Checklist, Checklist15_RuleWithoutEventType) {
  EXPECT_EQ(Errors(R"(process.file.name == "bash")"),
            R"(rule:1:1: error: no event in the rule definition
process.file.name == "bash"
^~~~~~~~~~~~~~~~~~~~~~~~~~~
hint: a rule needs at least one event-specific field such as exec.file.path
)");
}

TEST_F(Checklist, Checklist16_RuleWithMultipleEventTypes) {
  EXPECT_EQ(Errors(R"(open.file.path == "/a" && exec.file.path == "/b")"),
            R"(rule:1:1: error: rule with multiple events is not supported
open.file.path == "/a" && exec.file.path == "/b"
^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
hint: the rule uses fields of the event types 'exec', 'open'
)");
}

TEST_F(Checklist, Checklist17_UndefinedVariableUntilDeclared) {
  constexpr std::string_view kRule = R"(exec.comm == "x" && ${undefined_var} == "y")";
  EXPECT_EQ(FirstError(kRule), "unknown variable '${undefined_var}'");
  ASSERT_TRUE(
      environment_.DeclareVariable("undefined_var", {ScalarType::kString, false}).has_value());
  EXPECT_EQ(Errors(kRule), "");
}

TEST_F(Checklist, Checklist18_DoubleStarRules) {
  EXPECT_EQ(
      Errors(R"(open.file.path =~ ~"/a/**/b/**")"),
      R"(rule:1:19: error: invalid path pattern ~"/a/**/b/**": `**` is allowed only once in a path pattern
open.file.path =~ ~"/a/**/b/**"
                  ^~~~~~~~~~~~~
)");
  EXPECT_EQ(Errors(R"(exec.comm =~ ~"a**")"),
            R"(rule:1:14: error: invalid pattern ~"a**": `**` is not allowed in patterns
exec.comm =~ ~"a**"
             ^~~~~~
)");
}

TEST_F(Checklist, Checklist19_DurationWithNotEqualIsRejected) {
  EXPECT_EQ(FirstError(R"(exec.comm == "x" && container.created_at != 10s)"),
            "a duration can only be compared with <, <=, >, >= or ==");
}

struct PathCase {
  std::string_view rule;
  std::string_view path;
  bool expected;
};

void ExpectPathCases(SeclTest& test, std::string_view field, std::initializer_list<PathCase> cases,
                     bool (SeclTest::*matches)(std::string_view, const TestEvent&,
                                               const TestVariables*)) {
  for (const PathCase& c : cases) {
    SCOPED_TRACE(std::string(c.rule) + " on " + std::string(c.path));
    TestEvent event;
    event.Set(field, std::string(c.path));
    EXPECT_EQ((test.*matches)(c.rule, event, nullptr), c.expected);
  }
}

TEST_F(Checklist, Checklist20_TrailingDoubleStar) {
  ExpectPathCases(*this, "open.file.path",
                  {{R"(open.file.path =~ "/tmp/**")", "/tmp/a/b", true},
                   {R"(open.file.path =~ "/tmp/**")", "/tmp/", true},
                   {R"(open.file.path =~ "/tmp/**")", "/tmp", false}},
                  &SeclTest::Matches);
}

TEST_F(Checklist, Checklist21_StarStopsAtSlashOnlyForPaths) {
  ExpectPathCases(*this, "open.file.path", {{R"(open.file.path =~ "/tmp/*")", "/tmp/a/b", false}},
                  &SeclTest::Matches);
  ExpectPathCases(*this, "exec.args", {{R"(exec.args =~ "/tmp/*")", "/tmp/a/b", true}},
                  &SeclTest::Matches);
}

TEST_F(Checklist, Checklist22_LeadingStarSlash) {
  ExpectPathCases(*this, "open.file.path",
                  {{R"(open.file.path in [~"*/bin/*"])", "/usr/bin/ls", true},
                   {R"(open.file.path in [~"*/bin/*"])", "/bin/ls", false},
                   {R"(open.file.path in [~"*/bin/*"])", "/usr/local/bin/ls", false}},
                  &SeclTest::Matches);
}

TEST_F(Checklist, Checklist23_DoubleStarInTheMiddle) {
  constexpr std::string_view kRule =
      R"(open.file.path =~ ~"/var/run/secrets/kubernetes.io/serviceaccount/**/token")";
  ExpectPathCases(*this, "open.file.path",
                  {{kRule, "/var/run/secrets/kubernetes.io/serviceaccount/token", true},
                   {kRule, "/var/run/secrets/kubernetes.io/serviceaccount/x/y/token", true},
                   {kRule, "/var/run/secrets/kubernetes.io/serviceaccount/x/tokenx", false}},
                  &SeclTest::Matches);
}

TEST_F(Checklist, Checklist24_DotStarIsNotARegex) {
  ExpectPathCases(*this, "open.file.name",
                  {{R"(open.file.name in [~".*"])", ".bashrc", true},
                   {R"(open.file.name in [~".*"])", "a.b", false},
                   {R"(open.file.name in [~".*"])", "bashrc", false}},
                  &SeclTest::Matches);
}

TEST_F(Checklist, Checklist25_NoBacktrackingQuirk) {
  ExpectPathCases(*this, "exec.comm",
                  {{R"(exec.comm =~ ~"*a")", "aXa", false},
                   {R"(exec.comm =~ ~"*a")", "Xa", true},
                   {R"(exec.comm =~ ~"*.so")", "x.so.so", false},
                   {R"(exec.comm =~ ~"*.so")", "x.so", true}},
                  &SeclTest::Matches);
}

TEST_F(Checklist, Checklist26_StarInAPlainStringIsLiteral) {
  ExpectPathCases(
      *this, "exec.file.name",
      {{R"(exec.file.name == "*")", "*", true}, {R"(exec.file.name == "*")", "ls", false}},
      &SeclTest::Matches);
}

TEST_F(Checklist, Checklist27_CaseInsensitiveFields) {
  ExpectPathCases(*this, "dns.question.name",
                  {{R"(dns.question.name == "EXAMPLE.com")", "example.COM", true},
                   {R"(dns.question.name =~ "*.COM")", "example.com", true},
                   {R"(dns.question.name in ["x", "Example.Com"])", "EXAMPLE.COM", true}},
                  &SeclTest::Matches);
  ExpectPathCases(*this, "exec.file.name", {{R"(exec.file.name == "LS")", "ls", false}},
                  &SeclTest::Matches);
}

TEST_F(Checklist, Checklist28_RegexIsUnanchoredAndHonoursFlags) {
  ExpectPathCases(*this, "process.args",
                  {{R"(exec.comm == "" && process.args in [r"(?i)ransom"])", "RANSOM note", true},
                   {R"(exec.comm == "" && process.args in [r"ransom"])", "RANSOM note", false},
                   {R"(exec.comm == "" && process.args in [r"^note"])", "RANSOM note", false}},
                  &SeclTest::Matches);
}

TEST_F(Checklist, Checklist29_PlainStringOnMatchIsAPattern) {
  ExpectPathCases(*this, "process.parent.file.name",
                  {{R"(exec.comm == "" && process.parent.file.name =~ "php*")", "php-fpm7.4", true},
                   {R"(exec.comm == "" && process.parent.file.name =~ "php*")", "xphp", false}},
                  &SeclTest::Matches);
}

TEST_F(Checklist, Checklist30_ArgsFlagsAndOptions) {
  TestEvent event;
  event.Set("exec.args_flags", std::vector<std::string>{"l", "a", "la"})
      .Set("exec.args_options", std::vector<std::string>{"T=8"});
  EXPECT_TRUE(Matches(R"(exec.args_flags in ["l"])", event));
  EXPECT_TRUE(Matches(R"(exec.args_options in ["T=8"])", event));
  EXPECT_FALSE(Matches(R"(exec.args_flags in ["x"])", event));
}

TEST_F(Checklist, Checklist31_ArrayEqualityIsExistential) {
  TestEvent with;
  with.Set("exec.argv", std::vector<std::string>{"bash", "-c", "id"});
  TestEvent without;
  without.Set("exec.argv", std::vector<std::string>{"bash", "-x"});
  EXPECT_TRUE(Matches(R"(exec.argv == "-c")", with));
  EXPECT_FALSE(Matches(R"(exec.argv != "-c")", with));
  EXPECT_FALSE(Matches(R"(exec.argv == "-c")", without));
  EXPECT_TRUE(Matches(R"(exec.argv != "-c")", without));
}

TEST_F(Checklist, Checklist32_StringInArrayField) {
  TestEvent event;
  event.Set("exec.argv", std::vector<std::string>{"python", "KubiScan.py"});
  EXPECT_TRUE(Matches(R"("KubiScan.py" in exec.argv)", event));
  event.Set("exec.argv", std::vector<std::string>{"python", "KubiScan.pyc"});
  EXPECT_FALSE(Matches(R"("KubiScan.py" in exec.argv)", event));
}

TestEvent SshdTree(std::int64_t sshd_uid) {
  TestEvent event;
  event.Set("exec.comm", std::string("id"))
      .AddAncestor({{"file.name", std::string("bash")}, {"uid", std::int64_t{1000}}})
      .AddAncestor({{"file.name", std::string("sshd")}, {"uid", sshd_uid}})
      .AddAncestor({{"file.name", std::string("init")}, {"uid", std::int64_t{0}}});
  return event;
}

TEST_F(Checklist, Checklist33_UnboundAncestorTermsAreIndependent) {
  EXPECT_TRUE(Matches(
      R"(exec.comm == "id" && process.ancestors.file.name == "sshd" && process.ancestors.uid == 0)",
      SshdTree(74)));
}

TEST_F(Checklist, Checklist34_BoundRegisterCorrelatesOneAncestor) {
  constexpr std::string_view kRule =
      R"(exec.comm == "id" && process.ancestors[A].file.name == "sshd" && process.ancestors[A].uid == 0)";
  EXPECT_FALSE(Matches(kRule, SshdTree(74)));
  EXPECT_TRUE(Matches(kRule, SshdTree(0)));
}

TEST_F(Checklist, Checklist35_NotEqualOnAncestorsMeansNone) {
  TestEvent empty;
  EXPECT_TRUE(Matches(R"(exec.comm == "" && process.ancestors.file.name != "bash")", empty));
  EXPECT_FALSE(
      Matches(R"(exec.comm == "id" && process.ancestors.file.name != "bash")", SshdTree(74)));
  EXPECT_TRUE(
      Matches(R"(exec.comm == "id" && process.ancestors.file.name != "zsh")", SshdTree(74)));
}

TEST_F(Checklist, Checklist36_RegisterRules) {
  EXPECT_EQ(
      FirstError(
          R"(exec.comm == "x" && process.ancestors[A].comm == "a" && process.ancestors[B].comm == "b")"),
      "only one register per rule is supported; found 'A' and 'B'");
  EXPECT_EQ(Errors(R"(exec.comm == "x" && process.ancestors[_].comm == "a")"),
            R"(rule:1:21: error: register name '_' is not allowed
exec.comm == "x" && process.ancestors[_].comm == "a"
                    ^~~~~~~~~~~~~~~~~~~~~~~~~
hint: use a name such as A
)");
}

TEST_F(Checklist, Checklist37_RegisterIterationStopsAfter100) {
  auto chain = [](int git_at) {
    TestEvent event;
    event.Set("exec.comm", std::string("sh"));
    for (int i = 0; i < 150; ++i) {
      event.AddAncestor({{"comm", std::string(i == git_at ? "git" : "bash")}});
    }
    return event;
  };
  constexpr std::string_view kRule = R"(exec.comm == "sh" && process.ancestors[A].comm == "git")";
  EXPECT_TRUE(Matches(kRule, chain(99)));
  EXPECT_FALSE(Matches(kRule, chain(100)));
  // Unbound iteration is not limited.
  EXPECT_TRUE(Matches(R"(exec.comm == "sh" && process.ancestors.comm == "git")", chain(120)));
}

TEST_F(Checklist, Checklist38_AllinIsInForStrings) {
  TestEvent event;
  event.Set("exec.argv", std::vector<std::string>{"-l", "-a"});
  EXPECT_TRUE(Matches(R"(exec.argv allin ["-l"])", event));
  EXPECT_TRUE(Matches(R"(exec.argv in ["-l"])", event));
}

TEST_F(Checklist, Checklist39_AllinOnIpArrays) {
  auto ips = [](std::initializer_list<std::string_view> texts) {
    std::vector<IpNetwork> values;
    for (std::string_view text : texts) values.push_back(*IpNetwork::Parse(text));
    return values;
  };
  TestEvent inside;
  inside.Set("packet.destination.ips", ips({"10.1.2.3", "10.9.9.9"}));
  TestEvent mixed;
  mixed.Set("packet.destination.ips", ips({"10.1.2.3", "192.168.1.1"}));
  EXPECT_TRUE(Matches("packet.destination.ips allin 10.0.0.0/8", inside));
  EXPECT_FALSE(Matches("packet.destination.ips allin 10.0.0.0/8", mixed));
  EXPECT_TRUE(Matches("packet.destination.ips in 10.0.0.0/8", mixed));
  EXPECT_TRUE(Matches("packet.destination.ips not in [172.16.0.0/12]", mixed));
}

TEST_F(Checklist, Checklist40_IntConstantInIntArrayField) {
  TestEvent event;
  event.Set("bpf.prog.helpers", std::vector<std::int64_t>{1, 58, 6});
  EXPECT_TRUE(Matches("BPF_OVERRIDE_RETURN in bpf.prog.helpers", event));
  EXPECT_FALSE(Matches("BPF_SEND_SIGNAL in bpf.prog.helpers", event));
  EXPECT_TRUE(Matches("BPF_SEND_SIGNAL not in bpf.prog.helpers", event));
}

TEST_F(Checklist, Checklist41_DurationIsAge) {
  TestEvent young;
  young.SetNow(kNow)
      .Set("exec.comm", std::string("x"))
      .Set("container.created_at", kNow - kSecond / 2);
  TestEvent old;
  old.SetNow(kNow)
      .Set("exec.comm", std::string("x"))
      .Set("container.created_at", kNow - 5 * kSecond);
  constexpr std::string_view kRule = R"(exec.comm == "x" && container.created_at < 1s)";
  EXPECT_TRUE(Matches(kRule, young));
  EXPECT_FALSE(Matches(kRule, old));
}

TEST_F(Checklist, Checklist42_ZeroTimestampIsVeryOld) {
  TestEvent event;
  event.SetNow(kNow).Set("exec.comm", std::string("x"));
  EXPECT_TRUE(Matches(R"(exec.comm == "x" && container.created_at > 1m)", event));
  EXPECT_FALSE(Matches(R"(exec.comm == "x" && container.created_at < 1s)", event));
}

TEST_F(Checklist, Checklist43_NowIsReadOncePerEvaluation) {
  TestEvent event;
  event.SetNow(kNow)
      .Set("exec.file.change_time", kNow - 10 * kSecond)
      .Set("container.created_at", kNow - 10 * kSecond);
  CompileResult result = CompileRuleText(
      "exec.file.change_time < 30s && container.created_at < 30s && "
      "exec.file.change_time > 5s");
  ASSERT_TRUE(result.program.has_value());
  EXPECT_TRUE(Evaluate(*result.program, event));
  EXPECT_EQ(event.now_calls(), 1);
}

TEST_F(Checklist, Checklist44_ListMacroIsTypedPerUseSite) {
  ASSERT_FALSE(environment_.AddMacro("suspicious", R"(["bash", ~"/tmp/*", ~"*.sh"])").HasErrors());
  constexpr std::string_view kPathRule = "exec.file.path in suspicious";
  constexpr std::string_view kNameRule = "exec.file.name in suspicious";
  ExpectPathCases(*this, "exec.file.path",
                  {{kPathRule, "/tmp/x", true},
                   {kPathRule, "/tmp/a/b", false},     // glob: * stops at /
                   {kPathRule, "/opt/run.sh", false},  // relative glob never matches
                   {kPathRule, "bash", true}},
                  &SeclTest::Matches);
  ExpectPathCases(*this, "exec.file.name",
                  {{kNameRule, "/tmp/a/b", true},  // pattern: * crosses /
                   {kNameRule, "run.sh", true},
                   {kNameRule, "bash", true},
                   {kNameRule, "zsh", false}},
                  &SeclTest::Matches);
}

TEST_F(Checklist, Checklist45_ExpressionMacroOfFlags) {
  ASSERT_FALSE(environment_.AddMacro("OPEN_WRITE_FLAGS", "O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND")
                   .HasErrors());
  constexpr std::string_view kRule = "open.flags & (OPEN_WRITE_FLAGS) > 0";
  TestEvent event;
  event.Set("open.flags", std::int64_t{0});  // O_RDONLY
  EXPECT_FALSE(Matches(kRule, event));
  event.Set("open.flags", std::int64_t{01 | 0100000});
  EXPECT_TRUE(Matches(kRule, event));
  event.Set("open.flags", std::int64_t{02000});
  EXPECT_TRUE(Matches(kRule, event));
  EXPECT_TRUE(Matches("open.flags & OPEN_WRITE_FLAGS > 0", event));
}

}  // namespace
}  // namespace picket::secl::testing
