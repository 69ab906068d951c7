#include "sinks/sqlite_store_reader.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cctype>
#include <limits>
#include <utility>

#include "sinks/sqlite_schema.h"

namespace picket::sinks {
namespace {

constexpr std::string_view kColumns =
    "id, rule_id, timestamp_ns, host, pid, comm, user, title, message, severity, json";

StoredSignal ReadRow(const SqliteStatement& row) {
  StoredSignal stored;
  stored.id = row.ColumnInt(0);
  SignalRecord& r = stored.record;
  r.rule_id = row.ColumnText(1);
  r.timestamp_ns = static_cast<std::uint64_t>(row.ColumnInt(2));
  r.host = row.ColumnText(3);
  r.pid = static_cast<std::uint32_t>(row.ColumnInt(4));
  r.comm = row.ColumnText(5);
  r.user = row.ColumnText(6);
  r.title = row.ColumnText(7);
  r.message = row.ColumnText(8);
  r.severity = row.ColumnText(9);
  r.json = row.ColumnText(10);
  return stored;
}

}  // namespace

Result<SqliteStoreReader> SqliteStoreReader::Open(const std::string& path) {
  Result<SqliteDb> db = SqliteDb::Open(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  if (!db) return db.error();
  Result<std::int64_t> version = db->QueryInt("PRAGMA user_version");
  if (!version) return version.error().WithContext("reading " + path);
  if (*version == 0) {
    return Error(ErrorCode::kInvalidArgument, path + ": not a picket signal store");
  }
  if (*version > CurrentSignalStoreVersion()) {
    return Error(ErrorCode::kUnsupported,
                 fmt::format("{}: schema version {} is newer than this picket supports ({})", path,
                             *version, CurrentSignalStoreVersion()));
  }
  return SqliteStoreReader(std::move(*db));
}

Result<std::vector<StoredSignal>> SqliteStoreReader::Collect(SqliteStatement& statement) {
  std::vector<StoredSignal> rows;
  for (;;) {
    Result<bool> row = statement.Step();
    if (!row) return row.error().WithContext("querying " + db_.path());
    if (!*row) break;
    rows.push_back(ReadRow(statement));
  }
  return rows;
}

Result<std::vector<StoredSignal>> SqliteStoreReader::List(const SignalListQuery& query) {
  const std::string sql = fmt::format(
      "SELECT {} FROM signals WHERE (?1 IS NULL OR rule_id = ?1) AND timestamp_ns >= ?2 "
      "ORDER BY timestamp_ns DESC, id DESC LIMIT ?3",
      kColumns);
  Result<SqliteStatement> statement = db_.Prepare(sql);
  if (!statement) return statement.error();
  if (query.rule_id) statement->BindText(1, *query.rule_id);  // unbound = NULL
  statement->BindInt(2, static_cast<std::int64_t>(query.since_ns.value_or(0)));
  statement->BindInt(3, static_cast<std::int64_t>(
                            std::min<std::size_t>(query.limit, std::numeric_limits<int>::max())));
  return Collect(*statement);
}

Result<std::optional<StoredSignal>> SqliteStoreReader::Get(std::int64_t id) {
  Result<SqliteStatement> statement =
      db_.Prepare(fmt::format("SELECT {} FROM signals WHERE id = ?1", kColumns));
  if (!statement) return statement.error();
  statement->BindInt(1, id);
  Result<std::vector<StoredSignal>> rows = Collect(*statement);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<StoredSignal>();
  return std::optional<StoredSignal>(std::move(rows->front()));
}

Result<std::optional<std::vector<StoredSignal>>> SqliteStoreReader::Around(
    std::int64_t id, std::uint64_t window_ns) {
  Result<std::optional<StoredSignal>> center = Get(id);
  if (!center) return center.error();
  if (!center->has_value()) return std::optional<std::vector<StoredSignal>>();
  const SignalRecord& record = (*center)->record;
  const std::uint64_t from = record.timestamp_ns > window_ns ? record.timestamp_ns - window_ns : 0;
  const std::uint64_t to = record.timestamp_ns + window_ns;
  Result<SqliteStatement> statement = db_.Prepare(
      fmt::format("SELECT {} FROM signals WHERE host = ?1 AND timestamp_ns BETWEEN ?2 AND ?3 "
                  "ORDER BY timestamp_ns, id",
                  kColumns));
  if (!statement) return statement.error();
  statement->BindText(1, record.host);
  statement->BindInt(2, static_cast<std::int64_t>(from));
  statement->BindInt(3, static_cast<std::int64_t>(
                            std::min<std::uint64_t>(to, std::numeric_limits<std::int64_t>::max())));
  Result<std::vector<StoredSignal>> rows = Collect(*statement);
  if (!rows) return rows.error();
  return std::optional<std::vector<StoredSignal>>(std::move(*rows));
}

Result<std::uint64_t> ParseDurationNs(std::string_view text) {
  auto invalid = [&] {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("invalid duration '{}' (examples: 90s, 30m, 12h, 7d)", text));
  };
  if (text.empty()) return invalid();
  std::uint64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::uint64_t value = 0;
    const std::size_t digits_start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (value > std::numeric_limits<std::uint64_t>::max() / 10) return invalid();
      value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
      ++i;
    }
    if (i == digits_start) return invalid();
    const std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    std::uint64_t scale = 0;
    if (unit.empty() || unit == "s") {
      // A bare number is only allowed as the whole text ("30", not "1m30").
      if (unit.empty() && digits_start != 0) return invalid();
      scale = 1'000'000'000ULL;
    } else if (unit == "ns") {
      scale = 1;
    } else if (unit == "us") {
      scale = 1'000;
    } else if (unit == "ms") {
      scale = 1'000'000;
    } else if (unit == "m") {
      scale = 60'000'000'000ULL;
    } else if (unit == "h") {
      scale = 3'600'000'000'000ULL;
    } else if (unit == "d") {
      scale = 86'400'000'000'000ULL;
    } else {
      return invalid();
    }
    if (value > (std::numeric_limits<std::uint64_t>::max() - total) / scale) return invalid();
    total += value * scale;
  }
  return total;
}

}  // namespace picket::sinks
