// `picket record`: capture live process events to a recorded event stream
// (docs/event-stream.md), each with the ancestry the process tree resolved
// at the time, for `picket replay` and for humans.
//
// Order matters: the collector attaches first, then the tree is seeded from
// /proc, so a process started in between is seen twice (harmless) rather than
// missed. The seed is written to the stream too ("seed" lines), so a replay
// starts from the same tree. Events are applied to the tree in ring order before they are
// written, so the ancestry is what a live rule would have seen. SIGINT,
// SIGTERM or the end of --duration stop polling; what is still in the ring
// is drained and written before the summary goes to stderr.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

#include "app/command.h"
#include "app/version.h"
#include "base/clock.h"
#include "probe/collector.h"
#include "proc/process_tree.h"
#include "proc/procfs_seed.h"
#include "replay/event_writer.h"

namespace picket::app {
namespace {

volatile std::sig_atomic_t g_stop_requested = 0;

void RequestStop(int /*signal*/) { g_stop_requested = 1; }

struct RecordOptions {
  std::string output_path;      // "" or "-": stdout
  double duration_seconds = 0;  // 0: until SIGINT/SIGTERM
  std::uint32_t ring_size_mib = 8;
  std::uint32_t args_max_bytes = 4096;
  bool capture_env = false;
};

// Installs the stop handlers for the lifetime of a recording and restores
// the previous ones after. No SA_RESTART: a signal interrupts the ring poll.
class StopSignals {
 public:
  StopSignals() {
    g_stop_requested = 0;
    struct sigaction action {};
    action.sa_handler = RequestStop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_int_);
    sigaction(SIGTERM, &action, &previous_term_);
    // A closed stdout pipe (`picket record | head`) must end the recording
    // with a write error and a summary, not kill the process.
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &previous_pipe_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &previous_int_, nullptr);
    sigaction(SIGTERM, &previous_term_, nullptr);
    sigaction(SIGPIPE, &previous_pipe_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
  struct sigaction previous_pipe_ {};
};

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

struct EventCounts {
  std::uint64_t fork = 0;
  std::uint64_t exec = 0;
  std::uint64_t exit = 0;
};

int RunRecord(const RecordOptions& options) {
  probe::CollectorOptions collector_options;
  collector_options.ring_size_bytes = options.ring_size_mib << 20;
  collector_options.argv_capture_bytes = options.args_max_bytes;
  collector_options.capture_env = options.capture_env;
  Result<std::unique_ptr<probe::Collector>> collector = probe::Collector::Open(collector_options);
  if (!collector) {
    std::fprintf(stderr, "picket record: %s\n", collector.error().message().c_str());
    return 1;
  }
  const std::int64_t offset_ns = (*collector)->boot_to_realtime_offset_ns();

  proc::ProcessTree tree;
  proc::ProcfsSeedOptions seed_options;
  seed_options.boot_to_realtime_offset_ns = offset_ns;
  seed_options.clock_ticks_per_second = static_cast<std::uint64_t>(sysconf(_SC_CLK_TCK));
  seed_options.capture_env = options.capture_env;
  // The seed goes both into the tree and, as "seed" lines, into the stream:
  // replay then starts from the tree this recording started from.
  Result<proc::ProcfsSeed> seed = proc::ReadProcfs(seed_options);
  if (seed) {
    tree.Seed(seed->images);
  } else {
    // Not fatal: events still build the tree, older processes just lack ancestors.
    std::fprintf(stderr, "picket record: warning: seeding from /proc: %s\n",
                 seed.error().message().c_str());
  }

  replay::StreamHeader header;
  header.created_ns = RealtimeNs();
  header.host = HostName();
  header.picket_version = std::string(kVersion);
  header.boot_to_realtime_offset_ns = offset_ns;
  const bool to_stdout = options.output_path.empty() || options.output_path == "-";
  Result<std::unique_ptr<replay::EventWriter>> writer =
      to_stdout ? replay::EventWriter::Wrap(stdout, header, replay::FlushPolicy::kBuffered)
                : replay::EventWriter::OpenFile(options.output_path, header,
                                                replay::FlushPolicy::kBuffered);
  if (!writer) {
    std::fprintf(stderr, "picket record: %s\n", writer.error().message().c_str());
    return 1;
  }

  if (seed) {
    if (Status written = (*writer)->WriteSeed(seed->images); !written) {
      std::fprintf(stderr, "picket record: %s\n", written.error().message().c_str());
      return 1;
    }
  }

  // One line once every exec from here on is captured: callers start what
  // they want recorded after it.
  std::fprintf(stderr, "picket record: ready: collector attached (%s), %zu processes seeded\n",
               std::string(probe::AttachModeName((*collector)->attach_mode())).c_str(),
               seed ? seed->images.size() : std::size_t{0});
  std::fflush(stderr);

  StopSignals stop_signals;
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                      std::chrono::duration<double>(options.duration_seconds));
  auto should_stop = [&] {
    return g_stop_requested != 0 ||
           (options.duration_seconds > 0 && std::chrono::steady_clock::now() >= deadline);
  };
  // Once stopping, events stamped after the stop are not written: under an
  // exec storm the ring refills as fast as Poll() drains it, and the
  // recording must still end on time.
  constexpr std::uint64_t kNotStopping = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t stop_event_ns = kNotStopping;

  EventCounts counts;
  std::uint64_t after_stop = 0;
  std::optional<Error> write_error;
  std::uint64_t latest_event_ns = 0;
  auto on_event = [&](events::Event&& event) {
    if (write_error) return;  // keep draining the ring, stop writing
    if (stop_event_ns == kNotStopping && should_stop()) stop_event_ns = RealtimeNs();
    if (events::TimestampNs(event) > stop_event_ns) {
      ++after_stop;
      return;
    }
    proc::ConstProcessPtr image = tree.Apply(event);
    latest_event_ns = std::max(latest_event_ns, events::TimestampNs(event));
    Status written = (*writer)->Write(event, tree.Ancestors(*image));
    if (!written) {
      write_error = written.error();
      return;
    }
    std::visit(
        [&counts](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, events::ForkEvent>) ++counts.fork;
          if constexpr (std::is_same_v<T, events::ExecEvent>) ++counts.exec;
          if constexpr (std::is_same_v<T, events::ExitEvent>) ++counts.exit;
        },
        event);
  };
  // Lines are buffered and flushed after each batch: one write per batch
  // rather than per event, and `tail -f` still sees events within a poll.
  auto flush = [&] {
    if (write_error) return;
    if (Status flushed = (*writer)->Flush(); !flushed) write_error = flushed.error();
  };

  std::optional<Error> poll_error;
  while (!should_stop() && !write_error) {
    Result<std::size_t> polled = (*collector)->Poll(std::chrono::milliseconds(100), on_event);
    if (!polled) {
      poll_error = polled.error();
      break;
    }
    flush();
    tree.Reap(latest_event_ns);
  }
  // Drain what the kernel queued before the stop, for at most two seconds.
  if (stop_event_ns == kNotStopping) stop_event_ns = RealtimeNs();
  const auto drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!poll_error && !write_error && std::chrono::steady_clock::now() < drain_deadline) {
    const std::uint64_t written_before = (*writer)->events_written();
    Result<std::size_t> polled = (*collector)->Poll(std::chrono::milliseconds(0), on_event);
    if (!polled || *polled == 0 || (*writer)->events_written() == written_before) break;
  }
  flush();
  const double elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  probe::CollectorStats stats = (*collector)->Stats();
  const proc::ProcessTreeStats& tree_stats = tree.stats();
  std::fprintf(
      stderr,
      "picket record: %.1f s, %llu events written (fork %llu, exec %llu, exit %llu), "
      "%llu after the stop not written; "
      "lost records %llu (fork %llu, exec %llu, exit %llu); malformed %llu; "
      "tree: %zu processes, %llu seeded, %llu orphans, %llu pid reuses, "
      "%llu evictions; attach %s\n",
      elapsed_seconds, static_cast<unsigned long long>((*writer)->events_written()),
      static_cast<unsigned long long>(counts.fork), static_cast<unsigned long long>(counts.exec),
      static_cast<unsigned long long>(counts.exit), static_cast<unsigned long long>(after_stop),
      static_cast<unsigned long long>(stats.lost()),
      static_cast<unsigned long long>(stats.lost_fork),
      static_cast<unsigned long long>(stats.lost_exec),
      static_cast<unsigned long long>(stats.lost_exit),
      static_cast<unsigned long long>(stats.malformed_total()), tree.size(),
      static_cast<unsigned long long>(tree_stats.seeded),
      static_cast<unsigned long long>(tree_stats.orphans_created),
      static_cast<unsigned long long>(tree_stats.pid_reuse_detected),
      static_cast<unsigned long long>(tree_stats.evictions),
      std::string(probe::AttachModeName((*collector)->attach_mode())).c_str());
  if (poll_error) {
    std::fprintf(stderr, "picket record: %s\n", poll_error->message().c_str());
    return 1;
  }
  if (write_error) {
    std::fprintf(stderr, "picket record: %s\n", write_error->message().c_str());
    return 1;
  }
  return 0;
}

void AddRecordCommand(CLI::App& root, int& exit_code) {
  auto options = std::make_shared<RecordOptions>();
  CLI::App* record = root.add_subcommand(
      "record", "Record live process events (JSON Lines, with ancestry) for `picket replay`");
  record->add_option("-o,--output", options->output_path, "Output file (default: stdout)");
  record
      ->add_option("--duration", options->duration_seconds,
                   "Stop after this many seconds (default: until SIGINT/SIGTERM)")
      ->check(CLI::NonNegativeNumber);
  record->add_option("--ring-size", options->ring_size_mib, "BPF ring buffer size in MiB")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  record->add_option("--args-max", options->args_max_bytes, "argv bytes captured per exec")
      ->capture_default_str();
  record->add_flag("--capture-env", options->capture_env, "Also capture each exec's environment");
  record->callback([options, &exit_code] { exit_code = RunRecord(*options); });
}

const CommandRegistrar kRegistrar(AddRecordCommand);

}  // namespace
}  // namespace picket::app
