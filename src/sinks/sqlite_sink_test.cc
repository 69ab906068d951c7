#include "sinks/sqlite_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <sqlite3.h>

#include <fstream>

#include "sinks/sink_set.h"
#include "sinks/sqlite_schema.h"
#include "sinks/sqlite_store_reader.h"
#include "sinks/test_dirs.h"
#include "sinks/test_sinks.h"

namespace picket::sinks {
namespace {

using testing::CapturedLog;
using ::testing::HasSubstr;
using testing::RecordingSink;
using testing::ScratchDir;

constexpr std::uint64_t kNow = 1'800'000'000'000'000'000ULL;
constexpr std::uint64_t kDay = 86'400'000'000'000ULL;

SignalRecordPtr Signal(int n, std::uint64_t timestamp_ns, std::string host = "host-a",
                       std::string rule = "net_util", std::size_t json_padding = 0) {
  auto record = std::make_shared<SignalRecord>(*testing::MakeRecord(n, std::move(rule)));
  record->timestamp_ns = timestamp_ns;
  record->host = std::move(host);
  if (json_padding > 0) {
    record->json =
        R"({"n":)" + std::to_string(n) + R"(,"pad":")" + std::string(json_padding, 'x') + "\"}";
  }
  return record;
}

Status WriteAll(SqliteSink& sink, std::vector<SignalRecordPtr> records) {
  return sink.Write(SignalBatch(records));
}

// Reads through a separate connection, as `picket signals` does.
std::int64_t Count(const std::string& path) {
  Result<SqliteDb> db = SqliteDb::Open(path, SQLITE_OPEN_READONLY);
  EXPECT_TRUE(db);
  Result<std::int64_t> n = db->QueryInt("SELECT count(*) FROM signals");
  EXPECT_TRUE(n);
  return *n;
}

TEST(SqliteSinkTest, CreatesDirectorySchemaIndexesAndWal) {
  ScratchDir dir;
  const std::string path = dir / "var/lib/picket/picket.db";
  SqliteSink sink({.path = path});
  ASSERT_TRUE(WriteAll(sink, {Signal(1, kNow), Signal(2, kNow + 1)}));

  Result<SqliteDb> db = SqliteDb::Open(path, SQLITE_OPEN_READONLY);
  ASSERT_TRUE(db);
  EXPECT_EQ(*db->QueryInt("PRAGMA user_version"), CurrentSignalStoreVersion());
  EXPECT_EQ(*db->QueryInt("PRAGMA auto_vacuum"), 2);  // INCREMENTAL
  Result<SqliteStatement> mode = db->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode);
  ASSERT_TRUE(*mode->Step());
  EXPECT_EQ(mode->ColumnText(0), "wal");
  Result<SqliteStatement> indexes = db->Prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'signals' ORDER BY name");
  ASSERT_TRUE(indexes);
  std::vector<std::string> names;
  while (*indexes->Step()) names.push_back(indexes->ColumnText(0));
  EXPECT_THAT(names, ::testing::ElementsAre("signals_host", "signals_pid", "signals_rule_id",
                                            "signals_timestamp_ns"));
  EXPECT_EQ(Count(path), 2);
  EXPECT_EQ(std::filesystem::status(dir.path() / "var/lib/picket").permissions() &
                std::filesystem::perms::all,
            std::filesystem::perms(0750));
}

TEST(SqliteSinkTest, StoredRowsRoundTripThroughTheReader) {
  ScratchDir dir;
  const std::string path = dir / "picket.db";
  SqliteSink sink({.path = path});
  auto record = std::make_shared<SignalRecord>(*Signal(7, kNow));
  record->message = "The process `curl` was executed";
  record->json = R"({"process":{"pid":1007,"comm":"curl"}})";
  ASSERT_TRUE(WriteAll(sink, {record}));

  Result<SqliteStoreReader> reader = SqliteStoreReader::Open(path);
  ASSERT_TRUE(reader) << reader.error().message();
  Result<std::optional<StoredSignal>> got = reader->Get(1);
  ASSERT_TRUE(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->id, 1);
  EXPECT_EQ((*got)->record, *record);
  EXPECT_FALSE(reader->Get(2)->has_value());
}

TEST(SqliteSinkTest, RetentionByAge) {
  ScratchDir dir;
  const std::string path = dir / "picket.db";
  SqliteSink sink({.path = path, .max_age_days = 30, .max_rows = 0, .max_bytes = 0});
  ASSERT_TRUE(WriteAll(sink, {Signal(1, kNow - 40 * kDay), Signal(2, kNow - 31 * kDay),
                              Signal(3, kNow - 29 * kDay), Signal(4, kNow)}));
  Result<RetentionResult> result = sink.ApplyRetention(kNow);
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(*result, (RetentionResult{.deleted_by_age = 2}));
  EXPECT_EQ(Count(path), 2);
  EXPECT_EQ(sink.ExtraCounters(), (std::vector<SinkCounter>{{"retention_deleted", 2}}));
}

TEST(SqliteSinkTest, RetentionByRowsKeepsTheNewest) {
  ScratchDir dir;
  const std::string path = dir / "picket.db";
  SqliteSink sink({.path = path, .max_age_days = 0, .max_rows = 10, .max_bytes = 0});
  std::vector<SignalRecordPtr> records;
  for (int i = 0; i < 25; ++i) records.push_back(Signal(i, kNow + i));
  ASSERT_TRUE(WriteAll(sink, records));
  Result<RetentionResult> result = sink.ApplyRetention(kNow);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->deleted_by_rows, 15u);
  Result<SqliteStoreReader> reader = SqliteStoreReader::Open(path);
  ASSERT_TRUE(reader);
  Result<std::vector<StoredSignal>> all = reader->List({.limit = 100});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 10u);
  EXPECT_EQ(all->front().id, 25);  // newest first
  EXPECT_EQ(all->back().id, 16);
  // Under the limit: nothing more goes.
  EXPECT_EQ(sink.ApplyRetention(kNow)->deleted_by_rows, 0u);
}

TEST(SqliteSinkTest, RetentionBySizeShrinksUnderTheLimitOldestFirst) {
  ScratchDir dir;
  const std::string path = dir / "picket.db";
  constexpr std::uint64_t kLimit = 256 * 1024;
  SqliteSink sink({.path = path, .max_age_days = 0, .max_rows = 0, .max_bytes = kLimit});
  for (int batch = 0; batch < 10; ++batch) {
    std::vector<SignalRecordPtr> records;
    for (int i = 0; i < 100; ++i) {
      records.push_back(Signal(batch * 100 + i, kNow + batch * 100 + i, "host-a", "r", 1000));
    }
    ASSERT_TRUE(WriteAll(sink, records));
  }
  Result<RetentionResult> result = sink.ApplyRetention(kNow);
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_GT(result->deleted_by_bytes, 500u);  // ~1 MB stored against a 256 KiB limit

  Result<SqliteDb> db = SqliteDb::Open(path, SQLITE_OPEN_READONLY);
  ASSERT_TRUE(db);
  const auto used = (*db->QueryInt("PRAGMA page_count") - *db->QueryInt("PRAGMA freelist_count")) *
                    *db->QueryInt("PRAGMA page_size");
  EXPECT_LE(used, static_cast<std::int64_t>(kLimit));
  // Oldest went first: the survivors are a suffix ending at the newest row.
  EXPECT_EQ(*db->QueryInt("SELECT max(id) FROM signals"), 1000);
  EXPECT_EQ(*db->QueryInt("SELECT max(id) - min(id) + 1 = count(*) FROM signals"), 1);
  // incremental_vacuum handed the pages back: the file itself is small again.
  EXPECT_LE(std::filesystem::file_size(path), kLimit + 64 * 1024);
}

TEST(SqliteSinkTest, TickRunsRetentionOncePerInterval) {
  ScratchDir dir;
  const std::string path = dir / "picket.db";
  SqliteSink sink({.path = path,
                   .max_age_days = 0,
                   .max_rows = 1,
                   .max_bytes = 0,
                   .retention_interval = std::chrono::seconds(60)});
  const std::uint64_t second = 1'000'000'000ULL;
  ASSERT_TRUE(WriteAll(sink, {Signal(1, kNow), Signal(2, kNow)}));
  ASSERT_TRUE(sink.Tick(kNow));
  EXPECT_EQ(Count(path), 1);
  ASSERT_TRUE(WriteAll(sink, {Signal(3, kNow), Signal(4, kNow)}));
  ASSERT_TRUE(sink.Tick(kNow + 30 * second));  // not due: inserts are never trimmed inline
  EXPECT_EQ(Count(path), 3);
  ASSERT_TRUE(sink.Tick(kNow + 61 * second));
  EXPECT_EQ(Count(path), 1);
}

TEST(SqliteSinkTest, MigrationHookUpgradesAndNewerSchemaIsRefused) {
  ScratchDir dir;
  const std::string path = dir / "picket.db";
  {
    SqliteSink sink({.path = path});
    ASSERT_TRUE(WriteAll(sink, {Signal(1, kNow)}));
  }
  {
    Result<SqliteDb> db = SqliteDb::Open(path, SQLITE_OPEN_READWRITE);
    ASSERT_TRUE(db);
    std::vector<SchemaMigration> future(SignalStoreMigrations().begin(),
                                        SignalStoreMigrations().end());
    future.push_back({CurrentSignalStoreVersion() + 1,
                      "ALTER TABLE signals ADD COLUMN container_id TEXT NOT NULL DEFAULT ''"});
    Status migrated = MigrateSchema(*db, future);
    ASSERT_TRUE(migrated) << migrated.error().message();
    EXPECT_EQ(*db->QueryInt("PRAGMA user_version"), CurrentSignalStoreVersion() + 1);
    EXPECT_EQ(*db->QueryInt("SELECT count(*) FROM signals WHERE container_id = ''"), 1);
    ASSERT_TRUE(MigrateSchema(*db, future));  // idempotent
  }
  SqliteSink sink({.path = path});
  Status opened = sink.Open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().message(),
            path + ": schema version 2 is newer than this picket supports (1)");
  EXPECT_FALSE(SqliteStoreReader::Open(path));
}

TEST(SqliteSinkTest, UnopenableLocationIsAnErrorPerBatch) {
  ScratchDir dir;
  std::ofstream(dir / "not-a-dir") << "x";
  SqliteSink sink({.path = dir / "not-a-dir/picket.db"});
  Status status = WriteAll(sink, {Signal(1, kNow)});
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message(), HasSubstr("creating directory"));
  EXPECT_NE(status.error().code(), ErrorCode::kUnavailable);  // permanent: no retry loop

  SqliteSink directory_as_db({.path = dir.path().string()});
  Status again = WriteAll(directory_as_db, {Signal(1, kNow)});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(again.error().message(), HasSubstr("unable to open database file"));
}

TEST(SqliteSinkTest, ReadOnlyFilesystemFailsAndIsCountedWhileOtherSinksDeliver) {
  ScratchDir dir;
  if (std::string why = dir.MountTmpfs("size=1m"); !why.empty()) GTEST_SKIP() << why;
  const std::string path = dir / "picket.db";
  {
    SqliteSink sink({.path = path});
    ASSERT_TRUE(WriteAll(sink, {Signal(0, kNow)}));
  }
  if (std::string why = dir.RemountReadOnly(); !why.empty()) GTEST_SKIP() << why;

  CapturedLog log;
  SinkRunnerOptions options;
  options.max_batch = 1;
  options.logger = log.logger;
  options.failure_log_interval = std::chrono::hours(1);
  SinkSet set;
  set.Add(std::make_unique<SqliteSink>(SqliteSinkConfig{.path = path}), options);
  auto healthy = std::make_unique<RecordingSink>("stdout-double");
  RecordingSink* recording = healthy.get();
  set.Add(std::move(healthy), options);
  for (int i = 1; i <= 100; ++i) set.Submit(*Signal(i, kNow));
  (void)set.Drain(std::chrono::seconds(10));

  const std::vector<SinkStats> stats = set.stats();
  EXPECT_EQ(stats[0].delivered, 0u);
  EXPECT_EQ(stats[0].failed, 100u);
  EXPECT_EQ(stats[1].delivered, 100u);
  EXPECT_EQ(recording->json().size(), 100u);
  const std::vector<std::string> lines = log.Lines();
  ASSERT_EQ(lines.size(), 2u);  // the first failure, then one summary: not one per signal
  EXPECT_THAT(lines[0], HasSubstr("sink sqlite: 1 failure since the last report, 1 signal"));
  EXPECT_THAT(lines[1], HasSubstr("sink sqlite: 99 failures since the last report, 99 signals"));
  // A WAL database on a read-only filesystem cannot even be opened (the
  // shared-memory index must be writable): SQLite says so by name.
  EXPECT_THAT(stats[0].last_error, HasSubstr(path + ": preparing statement: unable to open"));
}

TEST(SqliteSinkTest, FullFilesystemFailsWithSqliteFullAndRecovers) {
  ScratchDir dir;
  if (std::string why = dir.MountTmpfs("size=256k"); !why.empty()) GTEST_SKIP() << why;
  const std::string path = dir / "picket.db";
  const std::string filler = dir / "filler";
  std::ofstream(filler) << std::string(64 * 1024, 'f');  // the space an operator frees later
  SqliteSink sink({.path = path, .max_age_days = 0, .max_rows = 0, .max_bytes = 0});
  Status status;
  int batches = 0;
  for (; batches < 100 && status; ++batches) {
    std::vector<SignalRecordPtr> records;
    for (int i = 0; i < 10; ++i) records.push_back(Signal(batches * 10 + i, kNow, "h", "r", 4000));
    status = WriteAll(sink, records);
  }
  ASSERT_FALSE(status) << "256 KiB should not hold 4 MB of signals";
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);  // retried: space may come back
  EXPECT_THAT(status.error().message(), HasSubstr("database or disk is full"));
  // All or nothing: the failed batch left no partial rows behind.
  EXPECT_EQ(Count(path) % 10, 0);

  // On a full disk even a DELETE needs WAL space, so the size limit must
  // stay below the filesystem's; once space is freed, the same connection
  // writes again (which is why SQLITE_FULL is retried).
  std::filesystem::remove(filler);
  Status after = WriteAll(sink, {Signal(1, kNow)});
  EXPECT_TRUE(after) << after.error().message();
}

TEST(SqliteSinkTest, FullFilesystemDoesNotAffectOtherSinks) {
  ScratchDir dir;
  if (std::string why = dir.MountTmpfs("size=256k"); !why.empty()) GTEST_SKIP() << why;
  SinkRunnerOptions options;
  options.max_batch = 8;
  options.initial_backoff = std::chrono::milliseconds(1);
  options.max_retry_time = std::chrono::milliseconds(20);
  options.failure_log_interval = std::chrono::hours(1);
  CapturedLog log;
  options.logger = log.logger;
  SinkSet set;
  set.Add(std::make_unique<SqliteSink>(SqliteSinkConfig{
              .path = dir / "picket.db", .max_age_days = 0, .max_rows = 0, .max_bytes = 0}),
          options);
  auto healthy = std::make_unique<RecordingSink>("stdout-double");
  RecordingSink* recording = healthy.get();
  set.Add(std::move(healthy), options);
  for (int i = 0; i < 400; ++i) set.Submit(*Signal(i, kNow, "h", "r", 4000));
  (void)set.Drain(std::chrono::seconds(20));

  const std::vector<SinkStats> stats = set.stats();
  EXPECT_EQ(recording->json().size(), 400u);
  EXPECT_EQ(stats[1].delivered, 400u);
  EXPECT_GT(stats[0].delivered, 0u);
  EXPECT_GT(stats[0].failed, 0u);
  EXPECT_GT(stats[0].retried, 0u);
  EXPECT_EQ(stats[0].delivered + stats[0].failed + stats[0].dropped_queue_full +
                stats[0].dropped_shutdown,
            400u);
  EXPECT_THAT(stats[0].last_error, HasSubstr("database or disk is full"));
  EXPECT_EQ(log.Lines().size(), 2u);
}

}  // namespace
}  // namespace picket::sinks
