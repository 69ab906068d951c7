// `picket signals`: triage from the SQLite store the agent writes (the
// embedded default sink). Read-only; safe to run while the agent is writing.
//
//   picket signals list   [--db PATH] [--rule ID] [--since DURATION] [--limit N] [--json]
//   picket signals show   ID [--db PATH] [--json]
//   picket signals around ID [--db PATH] [--window DURATION] [--json]
//
// The queries and renderings live in sinks/ (sqlite_store_reader.h,
// signal_text.h); this file only wires the command line.

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/command.h"
#include "base/clock.h"
#include "sinks/signal_text.h"
#include "sinks/sqlite_sink.h"
#include "sinks/sqlite_store_reader.h"

namespace picket::app {
namespace {

struct SignalsOptions {
  std::string db = sinks::SqliteSinkConfig{}.path;
  std::string rule;
  std::string since;  // duration back from now; "" = no bound
  std::size_t limit = 50;
  bool json = false;
  std::int64_t id = 0;
  std::string window = "30s";
};

void PrintLine(const std::string& line) { std::printf("%s\n", line.c_str()); }

int Fail(const Error& error) {
  std::fprintf(stderr, "picket signals: %s\n", error.message().c_str());
  return 1;
}

int NotFound(const SignalsOptions& options) {
  std::fprintf(stderr, "picket signals: no signal with id %lld in %s\n",
               static_cast<long long>(options.id), options.db.c_str());
  return 1;
}

int RunList(const SignalsOptions& options) {
  sinks::SignalListQuery query;
  query.limit = options.limit;
  if (!options.rule.empty()) query.rule_id = options.rule;
  if (!options.since.empty()) {
    Result<std::uint64_t> back = sinks::ParseDurationNs(options.since);
    if (!back) return Fail(back.error().WithContext("--since"));
    const std::uint64_t now = RealtimeNs();
    query.since_ns = now > *back ? now - *back : 0;
  }
  Result<sinks::SqliteStoreReader> reader = sinks::SqliteStoreReader::Open(options.db);
  if (!reader) return Fail(reader.error());
  Result<std::vector<sinks::StoredSignal>> rows = reader->List(query);
  if (!rows) return Fail(rows.error());
  for (const sinks::StoredSignal& row : *rows) {
    PrintLine(options.json ? sinks::StoredSignalJsonLine(row) : sinks::FormatListedSignal(row));
  }
  if (!options.json) std::fprintf(stderr, "%zu signal(s)\n", rows->size());
  return 0;
}

int RunShow(const SignalsOptions& options) {
  Result<sinks::SqliteStoreReader> reader = sinks::SqliteStoreReader::Open(options.db);
  if (!reader) return Fail(reader.error());
  Result<std::optional<sinks::StoredSignal>> row = reader->Get(options.id);
  if (!row) return Fail(row.error());
  if (!row->has_value()) return NotFound(options);
  if (options.json) {
    PrintLine(sinks::StoredSignalJsonLine(**row));
  } else {
    std::fputs(sinks::RenderSignalDetail(**row).c_str(), stdout);
  }
  return 0;
}

int RunAround(const SignalsOptions& options) {
  Result<std::uint64_t> window = sinks::ParseDurationNs(options.window);
  if (!window) return Fail(window.error().WithContext("--window"));
  Result<sinks::SqliteStoreReader> reader = sinks::SqliteStoreReader::Open(options.db);
  if (!reader) return Fail(reader.error());
  Result<std::optional<std::vector<sinks::StoredSignal>>> rows =
      reader->Around(options.id, *window);
  if (!rows) return Fail(rows.error());
  if (!rows->has_value()) return NotFound(options);
  const sinks::StoredSignal* center = nullptr;
  for (const sinks::StoredSignal& row : **rows) {
    if (row.id == options.id) center = &row;
  }
  for (const sinks::StoredSignal& row : **rows) {
    PrintLine(options.json ? sinks::StoredSignalJsonLine(row)
                           : sinks::FormatAroundSignal(row, *center));
  }
  if (!options.json) {
    std::fprintf(stderr, "%zu signal(s) on host %s within ±%s of signal %lld\n", (*rows)->size(),
                 center->record.host.c_str(), options.window.c_str(),
                 static_cast<long long>(options.id));
  }
  return 0;
}

void AddSignalsCommand(CLI::App& root, int& exit_code) {
  CLI::App* signals =
      root.add_subcommand("signals", "Triage signals from the SQLite store (read-only)");
  signals->require_subcommand(1);
  auto options = std::make_shared<SignalsOptions>();
  auto add_db = [&options](CLI::App* sub) {
    sub->add_option("--db", options->db, "SQLite signal store")->capture_default_str();
  };

  CLI::App* list = signals->add_subcommand("list", "Newest signals first");
  add_db(list);
  list->add_option("--rule", options->rule, "Only this rule id");
  list->add_option("--since", options->since, "Only the last DURATION (90s, 30m, 12h, 7d)");
  list->add_option("--limit", options->limit, "At most N signals")->capture_default_str();
  list->add_flag("--json", options->json, "One JSON object per line");
  list->callback([&exit_code, options] { exit_code = RunList(*options); });

  CLI::App* show = signals->add_subcommand("show", "One signal: JSON and process ancestry tree");
  add_db(show);
  show->add_option("id", options->id, "Signal id (from `picket signals list`)")->required();
  show->add_flag("--json", options->json, "The stored record as one JSON line");
  show->callback([&exit_code, options] { exit_code = RunShow(*options); });

  CLI::App* around =
      signals->add_subcommand("around", "Signals on the same host within a time window");
  add_db(around);
  around->add_option("id", options->id, "Signal id")->required();
  around->add_option("--window", options->window, "± this DURATION")->capture_default_str();
  around->add_flag("--json", options->json, "One JSON object per line");
  around->callback([&exit_code, options] { exit_code = RunAround(*options); });
}

const CommandRegistrar kRegistrar(AddSignalsCommand);

}  // namespace
}  // namespace picket::app
