#include "proc/procfs_seed.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "events/process_events.h"

namespace picket::proc {
namespace {

// Whole small file; nullopt if it cannot be opened or read (the process
// exited, or the file is denied). /proc files report size 0, so read until EOF.
std::optional<std::string> ReadSmallFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string content;
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return content;
}

std::optional<std::string> ReadLink(const std::string& path) {
  std::string target(4096, '\0');
  ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
  if (n < 0) return std::nullopt;
  target.resize(static_cast<std::size_t>(n));
  return target;
}

template <typename Int>
std::optional<Int> ParseInt(std::string_view text, int base = 10) {
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  return value;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

std::vector<std::string_view> SplitWhitespace(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) ++i;
    std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\n') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// NUL-separated list (cmdline, environ); a trailing NUL ends the last item.
std::vector<std::string> SplitNul(std::string_view s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  if (s.back() == '\0') s.remove_suffix(1);
  std::size_t start = 0;
  while (true) {
    std::size_t nul = s.find('\0', start);
    out.emplace_back(s.substr(start, nul == std::string_view::npos ? nul : nul - start));
    if (nul == std::string_view::npos) break;
    start = nul + 1;
  }
  return out;
}

struct StatFields {
  std::string comm;
  std::uint32_t ppid = 0;
  std::uint32_t tty_nr = 0;
  std::uint64_t start_ticks = 0;
};

// "pid (comm) state ppid pgrp session tty_nr ... starttime(22) ...". comm
// may contain spaces and parentheses, so fields are counted from the last ')'.
std::optional<StatFields> ParseStat(std::string_view stat) {
  std::size_t open = stat.find('(');
  std::size_t close = stat.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  std::vector<std::string_view> fields = SplitWhitespace(stat.substr(close + 1));
  // fields[0] is field 3 (state).
  constexpr std::size_t kPpid = 4 - 3, kTtyNr = 7 - 3, kStartTime = 22 - 3;
  if (fields.size() <= kStartTime) return std::nullopt;
  StatFields out;
  out.comm = std::string(stat.substr(open + 1, close - open - 1));
  auto ppid = ParseInt<std::uint32_t>(fields[kPpid]);
  auto tty = ParseInt<std::int64_t>(fields[kTtyNr]);
  auto start = ParseInt<std::uint64_t>(fields[kStartTime]);
  if (!ppid || !tty || !start) return std::nullopt;
  out.ppid = *ppid;
  out.tty_nr = static_cast<std::uint32_t>(*tty);
  out.start_ticks = *start;
  return out;
}

// "Uid:\treal\teffective\tsaved\tfs" and the same for Gid; Cap* in hex.
void ParseStatus(std::string_view status, events::Credentials& creds) {
  std::size_t pos = 0;
  while (pos < status.size()) {
    std::size_t eol = status.find('\n', pos);
    if (eol == std::string_view::npos) eol = status.size();
    std::string_view line = status.substr(pos, eol - pos);
    pos = eol + 1;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    std::vector<std::string_view> values = SplitWhitespace(line.substr(colon + 1));
    auto u32 = [&](std::size_t i) {
      return i < values.size() ? ParseInt<std::uint32_t>(values[i]).value_or(0) : 0;
    };
    auto hex64 = [&] {
      return values.empty() ? 0 : ParseInt<std::uint64_t>(values[0], 16).value_or(0);
    };
    if (name == "Uid") {
      creds.uid = u32(0);
      creds.euid = u32(1);
      creds.fsuid = u32(3);
    } else if (name == "Gid") {
      creds.gid = u32(0);
      creds.egid = u32(1);
      creds.fsgid = u32(3);
    } else if (name == "CapEff") {
      creds.cap_effective = hex64();
    } else if (name == "CapPrm") {
      creds.cap_permitted = hex64();
    }
  }
}

// The v2 path ("0::/user.slice/..."), else the v1 memory controller's.
std::string CgroupPathFrom(std::string_view cgroup_file, bool* is_v2) {
  std::string memory_path;
  std::size_t pos = 0;
  while (pos < cgroup_file.size()) {
    std::size_t eol = cgroup_file.find('\n', pos);
    if (eol == std::string_view::npos) eol = cgroup_file.size();
    std::string_view line = cgroup_file.substr(pos, eol - pos);
    pos = eol + 1;
    std::size_t first = line.find(':');
    std::size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    std::string_view controllers = line.substr(first + 1, second - first - 1);
    std::string_view path = line.substr(second + 1);
    if (line.substr(0, first) == "0" && controllers.empty()) {
      *is_v2 = true;
      return std::string(path);
    }
    if (controllers == "memory") memory_path = std::string(path);
  }
  *is_v2 = false;
  return memory_path;
}

// "mnt:[4026531840]" → 4026531840.
std::uint32_t NamespaceInode(const std::string& link_path) {
  std::optional<std::string> target = ReadLink(link_path);
  if (!target) return 0;
  std::size_t open = target->find('[');
  std::size_t close = target->find(']');
  if (open == std::string::npos || close == std::string::npos || close < open) return 0;
  return ParseInt<std::uint32_t>(std::string_view(*target).substr(open + 1, close - open - 1))
      .value_or(0);
}

void FillFileInfo(const std::string& path_to_stat, events::FileInfo& file) {
  struct statx sx {};
  if (::statx(AT_FDCWD, path_to_stat.c_str(), 0, STATX_BASIC_STATS | STATX_MNT_ID, &sx) != 0) {
    return;
  }
  file.inode = sx.stx_ino;
  file.dev_major = sx.stx_dev_major;
  file.dev_minor = sx.stx_dev_minor;
  if (sx.stx_mask & STATX_MNT_ID) file.mount_id = static_cast<std::uint32_t>(sx.stx_mnt_id);
  file.mode = sx.stx_mode;
  file.uid = sx.stx_uid;
  file.gid = sx.stx_gid;
  file.nlink = sx.stx_nlink;
  auto ns = [](const struct statx_timestamp& t) {
    return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000'000ULL + t.tv_nsec;
  };
  file.modification_time_ns = ns(sx.stx_mtime);
  file.change_time_ns = ns(sx.stx_ctime);
}

struct SeedEntry {
  ProcessPtr image;
  std::uint32_t ppid = 0;
};

// Builds the image of one /proc/<pid>; nullopt if the process vanished.
std::optional<SeedEntry> ReadProcess(const ProcfsSeedOptions& options, std::uint32_t pid) {
  const std::string dir = options.proc_root + "/" + std::to_string(pid);
  std::optional<std::string> stat_text = ReadSmallFile(dir + "/stat");
  if (!stat_text) return std::nullopt;
  std::optional<StatFields> stat = ParseStat(*stat_text);
  if (!stat) return std::nullopt;

  auto image = std::make_shared<Process>();
  const std::uint64_t tick_ns =
      1'000'000'000ULL / std::max<std::uint64_t>(options.clock_ticks_per_second, 1);
  const std::uint64_t start_boot_ns = stat->start_ticks * tick_ns;
  image->key = {pid, static_cast<std::uint64_t>(static_cast<std::int64_t>(start_boot_ns) +
                                                options.boot_to_realtime_offset_ns)};
  image->tid = pid;
  image->fork_time_ns = image->key.start_time_ns;
  image->from_seed = true;

  std::optional<std::string> comm = ReadSmallFile(dir + "/comm");
  image->comm = comm ? std::string(Trim(*comm)) : stat->comm;
  if (std::optional<std::string> cmdline = ReadSmallFile(dir + "/cmdline")) {
    image->argv = SplitNul(*cmdline);
  }
  if (options.capture_env) {
    if (std::optional<std::string> environ = ReadSmallFile(dir + "/environ")) {
      image->envp = SplitNul(*environ);
    }
  }

  if (std::optional<std::string> exe = ReadLink(dir + "/exe")) {
    constexpr std::string_view kDeleted = " (deleted)";
    std::string_view path = *exe;
    if (path.ends_with(kDeleted)) {
      path.remove_suffix(kDeleted.size());
      image->exec_flags |= events::kExecDeletedFile;
    }
    image->file.path = std::string(path);
    image->filename = image->file.path;
    FillFileInfo(dir + "/exe", image->file);
    if (image->file.path.starts_with("/memfd:")) image->exec_flags |= events::kExecMemfd;
  } else if (!image->argv.empty() && image->argv[0].starts_with('/')) {
    image->file.path = image->argv[0];  // exe denied (pid 1 here): best effort
    image->filename = image->file.path;
  }

  if (std::optional<std::string> status = ReadSmallFile(dir + "/status")) {
    ParseStatus(*status, image->credentials);
  }
  if (std::optional<std::string> loginuid = ReadSmallFile(dir + "/loginuid")) {
    image->credentials.auid = ParseInt<std::uint32_t>(Trim(*loginuid)).value_or(0xffffffffu);
  }
  if (std::optional<std::string> session = ReadSmallFile(dir + "/sessionid")) {
    image->credentials.session_id = ParseInt<std::uint32_t>(Trim(*session)).value_or(0xffffffffu);
  }
  if (std::optional<std::string> cgroup = ReadSmallFile(dir + "/cgroup")) {
    bool is_v2 = false;
    image->cgroup_path = CgroupPathFrom(*cgroup, &is_v2);
    image->container_id = events::ContainerIdFromCgroupPath(image->cgroup_path);
    if (is_v2) {
      struct stat st {};
      if (::stat((options.cgroup_root + image->cgroup_path).c_str(), &st) == 0) {
        image->cgroup_id = st.st_ino;
      }
    }
  }
  image->tty = TtyNameFromDevice(stat->tty_nr);
  image->namespaces.mnt = NamespaceInode(dir + "/ns/mnt");
  image->namespaces.pid = NamespaceInode(dir + "/ns/pid");
  image->namespaces.net = NamespaceInode(dir + "/ns/net");
  image->namespaces.cgroup = NamespaceInode(dir + "/ns/cgroup");
  return SeedEntry{std::move(image), stat->ppid};
}

}  // namespace

std::string TtyNameFromDevice(std::uint32_t tty_nr) {
  // new_encode_dev: minor in bits 0-7 and 20-31, major in bits 8-19.
  const std::uint32_t major = (tty_nr >> 8) & 0xfff;
  const std::uint32_t minor = (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00);
  if (tty_nr == 0) return "";
  if (major >= 136 && major <= 143) return "pts" + std::to_string((major - 136) * 256 + minor);
  if (major == 4 && minor < 64) return "tty" + std::to_string(minor);
  if (major == 4) return "ttyS" + std::to_string(minor - 64);
  if (major == 5 && minor == 1) return "console";
  return "";
}

Result<ProcfsSeed> ReadProcfs(const ProcfsSeedOptions& options) {
  DIR* dir = ::opendir(options.proc_root.c_str());
  if (dir == nullptr) return ErrnoError("listing " + options.proc_root, errno);
  std::vector<std::uint32_t> pids;
  while (dirent* entry = ::readdir(dir)) {
    if (auto pid = ParseInt<std::uint32_t>(entry->d_name);
        pid && std::to_string(*pid) == entry->d_name) {
      pids.push_back(*pid);
    }
  }
  ::closedir(dir);

  ProcfsSeed seed;
  std::unordered_map<std::uint32_t, SeedEntry> by_pid;
  for (std::uint32_t pid : pids) {
    std::optional<SeedEntry> entry = ReadProcess(options, pid);
    if (!entry) {
      ++seed.vanished;
      continue;
    }
    by_pid.emplace(pid, std::move(*entry));
  }

  // Emit parents before children, linking each image to its parent's. An
  // iterative walk up the ppid chain; `state` also breaks (impossible, but
  // untrusted) ppid cycles.
  enum class State { kPending, kInProgress, kDone };
  std::unordered_map<std::uint32_t, State> state;
  for (const auto& [pid, entry] : by_pid) state[pid] = State::kPending;
  for (std::uint32_t pid : pids) {
    if (!by_pid.contains(pid)) continue;
    std::vector<std::uint32_t> chain;  // pid, its parent, ... up to a done or unknown one
    std::uint32_t current = pid;
    while (by_pid.contains(current) && state[current] == State::kPending) {
      state[current] = State::kInProgress;
      chain.push_back(current);
      current = by_pid.at(current).ppid;
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      SeedEntry& entry = by_pid.at(*it);
      auto parent = by_pid.find(entry.ppid);
      if (parent != by_pid.end() && parent->first != *it && state[parent->first] == State::kDone) {
        entry.image->lineage_parent = parent->second.image;
        entry.image->parent_key = parent->second.image->key;
      } else {
        entry.image->parent_key = {entry.ppid, 0};
      }
      state[*it] = State::kDone;
      seed.images.push_back(entry.image);
    }
  }
  return seed;
}

Result<std::size_t> SeedFromProcfs(ProcessTree& tree, const ProcfsSeedOptions& options) {
  Result<ProcfsSeed> seed = ReadProcfs(options);
  if (!seed) return seed.error();
  return tree.Seed(seed->images);
}

}  // namespace picket::proc
