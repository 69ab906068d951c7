// SinkRunner: one bounded queue and one thread in front of one Sink, so that
// a slow or failing destination never blocks detection (architecture.md,
// principle 4 "Nothing lost silently").
//
//   pipeline thread --Submit()--> [bounded queue] --runner thread--> Sink::Write(batch)
//
// Submit() never waits on I/O: it takes the queue mutex for one push, and
// when the queue is full the record is dropped and counted for this sink
// only. The runner thread takes up to max_batch records per Write, retries a
// transient failure (ErrorCode::kUnavailable) with exponential backoff for at
// most max_retry_time, then gives the batch up (counted failed, or spooled if
// the sink keeps it). Failures and drops are logged through a FailureLog: at
// most one line per failure_log_interval with the count since the last line.
//
// Every accepted record ends in exactly one counter once the runner stopped:
//   accepted == delivered + failed + spooled + dropped_shutdown
// and every Submit() call is either accepted or dropped_queue_full /
// dropped_shutdown.

#ifndef PICKET_SINKS_SINK_RUNNER_H_
#define PICKET_SINKS_SINK_RUNNER_H_

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "sinks/failure_log.h"
#include "sinks/sink.h"

namespace picket::sinks {

struct SinkRunnerOptions {
  // Records waiting for the sink; beyond this, Submit() drops and counts.
  std::size_t queue_capacity = 10'000;
  // Most records handed to one Sink::Write call.
  std::size_t max_batch = 256;
  // Backoff between retries of a transient failure: initial, doubled per
  // attempt up to max_backoff; the batch is given up once the next attempt
  // would start later than max_retry_time after the first.
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5'000};
  std::chrono::milliseconds max_retry_time{30'000};
  // At most one failure log line per sink per interval.
  std::chrono::milliseconds failure_log_interval{10'000};
  // How often Sink::Tick runs (retention, spool replay) and pending failure
  // summaries are flushed.
  std::chrono::milliseconds tick_interval{1'000};
  // Where failure lines go; null means DefaultSinksLogger() (stderr).
  std::shared_ptr<spdlog::logger> logger;
};

struct SinkStats {
  std::string sink;                      // Sink::name()
  std::uint64_t accepted = 0;            // Submit() calls that queued the record
  std::uint64_t delivered = 0;           // written by Sink::Write
  std::uint64_t failed = 0;              // given up after retries or a permanent error
  std::uint64_t spooled = 0;             // given up but kept by the sink (KeepUndelivered)
  std::uint64_t dropped_queue_full = 0;  // refused by Submit(): queue at capacity
  std::uint64_t dropped_shutdown = 0;  // refused after stop, or still queued at the drain deadline
  std::uint64_t retried = 0;           // Write attempts that were retries
  std::uint64_t queued = 0;            // waiting now (not counting the batch in flight)
  std::string last_error;              // most recent Write/Tick/Reopen error, "" if none
  std::vector<SinkCounter> extra;      // Sink::ExtraCounters()
};

class SinkRunner {
 public:
  // Starts the runner thread. `sink` must not be null.
  SinkRunner(std::unique_ptr<Sink> sink, SinkRunnerOptions options);
  // Stops without waiting for the queue: Drain(0).
  ~SinkRunner();

  SinkRunner(const SinkRunner&) = delete;
  SinkRunner& operator=(const SinkRunner&) = delete;

  // Queues `record` for the sink. Returns false when it was dropped (queue
  // full, or the runner is stopping); the drop is counted. Thread-safe;
  // never blocks on the sink.
  bool Submit(SignalRecordPtr record);

  // Asks the runner thread to call Sink::Reopen() before its next write
  // (SIGHUP, log rotation). Thread-safe, returns at once.
  void RequestReopen();

  // Delivers what is queued, then stops the thread. Records still queued at
  // `timeout` are counted as dropped_shutdown, and retries stop at the
  // deadline. Returns after the deadline plus at most one in-flight
  // Sink::Write (sinks bound their own call time). An error says how many
  // records failed or were abandoned during the drain. Thread-safe; a second
  // call only waits.
  Status Drain(std::chrono::milliseconds timeout);

  // The first half of Drain(): sets the deadline and returns at once, so
  // several runners can drain in parallel against one deadline. The first
  // deadline set wins: a later Drain() only waits. Thread-safe.
  void BeginDrain(std::chrono::steady_clock::time_point deadline);

  // A consistent-enough snapshot (each counter is read atomically). Thread-safe.
  SinkStats stats() const;

  std::string_view sink_name() const { return name_; }

 private:
  using Clock = std::chrono::steady_clock;

  void Run();
  // Write with retries; counts the outcome. Runner thread only.
  void Deliver(const std::vector<SignalRecordPtr>& batch);
  // True once a stop was requested and its deadline passed. Requires mu_.
  bool PastDrainDeadlineLocked(Clock::time_point now) const;
  void SetLastError(const Error& error);

  const std::unique_ptr<Sink> sink_;  // used by the runner thread only
  const SinkRunnerOptions options_;
  const std::string name_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<SignalRecordPtr> queue_;  // guarded by mu_
  bool stop_requested_ = false;        // guarded by mu_
  Clock::time_point drain_deadline_;   // guarded by mu_; valid when stop_requested_
  bool reopen_requested_ = false;      // guarded by mu_

  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> spooled_{0};
  std::atomic<std::uint64_t> dropped_queue_full_{0};
  std::atomic<std::uint64_t> dropped_shutdown_{0};
  std::atomic<std::uint64_t> retried_{0};

  mutable std::mutex error_mu_;
  std::string last_error_;  // guarded by error_mu_

  FailureLog failure_log_;  // runner thread only

  std::mutex join_mu_;  // serialises Drain() callers around join()
  std::thread thread_;  // last member: starts after everything above exists
};

}  // namespace picket::sinks

#endif  // PICKET_SINKS_SINK_RUNNER_H_
