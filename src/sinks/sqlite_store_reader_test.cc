#include "sinks/sqlite_store_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "sinks/sqlite_sink.h"
#include "sinks/test_dirs.h"
#include "sinks/test_sinks.h"

namespace picket::sinks {
namespace {

using testing::ScratchDir;

constexpr std::uint64_t kT0 = 1'800'000'000'000'000'000ULL;
constexpr std::uint64_t kSec = 1'000'000'000ULL;

SignalRecordPtr At(std::uint64_t ts, std::string host, std::string rule, std::uint32_t pid) {
  auto record = std::make_shared<SignalRecord>(*testing::MakeRecord(0, std::move(rule)));
  record->timestamp_ns = ts;
  record->host = std::move(host);
  record->pid = pid;
  return record;
}

std::vector<std::int64_t> Ids(const std::vector<StoredSignal>& rows) {
  std::vector<std::int64_t> ids;
  for (const auto& row : rows) ids.push_back(row.id);
  return ids;
}

class SqliteStoreReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteSink sink({.path = path_});
    // id: 1..6, in insertion order; times deliberately not monotonic in id.
    std::vector<SignalRecordPtr> rows = {
        At(kT0, "a", "net_util", 10),               // 1
        At(kT0 + 20 * kSec, "a", "shell", 11),      // 2
        At(kT0 + 10 * kSec, "b", "net_util", 12),   // 3: other host
        At(kT0 + 5 * kSec, "a", "net_util", 13),    // 4
        At(kT0 + 100 * kSec, "a", "net_util", 14),  // 5: outside ±30s of 1
        At(kT0 - 30 * kSec, "a", "shell", 15),      // 6: exactly on the window edge
    };
    ASSERT_TRUE(sink.Write(SignalBatch(rows)));
    Result<SqliteStoreReader> reader = SqliteStoreReader::Open(path_);
    ASSERT_TRUE(reader) << reader.error().message();
    reader_.emplace(std::move(*reader));
  }
  ScratchDir dir_;
  std::string path_ = dir_ / "picket.db";
  std::optional<SqliteStoreReader> reader_;
};

TEST_F(SqliteStoreReaderTest, ListIsNewestFirstWithFilters) {
  EXPECT_THAT(Ids(*reader_->List({})), ::testing::ElementsAre(5, 2, 3, 4, 1, 6));
  EXPECT_THAT(Ids(*reader_->List({.rule_id = "shell"})), ::testing::ElementsAre(2, 6));
  EXPECT_THAT(Ids(*reader_->List({.since_ns = kT0 + 10 * kSec})), ::testing::ElementsAre(5, 2, 3));
  EXPECT_THAT(Ids(*reader_->List({.limit = 2})), ::testing::ElementsAre(5, 2));
  EXPECT_THAT(Ids(*reader_->List({.rule_id = "nope"})), ::testing::IsEmpty());
}

TEST_F(SqliteStoreReaderTest, AroundIsSameHostWithinTheWindowOldestFirst) {
  auto around = reader_->Around(1, 30 * kSec);
  ASSERT_TRUE(around);
  ASSERT_TRUE(around->has_value());
  EXPECT_THAT(Ids(**around), ::testing::ElementsAre(6, 1, 4, 2));
  EXPECT_THAT(Ids(**reader_->Around(3, 30 * kSec)), ::testing::ElementsAre(3));
  EXPECT_FALSE(reader_->Around(99, 30 * kSec)->has_value());
}

TEST(SqliteStoreReaderOpenTest, MissingOrForeignDatabasesAreErrors) {
  ScratchDir dir;
  Result<SqliteStoreReader> missing = SqliteStoreReader::Open(dir / "none.db");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(),
            "opening " + (dir / "none.db") + ": unable to open database file");

  std::ofstream(dir / "text.db") << "hello, not sqlite\n";
  EXPECT_FALSE(SqliteStoreReader::Open(dir / "text.db"));

  {
    Result<SqliteDb> db =
        SqliteDb::Open(dir / "other.db", 0x00000002 | 0x00000004);  // READWRITE | CREATE
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Exec("CREATE TABLE t(x)"));
  }
  Result<SqliteStoreReader> foreign = SqliteStoreReader::Open(dir / "other.db");
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().message(), (dir / "other.db") + ": not a picket signal store");
}

struct DurationCase {
  std::string_view text;
  std::optional<std::uint64_t> ns;
};

TEST(ParseDurationTest, Table) {
  const DurationCase cases[] = {
      {"30s", 30 * kSec},
      {"30", 30 * kSec},
      {"5m", 300 * kSec},
      {"2h", 7200 * kSec},
      {"7d", 7 * 86400 * kSec},
      {"1h30m", 5400 * kSec},
      {"500ms", kSec / 2},
      {"10us", 10'000},
      {"7ns", 7},
      {"", std::nullopt},
      {"s", std::nullopt},
      {"5x", std::nullopt},
      {"-5s", std::nullopt},
      {"5 s", std::nullopt},
      {"30s5", std::nullopt},
      {"99999999999999999999d", std::nullopt},
  };
  for (const DurationCase& c : cases) {
    SCOPED_TRACE(c.text);
    Result<std::uint64_t> parsed = ParseDurationNs(c.text);
    ASSERT_EQ(parsed.has_value(), c.ns.has_value());
    if (c.ns) {
      EXPECT_EQ(*parsed, *c.ns);
    }
  }
  EXPECT_EQ(ParseDurationNs("5x").error().message(),
            "invalid duration '5x' (examples: 90s, 30m, 12h, 7d)");
}

}  // namespace
}  // namespace picket::sinks
