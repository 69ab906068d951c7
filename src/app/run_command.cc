// `picket run`: the agent. Attaches the kernel collector, seeds the process
// tree from /proc, and runs the pipeline (tree → rules → signals → sinks)
// until SIGTERM/SIGINT, which drain the sink queues and exit 0. SIGHUP
// reloads the policies: if the new set has errors, every diagnostic is logged
// and the previous policy stays active. A stats line (events/s, lost records,
// signals, suppressed, per-sink delivery) is logged every interval.
//
// Signals are blocked in every thread and read from a signalfd between ring
// drains, so a reload or a stop always happens between two events.
//
// Waiting: while records keep coming, the loop sleeps one poll interval
// between drains (records batch up in the ring; no record waits longer than
// about one interval). After a drain that found the ring empty it sleeps
// until the kernel side wakes it on the next record, a signal arrives, or
// kIdleWait passes, so an idle host costs a few wake-ups per second instead
// of one per poll interval. Woken by a record, it still sleeps one interval
// before draining: the records behind the first one join its batch, so a
// steady trickle costs one wake-up per interval, as a busy host does.
// Either sleep ends at once when the kernel side forces a wake-up: an exec
// of a program the rules name (collector.urgent_exec_wakeups), or the ring
// holding its wake-up threshold of bytes.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "app/agent_setup.h"
#include "app/agent_sinks.h"
#include "app/command.h"
#include "app/pipeline.h"
#include "base/clock.h"
#include "base/heap_release.h"
#include "engine/urgent_exec_names.h"
#include "fields/catalogue.h"
#include "probe/collector.h"
#include "proc/procfs_seed.h"

namespace picket::app {
namespace {

struct RunOptions {
  AgentOptions agent{.log_level = "info"};
  double duration_seconds = 0;  // 0: until SIGTERM/SIGINT
};

class SignalFd {
 public:
  SignalFd() {
    sigemptyset(&mask_);
    sigaddset(&mask_, SIGINT);
    sigaddset(&mask_, SIGTERM);
    sigaddset(&mask_, SIGHUP);
    // Before any thread starts, so every thread inherits the mask.
    pthread_sigmask(SIG_BLOCK, &mask_, &previous_);
    fd_ = signalfd(-1, &mask_, SFD_NONBLOCK | SFD_CLOEXEC);
  }
  ~SignalFd() {
    if (fd_ >= 0) close(fd_);
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  SignalFd(const SignalFd&) = delete;
  SignalFd& operator=(const SignalFd&) = delete;

  int fd() const { return fd_; }

  // The next pending signal number, or 0.
  int Next() {
    signalfd_siginfo info{};
    if (fd_ < 0 || read(fd_, &info, sizeof(info)) != sizeof(info)) return 0;
    return static_cast<int>(info.ssi_signo);
  }

 private:
  sigset_t mask_{};
  sigset_t previous_{};
  int fd_ = -1;
};

// Longest idle sleep: bounds the extra latency of a record whose producer
// skipped the wake-up just as the loop went idle (Collector::WaitForRecord).
constexpr std::chrono::milliseconds kIdleWait{250};

// The batching sleep; true when a signal may be pending (so the caller reads
// the signalfd only then: every system call counts at one wake-up per
// interval).
bool SleepOneInterval(probe::Collector& kernel, int signal_fd, const AgentConfig& config) {
  Result<probe::Collector::WakeReason> woken =
      kernel.SleepUntilWoken(std::chrono::milliseconds(config.poll_interval_ms),
                             std::chrono::milliseconds(config.min_poll_interval_ms), signal_fd);
  if (!woken.has_value()) {
    spdlog::error("ring buffer: {}", woken.error().message());
    return true;
  }
  return *woken == probe::Collector::WakeReason::kExtraFd;
}

// Hands the kernel side the names whose execs wake the agent at once, from
// the active rules; logs which exec rules wait for the interval instead.
void LoadUrgentExecNames(probe::Collector& kernel, const engine::RuleSet& rules,
                         const secl::Schema& schema, const AgentConfig& config) {
  engine::UrgentExecNames urgent;
  if (config.urgent_exec_wakeups) urgent = engine::DeriveUrgentExecNames(rules, schema);
  if (Status loaded = kernel.SetUrgentExecNames(urgent.names); !loaded) {
    spdlog::warn("urgent exec wake-ups off: {}", loaded.error().message());
    return;
  }
  if (!config.urgent_exec_wakeups) return;
  spdlog::info(
      "urgent exec wake-ups: {} program names from {} exec rules; {} exec rules see events "
      "within collector.poll_interval_ms ({} ms)",
      urgent.names.size(), urgent.rules_named.size(), urgent.rules_waiting.size(),
      config.poll_interval_ms);
  spdlog::debug("urgent exec names: {}", fmt::join(urgent.names, " "));
  spdlog::debug("exec rules waiting for the interval: {}", fmt::join(urgent.rules_waiting, ", "));
}

void LogStats(const Pipeline& pipeline, const probe::Collector& collector,
              const sinks::SinkSet& sinks, std::uint64_t events_in_interval, double seconds) {
  probe::CollectorStats kernel = collector.Stats();
  const engine::EngineStats& engine = pipeline.engine().stats();
  std::string sink_text;
  for (const sinks::SinkStats& s : sinks.stats()) {
    sink_text +=
        fmt::format(" {}[delivered={} failed={} dropped={} queued={}]", s.sink, s.delivered,
                    s.failed, s.dropped_queue_full + s.dropped_shutdown, s.queued);
  }
  const LatencyHistogram& latency = pipeline.signal_latency();
  spdlog::info(
      "stats: events/s={:.0f} events={} execs={} lost_records={} malformed={} "
      "cgroup_path_cache[hits={} misses={}] threshold_wakeups={} urgent_wakeups={} tree={} "
      "matches={} signals={} suppressed={} signal_latency_ms[p50={:.2f} p99={:.2f} max={:.2f}]{}",
      seconds > 0 ? static_cast<double>(events_in_interval) / seconds : 0.0,
      pipeline.stats().events, pipeline.stats().execs, kernel.lost(), kernel.malformed_total(),
      kernel.cgroup_cache_hits, kernel.cgroup_cache_misses, kernel.threshold_wakeups,
      kernel.urgent_wakeups, pipeline.tree().size(), engine.matches, pipeline.stats().signals,
      engine.suppressed, static_cast<double>(latency.Percentile(0.5)) / 1e6,
      static_cast<double>(latency.Percentile(0.99)) / 1e6, static_cast<double>(latency.max()) / 1e6,
      sink_text);
}

int Run(const RunOptions& options) {
  InitLogging(options.agent);

  Result<AgentSetup> setup = LoadAgentSetup(options.agent);
  if (!setup.has_value()) {
    spdlog::critical("{}", setup.error().message());
    return 2;
  }
  const AgentConfig& config = setup->config;
  const fields::FieldCatalogue& catalogue = fields::FieldCatalogue::Default();

  SignalFd signals;  // blocks SIGINT/SIGTERM/SIGHUP before sink threads start
  std::unique_ptr<sinks::SinkSet> sinks = BuildSinks(config);

  const probe::CollectorOptions collector_options = CollectorOptionsFromConfig(config);
  Result<std::unique_ptr<probe::Collector>> collector = [&collector_options] {
    // libbpf parses the kernel's BTF (~12 MiB, freed once loaded): keep it
    // from raising the agent's peak RSS.
    ScopedEagerHeapRelease eager_release;
    return probe::Collector::Open(collector_options);
  }();
  if (!collector.has_value()) {
    spdlog::critical("cannot start the kernel collector: {}", collector.error().message());
    return 1;
  }

  PipelineOptions pipeline_options = PipelineOptionsFromConfig(config);
  pipeline_options.own_pid = static_cast<std::uint32_t>(getpid());
  pipeline_options.engine.kill.own_pid = pipeline_options.own_pid;
  pipeline_options.measure_signal_latency = true;
  Pipeline pipeline(pipeline_options, engine::BuildRuleSet(setup->policy, catalogue), sinks.get());

  proc::ProcfsSeedOptions seed_options;
  seed_options.boot_to_realtime_offset_ns = (*collector)->boot_to_realtime_offset_ns();
  seed_options.capture_env = config.capture_env;
  std::size_t seeded = 0;
  if (Result<proc::ProcfsSeed> seed = proc::ReadProcfs(seed_options); seed.has_value()) {
    pipeline.Seed(seed->images);
    seeded = seed->images.size();
  } else {
    spdlog::warn("seeding the process tree from /proc: {}", seed.error().message());
  }
  // Only this thread: the sink threads started above keep normal priority.
  if (config.priority_boost > 0 && setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()),
                                               -static_cast<int>(config.priority_boost)) != 0) {
    spdlog::warn("agent.priority_boost: the event thread keeps normal priority: {}",
                 std::strerror(errno));
  }
  spdlog::info("ready: collector attached ({}), {} processes seeded from /proc, {} rules active",
               probe::AttachModeName((*collector)->attach_mode()), seeded,
               pipeline.engine().rules().active_rules());

  probe::Collector& kernel = **collector;
  LoadUrgentExecNames(kernel, pipeline.engine().rules(), catalogue, config);
  pipeline.SetLostRecordsSource([&kernel] { return kernel.Stats().lost(); });
  auto on_event = [&pipeline](events::Event&& event) { pipeline.Process(std::move(event)); };
  const std::uint64_t start_ns = MonotonicNs();
  const std::uint64_t stats_interval_ns = config.stats_interval_seconds * 1'000'000'000ULL;
  std::uint64_t last_stats_ns = start_ns;
  std::uint64_t events_at_last_stats = 0;
  bool stop = false;
  bool ring_was_empty = false;
  while (!stop) {
    bool signal_pending = true;
    if (ring_was_empty) {
      Result<bool> woken = kernel.WaitForRecord(kIdleWait, signals.fd());
      if (!woken.has_value()) spdlog::error("ring buffer: {}", woken.error().message());
      if (woken.has_value() && *woken) {
        signal_pending = SleepOneInterval(kernel, signals.fd(), config);
      }
    } else {
      signal_pending = SleepOneInterval(kernel, signals.fd(), config);
    }
    Result<std::size_t> drained = kernel.Drain(on_event);
    if (!drained.has_value()) {
      spdlog::error("ring buffer: {}", drained.error().message());
    }
    ring_was_empty = drained.has_value() && *drained == 0;

    for (int signal_number = signal_pending ? signals.Next() : 0; signal_number != 0;
         signal_number = signals.Next()) {
      if (signal_number == SIGHUP) {
        spdlog::info("SIGHUP: reloading policies");
        Result<std::shared_ptr<const policy::CompiledPolicy>> reloaded =
            LoadSelectedPolicies(setup->selection);
        if (!reloaded.has_value()) {
          spdlog::error("policy reload failed: {}; keeping the previous policy",
                        reloaded.error().message());
        } else if (!(*reloaded)->ok()) {
          LogPolicyReport(**reloaded);
          spdlog::error(
              "policy reload failed with {} errors; keeping the previous policy ({} rules)",
              (*reloaded)->error_count(), pipeline.engine().rules().active_rules());
        } else {
          LogPolicyReport(**reloaded);
          pipeline.SetPolicy(engine::BuildRuleSet(*reloaded, catalogue));
          LoadUrgentExecNames(kernel, pipeline.engine().rules(), catalogue, config);
          ReleaseFreeHeapToSystem();  // the previous rule set and the parse
          spdlog::info("policy reloaded");
        }
        sinks->RequestReopen();
      } else {
        spdlog::info("{}: stopping", strsignal(signal_number));
        stop = true;
      }
    }

    std::uint64_t now = MonotonicNs();
    if (stats_interval_ns > 0 && now - last_stats_ns >= stats_interval_ns) {
      LogStats(pipeline, **collector, *sinks, pipeline.stats().events - events_at_last_stats,
               static_cast<double>(now - last_stats_ns) / 1e9);
      last_stats_ns = now;
      events_at_last_stats = pipeline.stats().events;
    }
    if (options.duration_seconds > 0 &&
        static_cast<double>(now - start_ns) / 1e9 >= options.duration_seconds) {
      stop = true;
    }
  }

  // What is still in the ring was produced before the stop: evaluate it.
  (void)(*collector)->Poll(std::chrono::milliseconds(0), on_event);
  Status drained = sinks->Drain(std::chrono::seconds(10));
  if (!drained.has_value()) spdlog::warn("drain: {}", drained.error().message());
  LogStats(pipeline, **collector, *sinks, 0, 0);
  spdlog::info("stopped");
  return 0;
}

void AddRunCommand(CLI::App& root, int& exit_code) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* run = root.add_subcommand("run", "Run the agent (root): detect and emit signals");
  AddAgentOptions(*run, options->agent);
  run->add_option("--duration", options->duration_seconds, "Stop after this many seconds");
  run->callback([options, &exit_code] { exit_code = Run(*options); });
}

const CommandRegistrar kRegistrar(AddRunCommand);

}  // namespace
}  // namespace picket::app
