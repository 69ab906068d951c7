// Read-only queries over the SQLite signal store, for `picket signals`
// (list, show, around). Opens the database read-only, so it can run while
// the agent writes (WAL) and can never alter the store.

#ifndef PICKET_SINKS_SQLITE_STORE_READER_H_
#define PICKET_SINKS_SQLITE_STORE_READER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sinks/signal_record.h"
#include "sinks/sqlite_db.h"

namespace picket::sinks {

struct StoredSignal {
  std::int64_t id = 0;  // the row id `picket signals show ID` takes
  SignalRecord record;
};

struct SignalListQuery {
  std::optional<std::string> rule_id;     // exact rule id
  std::optional<std::uint64_t> since_ns;  // signals at or after this epoch time
  std::size_t limit = 50;                 // newest first, at most this many
};

class SqliteStoreReader {
 public:
  // Fails when the file is missing, unreadable, or not a picket store of a
  // schema version this build knows.
  static Result<SqliteStoreReader> Open(const std::string& path);

  // Newest first (by signal time, then id).
  Result<std::vector<StoredSignal>> List(const SignalListQuery& query);
  // nullopt when there is no such id.
  Result<std::optional<StoredSignal>> Get(std::int64_t id);
  // Signals on the same host as `id` within ±window_ns of its time, oldest
  // first, the signal itself included; nullopt when there is no such id.
  Result<std::optional<std::vector<StoredSignal>>> Around(std::int64_t id, std::uint64_t window_ns);

 private:
  explicit SqliteStoreReader(SqliteDb db) : db_(std::move(db)) {}
  Result<std::vector<StoredSignal>> Collect(SqliteStatement& statement);

  SqliteDb db_;
};

// "90s", "30m", "12h", "7d", "500ms", "1h30m" → nanoseconds. Units: ns, us,
// ms, s, m, h, d. A bare number is seconds.
Result<std::uint64_t> ParseDurationNs(std::string_view text);

}  // namespace picket::sinks

#endif  // PICKET_SINKS_SQLITE_STORE_READER_H_
