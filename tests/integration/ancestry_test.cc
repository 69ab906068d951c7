// The process tree fed by the live collector: ancestors stay right for
// short-lived processes (issue 3 "Must show"). Events are applied to a
// proc::ProcessTree in ring order, exactly as the pipeline does, and the
// ancestors are read when the tool's exec is applied.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "proc/process_tree.h"
#include "proc/procfs_seed.h"
#include "support.h"

namespace picket::integration {
namespace {

using events::ExecEvent;

void ExecScript(const std::string& script, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {script};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execve(script.c_str(), argv.data(), environ);
}

bool ArgvContains(const ExecEvent& exec, const std::string& needle) {
  for (const std::string& arg : exec.argv) {
    if (arg.find(needle) != std::string::npos) return true;
  }
  return false;
}

class AncestryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string reason = KernelTestSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
    collector_ = OpenCollector();
    ASSERT_NE(collector_, nullptr);
    proc::ProcfsSeedOptions seed;
    seed.boot_to_realtime_offset_ns = collector_->boot_to_realtime_offset_ns();
    seed.clock_ticks_per_second = static_cast<std::uint64_t>(sysconf(_SC_CLK_TCK));
    auto seeded = proc::SeedFromProcfs(tree_, seed);
    ASSERT_TRUE(seeded.has_value()) << seeded.error().message();
  }

  // Applies every logged event to the tree; returns the ancestors' images of
  // the first exec matching `is_tool`, read when that exec was applied.
  std::vector<proc::Process> ApplyAndGetAncestors(
      const std::function<bool(const ExecEvent&)>& is_tool) {
    std::vector<proc::Process> ancestors;
    bool found = false;
    for (const events::Event& event : log_.events) {
      proc::ConstProcessPtr image = tree_.Apply(event);
      const auto* exec = std::get_if<ExecEvent>(&event);
      if (found || exec == nullptr || !is_tool(*exec)) continue;
      found = true;
      for (const proc::Process* ancestor : tree_.Ancestors(*image).images) {
        proc::Process copy = *ancestor;
        copy.lineage_parent = nullptr;
        ancestors.push_back(std::move(copy));
      }
    }
    EXPECT_TRUE(found) << "the tool's exec was not observed";
    return ancestors;
  }

  static bool HasImageOfFile(const std::vector<proc::Process>& images, const std::string& path) {
    for (const proc::Process& image : images) {
      if (image.file.path == path) return true;
    }
    return false;
  }

  std::unique_ptr<probe::Collector> collector_;
  proc::ProcessTree tree_;
  EventLog log_;
};

TEST_F(AncestryTest, TmpScriptIsAnAncestorOfItsToolAfterItExitedWhileTheConsumerStalled) {
  ScratchDir scratch;
  const std::string script = RealPath(scratch.path()) + "/launcher.sh";
  const std::string marker = "stalled-" + std::to_string(getpid());
  WriteFile(script,
            "#!/bin/sh\ncurl --silent --max-time 5 --output /dev/null http://127.0.0.1:9/" +
                marker + "\nexit 0\n",
            0755);
  // The consumer is stalled: nothing is read until the script and its tool
  // have exited and been reaped.
  pid_t pid = SpawnChild([&] { ExecScript(script); });
  ASSERT_GT(pid, 0);
  ASSERT_EQ(waitpid(pid, nullptr, 0), pid);
  ASSERT_NE(kill(pid, 0), 0) << "the script should be gone before the events are read";

  ASSERT_TRUE(PumpUntil(*collector_, log_, [&](const EventLog& log) {
    return log.HasExit(static_cast<std::uint32_t>(pid));
  }));
  std::vector<proc::Process> ancestors = ApplyAndGetAncestors(
      [&](const ExecEvent& exec) { return exec.comm == "curl" && ArgvContains(exec, marker); });
  // SECL lineage: the tool's own pre-exec (fork) image comes first, then the
  // script's image under the script's pid.
  bool script_image = false;
  for (const proc::Process& image : ancestors) {
    if (image.key.pid == static_cast<std::uint32_t>(pid) && image.file.path == script &&
        image.is_exec) {
      script_image = true;
    }
  }
  EXPECT_TRUE(script_image) << "no exec image of " << script << " for pid " << pid;
}

TEST_F(AncestryTest, DoubleForkedToolKeepsItsExitedLauncherAsAncestor) {
  ScratchDir scratch;
  const std::string script = RealPath(scratch.path()) + "/double-fork.sh";
  const std::string marker = "double-fork-" + std::to_string(getpid());
  // The background child waits until the launcher ($$) is gone, so the tool
  // always runs reparented, after its launcher exited.
  WriteFile(script,
            "#!/bin/sh\n(while kill -0 $$ 2>/dev/null; do sleep 0.05; done; "
            "exec curl --silent --max-time 5 --output /dev/null http://127.0.0.1:9/" +
                marker + ") &\nexit 0\n",
            0755);
  pid_t pid = SpawnChild([&] { ExecScript(script); });
  ASSERT_GT(pid, 0);
  ASSERT_EQ(waitpid(pid, nullptr, 0), pid);

  std::uint32_t tool_pid = 0;
  ASSERT_TRUE(PumpUntil(*collector_, log_, [&](const EventLog& log) {
    if (tool_pid == 0) {
      for (const events::Event& event : log.events) {
        const auto* exec = std::get_if<ExecEvent>(&event);
        if (exec != nullptr && exec->comm == "curl" && ArgvContains(*exec, marker)) {
          tool_pid = exec->process.pid;
        }
      }
    }
    return tool_pid != 0 && log.HasExit(tool_pid);
  })) << "the double-forked tool did not run to completion";

  std::vector<proc::Process> ancestors = ApplyAndGetAncestors(
      [&](const ExecEvent& exec) { return exec.comm == "curl" && ArgvContains(exec, marker); });
  const auto* tool_exec = log_.ExecsOf(tool_pid).front();
  EXPECT_NE(tool_exec->parent.pid, static_cast<std::uint32_t>(pid)) << "not reparented";
  EXPECT_TRUE(HasImageOfFile(ancestors, script));
  bool launcher_seen = false;
  for (const proc::Process& image : ancestors) {
    if (image.key.pid == static_cast<std::uint32_t>(pid)) launcher_seen = true;
  }
  EXPECT_TRUE(launcher_seen);
}

TEST_F(AncestryTest, ProcessStartedBeforeTheCollectorIsAnAncestorFromTheSeed) {
  // This test needs its own order: start the process, THEN open the
  // collector and seed. Undo the fixture's collector and tree first.
  collector_.reset();
  ScratchDir scratch;
  const std::string script = RealPath(scratch.path()) + "/pre.sh";
  const std::string trigger = scratch.path() + "/go";
  WriteFile(script,
            "#!/bin/sh\nwhile [ ! -e \"$1\" ]; do sleep 0.05; done\n/bin/true seeded-child\n"
            "exit 0\n",
            0755);
  pid_t pid = SpawnChild([&] { ExecScript(script, {trigger}); });
  ASSERT_GT(pid, 0);
  // Wait until the script is running its loop (its cmdline names it).
  const std::string cmdline_path = "/proc/" + std::to_string(pid) + "/cmdline";
  for (int i = 0; i < 400; ++i) {
    std::ifstream in(cmdline_path);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find("pre.sh") != std::string::npos) break;
    usleep(10'000);
  }

  proc::ProcessTree tree;
  collector_ = OpenCollector();
  ASSERT_NE(collector_, nullptr);
  proc::ProcfsSeedOptions seed;
  seed.boot_to_realtime_offset_ns = collector_->boot_to_realtime_offset_ns();
  seed.clock_ticks_per_second = static_cast<std::uint64_t>(sysconf(_SC_CLK_TCK));
  ASSERT_TRUE(proc::SeedFromProcfs(tree, seed).has_value());
  WriteFile(trigger, "", 0644);
  ASSERT_TRUE(PumpUntil(*collector_, log_, [&](const EventLog& log) {
    return log.HasExit(static_cast<std::uint32_t>(pid));
  }));
  waitpid(pid, nullptr, 0);

  bool found = false;
  for (const events::Event& event : log_.events) {
    proc::ConstProcessPtr image = tree.Apply(event);
    const auto* exec = std::get_if<ExecEvent>(&event);
    if (exec == nullptr || exec->parent.pid != static_cast<std::uint32_t>(pid) ||
        !ArgvContains(*exec, "seeded-child")) {
      continue;
    }
    found = true;
    proc::AncestorList ancestors = tree.Ancestors(*image);
    bool seeded_script = false;
    for (const proc::Process* ancestor : ancestors.images) {
      if (ancestor->key.pid == static_cast<std::uint32_t>(pid) && ancestor->from_seed &&
          ArgvContains(ExecEvent{.argv = ancestor->argv}, "pre.sh")) {
        seeded_script = true;
      }
    }
    EXPECT_TRUE(seeded_script) << "pre.sh (pid " << pid << ") missing from the ancestors";
    EXPECT_GE(ancestors.images.size(), 2u);  // the script and at least its parent
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace picket::integration
