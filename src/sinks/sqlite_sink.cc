#include "sinks/sqlite_sink.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "sinks/sqlite_schema.h"

namespace picket::sinks {
namespace {

constexpr std::uint64_t kNsPerDay = 86'400ULL * 1'000'000'000ULL;

constexpr std::string_view kInsertSql =
    "INSERT INTO signals (rule_id, timestamp_ns, host, pid, comm, user, title, message, "
    "severity, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

Status CreateParentDirectory(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return {};
  std::error_code ec;
  if (std::filesystem::is_directory(parent, ec)) return {};
  std::filesystem::create_directories(parent, ec);
  if (ec) return ErrnoError("creating directory " + parent.string(), ec.value());
  ::chmod(parent.c_str(), 0750);  // the store holds command lines: not world-readable
  return {};
}

// A statement left un-reset would hold a read transaction open and block the
// migration's COMMIT, hence the function scope.
Status EnableWal(SqliteDb& db) {
  Result<SqliteStatement> wal = db.Prepare("PRAGMA journal_mode = WAL");
  if (!wal) return wal.error();
  if (Result<bool> row = wal->Step(); !row) {
    return row.error().WithContext("enabling WAL on " + db.path());
  }
  if (wal->ColumnText(0) != "wal") {
    return Error(ErrorCode::kUnsupported, fmt::format("{}: WAL journal mode refused (got '{}')",
                                                      db.path(), wal->ColumnText(0)));
  }
  return {};
}

}  // namespace

// Statements are declared after the database so they are finalized first.
struct SqliteSink::Connection {
  SqliteDb db;
  SqliteStatement begin;
  SqliteStatement commit;
  SqliteStatement insert;
};

SqliteSink::SqliteSink(SqliteSinkConfig config) : config_(std::move(config)) {}

SqliteSink::~SqliteSink() = default;

Status SqliteSink::Open() {
  if (connection_) return {};
  if (Status dir = CreateParentDirectory(config_.path); !dir) return dir;
  Result<SqliteDb> db = SqliteDb::Open(
      config_.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
  if (!db) return db.error();
  sqlite3_busy_timeout(db->handle(), static_cast<int>(config_.busy_timeout.count()));

  // auto_vacuum only takes effect before the first table exists; INCREMENTAL
  // lets retention hand freed pages back to the filesystem.
  Result<std::int64_t> tables = db->QueryInt("SELECT count(*) FROM sqlite_master");
  if (!tables) return tables.error().WithContext("opening signal store");
  if (*tables == 0) {
    if (Status s = db->Exec("PRAGMA auto_vacuum = INCREMENTAL"); !s) return s;
  }
  if (Status s = EnableWal(*db); !s) return s;
  if (Status s = db->Exec(config_.synchronous_full ? "PRAGMA synchronous = FULL"
                                                   : "PRAGMA synchronous = NORMAL");
      !s) {
    return s;
  }
  if (Status s = MigrateSchema(*db, SignalStoreMigrations()); !s) return s;

  auto connection = std::make_unique<Connection>(Connection{std::move(*db), {}, {}, {}});
  for (auto [statement, sql] : {std::pair{&connection->begin, std::string_view("BEGIN IMMEDIATE")},
                                std::pair{&connection->commit, std::string_view("COMMIT")},
                                std::pair{&connection->insert, kInsertSql}}) {
    Result<SqliteStatement> prepared = connection->db.Prepare(sql);
    if (!prepared) return prepared.error();
    *statement = std::move(*prepared);
  }
  connection_ = std::move(connection);
  return {};
}

Status SqliteSink::Write(SignalBatch batch) {
  if (Status opened = Open(); !opened) return opened;
  if (Status inserted = InsertBatch(batch); !inserted) {
    return inserted.error().WithContext(
        fmt::format("inserting {} signals into {}", batch.size(), config_.path));
  }
  return {};
}

Status SqliteSink::InsertBatch(SignalBatch batch) {
  Connection& c = *connection_;
  auto run = [](SqliteStatement& statement) -> Status {
    Result<bool> step = statement.Step();
    statement.Reset();
    if (!step) return step.error();
    return {};
  };
  if (Status begun = run(c.begin); !begun) return begun;
  for (const SignalRecordPtr& record : batch) {
    c.insert.BindText(1, record->rule_id);
    c.insert.BindInt(2, static_cast<std::int64_t>(record->timestamp_ns));
    c.insert.BindText(3, record->host);
    c.insert.BindInt(4, record->pid);
    c.insert.BindText(5, record->comm);
    c.insert.BindText(6, record->user);
    c.insert.BindText(7, record->title);
    c.insert.BindText(8, record->message);
    c.insert.BindText(9, record->severity);
    c.insert.BindText(10, record->json);
    if (Status inserted = run(c.insert); !inserted) {
      // All or nothing, so the runner can retry the batch without duplicates.
      (void)c.db.Exec("ROLLBACK");
      return inserted;
    }
  }
  if (Status committed = run(c.commit); !committed) {
    (void)c.db.Exec("ROLLBACK");
    return committed;
  }
  return {};
}

Status SqliteSink::Tick(std::uint64_t now_ns) {
  if (!connection_) return {};  // nothing stored yet; Write reports open failures
  if (next_retention_ns_ && now_ns < *next_retention_ns_) return {};
  next_retention_ns_ =
      now_ns + static_cast<std::uint64_t>(config_.retention_interval.count()) * 1'000'000'000ULL;
  Result<RetentionResult> result = ApplyRetention(now_ns);
  if (!result) return result.error();
  return {};
}

Result<std::uint64_t> SqliteSink::UsedBytes() {
  SqliteDb& db = connection_->db;
  Result<std::int64_t> pages = db.QueryInt("PRAGMA page_count");
  if (!pages) return pages.error();
  Result<std::int64_t> free_pages = db.QueryInt("PRAGMA freelist_count");
  if (!free_pages) return free_pages.error();
  Result<std::int64_t> page_size = db.QueryInt("PRAGMA page_size");
  if (!page_size) return page_size.error();
  return static_cast<std::uint64_t>((*pages - *free_pages) * *page_size);
}

Result<RetentionResult> SqliteSink::ApplyRetention(std::uint64_t now_ns) {
  if (Status opened = Open(); !opened) return opened.error();
  SqliteDb& db = connection_->db;
  RetentionResult result;
  auto delete_with = [&db](std::string_view sql, std::int64_t arg) -> Result<std::uint64_t> {
    Result<SqliteStatement> statement = db.Prepare(sql);
    if (!statement) return statement.error();
    statement->BindInt(1, arg);
    if (Result<bool> step = statement->Step(); !step) return step.error();
    return static_cast<std::uint64_t>(sqlite3_changes64(db.handle()));
  };
  auto context = [this](const Error& error) {
    return error.WithContext("applying retention to " + config_.path);
  };

  const std::uint64_t max_age_ns = std::uint64_t{config_.max_age_days} * kNsPerDay;
  if (config_.max_age_days > 0 && now_ns > max_age_ns) {
    Result<std::uint64_t> n = delete_with("DELETE FROM signals WHERE timestamp_ns < ?1",
                                          static_cast<std::int64_t>(now_ns - max_age_ns));
    if (!n) return context(n.error());
    result.deleted_by_age = *n;
  }
  if (config_.max_rows > 0) {
    // The (max_rows+1)-th newest row and everything older goes.
    Result<std::uint64_t> n = delete_with(
        "DELETE FROM signals WHERE id <= "
        "(SELECT id FROM signals ORDER BY id DESC LIMIT 1 OFFSET ?1)",
        static_cast<std::int64_t>(config_.max_rows));
    if (!n) return context(n.error());
    result.deleted_by_rows = *n;
  }
  if (config_.max_bytes > 0) {
    // Pages are shared by rows and indexes, so the bytes a row costs are
    // estimated from the average; delete down to 90% of the limit so the
    // next few inserts do not trigger another round, and re-measure.
    for (int round = 0; round < 8; ++round) {
      Result<std::uint64_t> used = UsedBytes();
      if (!used) return context(used.error());
      if (*used <= config_.max_bytes) break;
      Result<std::int64_t> rows = db.QueryInt("SELECT count(*) FROM signals");
      if (!rows) return context(rows.error());
      if (*rows == 0) break;
      const std::uint64_t target = config_.max_bytes / 10 * 9;
      const std::uint64_t per_row = std::max<std::uint64_t>(1, *used / *rows);
      const std::uint64_t excess = *used - target;
      const auto victims = static_cast<std::int64_t>(std::clamp<std::uint64_t>(
          (excess + per_row - 1) / per_row, 1, static_cast<std::uint64_t>(*rows)));
      Result<std::uint64_t> n = delete_with(
          "DELETE FROM signals WHERE id IN (SELECT id FROM signals ORDER BY id LIMIT ?1)", victims);
      if (!n) return context(n.error());
      result.deleted_by_bytes += *n;
    }
  }
  const std::uint64_t deleted =
      result.deleted_by_age + result.deleted_by_rows + result.deleted_by_bytes;
  if (deleted > 0) {
    retention_deleted_.fetch_add(deleted, std::memory_order_relaxed);
    // Return freed pages to the filesystem and fold the WAL back in.
    if (Status s = db.Exec("PRAGMA incremental_vacuum"); !s) return context(s.error());
    if (Status s = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); !s) return context(s.error());
  }
  return result;
}

std::vector<SinkCounter> SqliteSink::ExtraCounters() const {
  return {{"retention_deleted", retention_deleted_.load(std::memory_order_relaxed)}};
}

}  // namespace picket::sinks
