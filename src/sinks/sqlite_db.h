// Thin RAII over the SQLite C API for the signal store: a connection, a
// prepared statement, and the mapping of SQLite result codes onto picket's
// ErrorCode (which decides whether the runner retries). No SQL lives here.

#ifndef PICKET_SINKS_SQLITE_DB_H_
#define PICKET_SINKS_SQLITE_DB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace picket::sinks {

// SQLITE_BUSY/LOCKED/FULL/IOERR are transient (kUnavailable: another writer,
// a full disk that may be cleaned up); CANTOPEN/READONLY/PERM/AUTH are
// kPermissionDenied; corruption and misuse are kInternal. The message is
// "<what>: <sqlite's message>".
Error SqliteError(std::string_view what, int rc, sqlite3* db);

class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  ~SqliteStatement();

  // Parameters are 1-based, as in SQLite. Text is copied (SQLITE_TRANSIENT).
  void BindInt(int index, std::int64_t value);
  void BindText(int index, std::string_view value);

  // Runs one step: true when a row is available, false when done.
  Result<bool> Step();
  // Ready for new bindings and a new run (bindings are cleared too).
  void Reset();

  // Columns are 0-based. Text of a NULL column is "".
  std::int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;

  explicit operator bool() const { return stmt_ != nullptr; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDb {
 public:
  // `flags` are sqlite3_open_v2 flags (SQLITE_OPEN_READWRITE | ...).
  static Result<SqliteDb> Open(const std::string& path, int flags);

  SqliteDb(SqliteDb&&) noexcept = default;
  SqliteDb& operator=(SqliteDb&&) noexcept = default;

  // Runs one or more statements that return no rows of interest.
  Status Exec(std::string_view sql);
  Result<SqliteStatement> Prepare(std::string_view sql);
  // The single integer a query such as "PRAGMA user_version" returns.
  Result<std::int64_t> QueryInt(std::string_view sql);

  sqlite3* handle() const { return db_.get(); }
  const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  SqliteDb(std::unique_ptr<sqlite3, Closer> db, std::string path)
      : db_(std::move(db)), path_(std::move(path)) {}

  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
};

}  // namespace picket::sinks

#endif  // PICKET_SINKS_SQLITE_DB_H_
