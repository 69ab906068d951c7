#include "sinks/clickhouse_sink.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace picket::sinks {
namespace {

// A backquoted ClickHouse identifier; backquote and backslash inside are
// escaped with a backslash, as ClickHouse's lexer expects.
std::string QuoteIdentifier(const std::string& name) {
  std::string quoted = "`";
  for (const char c : name) {
    if (c == '`' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '`';
  return quoted;
}

std::string QualifiedTable(const ClickHouseSinkConfig& config) {
  return QuoteIdentifier(config.database) + "." + QuoteIdentifier(config.table);
}

HttpSinkConfig HttpConfigFor(const ClickHouseSinkConfig& config, std::string url) {
  HttpSinkConfig http = config.http;
  http.url = std::move(url);
  http.content_type = "application/x-ndjson";
  if (!config.user.empty()) http.client.headers.push_back("X-ClickHouse-User: " + config.user);
  if (!config.password.empty()) {
    http.client.headers.push_back("X-ClickHouse-Key: " + config.password);
  }
  return http;
}

}  // namespace

std::string ClickHouseCreateDatabaseSql(const ClickHouseSinkConfig& config) {
  return "CREATE DATABASE IF NOT EXISTS " + QuoteIdentifier(config.database);
}

std::string ClickHouseCreateTableSql(const ClickHouseSinkConfig& config) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (\n"
      "  rule_id String,\n"
      "  timestamp_ns UInt64,\n"
      "  event_time DateTime MATERIALIZED toDateTime(intDiv(timestamp_ns, 1000000000)),\n"
      "  host String,\n"
      "  pid UInt32,\n"
      "  comm String,\n"
      "  user String,\n"
      "  title String,\n"
      "  message String,\n"
      "  severity String,\n"
      "  signal String\n"
      ") ENGINE = MergeTree\n"
      "PARTITION BY toYYYYMM(event_time)\n"
      "ORDER BY (host, timestamp_ns)",
      QualifiedTable(config));
}

std::string ClickHouseInsertUrl(const ClickHouseSinkConfig& config) {
  const std::string query = "INSERT INTO " + QualifiedTable(config) + " FORMAT JSONEachRow";
  const char separator = config.endpoint.find('?') == std::string::npos ? '?' : '&';
  return config.endpoint + separator + "query=" + UrlEncode(query);
}

std::string ClickHouseRows(SignalBatch batch) {
  std::string body;
  for (const SignalRecordPtr& record : batch) {
    const nlohmann::json row = {
        {"rule_id", record->rule_id},   {"timestamp_ns", record->timestamp_ns},
        {"host", record->host},         {"pid", record->pid},
        {"comm", record->comm},         {"user", record->user},
        {"title", record->title},       {"message", record->message},
        {"severity", record->severity}, {"signal", record->json},
    };
    // Replace invalid UTF-8 instead of throwing: a comm can hold any bytes.
    body += row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    body += '\n';
  }
  return body;
}

std::unique_ptr<HttpSink> MakeClickHouseSink(const ClickHouseSinkConfig& config) {
  HttpSetupFn setup;
  if (config.create_table) {
    setup = [config](HttpClient& client) { return CreateClickHouseTable(config, client); };
  }
  return std::make_unique<HttpSink>(HttpConfigFor(config, ClickHouseInsertUrl(config)),
                                    "clickhouse", &ClickHouseRows, std::move(setup));
}

Status CreateClickHouseTable(const ClickHouseSinkConfig& config) {
  HttpClient client(HttpConfigFor(config, config.endpoint).client);
  return CreateClickHouseTable(config, client);
}

Status CreateClickHouseTable(const ClickHouseSinkConfig& config, HttpClient& client) {
  for (const std::string& sql :
       {ClickHouseCreateDatabaseSql(config), ClickHouseCreateTableSql(config)}) {
    Status status = CheckHttpResponse(client.Post(config.endpoint, sql, "text/plain"),
                                      "creating the ClickHouse signals table");
    if (!status) return status;
  }
  return {};
}

}  // namespace picket::sinks
