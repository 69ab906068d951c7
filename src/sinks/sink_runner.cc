#include "sinks/sink_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "base/clock.h"
#include "sinks/failure_log.h"

namespace picket::sinks {

SinkRunner::SinkRunner(std::unique_ptr<Sink> sink, SinkRunnerOptions options)
    : sink_(std::move(sink)),
      options_(std::move(options)),
      name_(sink_->name()),
      failure_log_(options_.logger, name_, options_.failure_log_interval),
      thread_([this] { Run(); }) {}

SinkRunner::~SinkRunner() { (void)Drain(std::chrono::milliseconds(0)); }

bool SinkRunner::Submit(SignalRecordPtr record) {
  {
    std::lock_guard lock(mu_);
    if (stop_requested_) {
      dropped_shutdown_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    if (queue_.size() >= options_.queue_capacity) {
      dropped_queue_full_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    queue_.push_back(std::move(record));
    accepted_.fetch_add(1, std::memory_order_relaxed);
  }
  wake_.notify_one();
  return true;
}

void SinkRunner::RequestReopen() {
  {
    std::lock_guard lock(mu_);
    reopen_requested_ = true;
  }
  wake_.notify_one();
}

void SinkRunner::BeginDrain(Clock::time_point deadline) {
  {
    std::lock_guard lock(mu_);
    if (!stop_requested_) {
      stop_requested_ = true;
      drain_deadline_ = deadline;
    }
  }
  wake_.notify_all();
}

Status SinkRunner::Drain(std::chrono::milliseconds timeout) {
  const std::uint64_t failed_before = failed_.load();
  const std::uint64_t abandoned_before = dropped_shutdown_.load();
  BeginDrain(Clock::now() + timeout);
  {
    std::lock_guard lock(join_mu_);
    if (thread_.joinable()) thread_.join();
  }
  const std::uint64_t failed = failed_.load() - failed_before;
  const std::uint64_t abandoned = dropped_shutdown_.load() - abandoned_before;
  if (failed + abandoned > 0) {
    return Error(ErrorCode::kUnavailable,
                 fmt::format("sink {}: {} signals not delivered while draining ({} failed, {} "
                             "still queued at the deadline)",
                             name_, failed + abandoned, failed, abandoned));
  }
  return {};
}

SinkStats SinkRunner::stats() const {
  SinkStats stats;
  stats.sink = name_;
  stats.accepted = accepted_.load();
  stats.delivered = delivered_.load();
  stats.failed = failed_.load();
  stats.spooled = spooled_.load();
  stats.dropped_queue_full = dropped_queue_full_.load();
  stats.dropped_shutdown = dropped_shutdown_.load();
  stats.retried = retried_.load();
  {
    std::lock_guard lock(mu_);
    stats.queued = queue_.size();
  }
  {
    std::lock_guard lock(error_mu_);
    stats.last_error = last_error_;
  }
  stats.extra = sink_->ExtraCounters();
  return stats;
}

bool SinkRunner::PastDrainDeadlineLocked(Clock::time_point now) const {
  return stop_requested_ && now >= drain_deadline_;
}

void SinkRunner::SetLastError(const Error& error) {
  std::lock_guard lock(error_mu_);
  last_error_ = error.message();
}

void SinkRunner::Run() {
  FailureLog& write_log = failure_log_;
  std::uint64_t drops_seen = 0;
  Clock::time_point next_tick = Clock::now();
  std::vector<SignalRecordPtr> batch;
  batch.reserve(options_.max_batch);

  // Runs periodic work and reports drops that Submit() counted since the
  // last look (Submit runs on the pipeline thread and must not log).
  auto housekeeping = [&](Clock::time_point now) {
    const std::uint64_t drops = dropped_queue_full_.load();
    if (drops > drops_seen) {
      write_log.Record(Error(ErrorCode::kUnavailable,
                             fmt::format("queue full ({} signals)", options_.queue_capacity)),
                       drops - drops_seen, now);
      drops_seen = drops;
    }
    if (now >= next_tick) {
      if (Status status = sink_->Tick(RealtimeNs()); !status) {
        SetLastError(status.error());
        write_log.Record(status.error(), 0, now);
      }
      next_tick = now + options_.tick_interval;
    }
    write_log.FlushIfDue(now);
  };

  while (true) {
    bool reopen = false;
    bool queue_now_empty = false;
    batch.clear();
    {
      std::unique_lock lock(mu_);
      wake_.wait_until(lock, next_tick,
                       [&] { return !queue_.empty() || stop_requested_ || reopen_requested_; });
      const Clock::time_point now = Clock::now();
      if (stop_requested_ && (queue_.empty() || PastDrainDeadlineLocked(now))) break;
      reopen = std::exchange(reopen_requested_, false);
      const std::size_t take = std::min(queue_.size(), options_.max_batch);
      for (std::size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queue_now_empty = queue_.empty();
    }
    if (reopen) {
      if (Status status = sink_->Reopen(); !status) {
        SetLastError(status.error());
        write_log.Record(status.error(), 0, Clock::now());
      }
    }
    if (!batch.empty()) {
      Deliver(batch);
      if (queue_now_empty) {
        if (Status status = sink_->Flush(); !status) {
          SetLastError(status.error());
          write_log.Record(status.error(), 0, Clock::now());
        }
      }
    }
    housekeeping(Clock::now());
  }

  // Stopping: whatever is still queued missed the deadline.
  std::size_t abandoned = 0;
  {
    std::lock_guard lock(mu_);
    abandoned = queue_.size();
    queue_.clear();
  }
  if (abandoned > 0) {
    dropped_shutdown_.fetch_add(abandoned);
    write_log.Record(Error(ErrorCode::kUnavailable, "still queued at the drain deadline"),
                     abandoned, Clock::now());
  }
  if (Status status = sink_->Flush(); !status) {
    SetLastError(status.error());
    write_log.Record(status.error(), 0, Clock::now());
  }
  housekeeping(Clock::now());
  write_log.FlushPending();
}

void SinkRunner::Deliver(const std::vector<SignalRecordPtr>& batch) {
  const Clock::time_point first_attempt = Clock::now();
  Clock::duration backoff = options_.initial_backoff;
  const SignalBatch view(batch);
  for (;;) {
    Status status = sink_->Write(view);
    if (status) {
      delivered_.fetch_add(batch.size());
      return;
    }
    SetLastError(status.error());
    const Clock::time_point now = Clock::now();
    Clock::time_point give_up_at = first_attempt + options_.max_retry_time;
    bool retry = status.error().code() == ErrorCode::kUnavailable;
    if (retry) {
      std::unique_lock lock(mu_);
      if (stop_requested_) give_up_at = std::min(give_up_at, drain_deadline_);
      retry = now + backoff <= give_up_at;
      if (retry) {
        // Sleeps the backoff, but wakes early when a stop request moves
        // the deadline closer than the end of the backoff.
        const Clock::time_point wake_at = now + backoff;
        wake_.wait_until(lock, wake_at,
                         [&] { return stop_requested_ && drain_deadline_ < wake_at; });
        if (stop_requested_ && Clock::now() >= drain_deadline_) retry = false;
      }
    }
    if (!retry) {
      if (sink_->KeepUndelivered(view)) {
        spooled_.fetch_add(batch.size());
        status =
            Error(status.error().code(), fmt::format("{} (batch of {} kept for later delivery)",
                                                     status.error().message(), batch.size()));
        failure_log_.Record(status.error(), 0, Clock::now());
      } else {
        failed_.fetch_add(batch.size());
        failure_log_.Record(status.error(), batch.size(), Clock::now());
      }
      return;
    }
    // The failed attempt is reported (rate-limited) even though it will be
    // retried, so an operator sees a flapping sink before anything is lost.
    failure_log_.Record(status.error(), 0, Clock::now());
    retried_.fetch_add(1);
    backoff = std::min<Clock::duration>(backoff * 2, options_.max_backoff);
  }
}

}  // namespace picket::sinks
