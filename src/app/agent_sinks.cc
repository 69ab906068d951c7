#include "app/agent_sinks.h"

#include "sinks/clickhouse_sink.h"
#include "sinks/http_sink.h"
#include "sinks/json_lines_file_sink.h"
#include "sinks/sqlite_sink.h"
#include "sinks/stdout_sink.h"

namespace picket::app {

std::unique_ptr<sinks::SinkSet> BuildSinks(const AgentConfig& config) {
  auto set = std::make_unique<sinks::SinkSet>();
  sinks::SinkRunnerOptions runner;
  runner.queue_capacity = config.sink_queue_capacity;
  runner.failure_log_interval = std::chrono::seconds(config.sink_failure_log_interval_seconds);

  if (config.stdout_enabled) {
    sinks::StdoutSinkConfig stdout_config;
    stdout_config.format = config.stdout_format == "json" ? sinks::StdoutSinkConfig::Format::kJson
                           : config.stdout_format == "text"
                               ? sinks::StdoutSinkConfig::Format::kText
                               : sinks::StdoutSinkConfig::Format::kAuto;
    set->Add(std::make_unique<sinks::StdoutSink>(stdout_config), runner);
  }
  if (config.sqlite_enabled) {
    sinks::SqliteSinkConfig sqlite;
    sqlite.path = config.sqlite_path;
    sqlite.max_age_days = static_cast<std::uint32_t>(config.sqlite_retention_days);
    sqlite.max_rows = config.sqlite_max_rows;
    set->Add(std::make_unique<sinks::SqliteSink>(sqlite), runner);
  }
  if (config.jsonl_enabled) {
    sinks::JsonLinesFileSinkConfig jsonl;
    jsonl.path = config.jsonl_path;
    set->Add(std::make_unique<sinks::JsonLinesFileSink>(jsonl), runner);
  }
  if (config.http_enabled) {
    sinks::HttpSinkConfig http;
    http.url = config.http_url;
    http.spool_dir = config.http_spool_dir;
    set->Add(std::make_unique<sinks::HttpSink>(http), runner);
  }
  if (config.clickhouse_enabled) {
    sinks::ClickHouseSinkConfig clickhouse;
    clickhouse.endpoint = config.clickhouse_url;
    clickhouse.table = config.clickhouse_table;
    clickhouse.http.spool_dir = config.clickhouse_spool_dir;
    set->Add(sinks::MakeClickHouseSink(clickhouse), runner);
  }
  return set;
}

}  // namespace picket::app
