// Test doubles for sink tests: sinks that record, block, or fail on demand,
// and a logger that captures lines. Test-only (included by *_test.cc).

#ifndef PICKET_SINKS_TEST_SINKS_H_
#define PICKET_SINKS_TEST_SINKS_H_

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "sinks/sink.h"

namespace picket::sinks::testing {

inline SignalRecordPtr MakeRecord(int n, std::string rule = "net_util") {
  auto record = std::make_shared<SignalRecord>();
  record->rule_id = std::move(rule);
  record->timestamp_ns = 1'800'000'000'000'000'000ULL + static_cast<std::uint64_t>(n);
  record->host = "host-a";
  record->pid = static_cast<std::uint32_t>(1000 + n);
  record->comm = "curl";
  record->user = "root";
  record->title = "A network utility was executed";
  record->severity = "high";
  record->json =
      R"({"agent":{"rule_id":")" + record->rule_id + R"("},"n":)" + std::to_string(n) + "}";
  return record;
}

// Records every batch. Thread-safe reads for the test thread.
class RecordingSink : public Sink {
 public:
  explicit RecordingSink(std::string name = "recording") : name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  Status Write(SignalBatch batch) override {
    std::lock_guard lock(mu_);
    batch_sizes_.push_back(batch.size());
    for (const auto& r : batch) json_.push_back(r->json);
    return {};
  }
  Status Tick(std::uint64_t) override {
    ticks_.fetch_add(1);
    return {};
  }
  Status Reopen() override {
    reopens_.fetch_add(1);
    return {};
  }
  std::vector<std::string> json() const {
    std::lock_guard lock(mu_);
    return json_;
  }
  std::vector<std::size_t> batch_sizes() const {
    std::lock_guard lock(mu_);
    return batch_sizes_;
  }
  std::atomic<int> ticks_{0};
  std::atomic<int> reopens_{0};

 private:
  std::string name_;
  mutable std::mutex mu_;
  std::vector<std::string> json_;
  std::vector<std::size_t> batch_sizes_;
};

// Write blocks until Open() is called (or sleeps a fixed time per call).
class GateSink : public Sink {
 public:
  std::string_view name() const override { return "gate"; }
  Status Write(SignalBatch batch) override {
    std::unique_lock lock(mu_);
    entered_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    written_ += batch.size();
    return {};
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void WaitEntered() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return entered_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  bool entered_ = false;
  std::size_t written_ = 0;
};

// Fails the first `failures` attempts (all of them if negative) with `code`.
class FailingSink : public Sink {
 public:
  FailingSink(int failures, ErrorCode code, bool keep = false)
      : failures_(failures), code_(code), keep_(keep) {}
  std::string_view name() const override { return "failing"; }
  Status Write(SignalBatch batch) override {
    attempts_.fetch_add(1);
    if (failures_ < 0 || attempts_.load() <= failures_) {
      return Error(code_, "endpoint refused batch");
    }
    written_.fetch_add(static_cast<int>(batch.size()));
    return {};
  }
  bool KeepUndelivered(SignalBatch batch) override {
    if (keep_) kept_.fetch_add(static_cast<int>(batch.size()));
    return keep_;
  }
  std::atomic<int> attempts_{0};
  std::atomic<int> written_{0};
  std::atomic<int> kept_{0};

 private:
  int failures_;
  ErrorCode code_;
  bool keep_;
};

// A logger whose lines (message only) land in a string.
struct CapturedLog {
  std::ostringstream stream;
  std::shared_ptr<spdlog::logger> logger;
  CapturedLog() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream);
    sink->set_pattern("%l %v");
    logger = std::make_shared<spdlog::logger>("captured", sink);
  }
  std::vector<std::string> Lines() {
    logger->flush();
    std::vector<std::string> lines;
    std::istringstream in(stream.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
};

}  // namespace picket::sinks::testing

#endif  // PICKET_SINKS_TEST_SINKS_H_
