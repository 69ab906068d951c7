// Pipeline: the one thread that turns events into signals, shared by
// `picket run` (live kernel events) and `picket replay` (a recording), so a
// replay goes through exactly the code the live run did.
//
// For each event: apply it to the process tree, bind the event view, let the
// engine evaluate the rules of the event's type (running their actions), and
// for every match that passes the rate limiter build a signal — a copy of the
// process and its ancestors — and hand it to the sinks and the observer.
// Exit events are evaluated while the exiting image is still in the tree;
// exited images are reaped after the tree's grace period of event time.
//
// Not thread-safe: one thread owns a Pipeline. Policy swaps happen between
// events (SetPolicy), so a rule set is never changed under an evaluation.

#ifndef PICKET_APP_PIPELINE_H_
#define PICKET_APP_PIPELINE_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "base/latency_histogram.h"
#include "base/user_names.h"
#include "engine/engine.h"
#include "events/process_events.h"
#include "fields/catalogue.h"
#include "fields/event_view.h"
#include "proc/process_tree.h"
#include "signals/signal.h"
#include "sinks/sink_set.h"

namespace picket::app {

struct PipelineOptions {
  proc::ProcessTreeLimits tree_limits;
  signals::AgentInfo agent;
  // Events of this process are applied to the tree but never evaluated
  // (spec §13: the agent does not alert on itself). 0 = evaluate everything.
  std::uint32_t own_pid = 0;
  engine::EngineOptions engine;
  // Live runs: record kernel event time → signal emission (wall clock) per
  // signal. Off for replays, where the event happened long ago.
  bool measure_signal_latency = false;
  // Remember "some ancestor matches" verdicts per image (fields::EventView's
  // lineage memo). Off: every exec walks its ancestors (benchmarks compare).
  bool lineage_memo = true;
};

struct PipelineStats {
  std::uint64_t events = 0;
  std::uint64_t forks = 0;
  std::uint64_t execs = 0;
  std::uint64_t exits = 0;
  std::uint64_t own_events_skipped = 0;
  std::uint64_t signals = 0;
  std::uint64_t signals_submitted_to_no_sink = 0;  // every sink refused (queues full)
};

class Pipeline {
 public:
  using SignalObserver = std::function<void(const signals::Signal&)>;

  // `sinks` may be null (replay to an observer only); it must outlive the
  // pipeline. `observer` (optional) sees every emitted signal, after sinks.
  Pipeline(PipelineOptions options, std::shared_ptr<const engine::RuleSet> rules,
           sinks::SinkSet* sinks, SignalObserver observer = nullptr);

  // Seeds the tree (after the collector attached, before the first Process).
  void Seed(const std::vector<proc::ProcessPtr>& images);

  void Process(const events::Event& event);
  // Same, but an exec's strings and lists move into the process tree instead
  // of being copied: afterwards `event` holds only its keys, times and flags.
  void Process(events::Event&& event);

  // Installs a new rule set for the next event. Variables and rate limiters
  // start fresh, as on a Datadog agent policy reload.
  void SetPolicy(std::shared_ptr<const engine::RuleSet> rules);

  // Where the kernel's running total of lost records is read: once per
  // emitted signal, which reports the delta since the previous one
  // (gaps.lost_records_since_previous). Reading it costs system calls, so it
  // is not polled per batch of events. Unset: no losses are reported.
  using LostRecordsSource = std::function<std::uint64_t()>;
  void SetLostRecordsSource(LostRecordsSource source) { lost_records_source_ = std::move(source); }

  const PipelineStats& stats() const { return stats_; }
  // Event timestamp → signal handed to the sinks, for emitted signals.
  const LatencyHistogram& signal_latency() const { return signal_latency_; }
  const engine::Engine& engine() const { return engine_; }
  const proc::ProcessTree& tree() const { return tree_; }

 private:
  void Emit(const engine::Match& match, const events::Event& event, const proc::Process& image);

  PipelineOptions options_;
  proc::ProcessTree tree_;
  UserNames user_names_;
  const fields::FieldCatalogue& catalogue_;
  fields::EventView view_;
  engine::Engine engine_;
  sinks::SinkSet* sinks_;
  SignalObserver observer_;
  PipelineStats stats_;
  LatencyHistogram signal_latency_;
  LostRecordsSource lost_records_source_;
  std::uint64_t lost_records_reported_ = 0;
  std::uint64_t last_reap_ns_ = 0;
  std::uint64_t lineage_cuts_seen_ = 0;  // tree cuts the view's lineage memo accounts for
};

// The sinks' view of a signal.
sinks::SignalRecord ToSignalRecord(const signals::Signal& signal, const std::string& host);

}  // namespace picket::app

#endif  // PICKET_APP_PIPELINE_H_
