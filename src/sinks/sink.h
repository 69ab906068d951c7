// Sink: one destination for security signals (stdout, a file, the SQLite
// store, an HTTP endpoint, ...). A Sink only knows how to write; queueing,
// batching, retries, failure counting and rate-limited logging belong to the
// SinkRunner that owns it (sink_runner.h).
//
// Threading contract: after construction, every method except name() and
// ExtraCounters() is called from exactly one thread (the owning runner's), so
// implementations need no locks for their own state. ExtraCounters() may be
// called from any thread and must only read atomics.

#ifndef PICKET_SINKS_SINK_H_
#define PICKET_SINKS_SINK_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sinks/signal_record.h"

namespace picket::sinks {

// A sink-specific counter reported next to the runner's own (e.g. the HTTP
// sink's spooled batches). Names are snake_case and stable: they end up in
// the stats line and metrics.
struct SinkCounter {
  std::string name;
  std::uint64_t value = 0;

  bool operator==(const SinkCounter&) const = default;
};

class Sink {
 public:
  virtual ~Sink() = default;

  // Short stable identifier used in logs and stats: "stdout", "sqlite", ...
  virtual std::string_view name() const = 0;

  // Writes every record of `batch`, or fails as a whole. An error with code
  // ErrorCode::kUnavailable is transient: the runner retries the same batch
  // with backoff. Any other code is permanent for this batch: it is counted
  // as failed without a retry (the next batch tries again from scratch, so
  // a sink that cannot open its file recovers once the operator fixes it).
  // Implementations must bound the time one call can take (timeouts).
  virtual Status Write(SignalBatch batch) = 0;

  // Pushes buffered output to its destination (called after each successful
  // batch when the queue is empty, and before the runner stops).
  virtual Status Flush() { return {}; }

  // Periodic housekeeping (retention, spool replay), called by the runner at
  // least every SinkRunnerOptions::tick_interval, never concurrently with
  // Write. `now_ns` is CLOCK_REALTIME in ns since the Unix epoch.
  virtual Status Tick(std::uint64_t /*now_ns*/) { return {}; }

  // Re-opens output files (log rotation; the agent calls it on SIGHUP
  // through SinkRunner::RequestReopen).
  virtual Status Reopen() { return {}; }

  // Called once the runner has given up on `batch` (retries exhausted or a
  // permanent error). Returns true if the sink preserved the records
  // elsewhere (the HTTP sink's disk spool); they are then counted as spooled
  // instead of failed.
  virtual bool KeepUndelivered(SignalBatch /*batch*/) { return false; }

  // Sink-specific counters; see the threading contract above.
  virtual std::vector<SinkCounter> ExtraCounters() const { return {}; }
};

}  // namespace picket::sinks

#endif  // PICKET_SINKS_SINK_H_
