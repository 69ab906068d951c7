#include "app/pipeline.h"

#include <spdlog/spdlog.h>

#include "base/clock.h"
#include "signals/signal_builder.h"

namespace picket::app {
namespace {

nlohmann::json VariablesJson(const std::map<std::string, secl::OwnedValue>& variables) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : variables) {
    std::visit(
        [&out, &name](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, secl::IpNetwork>) {
            out[name] = v.ToString();
          } else if constexpr (std::is_same_v<V, std::vector<secl::IpNetwork>>) {
            nlohmann::json array = nlohmann::json::array();
            for (const secl::IpNetwork& ip : v) array.push_back(ip.ToString());
            out[name] = std::move(array);
          } else {
            out[name] = v;
          }
        },
        value);
  }
  return out;
}

// Event time. A tenth of the default exit grace: exited entries outlive it
// by at most this much (a Reap() with nothing due compares one deadline).
constexpr std::uint64_t kReapEveryNs = 100'000'000;

std::uint32_t EventPid(const events::Event& event) {
  struct Visitor {
    std::uint32_t operator()(const events::ForkEvent& e) const { return e.child.pid; }
    std::uint32_t operator()(const events::ExecEvent& e) const { return e.process.pid; }
    std::uint32_t operator()(const events::ExitEvent& e) const { return e.process.pid; }
  };
  return std::visit(Visitor{}, event);
}

}  // namespace

sinks::SignalRecord ToSignalRecord(const signals::Signal& signal, const std::string& host) {
  sinks::SignalRecord record;
  record.rule_id = signal.rule_id;
  record.timestamp_ns = signal.timestamp_ns;
  record.host = host;
  record.pid = signal.pid;
  record.comm = signal.comm;
  if (const auto usr = signal.document.find("usr"); usr != signal.document.end()) {
    record.user = usr->value("id", "");
  }
  record.title = signal.title;
  record.message = signal.message;
  record.severity = signal.severity;
  record.json = signal.ToJsonLine();
  return record;
}

Pipeline::Pipeline(PipelineOptions options, std::shared_ptr<const engine::RuleSet> rules,
                   sinks::SinkSet* sinks, SignalObserver observer)
    : options_(std::move(options)),
      tree_(options_.tree_limits),
      catalogue_(fields::FieldCatalogue::Default()),
      view_(catalogue_, user_names_, {.hostname = options_.agent.hostname}),
      engine_(options_.engine, std::move(rules)),
      sinks_(sinks),
      observer_(std::move(observer)) {
  view_.set_lineage_memo_enabled(options_.lineage_memo);
}

void Pipeline::Seed(const std::vector<proc::ProcessPtr>& images) { tree_.Seed(images); }

void Pipeline::SetPolicy(std::shared_ptr<const engine::RuleSet> rules) {
  engine_.SetRules(std::move(rules));
  view_.ForgetLineage();  // its verdicts name the old rule set's matchers
}

void Pipeline::Process(const events::Event& event) {
  events::Event copy = event;
  Process(std::move(copy));
}

void Pipeline::Process(events::Event&& event) {
  ++stats_.events;
  std::visit(
      [this](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, events::ForkEvent>) ++stats_.forks;
        if constexpr (std::is_same_v<E, events::ExecEvent>) ++stats_.execs;
        if constexpr (std::is_same_v<E, events::ExitEvent>) ++stats_.exits;
      },
      event);

  // After this the event's own strings are gone; the view and the signal
  // builder read process attributes from the image, event-level ones
  // (time, exit status) from the event.
  proc::ConstProcessPtr image = tree_.Apply(std::move(event));
  std::uint64_t now = events::TimestampNs(event);
  if (tree_.stats().lineage_cuts != lineage_cuts_seen_) {
    // An image lost the lineage above it: verdicts remembered below it may
    // name ancestors that are no longer there.
    lineage_cuts_seen_ = tree_.stats().lineage_cuts;
    view_.ForgetLineage();
  }

  const std::string_view event_type = events::EventTypeName(event);
  if (options_.own_pid != 0 && EventPid(event) == options_.own_pid) {
    ++stats_.own_events_skipped;
  } else if (engine_.HandlesEventType(event_type)) {
    // Only when some rule handles the type: no policy has fork rules, and
    // binding walks the event's whole ancestry.
    view_.Bind(event, image.get(), static_cast<std::int64_t>(now));
    std::vector<engine::Match> matches = engine_.Evaluate(event_type, view_, image.get(), now);
    for (const engine::Match& match : matches) Emit(match, event, *image);
    view_.Reset();
  }

  if (now >= last_reap_ns_ + kReapEveryNs) {
    tree_.Reap(now);
    last_reap_ns_ = now;
  }
}

void Pipeline::Emit(const engine::Match& match, const events::Event& event,
                    const proc::Process& image) {
  proc::AncestorList ancestors = tree_.Ancestors(image);
  signals::MatchContext context;
  context.event = &event;
  context.process = &image;
  context.ancestors = ancestors.images;
  context.gaps.ancestors_truncated = ancestors.truncated;
  // A chain that ends at a process other than the root (pid 1 or the
  // kernel's threads) means the tree never saw that ancestor's parent.
  if (!ancestors.truncated) {
    const proc::Process& top = ancestors.images.empty() ? image : *ancestors.images.back();
    context.gaps.ancestors_unresolved = top.parent_key.pid > 2 && top.key.pid > 2;
  }
  const std::uint64_t lost_records_total =
      lost_records_source_ ? lost_records_source_() : lost_records_reported_;
  context.gaps.lost_records_since_previous = lost_records_total - lost_records_reported_;
  context.gaps.suppressed_since_previous = match.suppressed_since_previous;
  lost_records_reported_ = lost_records_total;

  signals::Signal signal =
      signals::BuildSignal(match.rule->info, context, options_.agent, user_names_);
  if (match.hashes.has_value()) {
    signal.document["hashes"] = {{"state", engine::HashStateName(match.hashes->state)},
                                 {"sha256", match.hashes->sha256},
                                 {"sha1", match.hashes->sha1}};
  }
  // Non-private variables (spec §8.6): process, container and global scopes.
  if (auto v = engine_.VisibleVariables(policy::VariableScope::kProcess); !v.empty()) {
    signal.document["process"]["variables"] = VariablesJson(v);
  }
  if (auto v = engine_.VisibleVariables(policy::VariableScope::kContainer); !v.empty()) {
    signal.document["container"]["variables"] = VariablesJson(v);
  }
  if (auto v = engine_.VisibleVariables(policy::VariableScope::kGlobal); !v.empty()) {
    signal.document["evt"]["variables"] = VariablesJson(v);
  }
  for (const engine::KillReport& kill : match.kills) {
    nlohmann::json report = {{"type", "kill"},
                             {"signal", kill.signal},
                             {"status", engine::KillStatusName(kill.status)},
                             {"pids", kill.pids},
                             {"reason", kill.reason}};
    signal.document["agent"]["rule_actions"].push_back(std::move(report));
  }
  ++stats_.signals;
  if (sinks_ != nullptr && sinks_->size() > 0 &&
      sinks_->Submit(ToSignalRecord(signal, options_.agent.hostname)) == 0) {
    ++stats_.signals_submitted_to_no_sink;
  }
  if (options_.measure_signal_latency) {
    std::uint64_t now = RealtimeNs();
    signal_latency_.Record(now > signal.timestamp_ns ? now - signal.timestamp_ns : 0);
  }
  if (observer_) observer_(signal);
}

}  // namespace picket::app
