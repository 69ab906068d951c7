#include "sinks/syslog_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "sinks/test_dirs.h"
#include "sinks/test_sinks.h"

namespace picket::sinks {
namespace {

using testing::MakeRecord;
using testing::ScratchDir;

// A stand-in for the syslog daemon: a datagram socket at `path`.
class FakeSyslogDaemon {
 public:
  explicit FakeSyslogDaemon(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  }
  ~FakeSyslogDaemon() { ::close(fd_); }
  std::string Receive() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) return "<nothing>";
    char buffer[65536];
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    return n < 0 ? "<error>" : std::string(buffer, static_cast<std::size_t>(n));
  }

 private:
  int fd_ = -1;
};

TEST(SyslogSinkTest, OneLinePerSignalInGlibcFormat) {
  ScratchDir dir;
  const std::string path = dir / "log";
  FakeSyslogDaemon daemon(path);
  SyslogSink sink({.socket_path = path});
  auto medium = std::make_shared<SignalRecord>(*MakeRecord(2));
  medium->severity = "medium";
  const SignalRecordPtr batch[] = {MakeRecord(1), medium};
  ASSERT_TRUE(sink.Write(batch));
  const std::string pid = std::to_string(::getpid());
  // authpriv (10) * 8 + err (3) = 83; + warning (4) = 84.
  EXPECT_THAT(daemon.Receive(), ::testing::MatchesRegex(
                                    "<83>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]{8} picket\\[" + pid +
                                    "\\]: \\{\"agent\":\\{\"rule_id\":\"net_util\"\\},\"n\":1\\}"));
  EXPECT_THAT(daemon.Receive(), ::testing::StartsWith("<84>"));
}

TEST(SyslogSinkTest, TextFormatAndFacility) {
  ScratchDir dir;
  const std::string path = dir / "log";
  FakeSyslogDaemon daemon(path);
  SyslogSink sink(
      {.socket_path = path, .facility = LOG_LOCAL3, .format = SyslogSinkConfig::Format::kText});
  const SignalRecordPtr batch[] = {MakeRecord(1)};
  ASSERT_TRUE(sink.Write(batch));
  EXPECT_THAT(daemon.Receive(),
              ::testing::MatchesRegex("<155>.* picket\\[[0-9]+\\]: 2027-01-15T08:00:00.000000001Z "
                                      "high net_util comm=curl pid=1001 user=root: A network "
                                      "utility was executed"));
}

TEST(SyslogSinkTest, NoDaemonIsATransientErrorAndReconnects) {
  ScratchDir dir;
  const std::string path = dir / "log";
  SyslogSink sink({.socket_path = path});
  const SignalRecordPtr batch[] = {MakeRecord(1)};
  Status down = sink.Write(batch);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(down.error().message(), "connecting to " + path + ": No such file or directory");
  FakeSyslogDaemon daemon(path);
  EXPECT_TRUE(sink.Write(batch));
  EXPECT_THAT(daemon.Receive(), ::testing::HasSubstr("\"n\":1"));
}

TEST(SyslogSinkTest, SeverityMapping) {
  EXPECT_EQ(SyslogSeverity("critical"), LOG_CRIT);
  EXPECT_EQ(SyslogSeverity("high"), LOG_ERR);
  EXPECT_EQ(SyslogSeverity("medium"), LOG_WARNING);
  EXPECT_EQ(SyslogSeverity("low"), LOG_NOTICE);
  EXPECT_EQ(SyslogSeverity(""), LOG_INFO);
}

}  // namespace
}  // namespace picket::sinks
