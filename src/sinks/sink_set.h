// SinkSet: the agent's fan-out point. One Submit() shares one immutable
// record with every sink's runner; each sink keeps its own queue, thread and
// counters, so one that stalls or fails costs the others nothing.

#ifndef PICKET_SINKS_SINK_SET_H_
#define PICKET_SINKS_SINK_SET_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "sinks/sink.h"
#include "sinks/sink_runner.h"

namespace picket::sinks {

class SinkSet {
 public:
  // Not thread-safe with Submit(): add every sink before the pipeline starts.
  void Add(std::unique_ptr<Sink> sink, const SinkRunnerOptions& options);

  // Hands `record` to every sink. Returns how many sinks accepted it (the
  // others counted a drop). Thread-safe; never blocks on a sink.
  std::size_t Submit(SignalRecord record);

  // SIGHUP: every sink re-opens its files on its own thread.
  void RequestReopen();

  // SIGTERM: drains every runner in parallel against one shared deadline.
  // The error lists the sinks that did not deliver everything.
  Status Drain(std::chrono::milliseconds timeout);

  std::vector<SinkStats> stats() const;
  std::size_t size() const { return runners_.size(); }

 private:
  std::vector<std::unique_ptr<SinkRunner>> runners_;
};

// One sink's counters as `key=value` pairs for the agent's periodic stats
// line, e.g. "sqlite delivered=120 failed=3 spooled=0 dropped_queue_full=0
// dropped_shutdown=0 retried=7 queued=0 retention_deleted=0
// last_error=\"inserting 8 signals into …: database or disk is full\"".
// last_error appears only when set.
std::string FormatSinkStats(const SinkStats& stats);

}  // namespace picket::sinks

#endif  // PICKET_SINKS_SINK_SET_H_
