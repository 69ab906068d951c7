#include "sinks/clickhouse_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "sinks/test_http_server.h"
#include "sinks/test_sinks.h"

namespace picket::sinks {
namespace {

using testing::MakeRecord;
using testing::TestHttpServer;

TEST(ClickHouseSinkTest, InsertsJsonEachRowThroughTheHttpInterface) {
  TestHttpServer server;
  ClickHouseSinkConfig config{
      .endpoint = server.url("/"), .user = "picket", .password = "s3cret", .create_table = false};
  std::unique_ptr<HttpSink> sink = MakeClickHouseSink(config);
  EXPECT_EQ(sink->name(), "clickhouse");
  auto record = std::make_shared<SignalRecord>(*MakeRecord(1));
  record->message = "The process `curl` was executed";
  const SignalRecordPtr batch[] = {record, MakeRecord(2)};
  ASSERT_TRUE(sink->Write(batch));

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target,
            "/?query=INSERT%20INTO%20%60picket%60.%60signals%60%20FORMAT%20JSONEachRow");
  EXPECT_EQ(requests[0].headers["x-clickhouse-user"], "picket");
  EXPECT_EQ(requests[0].headers["x-clickhouse-key"], "s3cret");
  EXPECT_EQ(
      requests[0].body,
      R"({"comm":"curl","host":"host-a","message":"The process `curl` was executed","pid":1001,)"
      R"("rule_id":"net_util","severity":"high",)"
      R"("signal":"{\"agent\":{\"rule_id\":\"net_util\"},\"n\":1}","timestamp_ns":1800000000000000001,)"
      R"("title":"A network utility was executed","user":"root"})"
      "\n"
      R"({"comm":"curl","host":"host-a","message":"","pid":1002,"rule_id":"net_util","severity":"high",)"
      R"("signal":"{\"agent\":{\"rule_id\":\"net_util\"},\"n\":2}","timestamp_ns":1800000000000000002,)"
      R"("title":"A network utility was executed","user":"root"})"
      "\n");
}

TEST(ClickHouseSinkTest, CreatesTheTableOnceBeforeTheFirstInsert) {
  TestHttpServer server;
  server.set_status(503);  // ClickHouse still starting
  std::unique_ptr<HttpSink> sink = MakeClickHouseSink({.endpoint = server.url("/")});
  const SignalRecordPtr batch[] = {MakeRecord(1)};
  Status first = sink->Write(batch);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code(), ErrorCode::kUnavailable);  // the runner retries
  server.set_status(200);
  ASSERT_TRUE(sink->Write(batch));
  ASSERT_TRUE(sink->Write(batch));
  std::vector<std::string> sent;
  for (const auto& request : server.requests()) {
    sent.push_back(request.target == "/" ? request.body.substr(0, 21) : "INSERT");
  }
  EXPECT_THAT(sent, ::testing::ElementsAre("CREATE DATABASE IF NO", "CREATE DATABASE IF NO",
                                           "CREATE TABLE IF NOT E", "INSERT", "INSERT"));
}

TEST(ClickHouseSinkTest, EndpointWithQueryGetsAnAmpersand) {
  EXPECT_EQ(
      ClickHouseInsertUrl(
          {.endpoint = "http://127.0.0.1:8123/?async_insert=1", .database = "sec", .table = "sig"}),
      "http://127.0.0.1:8123/?async_insert=1&query=INSERT%20INTO%20%60sec%60.%60sig%60%20"
      "FORMAT%20JSONEachRow");
}

TEST(ClickHouseSinkTest, CreateTableSendsTheDocumentedStatements) {
  TestHttpServer server;
  ClickHouseSinkConfig config{.endpoint = server.url("/")};
  ASSERT_TRUE(CreateClickHouseTable(config));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/");
  EXPECT_EQ(requests[0].body, "CREATE DATABASE IF NOT EXISTS `picket`");
  EXPECT_EQ(requests[1].body,
            "CREATE TABLE IF NOT EXISTS `picket`.`signals` (\n"
            "  rule_id String,\n"
            "  timestamp_ns UInt64,\n"
            "  event_time DateTime MATERIALIZED toDateTime(intDiv(timestamp_ns, 1000000000)),\n"
            "  host String,\n"
            "  pid UInt32,\n"
            "  comm String,\n"
            "  user String,\n"
            "  title String,\n"
            "  message String,\n"
            "  severity String,\n"
            "  signal String\n"
            ") ENGINE = MergeTree\n"
            "PARTITION BY toYYYYMM(event_time)\n"
            "ORDER BY (host, timestamp_ns)");
  server.set_status(500);
  EXPECT_FALSE(CreateClickHouseTable(config));
}

TEST(ClickHouseSinkTest, InvalidUtf8InAFieldIsReplacedNotThrown) {
  auto record = std::make_shared<SignalRecord>(*MakeRecord(1));
  record->comm = "bad\xff";
  const SignalRecordPtr batch[] = {record};
  const std::string rows = ClickHouseRows(batch);
  EXPECT_EQ(nlohmann::json::parse(rows)["comm"], "bad\xef\xbf\xbd");
}

// Against a real server: set PICKET_CLICKHOUSE_URL (e.g. http://127.0.0.1:8123/)
// to a disposable ClickHouse on loopback.
TEST(ClickHouseSinkTest, RealServerRoundTrip) {
  const char* url = std::getenv("PICKET_CLICKHOUSE_URL");
  if (url == nullptr) GTEST_SKIP() << "PICKET_CLICKHOUSE_URL not set (no ClickHouse server)";
  ClickHouseSinkConfig config{.endpoint = url, .database = "picket_test", .table = "signals"};
  HttpClient client({});
  ASSERT_TRUE(CheckHttpResponse(
      client.Post(config.endpoint, "DROP TABLE IF EXISTS `picket_test`.`signals`", "text/plain"),
      "drop"));
  std::unique_ptr<HttpSink> sink = MakeClickHouseSink(config);  // creates the table itself
  const SignalRecordPtr batch[] = {MakeRecord(1), MakeRecord(2), MakeRecord(3)};
  Status written = sink->Write(batch);
  ASSERT_TRUE(written) << written.error().message();
  Result<HttpResponse> count = client.Post(
      config.endpoint,
      "SELECT count(), min(pid), max(visitParamExtractInt(signal, 'n')), any(toYear(event_time)) "
      "FROM `picket_test`.`signals` FORMAT TSV",
      "text/plain");
  ASSERT_TRUE(count);
  EXPECT_EQ(count->status, 200) << count->body;
  EXPECT_EQ(count->body, "3\t1001\t3\t2027\n");
}

}  // namespace
}  // namespace picket::sinks
