#include "decode/decode.h"

#include <algorithm>
#include <cstring>  // memrchr (GNU)
#include <optional>
#include <string>
#include <vector>

extern "C" {
#include "abi/process_events.h"
}

namespace picket::decode {
namespace {

// A check failed: carries the reason out of the field decoders.
struct Reject {
  Malformation reason;
};

template <typename T>
using Checked = std::variant<T, Reject>;

template <typename T>
T Load(std::span<const std::byte> bytes) {
  T value;
  std::memcpy(&value, bytes.data(), sizeof(T));
  return value;
}

std::uint64_t ToEpoch(std::uint64_t boot_ns, const DecodeOptions& options) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(boot_ns) +
                                    options.boot_to_realtime_offset_ns);
}

// A fixed char array from the kernel: must hold a NUL.
Checked<std::string> FixedString(const char* chars, std::size_t size) {
  const void* nul = std::memchr(chars, '\0', size);
  if (nul == nullptr) return Reject{Malformation::kUnterminatedString};
  return std::string(chars, static_cast<const char*>(nul));
}

// The bytes of blob field `index`; empty when absent.
Checked<std::string_view> Field(const picket_exec_event& fixed, std::string_view blob, int index) {
  const picket_blob_ref ref = fixed.fields[index];
  if (ref.length == 0) return std::string_view();
  if (static_cast<std::size_t>(ref.offset) + ref.length > blob.size()) {
    return Reject{Malformation::kBlobOutOfBounds};
  }
  return blob.substr(ref.offset, ref.length);
}

// One NUL-terminated string filling the whole field.
Checked<std::string> CString(std::string_view field) {
  if (field.empty()) return std::string();
  if (field.back() != '\0' || field.find('\0') != field.size() - 1) {
    return Reject{Malformation::kUnterminatedString};
  }
  return std::string(field.substr(0, field.size() - 1));
}

// Leaf-first NUL-terminated components -> "/root/.../leaf". `depth` is the
// count the kernel claims to have written.
Checked<std::string> ComponentPath(std::string_view field, std::uint16_t depth) {
  if (field.empty()) {
    if (depth != 0) return Reject{Malformation::kInconsistentCounts};
    return std::string();
  }
  if (field.back() != '\0') return Reject{Malformation::kUnterminatedString};
  // Every component takes its bytes plus one separator in both forms, so the
  // path is exactly as long as the field: built in place, root first, by
  // walking the components from the last one back (one allocation).
  std::string path(field.size(), '/');
  std::size_t written = 0;
  std::size_t components = 0;
  std::size_t end = field.size() - 1;  // the NUL that ends the last component
  while (true) {
    // memrchr scans a word at a time; string_view::rfind goes byte by byte.
    const void* nul = end == 0 ? nullptr : memrchr(field.data(), '\0', end);
    const std::size_t previous_nul =
        nul == nullptr ? std::string_view::npos
                       : static_cast<std::size_t>(static_cast<const char*>(nul) - field.data());
    const std::size_t begin = previous_nul == std::string_view::npos ? 0 : previous_nul + 1;
    path[written++] = '/';
    field.copy(path.data() + written, end - begin, begin);
    written += end - begin;
    ++components;
    if (begin == 0) break;
    end = previous_nul;
  }
  if (components != depth) return Reject{Malformation::kInconsistentCounts};
  return path;
}

// argv/envp area: NUL-separated strings; the last one may lack its NUL when
// the capture was truncated. Empty strings between NULs are real arguments.
std::vector<std::string> SplitArgs(std::string_view area) {
  std::vector<std::string> args;
  if (area.empty()) return args;
  args.reserve(static_cast<std::size_t>(std::count(area.begin(), area.end() - 1, '\0')) + 1);
  std::size_t begin = 0;
  while (begin < area.size()) {
    std::size_t end = area.find('\0', begin);
    if (end == std::string_view::npos) end = area.size();
    args.emplace_back(area.substr(begin, end - begin));
    begin = end + 1;
  }
  return args;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

events::ForkEvent DecodeFork(const picket_fork_event& record, const DecodeOptions& options) {
  events::ForkEvent fork;
  fork.timestamp_ns = ToEpoch(record.header.boot_time_ns, options);
  fork.child = {record.header.pid, ToEpoch(record.start_boot_ns, options)};
  fork.parent = {record.parent_pid, ToEpoch(record.parent_start_boot_ns, options)};
  fork.parent_tid = record.parent_tid;
  fork.cgroup_id = record.cgroup_id;
  return fork;
}

events::ExitEvent DecodeExit(const picket_exit_event& record, const DecodeOptions& options) {
  events::ExitEvent exit;
  exit.timestamp_ns = ToEpoch(record.header.boot_time_ns, options);
  exit.process = {record.header.pid, ToEpoch(record.start_boot_ns, options)};
  exit.exit_code = record.exit_code;
  return exit;
}

#define PICKET_TRY_ASSIGN(lhs, expr)                                            \
  do {                                                                          \
    auto picket_checked = (expr);                                               \
    if (picket_checked.index() == 1) return std::get<1>(picket_checked).reason; \
    (lhs) = std::move(std::get<0>(picket_checked));                             \
  } while (false)

DecodeResult DecodeExec(std::span<const std::byte> record, const DecodeOptions& options) {
  if (record.size() < sizeof(picket_exec_event)) return Malformation::kSizeMismatch;
  const auto fixed = Load<picket_exec_event>(record);
  const std::string_view blob(reinterpret_cast<const char*>(record.data()) + sizeof(fixed),
                              record.size() - sizeof(fixed));

  events::ExecEvent exec;
  exec.timestamp_ns = ToEpoch(fixed.header.boot_time_ns, options);
  exec.process = {fixed.header.pid, ToEpoch(fixed.start_boot_ns, options)};
  exec.parent = {fixed.ppid, ToEpoch(fixed.parent_start_boot_ns, options)};
  exec.tid = fixed.header.tid;
  exec.credentials = {.uid = fixed.uid,
                      .gid = fixed.gid,
                      .euid = fixed.euid,
                      .egid = fixed.egid,
                      .fsuid = fixed.fsuid,
                      .fsgid = fixed.fsgid,
                      .auid = fixed.loginuid,
                      .session_id = fixed.session_id,
                      .cap_effective = fixed.cap_effective,
                      .cap_permitted = fixed.cap_permitted};
  PICKET_TRY_ASSIGN(exec.comm, FixedString(fixed.comm, sizeof(fixed.comm)));
  PICKET_TRY_ASSIGN(exec.tty, FixedString(fixed.tty, sizeof(fixed.tty)));

  events::FileInfo executed;  // what the kernel ran: bprm->file
  PICKET_TRY_ASSIGN(executed.filesystem, FixedString(fixed.file_fstype, sizeof(fixed.file_fstype)));
  executed.inode = fixed.file_inode;
  executed.dev_major = fixed.file_dev >> 20;  // kernel dev_t encoding (MINORBITS = 20)
  executed.dev_minor = fixed.file_dev & 0xfffff;
  executed.mount_id = fixed.file_mount_id;
  executed.mode = fixed.file_mode;
  executed.uid = fixed.file_uid;
  executed.gid = fixed.file_gid;
  executed.nlink = fixed.file_nlink;
  executed.modification_time_ns = fixed.file_mtime_ns;
  executed.change_time_ns = fixed.file_ctime_ns;

  std::string_view field;
  PICKET_TRY_ASSIGN(field, Field(fixed, blob, PICKET_EXEC_FIELD_FILENAME));
  PICKET_TRY_ASSIGN(exec.filename, CString(field));
  // The interpreter as the #! line named it (possibly a symlink) is only
  // validated: the interpreter's FileInfo comes from the kernel's walk of the
  // file it actually ran.
  std::string interp_as_named;
  PICKET_TRY_ASSIGN(field, Field(fixed, blob, PICKET_EXEC_FIELD_INTERP));
  PICKET_TRY_ASSIGN(interp_as_named, CString(field));
  PICKET_TRY_ASSIGN(field, Field(fixed, blob, PICKET_EXEC_FIELD_PATH));
  PICKET_TRY_ASSIGN(executed.path, ComponentPath(field, fixed.path_depth));
  PICKET_TRY_ASSIGN(field, Field(fixed, blob, PICKET_EXEC_FIELD_CWD));
  PICKET_TRY_ASSIGN(exec.cwd, ComponentPath(field, fixed.cwd_depth));
  PICKET_TRY_ASSIGN(field, Field(fixed, blob, PICKET_EXEC_FIELD_CGROUP));
  PICKET_TRY_ASSIGN(exec.cgroup_path, ComponentPath(field, fixed.cgroup_depth));
  if (exec.cgroup_path.empty()) exec.cgroup_path = "/";
  PICKET_TRY_ASSIGN(field, Field(fixed, blob, PICKET_EXEC_FIELD_ARGV));
  exec.argv = SplitArgs(field);
  PICKET_TRY_ASSIGN(field, Field(fixed, blob, PICKET_EXEC_FIELD_ENVP));
  exec.envp = SplitArgs(field);
  exec.args_size = fixed.args_size;
  exec.env_size = fixed.env_size;

  const std::uint32_t kflags = fixed.flags;
  std::uint32_t flags = 0;
  if (kflags & PICKET_EXEC_F_SCRIPT) flags |= events::kExecScript;
  if (kflags & PICKET_EXEC_F_SECUREEXEC) flags |= events::kExecSecureExec;
  if (kflags & PICKET_EXEC_F_ARGS_TRUNC) flags |= events::kExecArgsTruncated;
  if (kflags & PICKET_EXEC_F_ENV_TRUNC) flags |= events::kExecEnvTruncated;
  if (kflags & PICKET_EXEC_F_PATH_TRUNC) flags |= events::kExecPathTruncated;
  if (kflags & PICKET_EXEC_F_NON_LEADER) flags |= events::kExecFromNonLeader;
  // A memfd's dentry is its own parent on the internal shm mount, named
  // "memfd:<name>" (mm/memfd.c).
  if ((kflags & PICKET_EXEC_F_PATH_PSEUDO) && StartsWith(executed.path, "/memfd:")) {
    flags |= events::kExecMemfd;
  }
  if (executed.nlink == 0 && !executed.path.empty()) {
    flags |= events::kExecDeletedFile;
    executed.path += " (deleted)";  // as d_path() and /proc/<pid>/exe show it
  }
  // fexecve() and execveat(dirfd, ...) reach the kernel as /dev/fd/N[/rel].
  if (StartsWith(exec.filename, "/dev/fd/")) flags |= events::kExecThroughFd;
  exec.flags = flags;

  if (flags & events::kExecScript) {
    exec.interpreter = std::move(executed);
    exec.file.path = (flags & events::kExecThroughFd) ? exec.filename
                                                      : AbsoluteExecPath(exec.filename, exec.cwd);
  } else {
    exec.file = std::move(executed);
  }
  exec.container_id = events::ContainerIdFromCgroupPath(exec.cgroup_path);
  exec.cgroup_id = fixed.cgroup_id;
  exec.namespaces = {fixed.ns_mnt, fixed.ns_pid, fixed.ns_net, fixed.ns_cgroup};
  return DecodeResult(std::move(exec));
}

}  // namespace

std::string_view MalformationName(Malformation malformation) {
  switch (malformation) {
    case Malformation::kTooShort:
      return "too_short";
    case Malformation::kBadAbiVersion:
      return "bad_abi_version";
    case Malformation::kUnknownKind:
      return "unknown_kind";
    case Malformation::kSizeMismatch:
      return "size_mismatch";
    case Malformation::kBlobOutOfBounds:
      return "blob_out_of_bounds";
    case Malformation::kUnterminatedString:
      return "unterminated_string";
    case Malformation::kInconsistentCounts:
      return "inconsistent_counts";
    case Malformation::kMalformationCount:
      break;
  }
  return "unknown";
}

DecodeResult Decode(std::span<const std::byte> record, const DecodeOptions& options) {
  if (record.size() < sizeof(picket_event_header)) return Malformation::kTooShort;
  const auto header = Load<picket_event_header>(record);
  if (header.abi_version != PICKET_ABI_VERSION) return Malformation::kBadAbiVersion;
  if (header.size != record.size()) return Malformation::kSizeMismatch;
  switch (header.kind) {
    case PICKET_EVENT_FORK:
      if (record.size() != sizeof(picket_fork_event)) return Malformation::kSizeMismatch;
      return events::Event(DecodeFork(Load<picket_fork_event>(record), options));
    case PICKET_EVENT_EXIT:
      if (record.size() != sizeof(picket_exit_event)) return Malformation::kSizeMismatch;
      return events::Event(DecodeExit(Load<picket_exit_event>(record), options));
    case PICKET_EVENT_EXEC:
      return DecodeExec(record, options);
    default:
      return Malformation::kUnknownKind;
  }
}

std::string AbsoluteExecPath(std::string_view filename, std::string_view cwd) {
  if (filename.empty()) return std::string();
  std::string joined;
  if (filename.front() == '/') {
    joined = filename;
  } else {
    if (cwd.empty()) return std::string(filename);  // nothing to anchor it to
    joined = std::string(cwd) + "/" + std::string(filename);
  }
  std::vector<std::string_view> parts;
  std::string_view rest = joined;
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string path;
  for (std::string_view part : parts) {
    path += '/';
    path += part;
  }
  return path.empty() ? std::string("/") : path;
}

}  // namespace picket::decode
