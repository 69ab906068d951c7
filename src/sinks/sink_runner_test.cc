#include "sinks/sink_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <chrono>
#include <thread>

#include "sinks/sink_set.h"
#include "sinks/test_sinks.h"

namespace picket::sinks {
namespace {

using std::chrono::milliseconds;
using testing::CapturedLog;
using testing::FailingSink;
using testing::GateSink;
using testing::MakeRecord;
using testing::RecordingSink;

SinkRunnerOptions FastOptions() {
  SinkRunnerOptions options;
  options.initial_backoff = milliseconds(1);
  options.max_backoff = milliseconds(4);
  options.max_retry_time = milliseconds(200);
  options.tick_interval = milliseconds(10);
  options.logger =
      std::make_shared<spdlog::logger>("quiet", std::make_shared<spdlog::sinks::null_sink_mt>());
  return options;
}

TEST(SinkRunnerTest, DeliversEverythingInOrderInBoundedBatches) {
  auto sink = std::make_unique<RecordingSink>();
  RecordingSink* recording = sink.get();
  SinkRunnerOptions options = FastOptions();
  options.max_batch = 16;
  SinkRunner runner(std::move(sink), options);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(runner.Submit(MakeRecord(i)));
  ASSERT_TRUE(runner.Drain(milliseconds(5000)));

  std::vector<std::string> json = recording->json();
  ASSERT_EQ(json.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(json[i], MakeRecord(i)->json);
  for (std::size_t size : recording->batch_sizes()) EXPECT_LE(size, 16u);
  SinkStats stats = runner.stats();
  EXPECT_EQ(stats.accepted, 1000u);
  EXPECT_EQ(stats.delivered, 1000u);
  EXPECT_EQ(stats.failed + stats.dropped_queue_full + stats.dropped_shutdown, 0u);
  EXPECT_EQ(stats.last_error, "");
}

TEST(SinkRunnerTest, SubmitNeverBlocksOnAStalledSinkAndCountsDrops) {
  auto sink = std::make_unique<GateSink>();
  GateSink* gate = sink.get();
  SinkRunnerOptions options = FastOptions();
  options.queue_capacity = 10;
  options.max_batch = 4;
  SinkRunner runner(std::move(sink), options);

  ASSERT_TRUE(runner.Submit(MakeRecord(0)));
  gate->WaitEntered();  // the runner thread is now stuck inside Write
  const auto start = std::chrono::steady_clock::now();
  int accepted = 1;
  for (int i = 1; i < 10'000; ++i) accepted += runner.Submit(MakeRecord(i)) ? 1 : 0;
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // 10,000 submissions against a sink that never returns: if Submit waited
  // on the sink this would hang; a generous bound keeps sanitizer builds green.
  EXPECT_LT(elapsed, milliseconds(2000));
  EXPECT_EQ(accepted, 1 + 10);

  SinkStats during = runner.stats();
  EXPECT_EQ(during.dropped_queue_full, 10'000u - 11u);
  EXPECT_EQ(during.queued, 10u);

  gate->Open();
  ASSERT_TRUE(runner.Drain(milliseconds(5000)));
  SinkStats after = runner.stats();
  EXPECT_EQ(after.delivered, 11u);
  EXPECT_EQ(after.accepted + after.dropped_queue_full, 10'000u);
}

TEST(SinkRunnerTest, FailingSinkDoesNotAffectAnotherSink) {
  SinkSet set;
  auto recording = std::make_unique<RecordingSink>("healthy");
  RecordingSink* healthy = recording.get();
  auto failing_sink = std::make_unique<FailingSink>(-1, ErrorCode::kUnavailable);
  SinkRunnerOptions options = FastOptions();
  options.max_retry_time = milliseconds(20);
  CapturedLog log;
  options.logger = log.logger;
  set.Add(std::move(failing_sink), options);
  set.Add(std::move(recording), options);

  for (int i = 0; i < 300; ++i) set.Submit(*MakeRecord(i));
  Status drained = set.Drain(milliseconds(10'000));
  std::vector<SinkStats> stats = set.stats();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[1].sink, "healthy");
  EXPECT_EQ(stats[1].delivered, 300u);
  EXPECT_EQ(healthy->json().size(), 300u);
  EXPECT_EQ(stats[0].sink, "failing");
  EXPECT_EQ(stats[0].delivered, 0u);
  EXPECT_EQ(stats[0].failed + stats[0].dropped_queue_full + stats[0].dropped_shutdown, 300u);
  EXPECT_GT(stats[0].failed, 0u);
  EXPECT_GT(stats[0].retried, 0u);
  EXPECT_EQ(stats[0].last_error, "endpoint refused batch");
  (void)drained;
}

TEST(SinkRunnerTest, TransientFailureIsRetriedWithBackoffThenDelivered) {
  auto sink = std::make_unique<FailingSink>(3, ErrorCode::kUnavailable);
  FailingSink* flaky = sink.get();
  SinkRunner runner(std::move(sink), FastOptions());
  ASSERT_TRUE(runner.Submit(MakeRecord(1)));
  ASSERT_TRUE(runner.Drain(milliseconds(5000)));
  SinkStats stats = runner.stats();
  EXPECT_EQ(flaky->attempts_.load(), 4);
  EXPECT_EQ(stats.retried, 3u);
  EXPECT_EQ(stats.delivered, 1u);
  EXPECT_EQ(stats.failed, 0u);
}

TEST(SinkRunnerTest, PermanentFailureIsNotRetried) {
  auto sink = std::make_unique<FailingSink>(-1, ErrorCode::kPermissionDenied);
  FailingSink* failing = sink.get();
  SinkRunnerOptions options = FastOptions();
  options.max_batch = 1;
  SinkRunner runner(std::move(sink), options);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(runner.Submit(MakeRecord(i)));
  (void)runner.Drain(milliseconds(5000));
  EXPECT_EQ(failing->attempts_.load(), 5);
  EXPECT_EQ(runner.stats().failed, 5u);
  EXPECT_EQ(runner.stats().retried, 0u);
}

TEST(SinkRunnerTest, RetriesStopWhenTheBudgetIsSpent) {
  auto sink = std::make_unique<FailingSink>(-1, ErrorCode::kUnavailable);
  SinkRunnerOptions options = FastOptions();
  options.initial_backoff = milliseconds(10);
  options.max_backoff = milliseconds(10);
  options.max_retry_time = milliseconds(55);
  SinkRunner runner(std::move(sink), options);
  ASSERT_TRUE(runner.Submit(MakeRecord(1)));
  (void)runner.Drain(milliseconds(5000));
  SinkStats stats = runner.stats();
  EXPECT_EQ(stats.failed, 1u);
  // 5 retries fit in 55 ms at 10 ms apart; scheduling can only make it fewer.
  EXPECT_GE(stats.retried, 1u);
  EXPECT_LE(stats.retried, 5u);
}

TEST(SinkRunnerTest, UndeliveredBatchKeptBySinkCountsAsSpooled) {
  auto sink = std::make_unique<FailingSink>(-1, ErrorCode::kUnavailable, /*keep=*/true);
  FailingSink* failing = sink.get();
  SinkRunnerOptions options = FastOptions();
  options.max_retry_time = milliseconds(5);
  SinkRunner runner(std::move(sink), options);
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(runner.Submit(MakeRecord(i)));
  ASSERT_TRUE(runner.Drain(milliseconds(5000)));
  EXPECT_EQ(runner.stats().spooled, 7u);
  EXPECT_EQ(runner.stats().failed, 0u);
  EXPECT_EQ(failing->kept_.load(), 7);
}

TEST(SinkRunnerTest, FailuresAreLoggedOncePerIntervalWithACount) {
  CapturedLog log;
  auto sink = std::make_unique<FailingSink>(-1, ErrorCode::kPermissionDenied);
  SinkRunnerOptions options = FastOptions();
  options.max_batch = 1;
  options.failure_log_interval = std::chrono::hours(1);
  options.logger = log.logger;
  SinkRunner runner(std::move(sink), options);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(runner.Submit(MakeRecord(i)));
  (void)runner.Drain(milliseconds(5000));
  EXPECT_EQ(runner.stats().failed, 200u);
  // The first failure at once; the other 199 in one summary at shutdown.
  EXPECT_THAT(log.Lines(),
              ::testing::ElementsAre(
                  "warning sink failing: 1 failure since the last report, 1 signal not "
                  "delivered; last error: endpoint refused batch",
                  "warning sink failing: 199 failures since the last report, 199 signals not "
                  "delivered; last error: endpoint refused batch"));
}

TEST(SinkRunnerTest, FailureSummariesRepeatEachInterval) {
  CapturedLog log;
  auto sink = std::make_unique<FailingSink>(-1, ErrorCode::kPermissionDenied);
  SinkRunnerOptions options = FastOptions();
  options.max_batch = 1;
  options.failure_log_interval = milliseconds(0);
  options.logger = log.logger;
  SinkRunner runner(std::move(sink), options);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(runner.Submit(MakeRecord(i)));
  (void)runner.Drain(milliseconds(5000));
  EXPECT_EQ(log.Lines().size(), 3u);  // interval 0: every failure is its own line
}

TEST(SinkRunnerTest, QueueFullDropsAreLogged) {
  CapturedLog log;
  auto sink = std::make_unique<GateSink>();
  GateSink* gate = sink.get();
  SinkRunnerOptions options = FastOptions();
  options.queue_capacity = 2;
  options.max_batch = 1;
  options.failure_log_interval = std::chrono::hours(1);
  options.logger = log.logger;
  SinkRunner runner(std::move(sink), options);
  ASSERT_TRUE(runner.Submit(MakeRecord(0)));
  gate->WaitEntered();
  for (int i = 1; i < 8; ++i) (void)runner.Submit(MakeRecord(i));
  gate->Open();
  ASSERT_TRUE(runner.Drain(milliseconds(5000)));
  EXPECT_EQ(runner.stats().dropped_queue_full, 5u);
  EXPECT_THAT(log.Lines(), ::testing::ElementsAre(
                               "warning sink gate: 1 failure since the last report, 5 signals "
                               "not delivered; last error: queue full (2 signals)"));
}

TEST(SinkRunnerTest, DrainDeadlineCountsWhatIsStillQueued) {
  auto sink = std::make_unique<FailingSink>(-1, ErrorCode::kUnavailable);
  SinkRunnerOptions options = FastOptions();
  options.max_batch = 1;
  options.initial_backoff = milliseconds(20);
  options.max_backoff = milliseconds(20);
  options.max_retry_time = std::chrono::hours(1);
  CapturedLog log;
  options.logger = log.logger;
  SinkRunner runner(std::move(sink), options);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(runner.Submit(MakeRecord(i)));
  const auto start = std::chrono::steady_clock::now();
  Status drained = runner.Drain(milliseconds(100));
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  ASSERT_FALSE(drained);
  SinkStats stats = runner.stats();
  EXPECT_EQ(stats.delivered, 0u);
  EXPECT_EQ(stats.failed + stats.dropped_shutdown, 50u);
  EXPECT_THAT(drained.error().message(),
              ::testing::MatchesRegex("sink failing: 50 signals not delivered while draining "
                                      "\\([0-9]+ failed, [0-9]+ still queued at the deadline\\)"));
  // Submitting after the drain is refused and counted too.
  EXPECT_FALSE(runner.Submit(MakeRecord(99)));
  EXPECT_EQ(runner.stats().dropped_shutdown, stats.dropped_shutdown + 1);
}

TEST(SinkRunnerTest, ReopenAndTickRunOnTheRunnerThread) {
  auto sink = std::make_unique<RecordingSink>();
  RecordingSink* recording = sink.get();
  SinkRunner runner(std::move(sink), FastOptions());
  runner.RequestReopen();
  for (int i = 0; i < 100 && (recording->reopens_.load() == 0 || recording->ticks_.load() < 2);
       ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(recording->reopens_.load(), 1);
  EXPECT_GE(recording->ticks_.load(), 2);
  ASSERT_TRUE(runner.Drain(milliseconds(1000)));
}

TEST(SinkRunnerTest, ConcurrentSubmittersAreAllAccounted) {
  auto sink = std::make_unique<RecordingSink>();
  RecordingSink* recording = sink.get();
  SinkRunnerOptions options = FastOptions();
  options.queue_capacity = 64;
  SinkRunner runner(std::move(sink), options);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&runner, t] {
      for (int i = 0; i < 2000; ++i) (void)runner.Submit(MakeRecord(t * 10'000 + i));
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(runner.Drain(milliseconds(5000)));
  SinkStats stats = runner.stats();
  EXPECT_EQ(stats.accepted + stats.dropped_queue_full, 8000u);
  EXPECT_EQ(stats.delivered, stats.accepted);
  EXPECT_EQ(recording->json().size(), stats.delivered);
}

TEST(SinkStatsTest, FormatsEveryCounterAndTheLastError) {
  SinkStats stats{.sink = "sqlite",
                  .accepted = 10,
                  .delivered = 7,
                  .failed = 2,
                  .spooled = 0,
                  .dropped_queue_full = 1,
                  .dropped_shutdown = 0,
                  .retried = 4,
                  .queued = 1,
                  .last_error = "disk full",
                  .extra = {{"retention_deleted", 5}}};
  EXPECT_EQ(FormatSinkStats(stats),
            "sqlite delivered=7 failed=2 spooled=0 dropped_queue_full=1 dropped_shutdown=0 "
            "retried=4 queued=1 retention_deleted=5 last_error=\"disk full\"");
  stats.last_error.clear();
  stats.extra.clear();
  EXPECT_EQ(FormatSinkStats(stats),
            "sqlite delivered=7 failed=2 spooled=0 dropped_queue_full=1 dropped_shutdown=0 "
            "retried=4 queued=1");
}

}  // namespace
}  // namespace picket::sinks
