#include "sinks/signal_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace picket::sinks {
namespace {

TEST(SignalTextTest, LineUsesDashesForMissingValues) {
  SignalRecord record;
  record.timestamp_ns = 0;
  record.pid = 7;
  record.title = "t";
  EXPECT_EQ(FormatSignalLine(record), "1970-01-01T00:00:00.000000000Z - - comm=- pid=7 user=-: t");
}

TEST(SignalTextTest, AncestorTreeOldestFirstWithTheSignalLast) {
  const auto signal = nlohmann::json::parse(R"({
    "process": {"pid": 4242, "comm": "curl", "executable": {"path": "/usr/bin/curl"},
      "ancestors": [
        {"pid": 4100, "comm": "sh", "executable": {"path": "/tmp/dropper.sh"},
         "exit_time": "2026-07-10T08:15:02.100Z"},
        {"pid": 800, "comm": "sshd", "executable": {"path": "/usr/sbin/sshd"}},
        {"pid": 1, "comm": "systemd", "executable": {"path": "/usr/lib/systemd/systemd"}}
      ],
      "truncated_ancestors": true}})");
  EXPECT_EQ(RenderAncestorTree(signal),
            "systemd (pid 1) /usr/lib/systemd/systemd\n"
            "└─ sshd (pid 800) /usr/sbin/sshd\n"
            "   └─ sh (pid 4100) /tmp/dropper.sh (exited)\n"
            "      └─ curl (pid 4242) /usr/bin/curl  <- signal\n"
            "(ancestors truncated)\n");
}

TEST(SignalTextTest, AncestorTreeToleratesMissingMembers) {
  EXPECT_EQ(RenderAncestorTree(nlohmann::json::parse(R"({"process": {"ancestors": [{}]}})")),
            "? (pid ?) ?\n"
            "└─ ? (pid ?) ?  <- signal\n");
  EXPECT_EQ(RenderAncestorTree(nlohmann::json::parse(R"({"title": "x"})")),
            "(no process in signal)\n");
  EXPECT_EQ(RenderAncestorTree(nlohmann::json::parse(R"([1,2])")), "(no process in signal)\n");
}

}  // namespace
}  // namespace picket::sinks
