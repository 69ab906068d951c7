#include "sinks/signal_text.h"

#include <gmock/gmock.h>
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

namespace picket::sinks {
namespace {

StoredSignal Stored(std::int64_t id, std::uint64_t ts, std::string json) {
  StoredSignal s;
  s.id = id;
  s.record.rule_id = "net_util";
  s.record.timestamp_ns = ts;
  s.record.host = "h";
  s.record.pid = 42;
  s.record.comm = "curl";
  s.record.user = "root";
  s.record.severity = "high";
  s.record.title = "A network utility was executed";
  s.record.json = std::move(json);
  return s;
}

TEST(SignalTextTest, ListedAndAroundLines) {
  const StoredSignal center = Stored(12, 1'000'000'000'500'000'000ULL, "{}");
  const StoredSignal before = Stored(9, 1'000'000'000'500'000'000ULL - 1'250'000'000ULL, "{}");
  EXPECT_EQ(FormatListedSignal(center),
            "    12 2001-09-09T01:46:40.500000000Z high net_util comm=curl pid=42 user=root: A "
            "network utility was executed");
  EXPECT_EQ(FormatAroundSignal(before, center),
            "        9 -1.250s 2001-09-09T01:46:39.250000000Z high net_util comm=curl pid=42 "
            "user=root: A network utility was executed");
  EXPECT_EQ(FormatAroundSignal(center, center).substr(0, 17), "=>     12 +0.000s");
}

TEST(SignalTextTest, JsonLineEmbedsTheParsedDocument) {
  EXPECT_EQ(StoredSignalJsonLine(Stored(3, 5, R"({"title":"t"})")),
            R"({"comm":"curl","host":"h","id":3,"message":"","pid":42,"rule_id":"net_util",)"
            R"("severity":"high","signal":{"title":"t"},"timestamp_ns":5,)"
            R"("title":"A network utility was executed","user":"root"})");
  EXPECT_EQ(nlohmann::json::parse(StoredSignalJsonLine(Stored(3, 5, "{broken")))["signal"],
            "{broken");
}

TEST(SignalTextTest, DetailIsPrettyJsonThenAncestry) {
  EXPECT_EQ(RenderSignalDetail(Stored(
                1, 0, R"({"process":{"pid":42,"comm":"curl","executable":{"path":"/tmp/curl"}}})")),
            "     1 1970-01-01T00:00:00.000000000Z high net_util comm=curl pid=42 user=root: A "
            "network utility was executed\n"
            "\n"
            "{\n"
            "  \"process\": {\n"
            "    \"comm\": \"curl\",\n"
            "    \"executable\": {\n"
            "      \"path\": \"/tmp/curl\"\n"
            "    },\n"
            "    \"pid\": 42\n"
            "  }\n"
            "}\n"
            "\n"
            "Process ancestry:\n"
            "curl (pid 42) /tmp/curl  <- signal\n");
  EXPECT_THAT(RenderSignalDetail(Stored(1, 0, "nope")),
              ::testing::HasSubstr("(stored document is not valid JSON; shown verbatim)\nnope\n"));
}

}  // namespace
}  // namespace picket::sinks
