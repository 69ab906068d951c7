#include "sinks/stdout_sink.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "sinks/test_sinks.h"

namespace picket::sinks {
namespace {

using testing::MakeRecord;

// An in-memory FILE*, read back after the sink wrote to it.
class MemoryStream {
 public:
  MemoryStream() : file_(open_memstream(&data_, &size_)) {}
  ~MemoryStream() {
    std::fclose(file_);
    std::free(data_);
  }
  std::FILE* file() { return file_; }
  std::string contents() {
    std::fflush(file_);
    return std::string(data_, size_);
  }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* file_;
};

bool Terminal(int) { return true; }
bool NotTerminal(int) { return false; }

TEST(StdoutSinkTest, TerminalGetsOneReadableLinePerSignal) {
  MemoryStream out;
  StdoutSink sink({}, out.file(), &Terminal);
  ASSERT_TRUE(sink.text_mode());
  auto record = std::make_shared<SignalRecord>(*MakeRecord(1));
  record->message = "The process `curl` was executed, potentially to download additional tools.";
  const SignalRecordPtr batch[] = {record, MakeRecord(2)};
  ASSERT_TRUE(sink.Write(batch));
  EXPECT_EQ(out.contents(),
            "2027-01-15T08:00:00.000000001Z high net_util comm=curl pid=1001 user=root: The "
            "process `curl` was executed, potentially to download additional tools.\n"
            "2027-01-15T08:00:00.000000002Z high net_util comm=curl pid=1002 user=root: A "
            "network utility was executed\n");
}

TEST(StdoutSinkTest, PipeGetsTheJsonDocumentPerLine) {
  MemoryStream out;
  StdoutSink sink({}, out.file(), &NotTerminal);
  ASSERT_FALSE(sink.text_mode());
  const SignalRecordPtr batch[] = {MakeRecord(1), MakeRecord(2)};
  ASSERT_TRUE(sink.Write(batch));
  EXPECT_EQ(out.contents(), R"({"agent":{"rule_id":"net_util"},"n":1})"
                            "\n"
                            R"({"agent":{"rule_id":"net_util"},"n":2})"
                            "\n");
}

TEST(StdoutSinkTest, ExplicitFormatOverridesTheTerminalCheck) {
  MemoryStream out;
  EXPECT_FALSE(
      StdoutSink({.format = StdoutSinkConfig::Format::kJson}, out.file(), &Terminal).text_mode());
  EXPECT_TRUE(StdoutSink({.format = StdoutSinkConfig::Format::kText}, out.file(), &NotTerminal)
                  .text_mode());
}

TEST(StdoutSinkTest, WriteErrorIsReported) {
  std::FILE* full = std::fopen("/dev/full", "w");
  if (full == nullptr) GTEST_SKIP() << "/dev/full is not available";
  StdoutSink sink({.format = StdoutSinkConfig::Format::kJson}, full);
  const SignalRecordPtr batch[] = {MakeRecord(1)};
  Status status = sink.Write(batch);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);  // ENOSPC
  std::fclose(full);
}

}  // namespace
}  // namespace picket::sinks
