// Decoding one kernel record into an events::Event (the collector's per-record
// user-space cost before the tree and the rules): a fork, a realistic exec
// (path, cwd, cgroup path, 5 argv words) and an exit.
//
//   build/release/bench/picket_decode_benchmark

#include <benchmark/benchmark.h>

#include "decode/decode.h"
#include "decode/record_builder_test_util.h"

namespace picket::decode {
namespace {

void BM_DecodeFork(benchmark::State& state) {
  const std::vector<std::byte> record = testing::ForkRecord(200, 100);
  for (auto _ : state) {
    DecodeResult result = Decode(record, {});
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_DecodeFork);

void BM_DecodeExec(benchmark::State& state) {
  const std::vector<std::byte> record =
      testing::ExecRecordBuilder()
          .Filename("/usr/bin/curl")
          .Path({"usr", "bin", "curl"})
          .Cwd({"home", "alice", "src"})
          .Cgroup({"system.slice", "app.service"})
          .Argv({"curl", "-s", "--max-time", "3", "http://updates.example.internal/pkg/index.json"})
          .Build();
  for (auto _ : state) {
    DecodeResult result = Decode(record, {});
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_DecodeExec);

void BM_DecodeExit(benchmark::State& state) {
  const std::vector<std::byte> record = testing::ExitRecord(200, 0);
  for (auto _ : state) {
    DecodeResult result = Decode(record, {});
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_DecodeExit);

}  // namespace
}  // namespace picket::decode
