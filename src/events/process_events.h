// Value types for what happened to processes: fork, exec, exit. No I/O.
//
// Produced by decode/ (from kernel records) and replay/ (from recorded JSON
// Lines); consumed by proc/ (the tree), fields/ (SECL accessors) and signals/.
// All times are nanoseconds since the Unix epoch: decode/ converts the kernel's
// CLOCK_BOOTTIME stamps with one offset per agent run, so a process's
// start_time_ns is a stable identity within a run and replays bit-for-bit.

#ifndef PICKET_EVENTS_PROCESS_EVENTS_H_
#define PICKET_EVENTS_PROCESS_EVENTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace picket::events {

// A process (thread group) is identified by its tgid and start time, so that
// a reused pid never aliases an older process.
struct ProcessKey {
  std::uint32_t pid = 0;
  std::uint64_t start_time_ns = 0;

  friend bool operator==(const ProcessKey&, const ProcessKey&) = default;
};

struct Credentials {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint32_t euid = 0;
  std::uint32_t egid = 0;
  std::uint32_t fsuid = 0;
  std::uint32_t fsgid = 0;
  std::uint32_t auid = 0xffffffffu;  // loginuid; AUDIT_AUID_UNSET when unset
  std::uint32_t session_id = 0xffffffffu;
  std::uint64_t cap_effective = 0;
  std::uint64_t cap_permitted = 0;

  friend bool operator==(const Credentials&, const Credentials&) = default;
};

// The identity and metadata of a file as the kernel saw it at exec time.
struct FileInfo {
  std::string path;  // absolute, in the process's mount namespace; "" if unknown
  std::uint64_t inode = 0;
  std::uint32_t dev_major = 0;
  std::uint32_t dev_minor = 0;
  std::uint32_t mount_id = 0;
  std::uint32_t mode = 0;  // full st_mode (type bits + permissions)
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint32_t nlink = 0;
  std::uint64_t modification_time_ns = 0;
  std::uint64_t change_time_ns = 0;
  std::string filesystem;  // "ext4", "tmpfs", "overlay"; "" if unknown

  friend bool operator==(const FileInfo&, const FileInfo&) = default;
};

struct Namespaces {
  std::uint32_t mnt = 0;
  std::uint32_t pid = 0;
  std::uint32_t net = 0;
  std::uint32_t cgroup = 0;

  friend bool operator==(const Namespaces&, const Namespaces&) = default;
};

// Bits of ExecEvent::flags.
enum ExecFlag : std::uint32_t {
  kExecScript = 1u << 0,         // run through a #! interpreter
  kExecMemfd = 1u << 1,          // the executed file is a memfd
  kExecDeletedFile = 1u << 2,    // the executed file had no links (deleted)
  kExecSecureExec = 1u << 3,     // setuid/setgid/file caps (AT_SECURE)
  kExecThroughFd = 1u << 4,      // fexecve / execveat with a directory fd
  kExecArgsTruncated = 1u << 5,  // argv did not fit the capture buffer
  kExecEnvTruncated = 1u << 6,   // envp did not fit the capture buffer
  kExecPathTruncated = 1u << 7,  // the in-kernel path walk hit its depth limit
  kExecFromNonLeader = 1u << 8,  // exec called by a thread other than the leader
};

struct ForkEvent {
  std::uint64_t timestamp_ns = 0;
  ProcessKey child;              // the new thread group
  ProcessKey parent;             // its real parent thread group
  std::uint32_t parent_tid = 0;  // the thread that called fork/clone
  std::uint64_t cgroup_id = 0;

  friend bool operator==(const ForkEvent&, const ForkEvent&) = default;
};

struct ExecEvent {
  std::uint64_t timestamp_ns = 0;
  ProcessKey process;     // pid = tgid after exec
  ProcessKey parent;      // real parent at exec time
  std::uint32_t tid = 0;  // the thread that called exec (old_pid)
  Credentials credentials;
  std::string comm;      // the new comm (≤ 15 bytes)
  std::string filename;  // as passed to exec ("./x.sh", "/dev/fd/3")
  // The executed file as SECL sees it: for a #! script, the script itself
  // (filename made absolute against cwd); otherwise the binary.
  FileInfo file;
  // For a #! script, the interpreter binary the kernel actually ran; empty
  // path otherwise.
  FileInfo interpreter;
  std::string cwd;                // captured when filename is relative; else ""
  std::vector<std::string> argv;  // argv[0] included; raw bytes, may be non-UTF-8
  std::uint32_t args_size = 0;    // bytes argv occupied in the new mm (before truncation)
  std::vector<std::string> envp;  // "NAME=value"; empty unless env capture is on
  std::uint32_t env_size = 0;
  std::uint64_t cgroup_id = 0;
  std::string cgroup_path;   // cgroup v2 (or v1 memory controller) path
  std::string container_id;  // derived from cgroup_path; "" on the host
  Namespaces namespaces;
  std::string tty;          // "pts0"; "" when none
  std::uint32_t flags = 0;  // ExecFlag bits

  bool has_flag(ExecFlag flag) const { return (flags & flag) != 0; }
  friend bool operator==(const ExecEvent&, const ExecEvent&) = default;
};

struct ExitEvent {
  std::uint64_t timestamp_ns = 0;
  ProcessKey process;
  std::int32_t exit_code = 0;  // raw wait status: (code << 8) | signal
  std::uint32_t exit_signal() const { return static_cast<std::uint32_t>(exit_code) & 0x7f; }
  std::uint32_t exit_status() const { return (static_cast<std::uint32_t>(exit_code) >> 8) & 0xff; }

  friend bool operator==(const ExitEvent&, const ExitEvent&) = default;
};

using Event = std::variant<ForkEvent, ExecEvent, ExitEvent>;

// The SECL event type name: "fork", "exec", "exit".
std::string_view EventTypeName(const Event& event);
std::uint64_t TimestampNs(const Event& event);

// The container id encoded in a cgroup path (docker, containerd, cri-o,
// podman, kubepods): a 64-hex-digit component, with or without a runtime
// prefix/suffix. "" when the path names no container.
std::string ContainerIdFromCgroupPath(std::string_view cgroup_path);

}  // namespace picket::events

#endif  // PICKET_EVENTS_PROCESS_EVENTS_H_
