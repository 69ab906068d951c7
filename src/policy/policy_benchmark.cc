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

#include "policy/loader.h"
#include "policy/policy_file.h"

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

}  // namespace
}  // namespace picket::policy
