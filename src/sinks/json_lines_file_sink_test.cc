#include "sinks/json_lines_file_sink.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sinks/test_sinks.h"

namespace picket::sinks {
namespace {

namespace fs = std::filesystem;
using testing::MakeRecord;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class JsonLinesFileSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("picket-jsonl-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(JsonLinesFileSinkTest, AppendsOneLinePerSignalAcrossBatches) {
  const fs::path path = dir_ / "signals.jsonl";
  {
    std::ofstream existing(path);
    existing << "{\"earlier\":true}\n";
  }
  JsonLinesFileSink sink(
      {.path = path.string(), .fsync = JsonLinesFileSinkConfig::Fsync::kEveryBatch});
  const SignalRecordPtr first[] = {MakeRecord(1), MakeRecord(2)};
  const SignalRecordPtr second[] = {MakeRecord(3)};
  ASSERT_TRUE(sink.Write(first));
  ASSERT_TRUE(sink.Write(second));
  EXPECT_EQ(ReadFile(path),
            "{\"earlier\":true}\n"
            R"({"agent":{"rule_id":"net_util"},"n":1})"
            "\n"
            R"({"agent":{"rule_id":"net_util"},"n":2})"
            "\n"
            R"({"agent":{"rule_id":"net_util"},"n":3})"
            "\n");
}

TEST_F(JsonLinesFileSinkTest, ReopenFollowsRotation) {
  const fs::path path = dir_ / "signals.jsonl";
  JsonLinesFileSink sink({.path = path.string()});
  const SignalRecordPtr one[] = {MakeRecord(1)};
  const SignalRecordPtr two[] = {MakeRecord(2)};
  ASSERT_TRUE(sink.Write(one));
  fs::rename(path, dir_ / "signals.jsonl.1");  // what logrotate does
  ASSERT_TRUE(sink.Write(two));                // still the renamed file
  ASSERT_TRUE(sink.Reopen());
  ASSERT_TRUE(sink.Write(one));
  EXPECT_EQ(ReadFile(dir_ / "signals.jsonl.1"), R"({"agent":{"rule_id":"net_util"},"n":1})"
                                                "\n"
                                                R"({"agent":{"rule_id":"net_util"},"n":2})"
                                                "\n");
  EXPECT_EQ(ReadFile(path), R"({"agent":{"rule_id":"net_util"},"n":1})"
                            "\n");
}

TEST_F(JsonLinesFileSinkTest, UnopenablePathIsAnErrorAndRecoversLater) {
  const fs::path path = dir_ / "missing-dir" / "signals.jsonl";
  JsonLinesFileSink sink({.path = path.string()});
  const SignalRecordPtr batch[] = {MakeRecord(1)};
  Status status = sink.Write(batch);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(status.error().message(), "opening " + path.string() + ": No such file or directory");
  fs::create_directories(path.parent_path());
  EXPECT_TRUE(sink.Write(batch));  // opened lazily on the next batch
}

TEST_F(JsonLinesFileSinkTest, NewFileGetsTheConfiguredMode) {
  const fs::path path = dir_ / "signals.jsonl";
  const mode_t old_umask = ::umask(0);
  JsonLinesFileSink sink({.path = path.string(), .file_mode = 0600});
  ASSERT_TRUE(sink.Open());
  ::umask(old_umask);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace picket::sinks
