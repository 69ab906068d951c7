// Shared helpers for the kernel integration tests: skip conditions, a
// collector pump that stops on a condition instead of a sleep, children that
// run a scenario, and scratch directories.
//
// Determinism: tests wait for kernel facts (the exit record of the process
// they started), never for wall-clock time; timeouts only bound a failure.

#ifndef PICKET_TESTS_INTEGRATION_SUPPORT_H_
#define PICKET_TESTS_INTEGRATION_SUPPORT_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "events/process_events.h"
#include "probe/collector.h"

namespace picket::integration {

// Why the kernel tests cannot run here ("" when they can): not root, or no
// kernel BTF.
std::string KernelTestSkipReason();

// Everything the collector delivered, in ring order.
struct EventLog {
  std::vector<events::Event> events;

  std::vector<const events::ExecEvent*> ExecsOf(std::uint32_t pid) const;
  std::vector<const events::ExitEvent*> ExitsOf(std::uint32_t pid) const;
  std::vector<const events::ForkEvent*> ForksOf(std::uint32_t pid) const;
  bool HasExit(std::uint32_t pid) const { return !ExitsOf(pid).empty(); }
};

// Polls `collector` into `log` until `done(log)` holds after a drain, or
// `timeout` passes (then returns false).
bool PumpUntil(probe::Collector& collector, EventLog& log,
               const std::function<bool(const EventLog&)>& done,
               std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Forks a child that runs `body` (which normally ends in an exec) and exits
// 127 if body returns. Returns the child's pid.
pid_t SpawnChild(const std::function<void()>& body);

// Runs `body` in a child and pumps until the child's exit record has been
// read; reaps the child. Returns its pid (0 and a gtest failure on timeout).
pid_t RunAndCollect(probe::Collector& collector, EventLog& log, const std::function<void()>& body);

// A fresh directory under `parent`, removed with its contents on
// destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& parent = "/tmp", const std::string& prefix = "picket-it-");
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes `text` to `path` with `mode`.
void WriteFile(const std::string& path, const std::string& text, mode_t mode);
// Copies the file at `from` to `to` with `mode`.
void CopyFile(const std::string& from, const std::string& to, mode_t mode);
// realpath(3), or "" on error.
std::string RealPath(const std::string& path);

// Opens a collector with `options` or fails the current test.
std::unique_ptr<probe::Collector> OpenCollector(const probe::CollectorOptions& options = {});

}  // namespace picket::integration

#endif  // PICKET_TESTS_INTEGRATION_SUPPORT_H_
