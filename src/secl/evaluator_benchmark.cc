// Evaluation cost of a net_util-style rule on exec events (issue 2 goal:
// under 200 ns on a non-matching event). The FieldSource here is a flat
// array indexed by FieldId, which is what fields/ provides; TestEvent's maps
// would measure the test double instead of the evaluator.

#include <benchmark/benchmark.h>

#include <deque>
#include <string>
#include <vector>

#include "secl/compiler.h"
#include "secl/testing_schema.h"

namespace picket::secl {
namespace {

constexpr std::string_view kNetUtilRule =
    R"(exec.comm in ["socat", "dig", "nslookup", "host", "nc", "nc.openbsd", "nc.traditional",
                     "netcat", "ncat", "wget", "curl", "lwp-download"] &&
       (exec.file.path =~ ~"/tmp/**" ||
        process.ancestors.file.path in [~"/tmp/**", ~"/var/tmp/**", ~"/dev/shm/**", ~"/run/shm/**",
                                        ~"/run/user/**", ~"/home/**", ~"/root/**"]) &&
       exec.args !~ "*localhost*")";

class FlatEvent : public FieldSource {
 public:
  explicit FlatEvent(const testing::TestSchema& schema) : schema_(schema) {
    values_.resize(schema.size());
    for (std::size_t i = 0; i < schema.size(); ++i) {
      values_[i] = Value::Zero(schema.ById(static_cast<FieldId>(i)).type);
    }
  }
  void Set(std::string_view field, std::string value) {
    strings_.push_back(std::move(value));
    values_[schema_.Field(field).id] = Value::String(strings_.back());
  }
  void AddAncestor(std::string path) {
    strings_.push_back(std::move(path));
    ancestor_paths_.push_back(Value::String(strings_.back()));
  }

  Value Get(FieldId field, std::uint32_t element) const override {
    if (element != kNoElement) {
      return field == ancestor_path_field_ && element < ancestor_paths_.size()
                 ? ancestor_paths_[element]
                 : Value::Zero(schema_.ById(field).type);
    }
    return values_[field];
  }
  std::size_t ArrayLength(FieldId, std::uint32_t) const override { return 0; }
  Value GetAt(FieldId field, std::uint32_t, std::size_t) const override {
    return Value::Zero(schema_.ById(field).type);
  }
  std::size_t IteratorLength(IteratorId) const override { return ancestor_paths_.size(); }
  std::int64_t NowNs() const override { return 0; }

 private:
  const testing::TestSchema& schema_;
  std::vector<Value> values_;
  std::deque<std::string> strings_;
  std::vector<Value> ancestor_paths_;
  FieldId ancestor_path_field_ = schema_.Field("process.ancestors.file.path").id;
};

Program CompileNetUtil() {
  static const Environment environment;
  CompileResult result = CompileRule(kNetUtilRule, testing::SmallSchema(), environment);
  if (!result.program.has_value()) std::abort();
  return *result.program;
}

FlatEvent MakeEvent(std::string comm, std::string path, std::vector<std::string> ancestors) {
  FlatEvent event(testing::SmallSchema());
  event.Set("exec.comm", std::move(comm));
  event.Set("exec.file.path", std::move(path));
  event.Set("exec.args", "-s https://example.org/install.sh");
  for (std::string& ancestor : ancestors) event.AddAncestor(std::move(ancestor));
  return event;
}

void BM_NetUtilNonMatchingExec(benchmark::State& state) {
  const Program program = CompileNetUtil();
  const FlatEvent event = MakeEvent(
      "ls", "/usr/bin/ls", {"/usr/bin/bash", "/usr/sbin/sshd", "/usr/lib/systemd/systemd"});
  for (auto _ : state) benchmark::DoNotOptimize(Evaluate(program, event));
}
BENCHMARK(BM_NetUtilNonMatchingExec);

// The tool matches but no suspicious location: every ancestor is examined.
void BM_NetUtilToolWithCleanAncestry(benchmark::State& state) {
  const Program program = CompileNetUtil();
  const FlatEvent event = MakeEvent(
      "curl", "/usr/bin/curl", {"/usr/bin/bash", "/usr/sbin/sshd", "/usr/lib/systemd/systemd"});
  for (auto _ : state) benchmark::DoNotOptimize(Evaluate(program, event));
}
BENCHMARK(BM_NetUtilToolWithCleanAncestry);

void BM_NetUtilMatchingExec(benchmark::State& state) {
  const Program program = CompileNetUtil();
  const FlatEvent event = MakeEvent(
      "curl", "/usr/bin/curl", {"/usr/bin/bash", "/tmp/stage/run.sh", "/usr/lib/systemd/systemd"});
  if (!Evaluate(program, event)) std::abort();
  for (auto _ : state) benchmark::DoNotOptimize(Evaluate(program, event));
}
BENCHMARK(BM_NetUtilMatchingExec);

void BM_CompileNetUtilRule(benchmark::State& state) {
  const Environment environment;
  for (auto _ : state) {
    CompileResult result = CompileRule(kNetUtilRule, testing::SmallSchema(), environment);
    benchmark::DoNotOptimize(result.program);
  }
}
BENCHMARK(BM_CompileNetUtilRule);

}  // namespace
}  // namespace picket::secl
