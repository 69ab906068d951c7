#include "sinks/sqlite_schema.h"

#include <fmt/format.h>

namespace picket::sinks {
namespace {

constexpr SchemaMigration kMigrations[] = {
    {1, R"sql(
CREATE TABLE signals (
  id INTEGER PRIMARY KEY,
  rule_id TEXT NOT NULL,
  timestamp_ns INTEGER NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  comm TEXT NOT NULL,
  user TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  severity TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX signals_rule_id ON signals(rule_id, timestamp_ns);
CREATE INDEX signals_timestamp_ns ON signals(timestamp_ns);
CREATE INDEX signals_host ON signals(host, timestamp_ns);
CREATE INDEX signals_pid ON signals(pid);
)sql"},
};

}  // namespace

std::span<const SchemaMigration> SignalStoreMigrations() { return kMigrations; }

int CurrentSignalStoreVersion() { return kMigrations[std::size(kMigrations) - 1].to_version; }

Status MigrateSchema(SqliteDb& db, std::span<const SchemaMigration> migrations) {
  Result<std::int64_t> version = db.QueryInt("PRAGMA user_version");
  if (!version) return version.error().WithContext("reading schema version");
  const int latest = migrations.empty() ? 0 : migrations.back().to_version;
  if (*version > latest) {
    return Error(ErrorCode::kUnsupported,
                 fmt::format("{}: schema version {} is newer than this picket supports ({})",
                             db.path(), *version, latest));
  }
  for (const SchemaMigration& migration : migrations) {
    if (migration.to_version <= *version) continue;
    // One transaction per step: a crash leaves the database at a version
    // it really has. PRAGMA user_version is transactional.
    const std::string step =
        fmt::format("BEGIN IMMEDIATE;\n{};\nPRAGMA user_version = {};\nCOMMIT;", migration.sql,
                    migration.to_version);
    if (Status status = db.Exec(step); !status) {
      (void)db.Exec("ROLLBACK");
      return status.error().WithContext(
          fmt::format("migrating schema to version {}", migration.to_version));
    }
  }
  return {};
}

}  // namespace picket::sinks
