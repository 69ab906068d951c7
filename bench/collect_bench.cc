// picket_collect_bench: attach the kernel collector and drain it, nothing
// else. bench/exec_throughput.sh runs it to measure what attaching costs; it
// is also a quick way to look at decoded events (--print).
//
//   picket_collect_bench [--duration S] [--ring-mib N] [--wakeup-bytes N]
//                        [--attach auto|tp_btf|raw_tp] [--env] [--print]
//                        [--ready-file PATH]
//
// Once attached, writes "attach=<mode> programs=exec_btf:12,fork_btf:13,..."
// to --ready-file (the ids are for bpftool). Runs until --duration passes or
// SIGINT/SIGTERM, then prints one line of counters ("attach=... fork=...
// exec=... exit=... emitted=... lost=... malformed=... programs=...").

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "probe/collector.h"

namespace {

volatile std::sig_atomic_t stop_requested = 0;
void RequestStop(int) { stop_requested = 1; }

std::string Escape(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof(hex), "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void Print(const picket::events::Event& event) {
  using namespace picket::events;
  if (const auto* fork = std::get_if<ForkEvent>(&event)) {
    std::printf("fork pid=%u ppid=%u parent_tid=%u\n", fork->child.pid, fork->parent.pid,
                fork->parent_tid);
  } else if (const auto* exit = std::get_if<ExitEvent>(&event)) {
    std::printf("exit pid=%u code=%d\n", exit->process.pid, exit->exit_code);
  } else {
    const auto& exec = std::get<ExecEvent>(event);
    std::string argv;
    for (const std::string& arg : exec.argv) argv += " \"" + Escape(arg) + "\"";
    std::printf(
        "exec pid=%u tid=%u ppid=%u uid=%u comm=\"%s\" filename=\"%s\" path=\"%s\" ino=%llu "
        "dev=%u:%u mode=0%o fs=%s interp=\"%s\" cwd=\"%s\" cgroup=\"%s\" tty=\"%s\" flags=0x%x "
        "args_size=%u argv=[%s ]\n",
        exec.process.pid, exec.tid, exec.parent.pid, exec.credentials.uid,
        Escape(exec.comm).c_str(), Escape(exec.filename).c_str(), Escape(exec.file.path).c_str(),
        static_cast<unsigned long long>(exec.file.inode), exec.file.dev_major, exec.file.dev_minor,
        exec.file.mode, exec.file.filesystem.c_str(), Escape(exec.interpreter.path).c_str(),
        Escape(exec.cwd).c_str(), Escape(exec.cgroup_path).c_str(), exec.tty.c_str(), exec.flags,
        exec.args_size, argv.c_str());
  }
  std::fflush(stdout);
}

}  // namespace

int Run(int argc, char** argv) {
  picket::probe::CollectorOptions options;
  double duration_s = 0;
  bool print = false;
  const char* ready_file = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--duration") {
      duration_s = std::atof(next());
    } else if (arg == "--ring-mib") {
      options.ring_size_bytes = static_cast<std::uint32_t>(std::atoi(next())) << 20;
    } else if (arg == "--wakeup-bytes") {
      options.wakeup_threshold_bytes = static_cast<std::uint32_t>(std::atoi(next()));
    } else if (arg == "--attach") {
      std::string_view mode = next();
      options.attach_mode = mode == "tp_btf"   ? picket::probe::AttachMode::kTpBtf
                            : mode == "raw_tp" ? picket::probe::AttachMode::kRawTp
                                               : picket::probe::AttachMode::kAuto;
    } else if (arg == "--env") {
      options.capture_env = true;
    } else if (arg == "--print") {
      print = true;
    } else if (arg == "--ready-file") {
      ready_file = next();
    } else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      return 2;
    }
  }

  auto opened = picket::probe::Collector::Open(options);
  if (!opened) {
    std::fprintf(stderr, "picket_collect_bench: %s\n", opened.error().message().c_str());
    return 1;
  }
  picket::probe::Collector& collector = **opened;
  std::signal(SIGINT, RequestStop);
  std::signal(SIGTERM, RequestStop);
  std::string programs;
  for (const auto& program : collector.Programs()) {
    if (!programs.empty()) programs += ',';
    programs += program.name + ":" + std::to_string(program.id);
  }
  if (ready_file != nullptr) {
    // Written whole, then renamed: a reader never sees a partial file.
    std::string temporary = std::string(ready_file) + ".tmp";
    if (std::FILE* f = std::fopen(temporary.c_str(), "w")) {
      std::fprintf(f, "attach=%s programs=%s\n",
                   std::string(picket::probe::AttachModeName(collector.attach_mode())).c_str(),
                   programs.c_str());
      std::fclose(f);
      std::rename(temporary.c_str(), ready_file);
    }
  }

  const std::uint64_t deadline =
      duration_s > 0 ? picket::MonotonicNs() + static_cast<std::uint64_t>(duration_s * 1e9) : 0;
  auto on_event = [&](picket::events::Event&& event) {
    if (print) Print(event);
  };
  while (!stop_requested && (deadline == 0 || picket::MonotonicNs() < deadline)) {
    auto polled = collector.Poll(std::chrono::milliseconds(10), on_event);
    if (!polled) {
      std::fprintf(stderr, "picket_collect_bench: %s\n", polled.error().message().c_str());
      return 1;
    }
  }
  (void)collector.Poll(std::chrono::milliseconds(0), on_event);  // final drain

  picket::probe::CollectorStats stats = collector.Stats();
  const std::uint64_t emitted = stats.emitted_fork + stats.emitted_exec + stats.emitted_exit;
  std::printf(
      "attach=%s fork=%llu exec=%llu exit=%llu emitted=%llu lost=%llu malformed=%llu "
      "programs=%s\n",
      std::string(picket::probe::AttachModeName(collector.attach_mode())).c_str(),
      static_cast<unsigned long long>(stats.delivered_fork),
      static_cast<unsigned long long>(stats.delivered_exec),
      static_cast<unsigned long long>(stats.delivered_exit),
      static_cast<unsigned long long>(emitted), static_cast<unsigned long long>(stats.lost()),
      static_cast<unsigned long long>(stats.malformed_total()), programs.c_str());
  return 0;
}

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "picket_collect_bench: %s\n", error.what());
    return 1;
  }
}
