#include "support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "base/clock.h"

namespace picket::integration {

std::string KernelTestSkipReason() {
  if (geteuid() != 0) return "kernel integration tests need root (they load BPF programs)";
  if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
    return "kernel integration tests need kernel BTF (/sys/kernel/btf/vmlinux)";
  }
  return "";
}

std::vector<const events::ExecEvent*> EventLog::ExecsOf(std::uint32_t pid) const {
  std::vector<const events::ExecEvent*> found;
  for (const events::Event& event : events) {
    if (const auto* exec = std::get_if<events::ExecEvent>(&event);
        exec != nullptr && exec->process.pid == pid) {
      found.push_back(exec);
    }
  }
  return found;
}

std::vector<const events::ExitEvent*> EventLog::ExitsOf(std::uint32_t pid) const {
  std::vector<const events::ExitEvent*> found;
  for (const events::Event& event : events) {
    if (const auto* exit = std::get_if<events::ExitEvent>(&event);
        exit != nullptr && exit->process.pid == pid) {
      found.push_back(exit);
    }
  }
  return found;
}

std::vector<const events::ForkEvent*> EventLog::ForksOf(std::uint32_t pid) const {
  std::vector<const events::ForkEvent*> found;
  for (const events::Event& event : events) {
    if (const auto* fork = std::get_if<events::ForkEvent>(&event);
        fork != nullptr && fork->child.pid == pid) {
      found.push_back(fork);
    }
  }
  return found;
}

bool PumpUntil(probe::Collector& collector, EventLog& log,
               const std::function<bool(const EventLog&)>& done,
               std::chrono::milliseconds timeout) {
  const std::uint64_t deadline =
      MonotonicNs() + static_cast<std::uint64_t>(timeout.count()) * 1'000'000;
  auto append = [&](events::Event&& event) { log.events.push_back(std::move(event)); };
  while (true) {
    auto polled = collector.Poll(std::chrono::milliseconds(10), append);
    if (!polled) {
      ADD_FAILURE() << polled.error().message();
      return false;
    }
    if (done(log)) return true;
    if (MonotonicNs() > deadline) return false;
  }
}

pid_t SpawnChild(const std::function<void()>& body) {
  pid_t pid = fork();
  if (pid == 0) {
    body();
    _exit(127);
  }
  return pid;
}

pid_t RunAndCollect(probe::Collector& collector, EventLog& log, const std::function<void()>& body) {
  pid_t pid = SpawnChild(body);
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    return 0;
  }
  const auto child = static_cast<std::uint32_t>(pid);
  bool seen = PumpUntil(collector, log, [&](const EventLog& l) { return l.HasExit(child); });
  int status = 0;
  waitpid(pid, &status, 0);
  if (!seen) {
    ADD_FAILURE() << "no exit record for child " << pid << " within the timeout";
    return 0;
  }
  return pid;
}

ScratchDir::ScratchDir(const std::string& parent, const std::string& prefix) {
  std::string pattern = parent + "/" + prefix + "XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp " << pattern << " failed";
  }
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void WriteFile(const std::string& path, const std::string& text, mode_t mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }
  chmod(path.c_str(), mode);
}

void CopyFile(const std::string& from, const std::string& to, mode_t mode) {
  std::ifstream in(from, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  WriteFile(to, bytes, mode);
}

std::string RealPath(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) return "";
  return resolved;
}

std::unique_ptr<probe::Collector> OpenCollector(const probe::CollectorOptions& options) {
  auto opened = probe::Collector::Open(options);
  if (!opened) {
    ADD_FAILURE() << "Collector::Open: " << opened.error().message();
    return nullptr;
  }
  return std::move(*opened);
}

}  // namespace picket::integration
