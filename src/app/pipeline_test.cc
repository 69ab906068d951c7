// Pipeline: events through the tree and the shipped policy to signals; the
// lost-records gap each signal reports.

#include "app/pipeline.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/embedded_policy.h"
#include "engine/rule_set.h"
#include "policy/loader.h"

namespace picket::app {
namespace {

std::shared_ptr<const engine::RuleSet> ShippedPolicy() {
  auto compiled = std::make_shared<policy::CompiledPolicy>(policy::LoadPolicies(
      {{.path = std::string(kEmbeddedPolicyName), .text = std::string(EmbeddedDefaultPolicy())}},
      {}));
  return engine::BuildRuleSet(compiled, fields::FieldCatalogue::Default());
}

constexpr events::ProcessKey kScript{.pid = 10, .start_time_ns = 5};

std::uint64_t SecondsToNs(std::uint64_t t) {
  return 1'700'000'000'000'000'000ULL + t * 1'000'000'000ULL;
}

// `parent` forks `child` at `ns`, and the child execs `path` 1 µs later.
void ForkAndExec(Pipeline& pipeline, events::ProcessKey parent, events::ProcessKey child,
                 std::uint64_t ns, const std::string& path, std::vector<std::string> argv) {
  pipeline.Process(events::ForkEvent{.timestamp_ns = ns, .child = child, .parent = parent});
  events::ExecEvent exec;
  exec.timestamp_ns = ns + 1000;
  exec.process = child;
  exec.parent = parent;
  exec.tid = child.pid;
  exec.comm = path.substr(path.rfind('/') + 1);
  exec.filename = exec.file.path = path;
  exec.argv = std::move(argv);
  exec.cgroup_path = "/user.slice";
  pipeline.Process(exec);
}

// A /tmp script (pid 10), or `script`, forks and execs curl as `pid`, at `t`
// seconds.
void RunCurlFromTmpScript(Pipeline& pipeline, std::uint32_t pid, std::uint64_t t,
                          events::ProcessKey script = kScript) {
  const std::uint64_t ns = SecondsToNs(t);
  const events::ProcessKey child{.pid = pid, .start_time_ns = ns};
  ForkAndExec(pipeline, script, child, ns, "/usr/bin/curl",
              {"curl", "-s", "http://updates.example.internal/x"});
  pipeline.Process(events::ExitEvent{.timestamp_ns = ns + 2000, .process = child});
}

// A pipeline with the shipped policy, the /tmp script of RunCurlFromTmpScript
// seeded, and every signal collected.
class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest()
      : pipeline_({}, ShippedPolicy(), nullptr,
                  [this](const signals::Signal& s) { signals_.push_back(s); }) {
    auto script = std::make_shared<proc::Process>();
    script->key = kScript;
    script->comm = "dropper.sh";
    script->file.path = "/tmp/dropper.sh";
    script->interpreter.path = "/usr/bin/dash";
    script->argv = {"/bin/sh", "/tmp/dropper.sh"};
    script->is_exec = true;
    pipeline_.Seed({script});
  }

  std::uint64_t LostGap(std::size_t signal) const {
    return signals_.at(signal).document["gaps"]["lost_records_since_previous"];
  }

  std::vector<signals::Signal> signals_;
  Pipeline pipeline_;
};

TEST_F(PipelineTest, SignalsReportRecordsLostSinceThePreviousSignal) {
  std::uint64_t kernel_lost = 0;
  std::size_t reads = 0;
  pipeline_.SetLostRecordsSource([&] {
    ++reads;
    return kernel_lost;
  });
  kernel_lost = 7;  // lost before the first signal
  RunCurlFromTmpScript(pipeline_, 100, 0);
  kernel_lost = 7;  // nothing lost in between
  RunCurlFromTmpScript(pipeline_, 101, 60);
  kernel_lost = 12;
  RunCurlFromTmpScript(pipeline_, 102, 120);

  ASSERT_EQ(signals_.size(), 3u);
  for (const signals::Signal& s : signals_) EXPECT_EQ(s.rule_id, "net_util");
  EXPECT_EQ(LostGap(0), 7u);
  EXPECT_EQ(LostGap(1), 0u);
  EXPECT_EQ(LostGap(2), 5u);
  // Read once per signal, not per event: the read costs system calls.
  EXPECT_EQ(reads, 3u);
}

TEST_F(PipelineTest, WithoutALostRecordsSourceNoLossesAreReported) {
  RunCurlFromTmpScript(pipeline_, 100, 0);
  ASSERT_EQ(signals_.size(), 1u);
  EXPECT_EQ(LostGap(0), 0u);
}

// `count` generations of /usr/bin/bash below `parent` (each a fork + exec,
// two images), at `t` seconds; returns the last one.
events::ProcessKey SpawnBashChain(Pipeline& pipeline, events::ProcessKey parent,
                                  std::uint32_t first_pid, std::uint32_t count, std::uint64_t t) {
  std::uint64_t ns = SecondsToNs(t);
  for (std::uint32_t pid = first_pid; pid < first_pid + count; ++pid, ns += 10'000) {
    const events::ProcessKey child{.pid = pid, .start_time_ns = ns};
    ForkAndExec(pipeline, parent, child, ns, "/usr/bin/bash", {"bash"});
    parent = child;
  }
  return parent;
}

// net_util asks whether some ancestor lives in /tmp, and the pipeline
// remembers the answer per image (fields::EventView's lineage memo). When the
// tree cuts a chain that grew too deep, what is left below the cut no longer
// reaches the /tmp script, and the remembered answers must go with it.
TEST_F(PipelineTest, AncestorVerdictsDoNotOutliveALineageCut) {
  events::ProcessKey bottom = SpawnBashChain(pipeline_, kScript, 1000, 30, 0);
  RunCurlFromTmpScript(pipeline_, 5000, 1, bottom);
  ASSERT_EQ(signals_.size(), 1u);  // 60 images below the script: within the bound
  ASSERT_EQ(pipeline_.tree().stats().lineage_cuts, 0u);

  bottom = SpawnBashChain(pipeline_, bottom, 2000, 40, 61);
  ASSERT_GT(pipeline_.tree().stats().lineage_cuts, 0u);
  RunCurlFromTmpScript(pipeline_, 5001, 121, bottom);
  EXPECT_EQ(signals_.size(), 1u) << "a verdict remembered before the cut matched";
}

// An exited process stays indexed for the tree's exit grace (1 s of event
// time by default) and is dropped within a reap interval after it; its
// descendants keep it as an ancestor after that, so a rule about the
// lineage still matches.
TEST_F(PipelineTest, ExitedProcessesLeaveTheIndexSoonAfterTheGraceButStayAncestors) {
  const std::uint64_t start = SecondsToNs(0);
  const events::ProcessKey shell{.pid = 200, .start_time_ns = start};
  const events::ProcessKey sleeper{.pid = 201, .start_time_ns = start + 1'000'000};
  ForkAndExec(pipeline_, kScript, shell, start, "/usr/bin/bash", {"bash"});
  ForkAndExec(pipeline_, shell, sleeper, start + 1'000'000, "/usr/bin/sleep", {"sleep", "9"});
  pipeline_.Process(events::ExitEvent{.timestamp_ns = start + 2'000'000, .process = shell});

  // Later events move event time on; the last one is 1.2 s after the exit.
  for (std::uint32_t step = 1; step <= 12; ++step) {
    const std::uint64_t ns = start + 2'000'000 + step * 100'000'000ULL;
    ForkAndExec(pipeline_, kScript, {.pid = 300 + step, .start_time_ns = ns}, ns, "/usr/bin/true",
                {"true"});
    if (step == 9) {
      EXPECT_NE(pipeline_.tree().Find(shell), nullptr) << "dropped within the grace";
    }
  }
  EXPECT_EQ(pipeline_.tree().Find(shell), nullptr) << "still indexed 1.2 s after its exit";
  EXPECT_GE(pipeline_.tree().stats().reaped, 1u);

  RunCurlFromTmpScript(pipeline_, 202, 2, sleeper);
  ASSERT_EQ(signals_.size(), 1u) << "the /tmp script is no longer an ancestor";
  EXPECT_EQ(signals_[0].rule_id, "net_util");
}

}  // namespace
}  // namespace picket::app
