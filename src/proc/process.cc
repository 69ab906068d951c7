#include "proc/process.h"

#include <utility>

namespace picket::proc {

namespace {

// One body for both forms: `Exec` is const ExecEvent& (copies) or
// ExecEvent&& (moves the strings; the keys, times and flags are plain values).
template <typename Exec>
void FillImage(Process& image, Exec&& exec) {
  image.key = exec.process;
  image.parent_key = exec.parent;
  image.tid = exec.tid;
  image.comm = std::forward<Exec>(exec).comm;
  image.file = std::forward<Exec>(exec).file;
  image.interpreter = std::forward<Exec>(exec).interpreter;
  image.filename = std::forward<Exec>(exec).filename;
  image.argv = std::forward<Exec>(exec).argv;
  image.args_truncated = exec.has_flag(events::kExecArgsTruncated);
  image.envp = std::forward<Exec>(exec).envp;
  image.envs_truncated = exec.has_flag(events::kExecEnvTruncated);
  image.credentials = std::forward<Exec>(exec).credentials;
  image.tty = std::forward<Exec>(exec).tty;
  image.cgroup_id = exec.cgroup_id;
  image.cgroup_path = std::forward<Exec>(exec).cgroup_path;
  image.container_id = std::forward<Exec>(exec).container_id;
  image.namespaces = exec.namespaces;
  image.exec_flags = exec.flags;
  image.fork_time_ns = exec.process.start_time_ns;
  image.exec_time_ns = exec.timestamp_ns;
  image.is_exec = true;
}

}  // namespace

Process ImageFromExec(const events::ExecEvent& exec) {
  Process image;
  FillImage(image, exec);
  return image;
}

ProcessPtr MakeImageFromExec(events::ExecEvent&& exec) {
  auto image = std::make_shared<Process>();
  FillImage(*image, std::move(exec));
  return image;
}

}  // namespace picket::proc
