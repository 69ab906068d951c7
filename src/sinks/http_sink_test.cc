#include "sinks/http_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spdlog/sinks/null_sink.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sinks/sink_runner.h"
#include "sinks/test_dirs.h"
#include "sinks/test_http_server.h"
#include "sinks/test_sinks.h"

namespace picket::sinks {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MakeRecord;
using testing::ScratchDir;
using testing::TestHttpServer;

// A loopback port with nothing listening: bind, read the port, close.
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string Lines(int from, int to) {
  std::string body;
  for (int i = from; i < to; ++i) body += MakeRecord(i)->json + "\n";
  return body;
}

TEST(HttpClientTest, PostsBodyWithHeadersAndNoExpectContinue) {
  TestHttpServer server;
  HttpClient client({.headers = {"Authorization: Bearer t0ken"}});
  const std::string body(100'000, 'x');  // big enough that curl would send Expect: 100-continue
  Result<HttpResponse> response = client.Post(server.url("/ingest?x=1"), body, "text/plain");
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 200);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/ingest?x=1");
  EXPECT_EQ(requests[0].headers["content-type"], "text/plain");
  EXPECT_EQ(requests[0].headers["authorization"], "Bearer t0ken");
  EXPECT_EQ(requests[0].headers.count("expect"), 0u);
  EXPECT_EQ(requests[0].body, body);
}

TEST(HttpClientTest, OutcomesAreClassifiedForRetry) {
  TestHttpServer server;
  HttpClient client({});
  struct Case {
    int status;
    bool ok;
    ErrorCode code;
  };
  const Case cases[] = {
      {200, true, {}},
      {204, true, {}},
      {400, false, ErrorCode::kInvalidArgument},
      {404, false, ErrorCode::kInvalidArgument},
      {408, false, ErrorCode::kUnavailable},
      {429, false, ErrorCode::kUnavailable},
      {500, false, ErrorCode::kUnavailable},
      {503, false, ErrorCode::kUnavailable},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.status);
    server.set_status(c.status);
    Status status = CheckHttpResponse(client.Post(server.url(), "x", "text/plain"), "sending");
    ASSERT_EQ(static_cast<bool>(status), c.ok);
    if (!c.ok) {
      EXPECT_EQ(status.error().code(), c.code);
      EXPECT_EQ(status.error().message(),
                "sending: HTTP " + std::to_string(c.status) + ": simulated outage");
    }
  }
  const std::string refused = "http://127.0.0.1:" + std::to_string(ClosedPort()) + "/";
  Status down = CheckHttpResponse(client.Post(refused, "x", "text/plain"), "sending");
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(down.error().message(), HasSubstr("sending: POST " + refused + ": "));
  Status bad_url = CheckHttpResponse(client.Post("gopher://127.0.0.1/", "x", "t"), "sending");
  ASSERT_FALSE(bad_url);
  EXPECT_EQ(bad_url.error().code(), ErrorCode::kInvalidArgument);
}

TEST(HttpClientTest, UrlEncodeKeepsOnlyUnreserved) {
  EXPECT_EQ(UrlEncode("INSERT INTO `a`.b FORMAT JSONEachRow"),
            "INSERT%20INTO%20%60a%60.b%20FORMAT%20JSONEachRow");
  EXPECT_EQ(UrlEncode("a-b_c.d~e/f?g=h&\xff"), "a-b_c.d~e%2Ff%3Fg%3Dh%26%FF");
}

TEST(HttpSinkTest, PostsNewlineDelimitedJson) {
  TestHttpServer server;
  HttpSink sink({.url = server.url("/signals")});
  const SignalRecordPtr batch[] = {MakeRecord(0), MakeRecord(1)};
  ASSERT_TRUE(sink.Write(batch));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/signals");
  EXPECT_EQ(requests[0].headers["content-type"], "application/x-ndjson");
  EXPECT_EQ(requests[0].body, Lines(0, 2));
}

SinkRunnerOptions QuickRetries() {
  SinkRunnerOptions options;
  options.max_batch = 10;
  options.initial_backoff = std::chrono::milliseconds(1);
  options.max_backoff = std::chrono::milliseconds(2);
  options.max_retry_time = std::chrono::milliseconds(10);
  options.tick_interval = std::chrono::milliseconds(5);
  options.logger =
      std::make_shared<spdlog::logger>("quiet", std::make_shared<spdlog::sinks::null_sink_mt>());
  return options;
}

std::uint64_t Counter(const SinkStats& stats, const std::string& name) {
  for (const SinkCounter& c : stats.extra) {
    if (c.name == name) return c.value;
  }
  ADD_FAILURE() << "no counter " << name;
  return 0;
}

TEST(HttpSinkTest, OutageSpoolsBatchesAndReplaysThemInOrderWhenTheEndpointReturns) {
  TestHttpServer server;
  ScratchDir dir;
  server.set_status(500);
  SinkRunner runner(
      std::make_unique<HttpSink>(HttpSinkConfig{.url = server.url("/signals"),
                                                .spool_dir = dir / "spool",
                                                .replay_interval = std::chrono::milliseconds(1)}),
      QuickRetries());
  // Submit in batch-sized steps so every batch is exactly 10 records.
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(runner.Submit(MakeRecord(i)));
    if (i % 10 == 9) {
      for (int wait = 0; wait < 500 && runner.stats().spooled < static_cast<std::uint64_t>(i + 1);
           ++wait) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
  }
  SinkStats down = runner.stats();
  EXPECT_EQ(down.spooled, 30u);
  EXPECT_EQ(down.failed, 0u);
  EXPECT_GT(down.retried, 0u);
  EXPECT_EQ(Counter(down, "spool_records"), 30u);
  EXPECT_EQ(server.accepted().size(), 0u);

  server.set_status(200);  // the endpoint comes back
  for (int wait = 0; wait < 500 && Counter(runner.stats(), "replayed") < 30; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(runner.Drain(std::chrono::seconds(5)));
  SinkStats up = runner.stats();
  EXPECT_EQ(Counter(up, "replayed"), 30u);
  EXPECT_EQ(Counter(up, "spool_entries"), 0u);
  std::string received;
  for (const auto& request : server.accepted()) received += request.body;
  EXPECT_EQ(received, Lines(0, 30));
}

TEST(HttpSinkTest, SpoolLeftByAPreviousRunIsReplayed) {
  TestHttpServer server;
  ScratchDir dir;
  {
    HttpSink first({.url = server.url(), .spool_dir = dir / "spool"});
    const SignalRecordPtr batch[] = {MakeRecord(7)};
    ASSERT_TRUE(first.KeepUndelivered(batch));
  }
  HttpSink second({.url = server.url(), .spool_dir = dir / "spool"});
  ASSERT_TRUE(second.Tick(1));
  auto accepted = server.accepted();
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].body, Lines(7, 8));
  EXPECT_THAT(second.ExtraCounters(), ::testing::Contains(SinkCounter{"replayed", 1}));
}

TEST(HttpSinkTest, ReplayWaitsForTheIntervalAfterAFailure) {
  TestHttpServer server;
  ScratchDir dir;
  HttpSink sink({.url = server.url(),
                 .spool_dir = dir / "spool",
                 .replay_interval = std::chrono::milliseconds(1000)});
  const SignalRecordPtr batch[] = {MakeRecord(1)};
  ASSERT_TRUE(sink.KeepUndelivered(batch));
  server.set_status(503);
  EXPECT_FALSE(sink.Tick(1'000'000'000));
  server.set_status(200);
  EXPECT_TRUE(sink.Tick(1'500'000'000));  // within the interval: no request
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_TRUE(sink.Tick(2'000'000'001));
  EXPECT_EQ(server.accepted().size(), 1u);
}

TEST(HttpSinkTest, PermanentlyRejectedSpoolEntryIsDroppedAndCounted) {
  TestHttpServer server;
  ScratchDir dir;
  HttpSink sink({.url = server.url(), .spool_dir = dir / "spool"});
  const SignalRecordPtr one[] = {MakeRecord(1)};
  const SignalRecordPtr two[] = {MakeRecord(2)};
  ASSERT_TRUE(sink.KeepUndelivered(one));
  ASSERT_TRUE(sink.KeepUndelivered(two));
  server.set_status(400);
  Status rejected = sink.Tick(1);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code(), ErrorCode::kInvalidArgument);
  server.set_status(200);
  ASSERT_TRUE(sink.Tick(2));
  ASSERT_EQ(server.accepted().size(), 1u);
  EXPECT_EQ(server.accepted()[0].body, Lines(2, 3));
  EXPECT_THAT(sink.ExtraCounters(), ::testing::Contains(SinkCounter{"spool_errors", 1}));
}

TEST(HttpSinkTest, WithoutASpoolUndeliveredBatchesAreCountedFailed) {
  TestHttpServer server;
  server.set_status(500);
  SinkRunner runner(std::make_unique<HttpSink>(HttpSinkConfig{.url = server.url()}),
                    QuickRetries());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(runner.Submit(MakeRecord(i)));
  (void)runner.Drain(std::chrono::seconds(5));
  SinkStats stats = runner.stats();
  EXPECT_EQ(stats.failed, 5u);
  EXPECT_EQ(stats.spooled, 0u);
  EXPECT_THAT(stats.last_error, HasSubstr("HTTP 500: simulated outage"));
}

}  // namespace
}  // namespace picket::sinks
