#include "proc/process_tree.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace picket::proc {
namespace {

// Start times are derived from the pid and a generation so tests can name a
// process by (pid, generation) and pid reuse is a different generation.
constexpr std::uint64_t StartOf(std::uint32_t pid, std::uint32_t generation = 0) {
  return 1'000'000'000ULL * (generation + 1) + pid;
}
events::ProcessKey Key(std::uint32_t pid, std::uint32_t generation = 0) {
  return {pid, StartOf(pid, generation)};
}

events::ForkEvent Fork(events::ProcessKey parent, events::ProcessKey child, std::uint64_t time_ns) {
  events::ForkEvent fork;
  fork.timestamp_ns = time_ns;
  fork.parent = parent;
  fork.parent_tid = parent.pid;
  fork.child = child;
  return fork;
}

events::ExecEvent Exec(events::ProcessKey process, events::ProcessKey parent,
                       const std::string& path, std::vector<std::string> argv,
                       std::uint64_t time_ns) {
  events::ExecEvent exec;
  exec.timestamp_ns = time_ns;
  exec.process = process;
  exec.parent = parent;
  exec.tid = process.pid;
  exec.file.path = path;
  exec.filename = path;
  exec.comm = path.substr(path.rfind('/') + 1);
  exec.argv = std::move(argv);
  return exec;
}

events::ExitEvent Exit(events::ProcessKey process, std::uint64_t time_ns, int code = 0) {
  events::ExitEvent exit;
  exit.timestamp_ns = time_ns;
  exit.process = process;
  exit.exit_code = code;
  return exit;
}

// "pid:path:kind" per ancestor, nearest first; kind is f (fork copy) or e (exec).
std::vector<std::string> Describe(const AncestorList& list) {
  std::vector<std::string> out;
  for (const Process* p : list.images) {
    out.push_back(std::to_string(p->key.pid) + ":" + p->file.path + ":" + (p->is_exec ? "e" : "f"));
  }
  return out;
}

// init(1) → bash(100), all exec'd, as the base of most scenarios.
void SpawnShell(ProcessTree& tree) {
  tree.ApplyExec(Exec(Key(1), {0, 0}, "/sbin/init", {"init"}, 1));
  tree.ApplyFork(Fork(Key(1), Key(100), 10));
  tree.ApplyExec(Exec(Key(100), Key(1), "/bin/bash", {"bash"}, 11));
}

TEST(ProcessTreeTest, ForkCopiesParentImageAndExecReplacesIt) {
  ProcessTree tree;
  SpawnShell(tree);
  ConstProcessPtr child = tree.ApplyFork(Fork(Key(100), Key(200), 20));
  EXPECT_TRUE(child->is_thread);
  EXPECT_FALSE(child->is_exec);
  EXPECT_EQ(child->file.path, "/bin/bash");
  EXPECT_EQ(child->argv, std::vector<std::string>{"bash"});
  EXPECT_EQ(child->key, Key(200));
  EXPECT_EQ(child->parent_key, Key(100));
  EXPECT_EQ(child->fork_time_ns, 20u);
  // The contract fields::EventView's lineage memo relies on: a fork copy's
  // image strings are its lineage parent's.
  ASSERT_TRUE(child->copies_lineage_parent());
  const Process& bash = *child->lineage_parent;
  EXPECT_EQ(&bash, tree.Find(Key(100)).get());
  EXPECT_EQ(child->comm, bash.comm);
  EXPECT_EQ(child->file, bash.file);
  EXPECT_EQ(child->interpreter, bash.interpreter);
  EXPECT_EQ(child->filename, bash.filename);
  EXPECT_EQ(child->argv, bash.argv);
  EXPECT_EQ(child->tty, bash.tty);
  EXPECT_EQ(child->cgroup_path, bash.cgroup_path);
  EXPECT_EQ(child->container_id, bash.container_id);
  EXPECT_FALSE(bash.copies_lineage_parent());  // an exec image

  ConstProcessPtr curl =
      tree.ApplyExec(Exec(Key(200), Key(100), "/usr/bin/curl", {"curl", "x"}, 21));
  EXPECT_TRUE(curl->is_exec);
  EXPECT_FALSE(curl->is_thread);
  EXPECT_EQ(curl->fork_time_ns, 20u);
  EXPECT_EQ(curl->exec_time_ns, 21u);
  EXPECT_EQ(tree.Find(200), curl);

  // SECL §6.1: each binary twice, the pre-exec image first.
  AncestorList ancestors = tree.Ancestors(*curl);
  EXPECT_EQ(Describe(ancestors), (std::vector<std::string>{"200:/bin/bash:f", "100:/bin/bash:e",
                                                           "100:/sbin/init:f", "1:/sbin/init:e"}));
  EXPECT_FALSE(ancestors.truncated);
  EXPECT_EQ(tree.stats().orphans_created, 0u);  // init's parent pid 0 means "none"
}

// A fork copy shares its parent's argv and envp instead of copying them: one
// allocation however many children a launcher forks.
TEST(ProcessTreeTest, ForkCopiesShareTheParentsArguments) {
  ProcessTree tree;
  tree.ApplyExec(Exec(Key(1), {0, 0}, "/sbin/init", {"init"}, 1));
  tree.ApplyFork(Fork(Key(1), Key(100), 10));
  events::ExecEvent python = Exec(Key(100), Key(1), "/usr/bin/python3",
                                  {"python3", "-u", "/opt/launcher/main.py", "--workers", "8"}, 11);
  python.envp = {"PATH=/usr/bin:/bin", "HOME=/root", "LANG=C.UTF-8"};
  ConstProcessPtr parent = tree.ApplyExec(python);
  ConstProcessPtr first = tree.ApplyFork(Fork(Key(100), Key(200), 20));
  ConstProcessPtr second = tree.ApplyFork(Fork(Key(100), Key(201), 21));
  EXPECT_EQ(first->argv, python.argv);
  EXPECT_EQ(second->envp, python.envp);
  EXPECT_EQ(first->argv.strings().data(), parent->argv.strings().data());
  EXPECT_EQ(second->argv.strings().data(), parent->argv.strings().data());
  EXPECT_EQ(second->envp.strings().data(), parent->envp.strings().data());
  // An exec gets its own list; the parent's is untouched.
  ConstProcessPtr sleeper =
      tree.ApplyExec(Exec(Key(200), Key(100), "/bin/sleep", {"sleep", "9"}, 22));
  EXPECT_EQ(sleeper->argv, (std::vector<std::string>{"sleep", "9"}));
  EXPECT_EQ(parent->argv, python.argv);
  EXPECT_EQ(second->argv.size(), 5u);
}

TEST(ProcessTreeTest, ExitedProcessStaysFindableUntilReaped) {
  ProcessTree tree({.exit_grace_ns = 100});
  SpawnShell(tree);
  tree.ApplyFork(Fork(Key(100), Key(42), 20));
  ConstProcessPtr exited = tree.ApplyExit(Exit(Key(42), 30, /*code=*/256));

  ASSERT_NE(tree.Find(42), nullptr);
  EXPECT_FALSE(tree.Find(42)->is_alive());
  EXPECT_EQ(exited->exit_code, 256);
  EXPECT_EQ(exited->exit_time_ns, 30u);

  // Exit also ends the process's earlier images.
  ConstProcessPtr bash = tree.Find(100);
  tree.ApplyExit(Exit(Key(100), 35));
  EXPECT_FALSE(bash->is_alive());
  ASSERT_NE(bash->lineage_parent, nullptr);
  EXPECT_EQ(bash->lineage_parent->key, Key(100));
  EXPECT_EQ(bash->lineage_parent->exit_time_ns, 35u);
  EXPECT_TRUE(bash->lineage_parent->lineage_parent->is_alive());  // init lives on

  tree.Reap(/*now_ns=*/129);
  EXPECT_NE(tree.Find(42), nullptr);
  tree.Reap(/*now_ns=*/130);
  EXPECT_EQ(tree.Find(42), nullptr);
  EXPECT_EQ(tree.stats().reaped, 1u);
  EXPECT_NE(tree.Find(100), nullptr);  // exited at 35: reaped at 135
  EXPECT_NE(tree.Find(1), nullptr);    // alive entries are never reaped
  tree.Reap(/*now_ns=*/135);
  EXPECT_EQ(tree.Find(100), nullptr);
}

// Records of two CPUs can cross by microseconds, so an exit can arrive after
// a later one: it is never reaped before its own grace ends, and it is not
// forgotten either (it goes with the exit queued before it).
TEST(ProcessTreeTest, ExitsArrivingOutOfOrderAreReapedNoSoonerThanTheirGrace) {
  ProcessTree tree({.exit_grace_ns = 100});
  SpawnShell(tree);
  tree.ApplyFork(Fork(Key(100), Key(41), 10));
  tree.ApplyFork(Fork(Key(100), Key(42), 11));
  tree.ApplyFork(Fork(Key(100), Key(43), 12));
  tree.ApplyExit(Exit(Key(41), 30));
  tree.ApplyExit(Exit(Key(42), 40));
  tree.ApplyExit(Exit(Key(43), 35));  // after 42's, though it happened first

  tree.Reap(/*now_ns=*/134);
  EXPECT_EQ(tree.Find(41), nullptr);
  EXPECT_NE(tree.Find(43), nullptr);
  tree.Reap(/*now_ns=*/135);
  EXPECT_NE(tree.Find(42), nullptr);
  tree.Reap(/*now_ns=*/140);
  EXPECT_EQ(tree.Find(42), nullptr);
  EXPECT_EQ(tree.Find(43), nullptr);
  EXPECT_EQ(tree.stats().reaped, 3u);
}

TEST(ProcessTreeTest, LateEventWithinGraceResolvesExitedParent) {
  ProcessTree tree({.exit_grace_ns = 1000});
  SpawnShell(tree);
  tree.ApplyFork(Fork(Key(100), Key(300), 20));
  tree.ApplyExec(Exec(Key(300), Key(100), "/tmp/x.sh", {"/tmp/x.sh"}, 21));
  tree.ApplyFork(Fork(Key(300), Key(301), 22));
  tree.ApplyExit(Exit(Key(300), 23));
  tree.Reap(500);
  ConstProcessPtr tool =
      tree.ApplyExec(Exec(Key(301), Key(300), "/usr/bin/nslookup", {"nslookup", "a"}, 600));
  AncestorList ancestors = tree.Ancestors(*tool);
  ASSERT_GE(ancestors.images.size(), 2u);
  EXPECT_EQ(ancestors.images[1]->file.path, "/tmp/x.sh");
  EXPECT_FALSE(ancestors.images[1]->is_alive());
  EXPECT_EQ(tree.stats().orphans_created, 0u);
}

TEST(ProcessTreeTest, ReapedAncestorStaysInLineageOfLiveDescendant) {
  ProcessTree tree({.exit_grace_ns = 10});
  SpawnShell(tree);
  tree.ApplyFork(Fork(Key(100), Key(300), 20));
  tree.ApplyExec(Exec(Key(300), Key(100), "/tmp/launcher", {"launcher"}, 21));
  tree.ApplyFork(Fork(Key(300), Key(301), 22));
  tree.ApplyExit(Exit(Key(300), 23));
  tree.Reap(1000);
  EXPECT_EQ(tree.Find(300), nullptr);
  AncestorList ancestors = tree.Ancestors(*tree.Find(301));
  ASSERT_FALSE(ancestors.images.empty());
  EXPECT_EQ(ancestors.images[0]->file.path, "/tmp/launcher");
  EXPECT_EQ(ancestors.images[0]->key, Key(300));
}

TEST(ProcessTreeTest, DoubleForkKeepsLauncherAfterReparentToInit) {
  ProcessTree tree;
  SpawnShell(tree);
  tree.ApplyFork(Fork(Key(100), Key(400), 20));
  tree.ApplyExec(Exec(Key(400), Key(100), "/tmp/launch.sh", {"sh", "/tmp/launch.sh"}, 21));
  tree.ApplyFork(Fork(Key(400), Key(401), 22));  // first fork
  tree.ApplyFork(Fork(Key(401), Key(402), 23));  // second fork
  tree.ApplyExit(Exit(Key(401), 24));
  tree.ApplyExit(Exit(Key(400), 25));
  // 402 was reparented to init: its exec names pid 1 as the real parent.
  ConstProcessPtr tool =
      tree.ApplyExec(Exec(Key(402), Key(1), "/usr/bin/nslookup", {"nslookup", "h"}, 30));
  EXPECT_EQ(tool->parent_key, Key(1));
  EXPECT_EQ(Describe(tree.Ancestors(*tool)),
            (std::vector<std::string>{"402:/tmp/launch.sh:f", "401:/tmp/launch.sh:f",
                                      "400:/tmp/launch.sh:e", "400:/bin/bash:f", "100:/bin/bash:e",
                                      "100:/sbin/init:f", "1:/sbin/init:e"}));
}

TEST(ProcessTreeTest, PidReuseStartsANewProcess) {
  ProcessTree tree;
  SpawnShell(tree);
  tree.ApplyFork(Fork(Key(100), Key(500), 20));
  tree.ApplyExec(Exec(Key(500), Key(100), "/usr/bin/old", {"old"}, 21));
  // Its exit was lost; the pid comes back as another process.
  ConstProcessPtr reused = tree.ApplyFork(Fork(Key(1), Key(500, /*generation=*/1), 40));
  EXPECT_EQ(tree.stats().pid_reuse_detected, 1u);
  EXPECT_EQ(reused->file.path, "/sbin/init");
  EXPECT_EQ(tree.Find(500), reused);
  EXPECT_EQ(tree.Find(Key(500)), nullptr);
  EXPECT_EQ(tree.Find(Key(500, 1)), reused);

  // A late exit for the old process must not kill the new one.
  tree.ApplyExit(Exit(Key(500), 41));
  EXPECT_TRUE(tree.Find(500)->is_alive());
  EXPECT_EQ(tree.stats().stale_references, 1u);
}

TEST(ProcessTreeTest, ExecByNonLeaderThreadResolvesToThreadGroup) {
  ProcessTree tree;
  SpawnShell(tree);
  tree.ApplyFork(Fork(Key(100), Key(600), 20));
  tree.ApplyExec(Exec(Key(600), Key(100), "/usr/bin/app", {"app"}, 21));
  events::ExecEvent exec = Exec(Key(600), Key(100), "/usr/bin/true", {"true"}, 22);
  exec.tid = 605;  // a worker thread called execve
  exec.flags = events::kExecFromNonLeader;
  ConstProcessPtr image = tree.ApplyExec(exec);
  EXPECT_EQ(image->key.pid, 600u);
  EXPECT_EQ(image->tid, 605u);
  EXPECT_EQ(tree.Find(600), image);
  EXPECT_EQ(tree.Find(605), nullptr);
  AncestorList ancestors = tree.Ancestors(*image);
  ASSERT_FALSE(ancestors.images.empty());
  EXPECT_EQ(ancestors.images[0]->file.path, "/usr/bin/app");
  EXPECT_EQ(tree.stats().orphans_created, 0u);
}

TEST(ProcessTreeTest, UnknownParentsBecomeOrphanRoots) {
  ProcessTree tree;
  ConstProcessPtr child = tree.ApplyFork(Fork(Key(700), Key(701), 10));
  EXPECT_EQ(tree.stats().orphans_created, 1u);
  ASSERT_NE(tree.Find(700), nullptr);
  EXPECT_EQ(tree.Find(700)->lineage_parent, nullptr);
  EXPECT_EQ(child->lineage_parent.get(), tree.Find(700).get());

  // An exec for a process never forked hangs under its real parent.
  ConstProcessPtr exec = tree.ApplyExec(Exec(Key(800), Key(700), "/bin/ls", {"ls"}, 11));
  EXPECT_EQ(exec->lineage_parent.get(), tree.Find(700).get());
  EXPECT_EQ(exec->fork_time_ns, StartOf(800));

  // An exit for an unknown process is still reported with an image.
  ConstProcessPtr exited = tree.ApplyExit(Exit(Key(900), 12));
  EXPECT_EQ(exited->key, Key(900));
  EXPECT_FALSE(exited->is_alive());
  EXPECT_EQ(tree.stats().orphans_created, 2u);
}

TEST(ProcessTreeTest, EvictsExitedEntriesFirstThenLeastRecentlyActive) {
  ProcessTree tree({.max_processes = 3});
  tree.ApplyExec(Exec(Key(1), {0, 0}, "/sbin/init", {"init"}, 1));
  tree.ApplyFork(Fork(Key(1), Key(10), 2));
  tree.ApplyFork(Fork(Key(1), Key(11), 3));
  ASSERT_EQ(tree.size(), 3u);
  tree.ApplyExit(Exit(Key(10), 4));

  tree.ApplyFork(Fork(Key(1), Key(12), 5));  // evicts exited 10
  EXPECT_EQ(tree.Find(10), nullptr);
  EXPECT_NE(tree.Find(11), nullptr);
  EXPECT_EQ(tree.size(), 3u);

  tree.ApplyFork(Fork(Key(1), Key(13), 6));  // 1 is touched by each fork: 11 goes
  EXPECT_EQ(tree.Find(11), nullptr);
  tree.ApplyFork(Fork(Key(1), Key(14), 7));  // then 12
  EXPECT_EQ(tree.Find(12), nullptr);
  EXPECT_NE(tree.Find(1), nullptr);
  EXPECT_NE(tree.Find(13), nullptr);
  EXPECT_EQ(tree.size(), 3u);
  EXPECT_EQ(tree.stats().evictions, 3u);

  // Evicted images still serve as ancestors of what they spawned.
  ConstProcessPtr grandchild = tree.ApplyFork(Fork(Key(13), Key(15), 8));
  EXPECT_EQ(Describe(tree.Ancestors(*grandchild)),
            (std::vector<std::string>{"13:/sbin/init:f", "1:/sbin/init:e"}));
}

TEST(ProcessTreeTest, AncestorsStopAtRequestedDepthWithTruncationFlag) {
  ProcessTree tree({.max_ancestor_depth = 8});
  SpawnShell(tree);
  tree.ApplyFork(Fork(Key(100), Key(200), 20));
  ConstProcessPtr tool = tree.ApplyExec(Exec(Key(200), Key(100), "/bin/dig", {"dig"}, 21));
  AncestorList all = tree.Ancestors(*tool);
  EXPECT_EQ(all.images.size(), 4u);
  EXPECT_FALSE(all.truncated);
  AncestorList two = tree.Ancestors(*tool, 2);
  EXPECT_EQ(Describe(two), (std::vector<std::string>{"200:/bin/bash:f", "100:/bin/bash:e"}));
  EXPECT_TRUE(two.truncated);
  EXPECT_FALSE(tree.Ancestors(*tool, 4).truncated);
  EXPECT_EQ(tree.Ancestors(*tool, 1000).images.size(), 4u);  // capped by the limit, not more
}

TEST(ProcessTreeTest, DeepLineageIsCutToTheDepthBound) {
  constexpr std::size_t kMaxDepth = 8;
  ProcessTree tree({.max_ancestor_depth = kMaxDepth});
  tree.ApplyExec(Exec(Key(1), {0, 0}, "/bin/loop", {"loop"}, 1));
  // A process that re-execs itself forever grows one image per exec.
  std::weak_ptr<const Process> first = tree.Find(1);
  ConstProcessPtr last;
  for (std::uint64_t i = 0; i < 100; ++i) {
    last = tree.ApplyExec(Exec(Key(1), {0, 0}, "/bin/loop", {"loop", std::to_string(i)}, 10 + i));
  }
  AncestorList ancestors = tree.Ancestors(*last);
  EXPECT_EQ(ancestors.images.size(), kMaxDepth);
  EXPECT_TRUE(ancestors.truncated);
  EXPECT_EQ(ancestors.images[0]->argv.back(), "98");
  EXPECT_GT(tree.stats().lineage_cuts, 0u);
  EXPECT_TRUE(first.expired()) << "images beyond the cut must be freed";
  std::size_t chain = 0;
  for (const Process* p = last->lineage_parent.get(); p != nullptr; p = p->lineage_parent.get()) {
    ++chain;
  }
  EXPECT_LE(chain, kMaxDepth + kMaxDepth / 4);
}

TEST(ProcessTreeTest, SeededImagesMatchEventsWithinOneTick) {
  ProcessTree tree({.seed_start_time_tolerance_ns = 10'000'000});
  auto init = std::make_shared<Process>();
  init->key = {1, 5'000'000'000};
  init->file.path = "/sbin/init";
  auto shell = std::make_shared<Process>();
  shell->key = {100, 7'000'000'000};  // /proc resolution: whole ticks
  shell->file.path = "/bin/bash";
  shell->lineage_parent = init;
  EXPECT_EQ(tree.Seed({init, shell}), 2u);
  EXPECT_TRUE(tree.Find(100)->from_seed);
  EXPECT_EQ(tree.Find(100)->lineage_depth, 1u);

  // The kernel's precise start time of the same shell is 3.2 ms later.
  const events::ProcessKey precise{100, 7'003'200'000};
  EXPECT_NE(tree.Find(precise), nullptr);
  EXPECT_EQ(tree.Find(events::ProcessKey{100, 7'013'200'000}), nullptr);
  ConstProcessPtr child = tree.ApplyFork(Fork(precise, Key(200), 8'000'000'000));
  EXPECT_EQ(tree.stats().orphans_created, 0u);
  EXPECT_EQ(child->lineage_parent->file.path, "/bin/bash");
  EXPECT_EQ(tree.Find(100)->key, precise);  // confirmed: now exact
  EXPECT_EQ(tree.Find(events::ProcessKey{100, 7'000'000'000}), nullptr);

  // Seeding again (or seeding what events already created) changes nothing.
  auto again = std::make_shared<Process>(*shell);
  again->lineage_parent = nullptr;
  EXPECT_EQ(tree.Seed({again}), 0u);
  EXPECT_EQ(tree.stats().seed_skipped, 1u);
  EXPECT_EQ(tree.Find(100)->key, precise);
}

TEST(ProcessTreeTest, ForkOfAlreadySeededChildReplacesTheSeededImage) {
  ProcessTree tree;
  auto parent = std::make_shared<Process>();
  parent->key = {100, 7'000'000'000};
  parent->file.path = "/bin/bash";
  auto child = std::make_shared<Process>();
  child->key = {200, 9'000'000'000};
  child->file.path = "/usr/bin/sleep";  // /proc already showed the post-exec state
  child->lineage_parent = parent;
  tree.Seed({parent, child});
  ConstProcessPtr forked = tree.ApplyFork(Fork({100, 7'000'000'001}, {200, 9'000'000'002}, 1));
  EXPECT_EQ(forked->file.path, "/bin/bash");
  EXPECT_EQ(tree.stats().duplicate_forks, 1u);
  EXPECT_EQ(tree.stats().pid_reuse_detected, 0u);
}

TEST(ProcessTreeTest, ApplyDispatchesOnEventType) {
  ProcessTree tree;
  events::Event event = Fork(Key(1), Key(2), 5);
  EXPECT_EQ(tree.Apply(event)->key, Key(2));
  event = Exit(Key(2), 6);
  EXPECT_FALSE(tree.Apply(event)->is_alive());
  EXPECT_EQ(tree.stats().forks, 1u);
  EXPECT_EQ(tree.stats().exits, 1u);
}

}  // namespace
}  // namespace picket::proc
