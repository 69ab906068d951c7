// SqliteSink: the embedded default store. Every signal becomes one row of
// the `signals` table (sqlite_schema.h), written in one transaction per
// batch through prepared statements, in WAL mode so `picket signals` can
// read while the agent writes. Retention by age, row count and size runs
// from Tick() every retention_interval, never per insert.

#ifndef PICKET_SINKS_SQLITE_SINK_H_
#define PICKET_SINKS_SQLITE_SINK_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "sinks/sink.h"
#include "sinks/sqlite_db.h"

namespace picket::sinks {

struct SqliteSinkConfig {
  // The parent directory is created (0750) when missing.
  std::string path = "/var/lib/picket/picket.db";
  // How long a write waits for another connection's lock before SQLITE_BUSY.
  std::chrono::milliseconds busy_timeout{5'000};
  // Retention; 0 disables a limit. Oldest rows (by insertion) go first.
  std::uint32_t max_age_days = 30;              // by signal time against the wall clock
  std::uint64_t max_rows = 1'000'000;           // rows kept at most
  std::uint64_t max_bytes = 1024ULL << 20;      // bytes of used database pages (1 GiB)
  std::chrono::seconds retention_interval{60};  // how often Tick() applies the limits
  // PRAGMA synchronous: NORMAL is durable against process crashes in WAL
  // mode; FULL also against power loss, at one fsync per batch.
  bool synchronous_full = false;
};

struct RetentionResult {
  std::uint64_t deleted_by_age = 0;
  std::uint64_t deleted_by_rows = 0;
  std::uint64_t deleted_by_bytes = 0;
  bool operator==(const RetentionResult&) const = default;
};

class SqliteSink final : public Sink {
 public:
  // Does no I/O; the database opens on first use, so an unwritable path is
  // reported (and counted by the runner) per batch instead of aborting the
  // agent. Open() checks eagerly.
  explicit SqliteSink(SqliteSinkConfig config);
  ~SqliteSink() override;

  std::string_view name() const override { return "sqlite"; }
  Status Write(SignalBatch batch) override;
  Status Tick(std::uint64_t now_ns) override;
  std::vector<SinkCounter> ExtraCounters() const override;

  // Creates the directory, opens the database, sets WAL, busy timeout and
  // synchronous, and migrates the schema. Idempotent.
  Status Open();

  // Applies the three retention limits now; `now_ns` is epoch ns.
  Result<RetentionResult> ApplyRetention(std::uint64_t now_ns);

 private:
  struct Connection;
  Status InsertBatch(SignalBatch batch);
  Result<std::uint64_t> UsedBytes();

  SqliteSinkConfig config_;
  std::unique_ptr<Connection> connection_;  // null until Open() succeeds
  std::optional<std::uint64_t> next_retention_ns_;
  std::atomic<std::uint64_t> retention_deleted_{0};
};

}  // namespace picket::sinks

#endif  // PICKET_SINKS_SQLITE_SINK_H_
