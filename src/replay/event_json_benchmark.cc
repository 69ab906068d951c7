// Cost of recording one event: JSON encoding of an exec event, with and
// without the ancestry summary `picket record` adds, and decoding it back.

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "replay/event_json.h"

namespace picket::replay {
namespace {

events::ExecEvent SampleExec() {
  events::ExecEvent exec;
  exec.timestamp_ns = 1'795'865'677'078'968'607ULL;
  exec.process = {4242, 1'795'865'677'000'000'001ULL};
  exec.parent = {4200, 1'795'865'600'000'000'002ULL};
  exec.tid = 4242;
  exec.comm = "nslookup";
  exec.filename = "/usr/bin/nslookup";
  exec.file = {.path = "/usr/bin/nslookup", .inode = 1234, .mode = 0100755, .nlink = 1};
  exec.argv = {"nslookup", "example.internal"};
  exec.args_size = 27;
  exec.cgroup_path = "/user.slice/user-0.slice/session-1.scope";
  exec.tty = "pts0";
  return exec;
}

// A chain of `depth` images: shells with typical argv.
std::vector<proc::Process> SampleLineage(std::size_t depth) {
  std::vector<proc::Process> images(depth);
  for (std::size_t i = 0; i < depth; ++i) {
    images[i].key = {static_cast<std::uint32_t>(4000 + i), i};
    images[i].comm = "bash";
    images[i].file.path = "/usr/bin/bash";
    images[i].argv = {"bash", "-c", "/tmp/x.sh --some argument"};
    images[i].is_exec = i % 2 == 1;
  }
  return images;
}

void BM_EncodeExec(benchmark::State& state) {
  const events::Event event = SampleExec();
  for (auto _ : state) benchmark::DoNotOptimize(EncodeEvent(event).dump());
}
BENCHMARK(BM_EncodeExec);

void BM_EncodeExecWithAncestry(benchmark::State& state) {
  const events::Event event = SampleExec();
  std::vector<proc::Process> lineage = SampleLineage(static_cast<std::size_t>(state.range(0)));
  proc::AncestorList ancestors;
  for (const proc::Process& image : lineage) ancestors.images.push_back(&image);
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string line = EncodeEventWithAncestry(event, ancestors).dump();
    bytes = line.size();
    benchmark::DoNotOptimize(line);
  }
  state.counters["line_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeExecWithAncestry)->Arg(4)->Arg(16)->Arg(64);

void BM_DecodeExec(benchmark::State& state) {
  const std::string line = EncodeEvent(SampleExec()).dump();
  for (auto _ : state) {
    Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    benchmark::DoNotOptimize(DecodeEvent(json));
  }
}
BENCHMARK(BM_DecodeExec);

}  // namespace
}  // namespace picket::replay
