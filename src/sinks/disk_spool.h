// DiskSpool: a bounded directory of payloads that could not be delivered,
// oldest first, surviving restarts. Each entry is one file written under a
// temporary name and renamed into place, so a crash never leaves a torn
// entry that would be replayed. When the bound is reached, the oldest
// entries are evicted and their records counted: the spool prefers recent
// signals, and never grows without limit on a host whose endpoint is gone.
//
// Entry file name: <20-digit sequence>-<record count>.spool

#ifndef PICKET_SINKS_DISK_SPOOL_H_
#define PICKET_SINKS_DISK_SPOOL_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace picket::sinks {

struct DiskSpoolConfig {
  std::string directory;                  // created 0700 when missing
  std::uint64_t max_bytes = 64ULL << 20;  // payload bytes kept at most (64 MiB)
};

struct SpoolEntry {
  std::string path;
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
};

// Not thread-safe: owned by one sink (its runner thread).
class DiskSpool {
 public:
  // Creates the directory, removes leftover temporary files, and indexes
  // existing entries (a previous run's) for replay.
  static Result<DiskSpool> Open(DiskSpoolConfig config);

  // Stores one payload carrying `records` signals, evicting the oldest
  // entries if needed. A payload larger than max_bytes is refused.
  Status Push(std::string_view payload, std::uint64_t records);

  // The oldest entry, if any.
  std::optional<SpoolEntry> Oldest() const;
  Result<std::string> Read(const SpoolEntry& entry) const;
  // Removes the oldest entry (after it was delivered).
  Status PopOldest();

  std::uint64_t entries() const { return entries_.size(); }
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t records() const { return records_; }
  // Records lost to eviction since Open.
  std::uint64_t evicted_records() const { return evicted_records_; }

 private:
  explicit DiskSpool(DiskSpoolConfig config) : config_(std::move(config)) {}
  Status RemoveOldest();

  DiskSpoolConfig config_;
  std::deque<SpoolEntry> entries_;  // oldest first
  std::uint64_t next_sequence_ = 1;
  std::uint64_t bytes_ = 0;
  std::uint64_t records_ = 0;
  std::uint64_t evicted_records_ = 0;
};

}  // namespace picket::sinks

#endif  // PICKET_SINKS_DISK_SPOOL_H_
