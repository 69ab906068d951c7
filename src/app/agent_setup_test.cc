#include "app/agent_setup.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "app/agent_config.h"

namespace picket::app {
namespace {

// Ring bytes per fork + exec + exit cycle of a short command (the storm's
// /bin/true; docs/performance.md, "Losses").
constexpr std::uint64_t kBytesPerExecCycle = 520;

TEST(AgentSetupTest, CollectorOptionsFollowTheConfig) {
  Result<AgentConfig> config = ParseAgentConfig(
      "collector:\n  ring_size_mib: 32\n  argv_max_bytes: 1024\n  attach: raw_tp\n"
      "  capture_env: true\n",
      "c.yaml");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  const probe::CollectorOptions options = CollectorOptionsFromConfig(*config);
  EXPECT_EQ(options.ring_size_bytes, 32u << 20);
  EXPECT_EQ(options.argv_capture_bytes, 1024u);
  EXPECT_EQ(options.attach_mode, probe::AttachMode::kRawTp);
  EXPECT_TRUE(options.capture_env);
}

// The threshold guards the ring, it does not set the batch: what one poll
// interval gathers at a high exec rate stays below it (else every drain
// costs a second wake-up), and most of the ring stays free for the consumer
// to wake up and drain.
TEST(AgentSetupTest, WakeupThresholdIsAboveOneIntervalsBatchAndLeavesMostOfTheRing) {
  for (const char* ring : {"1", "8", "64"}) {
    Result<AgentConfig> config =
        ParseAgentConfig(std::string("collector:\n  ring_size_mib: ") + ring + "\n", "c.yaml");
    ASSERT_TRUE(config.has_value()) << config.error().message();
    const probe::CollectorOptions options = CollectorOptionsFromConfig(*config);
    SCOPED_TRACE(ring);
    EXPECT_GT(options.wakeup_threshold_bytes, 0u);  // 0 would wake on every record
    EXPECT_LE(options.wakeup_threshold_bytes, options.ring_size_bytes / 4);
    if (options.ring_size_bytes >= (8u << 20)) {
      // The default ring at 10,000 execs/s, drained every poll interval.
      const std::uint64_t batch = kBytesPerExecCycle * 10'000 * config->poll_interval_ms / 1000;
      EXPECT_GT(options.wakeup_threshold_bytes, batch);
    }
  }
}

}  // namespace
}  // namespace picket::app
