#include "signals/signal_builder.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

namespace picket::signals {
namespace {

// A /tmp script (pid 100, already exited) that ran curl (pid 101).
struct Chain {
  std::shared_ptr<proc::Process> script = std::make_shared<proc::Process>();
  std::shared_ptr<proc::Process> curl_fork = std::make_shared<proc::Process>();
  std::shared_ptr<proc::Process> curl = std::make_shared<proc::Process>();
  events::Event event;

  Chain() {
    script->key = {.pid = 100, .start_time_ns = 1'000};
    script->parent_key = {.pid = 1, .start_time_ns = 1};
    script->comm = "dropper.sh";
    script->file.path = "/tmp/dropper.sh";
    script->interpreter.path = "/usr/bin/dash";
    script->argv = {"/bin/sh", "/tmp/dropper.sh"};
    script->credentials.uid = 0;
    script->is_exec = true;
    script->exit_time_ns = 5'000;

    *curl_fork = *script;
    curl_fork->key = {.pid = 101, .start_time_ns = 2'000};
    curl_fork->parent_key = script->key;
    curl_fork->is_exec = false;
    curl_fork->is_thread = true;
    curl_fork->exit_time_ns = 0;
    curl_fork->lineage_parent = script;

    curl->key = curl_fork->key;
    curl->parent_key = script->key;
    curl->comm = "curl";
    curl->file.path = "/usr/bin/curl";
    curl->file.inode = 77;
    curl->argv = {"curl", "-s", "http://picket-test.internal/x", "bad\xff"};
    curl->is_exec = true;
    curl->exec_time_ns = 1'700'000'000'000'000'000ULL;
    curl->lineage_parent = curl_fork;

    events::ExecEvent exec;
    exec.timestamp_ns = curl->exec_time_ns;
    exec.process = curl->key;
    event = exec;
  }
};

// Appends the signal to the suite-wide capture directory, which
// scripts/validate-signals.py checks against docs/signal.schema.json.
void Capture(const Signal& signal) {
  const char* dir = PICKET_SIGNAL_CAPTURE_DIR;
  std::filesystem::create_directories(dir);
  std::ofstream(std::filesystem::path(dir) / "signals_unit.jsonl", std::ios::app)
      << signal.ToJsonLine() << "\n";
}

RuleInfo NetUtilRule() {
  RuleInfo rule;
  rule.id = "net_util";
  rule.version = "1.0.0";
  rule.description = "Network utility executed from a suspicious location";
  rule.message_template =
      "The process `{{ @process.comm }}` was executed, potentially to download additional tools.";
  rule.severity = "high";
  rule.policy_name = "default.policy";
  rule.policy_version = "0.1.0";
  rule.product_tags = {"tactic:TA0011-command-and-control",
                       "technique:T1105-ingress-tool-transfer"};
  return rule;
}

TEST(SignalBuilderTest, CarriesRuleProcessAncestorsAndMessage) {
  Chain chain;
  UserNames names;
  MatchContext match{.event = &chain.event,
                     .process = chain.curl.get(),
                     .ancestors = {chain.curl_fork.get(), chain.script.get()},
                     .gaps = {.lost_records_since_previous = 3, .suppressed_since_previous = 2}};
  AgentInfo agent{.hostname = "h1", .picket_version = "0.1.0"};
  Signal signal = BuildSignal(NetUtilRule(), match, agent, names);

  Capture(signal);
  EXPECT_EQ(signal.rule_id, "net_util");
  EXPECT_EQ(signal.pid, 101u);
  EXPECT_EQ(signal.message,
            "The process `curl` was executed, potentially to download additional tools.");
  const nlohmann::json& d = signal.document;
  EXPECT_EQ(d["agent"]["rule_id"], "net_util");
  EXPECT_EQ(d["evt"]["name"], "exec");
  EXPECT_EQ(d["evt"]["category"], "Process Activity");
  EXPECT_EQ(d["date"], "2023-11-14T22:13:20.000000000Z");
  EXPECT_EQ(d["usr"]["id"], "root");
  EXPECT_EQ(d["process"]["argv0"], "curl");
  EXPECT_EQ(d["process"]["args"].size(), 3u);
  EXPECT_EQ(d["process"]["executable"]["name"], "curl");
  ASSERT_EQ(d["process"]["ancestors"].size(), 2u);
  EXPECT_EQ(d["process"]["parent"]["pid"], 101);
  EXPECT_EQ(d["process"]["ancestors"][1]["executable"]["path"], "/tmp/dropper.sh");
  EXPECT_EQ(d["process"]["ancestors"][1]["interpreter"]["path"], "/usr/bin/dash");
  EXPECT_EQ(d["process"]["ancestors"][1]["exited"], true);
  EXPECT_EQ(d["process"]["ancestors"][0]["exited"], false);
  EXPECT_EQ(d["gaps"]["lost_records_since_previous"], 3);
  EXPECT_EQ(d["gaps"]["suppressed_since_previous"], 2);
  const nlohmann::json& tags = d["tags"];
  EXPECT_NE(std::find(tags.begin(), tags.end(), "technique:T1105-ingress-tool-transfer"),
            tags.end());
  EXPECT_NE(std::find(tags.begin(), tags.end(), "rule_id:net_util"), tags.end());

  std::string line = signal.ToJsonLine();
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("bad\xef\xbf\xbd"), std::string::npos);  // invalid byte replaced
}

// Checklist 77: capabilities are serialized as arrays of names.
TEST(SignalBuilderTest, Checklist77_CapabilitiesAsNames) {
  EXPECT_EQ(CapabilityNames(0), nlohmann::json::array());
  EXPECT_EQ(CapabilityNames((1ULL << 21) | 1ULL), (nlohmann::json{"CAP_CHOWN", "CAP_SYS_ADMIN"}));
  EXPECT_EQ(CapabilityNames(1ULL << 40), (nlohmann::json{"CAP_CHECKPOINT_RESTORE"}));
  EXPECT_EQ(CapabilityNames(1ULL << 50), (nlohmann::json{"CAP_50"}));
}

TEST(SignalBuilderTest, GroupIdIsReportedWithSourceRuleTag) {
  Chain chain;
  UserNames names;
  RuleInfo rule = NetUtilRule();
  rule.group_id = "net_util_group";
  MatchContext match{.event = &chain.event, .process = chain.curl.get()};
  Signal signal = BuildSignal(rule, match, AgentInfo{}, names);
  Capture(signal);
  EXPECT_EQ(signal.rule_id, "net_util_group");
  EXPECT_EQ(signal.document["agent"]["original_rule_id"], "net_util");
  const nlohmann::json& tags = signal.document["tags"];
  EXPECT_NE(std::find(tags.begin(), tags.end(), "source_rule_id:net_util"), tags.end());
  EXPECT_FALSE(signal.document["process"].contains("parent"));
}

TEST(SignalBuilderTest, ExitCauseFromWaitStatus) {
  Chain chain;
  UserNames names;
  events::Event killed =
      events::ExitEvent{.timestamp_ns = 1, .process = chain.curl->key, .exit_code = 9};
  MatchContext match{.event = &killed, .process = chain.curl.get()};
  Signal signal = BuildSignal(NetUtilRule(), match, AgentInfo{}, names);
  Capture(signal);
  EXPECT_EQ(signal.document["exit"]["cause"], "SIGNALED");
  EXPECT_EQ(signal.document["exit"]["code"], 9);
  EXPECT_EQ(signal.document["evt"]["name"], "exit");
}

}  // namespace
}  // namespace picket::signals
