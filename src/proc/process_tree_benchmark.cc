// The tree's share of the per-exec budget (issue 5: user-space CPU per exec
// ≤ 5 µs in total) and its memory with 10,000 live processes (peak RSS ≤
// 64 MiB for the whole agent).

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <string>
#include <vector>

#include "proc/process_tree.h"

namespace picket::proc {
namespace {

events::ExecEvent MakeExec(events::ProcessKey process, events::ProcessKey parent,
                           std::uint64_t time_ns) {
  events::ExecEvent exec;
  exec.timestamp_ns = time_ns;
  exec.process = process;
  exec.parent = parent;
  exec.tid = process.pid;
  exec.comm = "true";
  exec.filename = "/bin/true";
  exec.file.path = "/usr/bin/true";
  exec.argv = {"/bin/true", "--some-argument", "value"};
  exec.cwd = "/";
  exec.cgroup_path = "/user.slice/user-0.slice/session-1.scope";
  return exec;
}

// A shell (pid 100) running fork → exec → exit of short-lived children, the
// exec-storm shape, one cycle every 300 µs of event time (the storm's ~3,300
// execs/s), so the exit grace holds as many exited entries as it does under
// the storm. Pids wrap at 32768 as on the test machines.
void BM_ForkExecExitCycle(benchmark::State& state) {
  ProcessTree tree;
  tree.ApplyExec(MakeExec({100, 1}, {1, 1}, 1));
  std::uint64_t now_ns = 2;
  std::uint32_t pid = 1000;
  for (auto _ : state) {
    const events::ProcessKey child{pid, now_ns};
    events::ForkEvent fork;
    fork.timestamp_ns = now_ns;
    fork.parent = {100, 1};
    fork.child = child;
    benchmark::DoNotOptimize(tree.ApplyFork(fork));
    benchmark::DoNotOptimize(tree.ApplyExec(MakeExec(child, {100, 1}, now_ns + 1)));
    events::ExitEvent exit;
    exit.timestamp_ns = now_ns + 2;
    exit.process = child;
    benchmark::DoNotOptimize(tree.ApplyExit(exit));
    tree.Reap(now_ns);
    now_ns += 300'000;
    pid = pid >= 32767 ? 1000 : pid + 1;
  }
  state.SetItemsProcessed(state.iterations() * 3);
  state.counters["tree_size"] = static_cast<double>(tree.size());
}
BENCHMARK(BM_ForkExecExitCycle);

void BM_AncestorsOfDeepExec(benchmark::State& state) {
  ProcessTree tree;
  events::ProcessKey parent{1, 1};
  tree.ApplyExec(MakeExec(parent, {0, 0}, 1));
  for (std::uint32_t pid = 2; pid < 2 + static_cast<std::uint32_t>(state.range(0)); ++pid) {
    events::ForkEvent fork;
    fork.parent = parent;
    fork.child = {pid, pid};
    tree.ApplyFork(fork);
    tree.ApplyExec(MakeExec(fork.child, parent, pid));
    parent = fork.child;
  }
  ConstProcessPtr leaf = tree.Find(parent.pid);
  for (auto _ : state) benchmark::DoNotOptimize(tree.Ancestors(*leaf));
}
BENCHMARK(BM_AncestorsOfDeepExec)->Arg(5)->Arg(20)->Arg(50);

// Heap bytes held by a tree of N live exec'd processes under one shell.
void BM_MemoryWithLiveProcesses(benchmark::State& state) {
  const auto count = static_cast<std::uint32_t>(state.range(0));
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::size_t before = mallinfo2().uordblks;
    {
      ProcessTree tree;
      tree.ApplyExec(MakeExec({100, 1}, {1, 1}, 1));
      for (std::uint32_t i = 0; i < count; ++i) {
        const events::ProcessKey child{1000 + i, 10 + i};
        events::ForkEvent fork;
        fork.parent = {100, 1};
        fork.child = child;
        tree.ApplyFork(fork);
        tree.ApplyExec(MakeExec(child, {100, 1}, 11 + i));
      }
      bytes = mallinfo2().uordblks - before;
      benchmark::DoNotOptimize(tree.size());
    }
  }
  state.counters["heap_bytes"] = static_cast<double>(bytes);
  state.counters["bytes_per_process"] = static_cast<double>(bytes) / count;
}
BENCHMARK(BM_MemoryWithLiveProcesses)->Arg(10'000)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace picket::proc
