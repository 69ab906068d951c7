// src/secl/test_util.h
//
// Shared helpers for secl/ tests (header-only, test binaries only): compile
// against the TestSchema and a default Environment, render diagnostics as
// golden text, and the named events the truth tables refer to.

#ifndef PICKET_SECL_TEST_UTIL_H_
#define PICKET_SECL_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "secl/compiler.h"
#include "secl/testing_schema.h"

namespace picket::secl::testing {

inline constexpr std::int64_t kSecond = 1'000'000'000;
inline constexpr std::int64_t kNow = 1'700'000'000 * kSecond;

// `ls -la` run from bash, under sshd (uid 74), under systemd (uid 0).
inline TestEvent LsEvent() {
  TestEvent event;
  event.SetNow(kNow)
      .Set("exec.file.path", std::string("/usr/bin/ls"))
      .Set("exec.file.name", std::string("ls"))
      .Set("exec.comm", std::string("ls"))
      .Set("exec.argv", std::vector<std::string>{"-la"})
      .Set("exec.argv0", std::string("ls"))
      .Set("exec.args", std::string("-la"))
      .Set("exec.args_flags", std::vector<std::string>{"l", "a", "la"})
      .Set("exec.uid", std::int64_t{1000})
      .Set("exec.file.change_time", kNow - 3600 * kSecond)
      .Set("process.file.path", std::string("/usr/bin/ls"))
      .Set("process.file.name", std::string("ls"))
      .Set("process.comm", std::string("ls"))
      .Set("process.pid", std::int64_t{4242})
      .Set("process.uid", std::int64_t{1000})
      .Set("process.parent.file.name", std::string("bash"))
      .Set("process.parent.file.path", std::string("/bin/bash"))
      .AddAncestor({{"file.name", std::string("bash")},
                    {"file.path", std::string("/bin/bash")},
                    {"comm", std::string("bash")},
                    {"uid", std::int64_t{1000}},
                    {"argv", std::vector<std::string>{"-i"}}})
      .AddAncestor({{"file.name", std::string("sshd")},
                    {"file.path", std::string("/usr/sbin/sshd")},
                    {"comm", std::string("sshd")},
                    {"uid", std::int64_t{74}}})
      .AddAncestor({{"file.name", std::string("systemd")},
                    {"file.path", std::string("/usr/lib/systemd/systemd")},
                    {"comm", std::string("systemd")},
                    {"uid", std::int64_t{0}}});
  return event;
}

// `curl http://x` whose grandparent is a script under /tmp.
inline TestEvent CurlFromTmpEvent() {
  TestEvent event;
  event.SetNow(kNow)
      .Set("exec.file.path", std::string("/usr/bin/curl"))
      .Set("exec.file.name", std::string("curl"))
      .Set("exec.comm", std::string("curl"))
      .Set("exec.argv", std::vector<std::string>{"http://x"})
      .Set("exec.args", std::string("http://x"))
      .Set("process.comm", std::string("curl"))
      .AddAncestor({{"file.path", std::string("/usr/bin/bash")}, {"comm", std::string("bash")}})
      .AddAncestor(
          {{"file.path", std::string("/tmp/stage/run.sh")}, {"comm", std::string("run.sh")}})
      .AddAncestor({{"file.path", std::string("/usr/lib/systemd/systemd")},
                    {"comm", std::string("systemd")}});
  return event;
}

class SeclTest : public ::testing::Test {
 public:
  const TestSchema& schema() const { return SmallSchema(); }

  CompileResult CompileRuleText(std::string_view text) {
    return CompileRule(text, schema(), environment_);
  }

  // Compiles (must succeed) and evaluates.
  bool Matches(std::string_view text, const TestEvent& event,
               const TestVariables* variables = nullptr) {
    CompileResult result = CompileRuleText(text);
    EXPECT_TRUE(result.program.has_value()) << result.diagnostics.RenderAll(text);
    if (!result.program.has_value()) return false;
    return Evaluate(*result.program, event, variables);
  }

  // Rendered diagnostics ("" when it compiles without any).
  std::string Errors(std::string_view text) {
    CompileResult result = CompileRuleText(text);
    EXPECT_EQ(result.program.has_value(), !result.diagnostics.HasErrors());
    return result.diagnostics.RenderAll(text, "rule");
  }

  // First error message only.
  std::string FirstError(std::string_view text) {
    CompileResult result = CompileRuleText(text);
    for (const Diagnostic& diagnostic : result.diagnostics) {
      if (diagnostic.severity == Diagnostic::Severity::kError) return diagnostic.message;
    }
    return "";
  }

  Environment environment_;
};

}  // namespace picket::secl::testing

#endif  // PICKET_SECL_TEST_UTIL_H_
