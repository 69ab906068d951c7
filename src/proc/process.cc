#include "proc/process.h"

namespace picket::proc {

Process ImageFromExec(const events::ExecEvent& exec) {
  Process image;
  image.key = exec.process;
  image.parent_key = exec.parent;
  image.tid = exec.tid;
  image.comm = exec.comm;
  image.file = exec.file;
  image.interpreter = exec.interpreter;
  image.filename = exec.filename;
  image.argv = exec.argv;
  image.args_truncated = exec.has_flag(events::kExecArgsTruncated);
  image.envp = exec.envp;
  image.envs_truncated = exec.has_flag(events::kExecEnvTruncated);
  image.credentials = exec.credentials;
  image.tty = exec.tty;
  image.cgroup_id = exec.cgroup_id;
  image.cgroup_path = exec.cgroup_path;
  image.container_id = exec.container_id;
  image.namespaces = exec.namespaces;
  image.exec_flags = exec.flags;
  image.fork_time_ns = exec.process.start_time_ns;
  image.exec_time_ns = exec.timestamp_ns;
  image.is_exec = true;
  return image;
}

}  // namespace picket::proc
