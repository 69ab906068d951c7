#include "engine/engine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "fields/catalogue.h"
#include "policy/loader.h"

namespace picket::engine {
namespace {

constexpr std::uint64_t kT0 = 1'700'000'000'000'000'000ULL;

std::string ShippedPolicy() {
  std::ifstream in(std::string(PICKET_SOURCE_DIR) + "/policies/default.policy");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A /tmp script (fork + exec) that forks and execs a tool.
struct Lineage {
  std::shared_ptr<proc::Process> shell = std::make_shared<proc::Process>();
  std::shared_ptr<proc::Process> script = std::make_shared<proc::Process>();
  std::shared_ptr<proc::Process> child = std::make_shared<proc::Process>();
  std::shared_ptr<proc::Process> tool = std::make_shared<proc::Process>();
  events::Event event;

  Lineage(std::string script_path, std::string tool_path, std::vector<std::string> argv) {
    shell->key = {.pid = 10, .start_time_ns = 1};
    shell->comm = "bash";
    shell->file.path = "/usr/bin/bash";
    shell->argv = {"bash"};
    shell->is_exec = true;
    shell->cgroup_id = 7;

    script->key = {.pid = 11, .start_time_ns = 2};
    script->parent_key = shell->key;
    script->comm = "dropper.sh";
    script->file.path = script_path;
    script->interpreter.path = "/usr/bin/dash";
    script->argv = {"/bin/sh", script_path};
    script->is_exec = true;
    script->cgroup_id = 7;
    script->exec_time_ns = kT0 - 10;
    auto script_fork = std::make_shared<proc::Process>(*shell);
    script_fork->key = script->key;
    script_fork->is_exec = false;
    script_fork->is_thread = true;
    script_fork->lineage_parent = shell;
    script->lineage_parent = script_fork;

    *child = *script;
    child->key = {.pid = 12, .start_time_ns = 3};
    child->parent_key = script->key;
    child->is_exec = false;
    child->is_thread = true;
    child->lineage_parent = script;

    tool->key = child->key;
    tool->parent_key = script->key;
    tool->comm = std::filesystem::path(tool_path).filename().string();
    tool->file.path = tool_path;
    tool->argv = std::move(argv);
    tool->is_exec = true;
    tool->cgroup_id = 7;
    tool->exec_time_ns = kT0;
    tool->lineage_parent = child;

    events::ExecEvent exec;
    exec.timestamp_ns = kT0;
    exec.process = tool->key;
    exec.parent = script->key;
    exec.comm = tool->comm;
    exec.file.path = tool_path;
    exec.argv = tool->argv;
    exec.cgroup_id = 7;
    event = exec;
  }
};

class EngineTest : public ::testing::Test {
 protected:
  std::shared_ptr<const RuleSet> Load(const std::string& text, const std::string& name) {
    auto compiled = std::make_shared<policy::CompiledPolicy>(
        policy::LoadPolicies({{.path = name, .text = text}}, {}));
    for (const policy::PolicyDiagnostic& d : compiled->diagnostics) {
      ADD_FAILURE() << d.file << ":" << d.line << ":" << d.column << ": " << d.message;
    }
    return BuildRuleSet(compiled, fields::FieldCatalogue::Default());
  }

  std::vector<Match> Run(Engine& engine, const Lineage& lineage, std::uint64_t now = kT0) {
    view_.Bind(lineage.event, lineage.tool.get(), static_cast<std::int64_t>(now));
    std::vector<Match> matches = engine.Evaluate("exec", view_, lineage.tool.get(), now);
    view_.Reset();
    return matches;
  }

  UserNames names_;
  fields::EventView view_{fields::FieldCatalogue::Default(), names_};
};

std::vector<std::string> Ids(const std::vector<Match>& matches) {
  std::vector<std::string> ids;
  for (const Match& m : matches) ids.push_back(m.rule->compiled->id);
  return ids;
}

TEST_F(EngineTest, ShippedNetUtilFiresForToolUnderTmpScript) {
  Engine engine({}, Load(ShippedPolicy(), "picket.policy"));
  Lineage lineage("/tmp/x/dropper.sh", "/usr/bin/curl", {"curl", "http://picket-e2e.test/"});
  std::vector<Match> matches = Run(engine, lineage);
  ASSERT_EQ(Ids(matches), std::vector<std::string>{"net_util"});
  const signals::RuleInfo& info = matches[0].rule->info;
  EXPECT_EQ(info.severity, "high");
  EXPECT_EQ(info.message_template,
            "The process `{{ @process.comm }}` was executed, potentially to download additional "
            "tools.");
  EXPECT_EQ(info.policy_name, "picket.policy");
  EXPECT_EQ(info.product_tags, (std::vector<std::string>{"tactic:TA0011-command-and-control",
                                                         "technique:T1105-ingress-tool-transfer"}));
}

// The engine keeps each event type's bucket, prefilter and memo after the
// first lookup: a swapped rule set must replace all three, both ways.
TEST_F(EngineTest, SetRulesReplacesWhatEachEventTypeEvaluates) {
  const std::string curl_rule = R"(rules:
  - id: curl_exec
    expression: exec.file.name == "curl"
)";
  const std::string exit_rule = R"(rules:
  - id: failed_exit
    expression: exit.code != 0
)";
  Engine engine({}, Load(curl_rule, "curl.policy"));
  Lineage lineage("/tmp/x/dropper.sh", "/usr/bin/curl", {"curl"});
  EXPECT_TRUE(engine.HandlesEventType("exec"));
  EXPECT_FALSE(engine.HandlesEventType("exit"));
  EXPECT_EQ(Ids(Run(engine, lineage)), std::vector<std::string>{"curl_exec"});

  engine.SetRules(Load(exit_rule, "exit.policy"));
  EXPECT_FALSE(engine.HandlesEventType("exec"));
  EXPECT_TRUE(engine.HandlesEventType("exit"));
  EXPECT_TRUE(Run(engine, lineage).empty());

  engine.SetRules(Load(curl_rule, "curl.policy"));
  EXPECT_TRUE(engine.HandlesEventType("exec"));
  EXPECT_EQ(Ids(Run(engine, lineage)), std::vector<std::string>{"curl_exec"});
}

TEST_F(EngineTest, ShippedNetUtilTableOfLocationsToolsAndArguments) {
  Engine engine({}, Load(ShippedPolicy(), "picket.policy"));
  struct Case {
    std::string script;
    std::string tool;
    std::vector<std::string> argv;
    bool fires;
  };
  const Case cases[] = {
      {"/tmp/a.sh", "/usr/bin/wget", {"wget", "http://x.test/"}, true},
      {"/var/tmp/deep/er/a.sh", "/usr/bin/nc", {"nc", "x.test", "80"}, true},
      {"/dev/shm/a.sh", "/usr/bin/dig", {"dig", "x.test"}, true},
      {"/run/user/1000/a.sh", "/usr/bin/nslookup", {"nslookup", "x.test"}, true},
      {"/home/alice/a.sh", "/usr/bin/socat", {"socat", "-", "TCP:x.test:80"}, true},
      {"/root/a.sh", "/usr/bin/host", {"host", "x.test"}, true},
      {"/opt/app/a.sh", "/tmp/curl", {"curl", "http://x.test/"}, true},  // the tool itself
      {"/tmp.x/a.sh", "/usr/bin/curl", {"curl", "http://x.test/"}, false},
      {"/opt/srv/home/a.sh", "/usr/bin/curl", {"curl", "http://x.test/"}, false},
      {"/usr/local/bin/a.sh", "/usr/bin/curl", {"curl", "http://x.test/"}, false},
      {"/tmp/a.sh", "/usr/bin/hostname", {"hostname"}, false},  // not `host`
      {"/tmp/a.sh", "/usr/bin/curl", {"curl", "http://localhost:8080/"}, false},
      {"/tmp/a.sh", "/usr/bin/curl", {"curl", "http://127.0.0.1/"}, false},
      {"/tmp/a.sh", "/usr/bin/nc", {"nc", "::1", "80"}, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.script + " -> " + c.tool);
    Lineage lineage(c.script, c.tool, c.argv);
    EXPECT_EQ(!Run(engine, lineage).empty(), c.fires);
  }
}

TEST_F(EngineTest, ContainerSplitsTheRule) {
  Engine engine({}, Load(ShippedPolicy(), "picket.policy"));
  Lineage lineage("/tmp/a.sh", "/usr/bin/curl", {"curl", "http://x.test/"});
  lineage.tool->container_id = std::string(64, 'a');
  EXPECT_EQ(Ids(Run(engine, lineage)), std::vector<std::string>{"net_util_in_container"});
}

constexpr char kContextPolicy[] = R"(
version: "1"
rules:
  - id: reader
    expression: exec.comm == "curl" && ${process.tagged}
  - id: writer
    expression: exec.comm == "curl"
    silent: true
    tags:
      execution_context: "True"
    actions:
      - set:
          name: tagged
          value: true
          scope: process
      - filter: exec.comm == "never"
        set:
          name: never_set
          value: true
  - id: never_reader
    expression: exec.comm == "curl" && ${never_set}
)";

// Checklists 54, 67, 73: a context rule runs first and its write is visible
// to a later rule on the same event; silent rules emit nothing; a false
// action filter skips only that action.
TEST_F(EngineTest, Checklist54_67_73_ContextSilentAndActionFilters) {
  Engine engine({}, Load(kContextPolicy, "ctx.policy"));
  Lineage lineage("/opt/a.sh", "/usr/bin/curl", {"curl"});
  EXPECT_EQ(Ids(Run(engine, lineage)), std::vector<std::string>{"reader"});
  EXPECT_EQ(engine.stats().silent_matches, 1u);
  EXPECT_EQ(engine.stats().actions_filtered, 1u);
}

constexpr char kVariablesPolicy[] = R"(
version: "1"
rules:
  - id: tagger
    expression: exec.comm == "curl"
    actions:
      - set:
          name: visible
          value: "yes"
          scope: process
      - set:
          name: hidden
          value: 7
          scope: process
          private: true
      - set:
          name: seen
          value: true
)";

// Checklist 55: private variables are absent from what signals serialize,
// non-private ones are present.
TEST_F(EngineTest, Checklist55_OnlyNonPrivateVariablesAreVisible) {
  Engine engine({}, Load(kVariablesPolicy, "vars.policy"));
  Lineage lineage("/opt/a.sh", "/usr/bin/curl", {"curl"});
  ASSERT_EQ(Run(engine, lineage).size(), 1u);
  std::map<std::string, secl::OwnedValue> process =
      engine.VisibleVariables(policy::VariableScope::kProcess);
  ASSERT_EQ(process.size(), 1u);
  EXPECT_EQ(secl::ToString(process.at("visible")), "yes");
  std::map<std::string, secl::OwnedValue> global =
      engine.VisibleVariables(policy::VariableScope::kGlobal);
  ASSERT_EQ(global.size(), 1u);
  EXPECT_EQ(std::get<bool>(global.at("seen")), true);
}

constexpr char kBurstPolicy[] = R"(
version: "1"
rules:
  - id: noisy
    expression: exec.comm == "curl"
    every: 10s
)";

TEST_F(EngineTest, RateLimitedMatchesAreCountedAndReported) {
  Engine engine({}, Load(kBurstPolicy, "burst.policy"));
  Lineage lineage("/opt/a.sh", "/usr/bin/curl", {"curl"});
  EXPECT_EQ(Run(engine, lineage, kT0).size(), 1u);
  EXPECT_EQ(Run(engine, lineage, kT0 + 1).size(), 0u);
  EXPECT_EQ(Run(engine, lineage, kT0 + 2).size(), 0u);
  std::vector<Match> later = Run(engine, lineage, kT0 + 10'000'000'001ULL);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].suppressed_since_previous, 2u);
  EXPECT_EQ(engine.stats().suppressed, 2u);
}

constexpr char kHashPolicy[] = R"(
version: "1"
rules:
  - id: hashed
    expression: exec.comm == "true"
    actions:
      - hash: {}
)";

// Checklist 72: a hash action attaches the executable's digests.
TEST_F(EngineTest, Checklist72_HashAction) {
  Engine engine({}, Load(kHashPolicy, "hash.policy"));
  Lineage lineage("/opt/a.sh", "/usr/bin/true", {"true"});
  lineage.tool->key.pid = static_cast<std::uint32_t>(getpid());
  std::vector<Match> matches = Run(engine, lineage);
  ASSERT_EQ(matches.size(), 1u);
  ASSERT_TRUE(matches[0].hashes.has_value());
  EXPECT_TRUE(matches[0].hashes->state == HashState::kDone ||
              matches[0].hashes->state == HashState::kCached);
  EXPECT_EQ(matches[0].hashes->sha256.size(), 64u);
}

constexpr char kKillPolicy[] = R"(
version: "1"
rules:
  - id: killer
    expression: exec.comm == "curl"
    actions:
      - kill:
          signal: SIGKILL
)";

int g_signals_sent = 0;
int RecordSend(std::uint32_t, int) {
  ++g_signals_sent;
  return 0;
}

// Checklist 70: kill does nothing without enforcement, never targets pid 1
// or the agent, and disarms after too many distinct executables.
TEST_F(EngineTest, Checklist70_71_KillSafeguards) {
  Lineage lineage("/tmp/a.sh", "/usr/bin/curl", {"curl"});
  {
    Engine engine({}, Load(kKillPolicy, "kill.policy"));
    std::vector<Match> matches = Run(engine, lineage);
    ASSERT_EQ(matches.size(), 1u);
    ASSERT_EQ(matches[0].kills.size(), 1u);
    EXPECT_EQ(matches[0].kills[0].status, KillStatus::kDisabled);
  }
  ProcessKiller killer({.enforcement = true, .own_pid = 12, .max_distinct = 2}, RecordSend);
  policy::KillAction kill;
  EXPECT_EQ(killer.Kill("r", kill, *lineage.tool, {}, kT0).status, KillStatus::kRefused);
  lineage.tool->key.pid = 1;
  EXPECT_EQ(killer.Kill("r", kill, *lineage.tool, {}, kT0).status, KillStatus::kRefused);
  EXPECT_EQ(g_signals_sent, 0);
  lineage.tool->key.pid = 4242;
  for (const char* path : {"/tmp/a", "/tmp/b"}) {
    lineage.tool->file.path = path;
    EXPECT_EQ(killer.Kill("r", kill, *lineage.tool, {}, kT0).status, KillStatus::kPerformed);
  }
  lineage.tool->file.path = "/tmp/c";
  EXPECT_EQ(killer.Kill("r", kill, *lineage.tool, {}, kT0).status, KillStatus::kRuleDisarmed);
  lineage.tool->file.path = "/tmp/a";
  EXPECT_EQ(killer.Kill("r", kill, *lineage.tool, {}, kT0 + 1).status, KillStatus::kRuleDisarmed);
  // Re-armed once the caches age out.
  EXPECT_EQ(killer.Kill("r", kill, *lineage.tool, {}, kT0 + 61'000'000'000ULL).status,
            KillStatus::kPerformed);
  EXPECT_EQ(g_signals_sent, 3);
}

}  // namespace
}  // namespace picket::engine
