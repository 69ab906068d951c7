// The signal store's schema and its migrations. PRAGMA user_version holds
// the schema version; a database created by an older picket is upgraded in
// place, one transaction per step, and one created by a newer picket is
// refused rather than misread.
//
// Version 1:
//   signals(id INTEGER PRIMARY KEY, rule_id, timestamp_ns, host, pid, comm,
//           user, title, message, severity, json)
//   indexes: (rule_id, timestamp_ns), (timestamp_ns), (host, timestamp_ns), (pid)
// `json` is the whole signal document (spec §15); the other columns are
// copies for filtering and listing without parsing it.

#ifndef PICKET_SINKS_SQLITE_SCHEMA_H_
#define PICKET_SINKS_SQLITE_SCHEMA_H_

#include <span>

#include "base/result.h"
#include "sinks/sqlite_db.h"

namespace picket::sinks {

// Upgrades the schema from version `to_version - 1` to `to_version`.
struct SchemaMigration {
  int to_version;
  const char* sql;
};

// The migrations of this picket, in order; the last one's version is current.
std::span<const SchemaMigration> SignalStoreMigrations();
int CurrentSignalStoreVersion();

// Brings `db` to the last version of `migrations` (the hook: tests pass
// their own list). Refuses a database whose version is newer.
Status MigrateSchema(SqliteDb& db, std::span<const SchemaMigration> migrations);

}  // namespace picket::sinks

#endif  // PICKET_SINKS_SQLITE_SCHEMA_H_
