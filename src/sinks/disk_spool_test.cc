#include "sinks/disk_spool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sinks/test_dirs.h"

namespace picket::sinks {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

std::vector<std::string> Payloads(DiskSpool& spool) {
  std::vector<std::string> out;
  while (auto oldest = spool.Oldest()) {
    out.push_back(*spool.Read(*oldest));
    EXPECT_TRUE(spool.PopOldest());
  }
  return out;
}

TEST(DiskSpoolTest, OldestFirstAndSurvivesReopen) {
  ScratchDir dir;
  const std::string path = dir / "spool";
  {
    Result<DiskSpool> spool = DiskSpool::Open({.directory = path});
    ASSERT_TRUE(spool) << spool.error().message();
    ASSERT_TRUE(spool->Push("one\n", 1));
    ASSERT_TRUE(spool->Push("two\nthree\n", 2));
    EXPECT_EQ(spool->entries(), 2u);
    EXPECT_EQ(spool->records(), 3u);
    EXPECT_EQ(spool->bytes(), 14u);
  }
  std::ofstream(dir / "spool/.tmp-00000000000000000009-1.spool") << "torn";
  std::ofstream(dir / "spool/README") << "not an entry";
  Result<DiskSpool> reopened = DiskSpool::Open({.directory = path});
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->records(), 3u);
  ASSERT_TRUE(reopened->Push("four\n", 1));  // sequence continues after the old entries
  EXPECT_THAT(Payloads(*reopened), ::testing::ElementsAre("one\n", "two\nthree\n", "four\n"));
  EXPECT_FALSE(fs::exists(dir / "spool/.tmp-00000000000000000009-1.spool"));
  EXPECT_TRUE(fs::exists(dir / "spool/README"));
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms(0700));
}

TEST(DiskSpoolTest, BoundEvictsOldestAndCountsTheirRecords) {
  ScratchDir dir;
  Result<DiskSpool> spool = DiskSpool::Open({.directory = dir / "spool", .max_bytes = 100});
  ASSERT_TRUE(spool);
  ASSERT_TRUE(spool->Push(std::string(40, 'a'), 4));
  ASSERT_TRUE(spool->Push(std::string(40, 'b'), 5));
  ASSERT_TRUE(spool->Push(std::string(40, 'c'), 6));  // 120 > 100: 'a' goes
  EXPECT_EQ(spool->evicted_records(), 4u);
  EXPECT_EQ(spool->bytes(), 80u);
  Status too_big = spool->Push(std::string(101, 'x'), 1);
  ASSERT_FALSE(too_big);
  EXPECT_THAT(too_big.error().message(),
              ::testing::HasSubstr("a 101-byte batch exceeds the spool limit of 100 bytes"));
  EXPECT_THAT(Payloads(*spool), ::testing::ElementsAre(std::string(40, 'b'), std::string(40, 'c')));
}

TEST(DiskSpoolTest, UncreatableDirectoryIsAnError) {
  ScratchDir dir;
  std::ofstream(dir / "file") << "x";
  Result<DiskSpool> spool = DiskSpool::Open({.directory = dir / "file/spool"});
  ASSERT_FALSE(spool);
  EXPECT_THAT(spool.error().message(), ::testing::HasSubstr("creating spool directory"));
}

}  // namespace
}  // namespace picket::sinks
