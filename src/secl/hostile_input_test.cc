// Hostile input: whatever the text, compiling yields a program or
// diagnostics, in bounded time and memory, and never crashes.

#include <gtest/gtest.h>

#include <chrono>

#include "secl/test_util.h"

namespace picket::secl::testing {
namespace {

class HostileInputTest : public SeclTest {
 protected:
  // Compiles and checks the one invariant every input must keep.
  CompileResult CompileChecked(std::string_view text, const Limits& limits = {}) {
    CompileResult result = CompileRule(text, schema(), environment_, limits);
    EXPECT_EQ(result.program.has_value(), !result.diagnostics.HasErrors());
    // Rendering must cope with any span and any byte.
    for (const Diagnostic& diagnostic : result.diagnostics) {
      EXPECT_FALSE(Render(diagnostic, text, "rule").empty());
    }
    return result;
  }
};

TEST_F(HostileInputTest, OneMegabyteExpressionIsRejectedUpFront) {
  std::string text = R"(exec.comm == "a")";
  while (text.size() < 1'000'000) text += R"( || exec.comm == "a")";
  const auto start = std::chrono::steady_clock::now();
  CompileResult result = CompileChecked(text);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics.items()[0].message,
            "expression is too long (" + std::to_string(text.size()) + " bytes, limit 262144)");
}

TEST_F(HostileInputTest, OneMegabyteExpressionCompilesWhenAllowed) {
  std::string text = R"(exec.comm in ["x")";
  int members = 0;
  while (text.size() < 1'000'000) text += ", \"name" + std::to_string(members++) + "\"";
  text += "]";
  Limits limits;
  limits.max_text_bytes = 2 << 20;
  CompileResult result = CompileChecked(text, limits);
  ASSERT_TRUE(result.program.has_value());
  TestEvent event;
  event.Set("exec.comm", "name" + std::to_string(members - 1));
  EXPECT_TRUE(Evaluate(*result.program, event));
  event.Set("exec.comm", std::string("name"));
  EXPECT_FALSE(Evaluate(*result.program, event));
}

TEST_F(HostileInputTest, TenThousandDeepNesting) {
  for (std::string_view open : {"(", "!", "^", "-", "!("}) {
    std::string text;
    for (int i = 0; i < 10'000; ++i) text += open;
    text += "exec.uid";
    for (int i = 0; i < 10'000; ++i) text += std::string(open.find('(') != std::string::npos, ')');
    CompileResult result = CompileChecked(text);
    EXPECT_TRUE(result.diagnostics.HasErrors()) << open;
  }
  std::string chain = "exec.uid";
  for (int i = 0; i < 10'000; ++i) chain += " + 1";
  EXPECT_TRUE(CompileChecked(chain + " == 1").diagnostics.HasErrors());
  std::string bits = "exec.uid";
  for (int i = 0; i < 10'000; ++i) bits += " | 1";
  EXPECT_TRUE(CompileChecked(bits + " == 1").diagnostics.HasErrors());
  std::string compare = "exec.uid";
  for (int i = 0; i < 10'000; ++i) compare += " == exec.uid";
  EXPECT_TRUE(CompileChecked(compare).diagnostics.HasErrors());
}

TEST_F(HostileInputTest, DeepMacroChains) {
  // m0 uses m1 uses m2 ... each adding nesting; the checker bounds both the
  // macro depth and the total depth.
  for (int i = 0; i < 100; ++i) {
    const std::string body =
        i == 99 ? std::string(R"(exec.comm == "x")") : "(m" + std::to_string(i + 1) + ")";
    ASSERT_FALSE(environment_.AddMacro("m" + std::to_string(i), body).HasErrors());
  }
  EXPECT_EQ(FirstError("m0"), "in macro 'm31': macros are nested too deeply");
  EXPECT_EQ(Errors("m80"), "");
}

TEST_F(HostileInputTest, InvalidUtf8) {
  // Outside literals: a diagnostic. Inside a literal: just bytes.
  CompileResult outside = CompileChecked("exec.comm == \"a\" && \xc3\x28 == 1");
  ASSERT_TRUE(outside.diagnostics.HasErrors());
  EXPECT_EQ(outside.diagnostics.items()[0].message,
            "unexpected byte 0xc3 (SECL text is ASCII outside string literals)");
  CompileResult inside = CompileChecked("exec.comm == \"\xff\xfe\xc3\x28\"");
  ASSERT_TRUE(inside.program.has_value());
  TestEvent event;
  event.Set("exec.comm", std::string("\xff\xfe\xc3\x28"));
  EXPECT_TRUE(Evaluate(*inside.program, event));
  CompileChecked(std::string("exec.comm == \"a\0b\"", 18));
}

TEST_F(HostileInputTest, EveryPrefixOfARealRuleIsHandled) {
  const std::string rule =
      R"(exec.comm in ["nc", "curl"] && (exec.file.path =~ ~"/tmp/**" || )"
      R"(process.ancestors[A].file.path in [~"/dev/shm/**", r"^/home/.*$"]) && )"
      R"(connect.addr.ip not in [10.0.0.0/8, ::1/128] && ${undefined} == 1 && )"
      R"(container.created_at < 5m && !(exec.uid & O_CREAT > 0) # trailing comment)";
  for (std::size_t length = 0; length <= rule.size(); ++length) {
    CompileChecked(std::string_view(rule).substr(0, length));
  }
}

TEST_F(HostileInputTest, HugeRegexesAreRejectedByTheMemoryBudget) {
  Limits limits;
  limits.regex_max_memory_bytes = 64 * 1024;
  CompileResult result = CompileChecked(R"(exec.comm =~ r"(\w{1,100}){10}")", limits);
  ASSERT_TRUE(result.diagnostics.HasErrors());
  EXPECT_NE(result.diagnostics.items()[0].message.find("invalid regular expression"),
            std::string::npos);
}

TEST_F(HostileInputTest, ManyErrorsAreAllReportedOnce) {
  std::string text = "exec.comm == \"a\"";
  for (int i = 0; i < 50; ++i) text += " && nope" + std::to_string(i) + " == 1";
  CompileResult result = CompileChecked(text);
  EXPECT_EQ(result.diagnostics.error_count(), 50u);
}

}  // namespace
}  // namespace picket::secl::testing
