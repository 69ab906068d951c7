#include "sinks/http_sink.h"

#include <fmt/format.h>

#include <utility>

namespace picket::sinks {

std::string NdjsonBody(SignalBatch batch) {
  std::string body;
  for (const SignalRecordPtr& record : batch) {
    body += record->json;
    body += '\n';
  }
  return body;
}

HttpSink::HttpSink(HttpSinkConfig config, std::string name, HttpBodyEncoder encoder,
                   HttpSetupFn setup)
    : config_(std::move(config)),
      name_(std::move(name)),
      encoder_(std::move(encoder)),
      setup_(std::move(setup)),
      client_(config_.client) {}

Status HttpSink::EnsureSetUp() {
  if (!setup_) return {};
  if (Status status = setup_(client_); !status) return status;
  setup_ = nullptr;
  return {};
}

Status HttpSink::Write(SignalBatch batch) {
  if (Status ready = EnsureSetUp(); !ready) return ready;
  const std::string body = encoder_(batch);
  return CheckHttpResponse(client_.Post(config_.url, body, config_.content_type),
                           fmt::format("sending {} signals to {}", batch.size(), config_.url));
}

Status HttpSink::OpenSpool() {
  if (spool_) return {};
  Result<DiskSpool> spool =
      DiskSpool::Open({.directory = config_.spool_dir, .max_bytes = config_.spool_max_bytes});
  if (!spool) return spool.error();
  spool_.emplace(std::move(*spool));
  PublishSpoolGauges();
  return {};
}

void HttpSink::PublishSpoolGauges() {
  spool_entries_.store(spool_->entries());
  spool_records_.store(spool_->records());
  spool_bytes_.store(spool_->bytes());
  spool_evicted_.store(spool_->evicted_records());
}

bool HttpSink::KeepUndelivered(SignalBatch batch) {
  if (config_.spool_dir.empty()) return false;
  if (Status opened = OpenSpool(); !opened) {
    spool_errors_.fetch_add(1);
    return false;
  }
  const Status pushed = spool_->Push(encoder_(batch), batch.size());
  PublishSpoolGauges();
  if (!pushed) {
    spool_errors_.fetch_add(1);
    return false;
  }
  return true;
}

Status HttpSink::Tick(std::uint64_t now_ns) {
  if (config_.spool_dir.empty()) return {};
  // Opening here (not only on the first failure) replays what a previous
  // run left behind.
  if (Status opened = OpenSpool(); !opened) return opened;
  if (spool_->entries() == 0 || now_ns < next_replay_ns_) return {};
  if (Status ready = EnsureSetUp(); !ready) {
    next_replay_ns_ =
        now_ns + static_cast<std::uint64_t>(config_.replay_interval.count()) * 1'000'000ULL;
    return ready;
  }
  for (std::size_t i = 0; i < config_.replay_max_entries_per_tick; ++i) {
    const std::optional<SpoolEntry> oldest = spool_->Oldest();
    if (!oldest) break;
    Result<std::string> payload = spool_->Read(*oldest);
    if (!payload) {
      // An unreadable entry cannot be replayed ever; drop it, count it.
      spool_errors_.fetch_add(1);
      (void)spool_->PopOldest();
      PublishSpoolGauges();
      return payload.error();
    }
    Status sent = CheckHttpResponse(
        client_.Post(config_.url, *payload, config_.content_type),
        fmt::format("replaying {} spooled signals to {}", oldest->records, config_.url));
    if (!sent && sent.error().code() != ErrorCode::kUnavailable) {
      // The endpoint rejects this payload for good (4xx): replaying it would
      // block the spool forever. Drop it, count it, report it.
      spool_errors_.fetch_add(1);
      (void)spool_->PopOldest();
      PublishSpoolGauges();
      return sent;
    }
    if (!sent) {
      next_replay_ns_ =
          now_ns + static_cast<std::uint64_t>(config_.replay_interval.count()) * 1'000'000ULL;
      return sent;
    }
    replayed_.fetch_add(oldest->records);
    Status popped = spool_->PopOldest();
    PublishSpoolGauges();
    if (!popped) return popped;
  }
  return {};
}

std::vector<SinkCounter> HttpSink::ExtraCounters() const {
  return {
      {"spool_entries", spool_entries_.load()}, {"spool_records", spool_records_.load()},
      {"spool_bytes", spool_bytes_.load()},     {"replayed", replayed_.load()},
      {"spool_evicted", spool_evicted_.load()}, {"spool_errors", spool_errors_.load()},
  };
}

}  // namespace picket::sinks
