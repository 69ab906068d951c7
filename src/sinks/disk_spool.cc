#include "sinks/disk_spool.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

namespace picket::sinks {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSuffix = ".spool";
constexpr std::string_view kTempPrefix = ".tmp-";

// "<sequence>-<records>.spool" → (sequence, records); nullopt for anything else.
std::optional<std::pair<std::uint64_t, std::uint64_t>> ParseName(std::string_view name) {
  if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix)) return std::nullopt;
  name.remove_suffix(kSuffix.size());
  const std::size_t dash = name.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::uint64_t sequence = 0;
  std::uint64_t records = 0;
  const auto a = std::from_chars(name.data(), name.data() + dash, sequence);
  const auto b = std::from_chars(name.data() + dash + 1, name.data() + name.size(), records);
  if (a.ec != std::errc() || a.ptr != name.data() + dash || b.ec != std::errc() ||
      b.ptr != name.data() + name.size()) {
    return std::nullopt;
  }
  return std::pair{sequence, records};
}

Status WriteFileDurably(const std::string& path, std::string_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError("creating " + path, errno);
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      ::unlink(path.c_str());
      return ErrnoError("writing " + path, err);
    }
    done += static_cast<std::size_t>(n);
  }
  // The entry exists to survive a crash, so it must reach the disk.
  if (::fdatasync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(path.c_str());
    return ErrnoError("syncing " + path, err);
  }
  ::close(fd);
  return {};
}

}  // namespace

Result<DiskSpool> DiskSpool::Open(DiskSpoolConfig config) {
  std::error_code ec;
  fs::create_directories(config.directory, ec);
  if (ec) return ErrnoError("creating spool directory " + config.directory, ec.value());
  ::chmod(config.directory.c_str(), 0700);

  DiskSpool spool(std::move(config));
  struct Found {
    std::uint64_t sequence;
    SpoolEntry entry;
  };
  std::vector<Found> found;
  for (const fs::directory_entry& file : fs::directory_iterator(spool.config_.directory, ec)) {
    const std::string name = file.path().filename().string();
    if (name.starts_with(kTempPrefix)) {
      fs::remove(file.path(), ec);  // a crash mid-Push: never renamed, never complete
      continue;
    }
    const auto parsed = ParseName(name);
    if (!parsed) continue;  // not ours; leave it alone
    const std::uint64_t size = file.file_size(ec);
    if (ec) continue;
    found.push_back({parsed->first, {file.path().string(), parsed->second, size}});
  }
  if (ec) return ErrnoError("listing spool directory " + spool.config_.directory, ec.value());
  std::sort(found.begin(), found.end(),
            [](const Found& a, const Found& b) { return a.sequence < b.sequence; });
  for (Found& f : found) {
    spool.bytes_ += f.entry.bytes;
    spool.records_ += f.entry.records;
    spool.next_sequence_ = f.sequence + 1;
    spool.entries_.push_back(std::move(f.entry));
  }
  return spool;
}

Status DiskSpool::Push(std::string_view payload, std::uint64_t records) {
  if (payload.size() > config_.max_bytes) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("spool {}: a {}-byte batch exceeds the spool limit of {} bytes",
                             config_.directory, payload.size(), config_.max_bytes));
  }
  while (!entries_.empty() && bytes_ + payload.size() > config_.max_bytes) {
    evicted_records_ += entries_.front().records;
    if (Status removed = RemoveOldest(); !removed) return removed;
  }
  const std::uint64_t sequence = next_sequence_++;
  const std::string name = fmt::format("{:020}-{}{}", sequence, records, kSuffix);
  const std::string final_path = (fs::path(config_.directory) / name).string();
  const std::string temp_path =
      (fs::path(config_.directory) / (std::string(kTempPrefix) + name)).string();
  if (Status written = WriteFileDurably(temp_path, payload); !written) return written;
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp_path.c_str());
    return ErrnoError("renaming " + temp_path, err);
  }
  entries_.push_back({final_path, records, payload.size()});
  bytes_ += payload.size();
  records_ += records;
  return {};
}

std::optional<SpoolEntry> DiskSpool::Oldest() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.front();
}

Result<std::string> DiskSpool::Read(const SpoolEntry& entry) const {
  std::ifstream in(entry.path, std::ios::binary);
  if (!in) return ErrnoError("reading " + entry.path, errno != 0 ? errno : EIO);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

Status DiskSpool::PopOldest() {
  if (entries_.empty()) return {};
  return RemoveOldest();
}

Status DiskSpool::RemoveOldest() {
  const SpoolEntry oldest = entries_.front();
  // Forget the entry even if unlink fails: a file we cannot remove must not
  // be replayed forever. ENOENT means someone already removed it.
  entries_.pop_front();
  bytes_ -= oldest.bytes;
  records_ -= oldest.records;
  if (::unlink(oldest.path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoError("removing " + oldest.path, errno);
  }
  return {};
}

}  // namespace picket::sinks
