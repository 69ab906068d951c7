// ClickHouse as a signal store, through its HTTP interface: each batch is
// one `INSERT INTO <db>.<table> FORMAT JSONEachRow` POST, sent by HttpSink
// (same client, retries and spool). The table (see ClickHouseCreateTableSql):
//
//   CREATE TABLE IF NOT EXISTS picket.signals (
//     rule_id String, timestamp_ns UInt64,
//     event_time DateTime MATERIALIZED toDateTime(intDiv(timestamp_ns, 1000000000)),
//     host String, pid UInt32, comm String, user String, title String,
//     message String, severity String, signal String)
//   ENGINE = MergeTree PARTITION BY toYYYYMM(event_time) ORDER BY (host, timestamp_ns)
//
// `signal` is the whole JSON document (JSONExtract* from 19.x,
// visitParamExtract* before). The
// syntax is accepted by ClickHouse 18.16 (Debian 12's package) and later.

#ifndef PICKET_SINKS_CLICKHOUSE_SINK_H_
#define PICKET_SINKS_CLICKHOUSE_SINK_H_

#include <memory>
#include <string>

#include "base/result.h"
#include "sinks/http_sink.h"

namespace picket::sinks {

struct ClickHouseSinkConfig {
  std::string endpoint = "http://127.0.0.1:8123/";  // the HTTP interface
  std::string database = "picket";
  std::string table = "signals";
  // Sent as X-ClickHouse-User / X-ClickHouse-Key when set.
  std::string user;
  std::string password;
  // Issue CREATE DATABASE/TABLE IF NOT EXISTS before the first insert.
  bool create_table = true;
  // Timeouts, extra headers, proxy, spool; `url` and `content_type` are
  // filled in by MakeClickHouseSink.
  HttpSinkConfig http;
};

// The statements, exactly as sent (tests and `docs/` quote them).
std::string ClickHouseCreateDatabaseSql(const ClickHouseSinkConfig& config);
std::string ClickHouseCreateTableSql(const ClickHouseSinkConfig& config);
// endpoint + "?query=" + the URL-encoded INSERT statement.
std::string ClickHouseInsertUrl(const ClickHouseSinkConfig& config);
// One JSON object per line with the table's insertable columns.
std::string ClickHouseRows(SignalBatch batch);

std::unique_ptr<HttpSink> MakeClickHouseSink(const ClickHouseSinkConfig& config);

// Creates the database and table if missing (idempotent): two POSTs, since
// the HTTP interface takes one statement per request.
Status CreateClickHouseTable(const ClickHouseSinkConfig& config);
Status CreateClickHouseTable(const ClickHouseSinkConfig& config, HttpClient& client);

}  // namespace picket::sinks

#endif  // PICKET_SINKS_CLICKHOUSE_SINK_H_
