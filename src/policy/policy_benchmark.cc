// Compiling Datadog's whole default policy (goal: under 200 ms in a release
// build), and its parts: YAML decoding alone, and the per-event field source.
//   cmake --preset release -B build/release
//   cmake --build build/release --target policy_policy_benchmark
//   build/release/src/policy/policy_policy_benchmark   (from the source dir)

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/user_names.h"
#include "fields/catalogue.h"
#include "fields/event_view.h"
#include "policy/loader.h"
#include "policy/policy_file.h"
#include "proc/process.h"

namespace picket::policy {
namespace {

std::string ReadDefaultPolicy() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* source_dir = std::getenv("PICKET_SOURCE_DIR")) {
    candidates.push_back(fs::path(source_dir) / ".." / "shared/data/datadog/default.policy");
  }
  candidates.emplace_back("../shared/data/datadog/default.policy");
  candidates.emplace_back("src/policy/testdata/policy_loader_fuzzer_corpus/default.policy");
  for (const fs::path& path : candidates) {
    std::ifstream in(path);
    if (in) {
      std::stringstream buffer;
      buffer << in.rdbuf();
      return buffer.str();
    }
  }
  return {};
}

void BM_LoadDefaultPolicy(benchmark::State& state) {
  const std::string text = ReadDefaultPolicy();
  if (text.empty()) {
    state.SkipWithError("default.policy not found (run from the source dir)");
    return;
  }
  LoadOptions options;
  options.host.os = "linux";
  options.host.SetKernelRelease("5.10.50-1-amd64");
  std::size_t rules = 0;
  for (auto _ : state) {
    CompiledPolicy policy = LoadPolicies({PolicySource{"default.policy", text}}, options);
    rules = policy.rules.size();
    benchmark::DoNotOptimize(policy);
  }
  state.counters["rules_loaded"] = static_cast<double>(rules);
}
BENCHMARK(BM_LoadDefaultPolicy)->Unit(benchmark::kMillisecond);

void BM_ParseDefaultPolicyYaml(benchmark::State& state) {
  const std::string text = ReadDefaultPolicy();
  if (text.empty()) {
    state.SkipWithError("default.policy not found");
    return;
  }
  for (auto _ : state) {
    auto source = std::make_shared<const SourceFile>("default.policy", text);
    std::vector<PolicyDiagnostic> diagnostics;
    PolicyFile file = ParsePolicyFile(source, diagnostics);
    benchmark::DoNotOptimize(file);
  }
}
BENCHMARK(BM_ParseDefaultPolicyYaml)->Unit(benchmark::kMillisecond);

// An exec of `ls -la` in a home directory, three images deep (bash under
// sshd), the common non-matching case for detection rules.
struct ExecFixture {
  ExecFixture() : view(fields::FieldCatalogue::Default(), names) {
    auto sshd = std::make_shared<proc::Process>();
    sshd->key = {100, 1};
    sshd->file.path = "/usr/sbin/sshd";
    sshd->comm = "sshd";
    sshd->argv = {"sshd", "-D"};
    sshd->is_exec = true;
    auto bash = std::make_shared<proc::Process>();
    bash->key = {200, 2};
    bash->parent_key = sshd->key;
    bash->file.path = "/bin/bash";
    bash->comm = "bash";
    bash->argv = {"-bash"};
    bash->credentials.uid = 1000;
    bash->is_exec = true;
    bash->lineage_parent = sshd;
    image = std::make_shared<proc::Process>(*bash);
    image->key = {300, 3};
    image->parent_key = bash->key;
    image->file.path = "/usr/bin/ls";
    image->comm = "ls";
    image->argv = {"ls", "-la", "/home/user"};
    image->lineage_parent = bash;
    events::ExecEvent exec;
    exec.process = image->key;
    exec.timestamp_ns = 1'700'000'000'000'000'000ULL;
    event = exec;
    view.Bind(event, image.get(), static_cast<std::int64_t>(exec.timestamp_ns));
  }
  UserNames names;
  fields::EventView view;
  proc::ProcessPtr image;
  events::Event event;
};

void BM_EvaluateAllExecRulesOnOneEvent(benchmark::State& state) {
  const std::string text = ReadDefaultPolicy();
  if (text.empty()) {
    state.SkipWithError("default.policy not found");
    return;
  }
  LoadOptions options;
  options.host.os = "linux";
  CompiledPolicy policy = LoadPolicies({PolicySource{"default.policy", text}}, options);
  std::vector<const secl::Program*> exec_rules;
  for (const CompiledRule& rule : policy.rules) {
    if (rule.event_type == "exec") exec_rules.push_back(&rule.program);
  }
  ExecFixture fixture;
  std::size_t matches = 0;
  for (auto _ : state) {
    matches = 0;
    for (const secl::Program* program : exec_rules)
      matches += secl::Evaluate(*program, fixture.view);
  }
  state.counters["rules"] = static_cast<double>(exec_rules.size());
  state.counters["matches"] = static_cast<double>(matches);
}
BENCHMARK(BM_EvaluateAllExecRulesOnOneEvent)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace picket::policy
