// Evaluator truth tables: (rule, event, expected) over the named events of
// test_util.h.

#include <gtest/gtest.h>

#include <functional>

#include "secl/test_util.h"

namespace picket::secl::testing {
namespace {

struct TruthCase {
  std::string_view rule;
  bool expected;
};

// Over LsEvent().
constexpr TruthCase kLsCases[] = {
    // Scalar strings.
    {R"(exec.file.name == "ls")", true},
    {R"(exec.file.name == "LS")", false},
    {R"(exec.file.name != "ls")", false},
    {R"(exec.file.name != "cat")", true},
    {R"("ls" == exec.file.name)", true},
    {R"(exec.file.path == "/usr/bin/ls")", true},
    {R"(exec.file.path == ~"/usr/bin/*")", true},
    {R"(exec.file.path == ~"/usr/*")", false},
    {R"(exec.file.path =~ "/usr/**")", true},
    {R"(exec.file.path !~ "/usr/**")", false},
    {R"(exec.file.path =~ "/bin/**")", false},
    {R"(exec.file.name =~ "l*")", true},
    {R"(exec.file.name =~ r"^l.$")", true},
    {R"(exec.file.name =~ r"^l$")", false},
    {R"(exec.file.name == r"s")", true},
    {R"(exec.comm in ["ls", "cat"])", true},
    {R"(exec.comm in ["cat", "dog"])", false},
    {R"(exec.comm not in ["cat", "dog"])", true},
    {R"(exec.comm not in ["ls"])", false},
    {R"(exec.comm in [~"l*", "x"])", true},
    {R"(exec.comm in [r"^x", r"s$"])", true},
    {R"(exec.comm == process.comm)", true},
    {R"(exec.comm != process.comm)", false},
    {R"(exec.file.path == process.parent.file.path)", false},
    // Integers, arithmetic and bits.
    {R"(exec.uid == 1000)", true},
    {R"(exec.uid != 1000)", false},
    {R"(exec.uid > 999 && exec.uid < 1001)", true},
    {R"(exec.uid >= 1000 && exec.uid <= 1000)", true},
    {R"(1000 == exec.uid)", true},
    {R"(999 < exec.uid)", true},
    {R"(exec.uid & 8 > 0)", true},
    {R"(exec.uid & 1 > 0)", false},
    {R"(exec.uid | 1 == 1001)", true},
    {R"(exec.uid ^ 1000 == 0)", true},
    {R"(^exec.uid == -1001)", true},
    {R"(-exec.uid == -1000)", true},
    {R"(exec.uid + 1 == 1001)", true},
    {R"(exec.uid - 1000 - 1 == -1)", true},
    {R"(exec.uid in [1, 1000, 5])", true},
    {R"(exec.uid not in [1, 2])", true},
    {R"(exec.uid in [O_CREAT, O_RDWR])", false},
    {R"(exec.uid == process.uid)", true},
    // Booleans.
    {R"(exec.comm == "ls" && true)", true},
    {R"(exec.comm == "ls" && false)", false},
    {R"(exec.is_thread == false && exec.comm == "ls")", true},
    {R"(!exec.is_thread && exec.comm == "ls")", true},
    {R"(not exec.is_thread && exec.comm == "ls")", true},
    {R"(exec.file.in_upper_layer != false && exec.comm == "ls")", false},
    {R"(exec.comm == "ls" and exec.uid == 1000)", true},
    {R"(exec.comm == "x" or exec.uid == 1000)", true},
    {R"(exec.comm == "x" || exec.uid == 1)", false},
    {R"(!(exec.comm == "x") && exec.uid == 1000)", true},
    {R"(not (exec.comm == "ls") && exec.uid == 1000)", false},
    // Arrays.
    {R"(exec.argv == "-la")", true},
    {R"(exec.argv != "-la")", false},
    {R"(exec.argv != "-x")", true},
    {R"("-la" in exec.argv)", true},
    {R"("-x" in exec.argv)", false},
    {R"("-x" not in exec.argv)", true},
    {R"(exec.args_flags in ["l"])", true},
    {R"(exec.args_flags in ["z"])", false},
    {R"(exec.args_flags not in ["z"])", true},
    {R"(exec.args_flags allin ["a"])", true},
    {R"(exec.args_flags == "la")", true},
    {R"(exec.args_flags =~ "l*")", true},
    {R"(exec.args_flags !~ "z*")", true},
    {R"(exec.envs == "X=1")", false},
    {R"(exec.envs != "X=1")", true},
    {R"(exec.envs not in ["X=1"])", true},
    {R"(exec.argv[0] == "-la")", true},
    {R"(exec.argv[1] == "")", true},
    {R"(exec.argv.length == 1)", true},
    {R"(exec.args_flags.length == 3)", true},
    {R"(exec.file.path.length == 11)", true},
    {R"(exec.argv[0].length == 3)", true},
    // Ancestors: existential and independent per occurrence.
    {R"(exec.comm == "ls" && process.ancestors.file.name == "sshd")", true},
    {R"(exec.comm == "ls" && process.ancestors.file.name == "nginx")", false},
    {R"(exec.comm == "ls" && process.ancestors.file.name != "nginx")", true},
    {R"(exec.comm == "ls" && process.ancestors.file.name != "bash")", false},
    {R"(exec.comm == "ls" && process.ancestors.file.name in ["x", "systemd"])", true},
    {R"(exec.comm == "ls" && process.ancestors.file.name not in ["x", "systemd"])", false},
    {R"(exec.comm == "ls" && process.ancestors.file.path =~ "/usr/sbin/*")", true},
    {R"(exec.comm == "ls" && process.ancestors.uid == 0)", true},
    {R"(exec.comm == "ls" && process.ancestors.uid > 5000)", false},
    {R"(exec.comm == "ls" && process.ancestors.argv == "-i")", true},
    {R"(exec.comm == "ls" && process.ancestors.length == 3)", true},
    {R"(exec.comm == "ls" && process.ancestors.file.name.length == 4)", true},
    {R"(exec.comm == "ls" && process.ancestors.file.name[1] == "sshd")", true},
    {R"(exec.comm == "ls" && process.ancestors.file.name[7] == "")", true},
    {R"(exec.comm == "ls" && process.ancestors.file.name == "sshd" && process.ancestors.uid == 0)",
     true},
    {R"(exec.comm == "ls" && process.ancestors[A].file.name == "sshd" && process.ancestors[A].uid == 0)",
     false},
    {R"(exec.comm == "ls" && process.ancestors[A].file.name == "sshd" && process.ancestors[A].uid == 74)",
     true},
    {R"(exec.comm == "ls" && process.ancestors[A].file.name != "sshd")", true},
    {R"(exec.comm == "ls" && process.ancestors[A].file.name.length == 7 && process.ancestors[A].uid == 0)",
     true},
    {R"(exec.comm == "ls" && process.ancestors[A].file.name.length == 4 && process.ancestors[A].uid == 0)",
     false},
    {R"(exec.comm == "ls" && process.ancestors[A].file.name in ["bash"] && process.ancestors[A].argv in ["-i"])",
     true},
    {R"(exec.comm == "ls" && process.ancestors[A].file.name in ["sshd"] && process.ancestors[A].argv in ["-i"])",
     false},
    // Durations (age semantics).
    {R"(exec.file.change_time > 30m)", true},
    {R"(exec.file.change_time < 30m)", false},
    {R"(exec.file.change_time < 2h)", true},
    {R"(exec.file.change_time >= 3600s)", true},
    {R"(exec.file.change_time == 1h)", true},
    {R"(exec.comm == "ls" && container.created_at > 1m)", true},
    {R"(exec.comm == "ls" && container.created_at < 1s)", false},
    // Missing data reads as zero values.
    {R"(exec.comm == "ls" && container.id == "")", true},
    {R"(exec.comm == "ls" && container.tags != "x")", true},
    {R"(exec.comm == "ls" && process.parent.pid == 0)", true},
    // Constants and bit masks.
    {R"(exec.uid & (S_IRWXU | S_IRWXG) == 1000 & 0770)", false},
    {R"(exec.cap_permitted & CAP_SYS_ADMIN > 0)", false},
    {R"(exec.comm == "ls" && true && !false)", true},
};

class EvaluatorTruthTest : public SeclTest {};

TEST_F(EvaluatorTruthTest, LsEvent) {
  const TestEvent event = LsEvent();
  for (const TruthCase& c : kLsCases) {
    SCOPED_TRACE(c.rule);
    EXPECT_EQ(Matches(c.rule, event), c.expected);
  }
}

constexpr TruthCase kCurlCases[] = {
    {R"(exec.comm in ["nc", "curl", "wget"] && (exec.file.path =~ ~"/tmp/**" || process.ancestors.file.path in [~"/tmp/**", ~"/dev/shm/**", ~"/home/**"]))",
     true},
    {R"(exec.comm in ["nc", "wget"] && process.ancestors.file.path in [~"/tmp/**"])", false},
    {R"(exec.comm == "curl" && process.ancestors.file.path in [~"/tmp/*"])", false},
    {R"(exec.comm == "curl" && process.ancestors.file.path in [~"/tmp/*/*"])", true},
    {R"(exec.comm == "curl" && process.ancestors.file.path in [~"/tmp/**/*.sh"])", true},
    {R"(exec.comm == "curl" && process.ancestors.file.path in [~"/tmp.x/**"])", false},
    {R"(exec.comm == "curl" && process.ancestors.comm in [~"*.sh"])", true},
    {R"(exec.comm == "curl" && process.ancestors.file.path in [~"*.sh"])", false},
    {R"(exec.comm == "curl" && exec.args !~ "*localhost*")", true},
    {R"(exec.comm == "curl" && exec.argv in [~"http://*"])", true},
    {R"(exec.comm == "curl" && process.ancestors[A].file.path =~ "/tmp/**" && process.ancestors[A].comm == "run.sh")",
     true},
    {R"(exec.comm == "curl" && process.ancestors[A].file.path =~ "/tmp/**" && process.ancestors[A].comm == "bash")",
     false},
};

TEST_F(EvaluatorTruthTest, CurlFromTmpEvent) {
  const TestEvent event = CurlFromTmpEvent();
  for (const TruthCase& c : kCurlCases) {
    SCOPED_TRACE(c.rule);
    EXPECT_EQ(Matches(c.rule, event), c.expected);
  }
}

TEST_F(EvaluatorTruthTest, EmptyEventReadsZeroValues) {
  const TestEvent event;
  const TruthCase cases[] = {
      {R"(exec.comm == "")", true},
      {R"(exec.argv != "x")", true},
      {R"(exec.argv == "x")", false},
      {R"(exec.uid == 0)", true},
      {R"(exec.comm == "" && process.ancestors.file.name != "bash")", true},
      {R"(exec.comm == "" && process.ancestors.file.name == "bash")", false},
      {R"(exec.comm == "" && process.ancestors[A].file.name != "bash")", false},
      {R"(exec.comm == "" && process.ancestors.length == 0)", true},
  };
  for (const TruthCase& c : cases) {
    SCOPED_TRACE(c.rule);
    EXPECT_EQ(Matches(c.rule, event), c.expected);
  }
}

}  // namespace
}  // namespace picket::secl::testing
