#include "sinks/sink_set.h"

#include <fmt/format.h>

#include <string>
#include <utility>

namespace picket::sinks {

void SinkSet::Add(std::unique_ptr<Sink> sink, const SinkRunnerOptions& options) {
  runners_.push_back(std::make_unique<SinkRunner>(std::move(sink), options));
}

std::size_t SinkSet::Submit(SignalRecord record) {
  const auto shared = std::make_shared<const SignalRecord>(std::move(record));
  std::size_t accepted = 0;
  for (const auto& runner : runners_) accepted += runner->Submit(shared) ? 1 : 0;
  return accepted;
}

void SinkSet::RequestReopen() {
  for (const auto& runner : runners_) runner->RequestReopen();
}

Status SinkSet::Drain(std::chrono::milliseconds timeout) {
  // Every runner gets the deadline before any is joined, so they drain in
  // parallel and the timeout is shared rather than per sink.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const auto& runner : runners_) runner->BeginDrain(deadline);
  std::string failures;
  for (const auto& runner : runners_) {
    Status status = runner->Drain(std::chrono::milliseconds(0));
    if (!status) {
      if (!failures.empty()) failures += "; ";
      failures += status.error().message();
    }
  }
  if (!failures.empty()) return Error(ErrorCode::kUnavailable, failures);
  return {};
}

std::vector<SinkStats> SinkSet::stats() const {
  std::vector<SinkStats> all;
  all.reserve(runners_.size());
  for (const auto& runner : runners_) all.push_back(runner->stats());
  return all;
}

std::string FormatSinkStats(const SinkStats& stats) {
  std::string line = fmt::format(
      "{} delivered={} failed={} spooled={} dropped_queue_full={} dropped_shutdown={} "
      "retried={} queued={}",
      stats.sink, stats.delivered, stats.failed, stats.spooled, stats.dropped_queue_full,
      stats.dropped_shutdown, stats.retried, stats.queued);
  for (const SinkCounter& counter : stats.extra) {
    line += fmt::format(" {}={}", counter.name, counter.value);
  }
  if (!stats.last_error.empty()) line += fmt::format(" last_error=\"{}\"", stats.last_error);
  return line;
}

}  // namespace picket::sinks
