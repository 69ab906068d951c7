#include "app/agent_config.h"

#include <gtest/gtest.h>

namespace picket::app {
namespace {

TEST(AgentConfigTest, EmptyKeepsDefaults) {
  Result<AgentConfig> config = ParseAgentConfig("", "c.yaml");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_TRUE(config->builtin_policy);
  EXPECT_EQ(config->sqlite_path, "/var/lib/picket/picket.db");
  EXPECT_EQ(config->ring_size_mib, 8u);
  EXPECT_EQ(config->agent_version, "7.73.0");
  EXPECT_EQ(config->priority_boost, 4u);
}

TEST(AgentConfigTest, PriorityBoostIsANiceLevelCount) {
  Result<AgentConfig> none = ParseAgentConfig("agent:\n  priority_boost: 0\n", "c.yaml");
  ASSERT_TRUE(none.has_value()) << none.error().message();
  EXPECT_EQ(none->priority_boost, 0u);
  Result<AgentConfig> too_much = ParseAgentConfig("agent:\n  priority_boost: 20\n", "c.yaml");
  ASSERT_FALSE(too_much.has_value());
  EXPECT_EQ(too_much.error().message(), "c.yaml: agent.priority_boost must be 0..19");
}

// Drains: every 50 ms, and sooner (no sooner than 10 ms after the last
// one) for execs of the programs the rules name.
TEST(AgentConfigTest, DrainIntervalsDefaultAndMustBeOrdered) {
  Result<AgentConfig> defaults = ParseAgentConfig("", "c.yaml");
  ASSERT_TRUE(defaults.has_value()) << defaults.error().message();
  EXPECT_EQ(defaults->poll_interval_ms, 50u);
  EXPECT_EQ(defaults->min_poll_interval_ms, 10u);
  EXPECT_TRUE(defaults->urgent_exec_wakeups);
  Result<AgentConfig> fixed = ParseAgentConfig(
      "collector:\n  poll_interval_ms: 10\n  min_poll_interval_ms: 10\n"
      "  urgent_exec_wakeups: false\n",
      "c.yaml");
  ASSERT_TRUE(fixed.has_value()) << fixed.error().message();
  EXPECT_EQ(fixed->poll_interval_ms, 10u);
  EXPECT_FALSE(fixed->urgent_exec_wakeups);
  Result<AgentConfig> inverted = ParseAgentConfig(
      "collector:\n  poll_interval_ms: 20\n  min_poll_interval_ms: 30\n", "c.yaml");
  ASSERT_FALSE(inverted.has_value());
  EXPECT_EQ(inverted.error().message(),
            "c.yaml: collector.min_poll_interval_ms must be 1..collector.poll_interval_ms");
}

TEST(AgentConfigTest, OverridesValues) {
  Result<AgentConfig> config = ParseAgentConfig(R"(
policies:
  builtin: false
  paths: [/tmp/p1, /tmp/p2]
collector:
  ring_size_mib: 32
  attach: raw_tp
stdout:
  format: json
sqlite:
  enabled: false
)",
                                                "c.yaml");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_FALSE(config->builtin_policy);
  EXPECT_EQ(config->policy_paths, (std::vector<std::string>{"/tmp/p1", "/tmp/p2"}));
  EXPECT_EQ(config->ring_size_mib, 32u);
  EXPECT_EQ(config->attach, "raw_tp");
  EXPECT_EQ(config->stdout_format, "json");
  EXPECT_FALSE(config->sqlite_enabled);
}

TEST(AgentConfigTest, ReportsEveryProblemWithLocation) {
  Result<AgentConfig> config = ParseAgentConfig(R"(collector:
  ring_size_mb: 8
  attach: kprobe
sqlite:
  enabled: maybe
bogus: 1
)",
                                                "c.yaml");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message(),
            "c.yaml:2:3: unknown key 'collector.ring_size_mb'\n"
            "c.yaml:3:11: collector.attach: 'kprobe' is not one of: auto, tp_btf, raw_tp\n"
            "c.yaml:5:12: sqlite.enabled: expected true or false\n"
            "c.yaml:6:1: unknown section 'bogus'");
}

TEST(AgentConfigTest, SyntaxErrorHasLocation) {
  Result<AgentConfig> config = ParseAgentConfig("collector: [\n", "c.yaml");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message().rfind("c.yaml:", 0), 0u) << config.error().message();
}

}  // namespace
}  // namespace picket::app
