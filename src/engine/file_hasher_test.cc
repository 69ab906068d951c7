#include "engine/file_hasher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace picket::engine {
namespace {

class FileHasherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("picket_hasher_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    std::filesystem::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::filesystem::path dir_;
};

TEST_F(FileHasherTest, KnownDigestsThenCache) {
  std::string path = Write("abc", "abc");
  FileHasher hasher;
  FileHashes first = hasher.Hash(path, /*pid=*/0, /*now_ns=*/0);
  ASSERT_EQ(first.state, HashState::kDone);
  EXPECT_EQ(first.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(first.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
  FileHashes second = hasher.Hash(path, 0, 1);
  EXPECT_EQ(second.state, HashState::kCached);
  EXPECT_EQ(second.sha256, first.sha256);
  EXPECT_EQ(hasher.files_read(), 1u);
}

TEST_F(FileHasherTest, SizeCapMissingFileAndReadBudget) {
  FileHasher hasher({.max_file_size = 4, .max_reads_per_second = 2});
  EXPECT_EQ(hasher.Hash(Write("big", "12345"), 0, 0).state, HashState::kTooBig);
  EXPECT_EQ(hasher.Hash((dir_ / "absent").string(), 0, 0).state, HashState::kNotFound);
  EXPECT_EQ(hasher.Hash(Write("a", "a"), 0, 0).state, HashState::kDone);
  EXPECT_EQ(hasher.Hash(Write("b", "b"), 0, 0).state, HashState::kDone);
  EXPECT_EQ(hasher.Hash(Write("c", "c"), 0, 0).state, HashState::kRateLimited);
  EXPECT_EQ(hasher.Hash(Write("c", "c"), 0, 1'000'000'000).state, HashState::kDone);
}

TEST_F(FileHasherTest, ChangedFileIsRehashed) {
  std::string path = Write("f", "one");
  FileHasher hasher;
  std::string before = hasher.Hash(path, 0, 0).sha256;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "two, longer";
  FileHashes after = hasher.Hash(path, 0, 0);
  EXPECT_EQ(after.state, HashState::kDone);
  EXPECT_NE(after.sha256, before);
}

}  // namespace
}  // namespace picket::engine
