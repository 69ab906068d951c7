#include "engine/rule_prefilter.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "engine/engine.h"
#include "fields/catalogue.h"
#include "policy/loader.h"
#include "secl/lowering.h"

namespace picket::engine {
namespace {

constexpr std::uint64_t kT0 = 1'700'000'000'000'000'000ULL;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Guard shapes: which expressions yield necessary conditions, on which
// fields, and whether each is indexable (exact literals only).
TEST(DeriveGuardTest, ShapesOfRuleExpressions) {
  struct Case {
    std::string expression;
    std::string expected;  // "" = no guard; else "field:exact|pattern" per atom
  };
  const Case cases[] = {
      {R"(exec.comm == "curl")", "exec.comm:exact"},
      {R"(exec.comm in ["curl", "wget"] && exec.args != "")", "exec.comm:exact"},
      {R"(exec.args != "" && exec.file.name in ["nc", ~"nc.*"])", "exec.file.name:pattern"},
      {R"(exec.file.name =~ "python*" && exec.comm == "x")", "exec.comm:exact"},
      {R"((exec.comm == "a" || exec.file.path == "/b") && exec.uid == 0)",
       "exec.comm:exact exec.file.path:exact"},
      {R"(exec.comm == "a" || exec.uid == 0)", ""},
      {R"(exec.comm != "curl")", ""},
      {R"(exec.comm not in ["curl"])", ""},
      {R"(!(exec.comm == "curl"))", ""},
      {R"(exec.args in [~"*x*"])", "exec.args:pattern"},               // args: one joined string
      {R"(exec.argv in ["-x"] && exec.uid == 0)", "exec.argv:exact"},  // some element
      {R"(exec.argv[1] == "-x")", ""},                                 // index access
      {R"(exec.envs in [~"LD_PRELOAD=*"] || exec.args_flags == "x")",
       "exec.envs:pattern exec.args_flags:exact"},
      {R"(process.ancestors.comm == "git" && exec.uid == 0)", ""},  // iterator
      {R"(exec.uid == 0)", ""},
      // Its value is the evaluated rule's tags, not the event's.
      {R"(exec.comm != "" && event.rule.tags in ["tactic:x"])", ""},
      {R"(event.rule.tags in ["tactic:x"] && exec.comm == "y")", "exec.comm:exact"},
      // A guard the empty value passes rules out little: a pattern one wins.
      {R"(exec.comm in ["curl", ~"nc*"] && process.container.id == "")", "exec.comm:pattern"},
      {R"(process.container.id in ["", "x"] && exec.file.name == "nc")", "exec.file.name:exact"},
      {R"(process.container.id == "" && exec.uid == 0)", "process.container.id:exact"},
  };
  secl::Environment environment;
  const secl::FieldId rule_tags = fields::FieldCatalogue::Default().Find("event.rule.tags")->id;
  const secl::FieldId per_rule_fields[] = {rule_tags};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.expression);
    secl::CompileResult compiled =
        secl::CompileRule(c.expression, fields::FieldCatalogue::Default(), environment);
    ASSERT_TRUE(compiled.program.has_value());
    std::optional<std::vector<GuardAtom>> guard = DeriveGuard(*compiled.program, per_rule_fields);
    std::string got;
    if (guard.has_value()) {
      for (const GuardAtom& atom : *guard) {
        if (!got.empty()) got += ' ';
        got += std::string(fields::FieldCatalogue::Default().entry(atom.field).info.name);
        got += atom.literals->exact_only ? ":exact" : ":pattern";
      }
    }
    EXPECT_EQ(got, c.expected);
  }
}

// A parent image and the event of one exec of its child, with images the way
// the tree links them (exec image → fork image → parent's exec image).
struct Scenario {
  std::shared_ptr<proc::Process> parent = std::make_shared<proc::Process>();
  std::shared_ptr<proc::Process> fork = std::make_shared<proc::Process>();
  std::shared_ptr<proc::Process> image = std::make_shared<proc::Process>();
  events::Event event;
};

struct ScenarioSpec {
  std::string parent_path;
  std::string parent_comm;
  std::string path;
  std::string comm;
  std::vector<std::string> args;  // after argv[0]
  std::vector<std::string> envs;
  std::string tty;
  std::string container_id;
  std::uint32_t uid = 1000;
};

std::string BaseName(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Scenario Make(const ScenarioSpec& spec, std::uint32_t pid, std::uint64_t t) {
  Scenario s;
  s.parent->key = {.pid = pid - 1, .start_time_ns = t - 100};
  s.parent->comm = spec.parent_comm;
  s.parent->file.path = spec.parent_path;
  s.parent->argv = {spec.parent_comm};
  s.parent->is_exec = true;
  s.parent->cgroup_id = 7;
  s.parent->container_id = spec.container_id;
  s.parent->exec_time_ns = t - 100;
  *s.fork = *s.parent;
  s.fork->key = {.pid = pid, .start_time_ns = t};
  s.fork->parent_key = s.parent->key;
  s.fork->is_exec = false;
  s.fork->is_thread = true;
  s.fork->lineage_parent = s.parent;

  events::ExecEvent exec;
  exec.timestamp_ns = t;
  exec.process = s.fork->key;
  exec.parent = s.parent->key;
  exec.tid = pid;
  exec.comm = spec.comm.substr(0, 15);
  exec.filename = spec.path;
  exec.file.path = spec.path;
  exec.file.mode = 0100755;
  exec.credentials.uid = spec.uid;
  exec.credentials.euid = spec.uid;
  exec.argv = {spec.comm};
  exec.argv.insert(exec.argv.end(), spec.args.begin(), spec.args.end());
  exec.envp = spec.envs;
  exec.tty = spec.tty;
  exec.cgroup_id = 7;
  exec.container_id = spec.container_id;

  s.image->key = s.fork->key;
  s.image->parent_key = s.parent->key;
  s.image->comm = exec.comm;
  s.image->file = exec.file;
  s.image->filename = exec.filename;
  s.image->argv = exec.argv;
  s.image->envp = exec.envp;
  s.image->tty = exec.tty;
  s.image->cgroup_id = 7;
  s.image->container_id = spec.container_id;
  s.image->is_exec = true;
  s.image->exec_time_ns = t;
  s.image->lineage_parent = s.fork;
  s.event = exec;
  return s;
}

// Every exact literal a guard of `rules` indexes: feeding them back as comms,
// names and paths makes the event set hit every indexed rule.
std::set<std::string> GuardLiterals(const RuleSet& rules) {
  std::set<std::string> literals;
  for (const Rule& rule : rules.rules) {
    if (rule.compiled->event_type != "exec") continue;
    std::optional<std::vector<GuardAtom>> guard = DeriveGuard(rule.compiled->program);
    if (!guard.has_value()) continue;
    for (const GuardAtom& atom : *guard) {
      literals.insert(atom.literals->exact.begin(), atom.literals->exact.end());
    }
  }
  return literals;
}

std::vector<ScenarioSpec> VariedEvents(const std::set<std::string>& literals) {
  const std::vector<std::pair<std::string, std::string>> parents = {
      {"/usr/bin/bash", "bash"},
      {"/tmp/x/dropper.sh", "dropper.sh"},
      {"/usr/sbin/nginx", "nginx"},
      {"/usr/bin/java", "java"},
      {"/usr/sbin/sshd", "sshd"},
      {"/usr/bin/git", "git"},
      {"/usr/bin/php-fpm8.2", "php-fpm8.2"},
      {"/usr/bin/nohup", "nohup"},
      {"/usr/sbin/mysqld", "mysqld"},
      {"/home/u/.x/foomatic-rip", "foomatic-rip"}};
  const std::vector<std::vector<std::string>> arg_sets = {
      {},
      {"-s", "http://updates.example.internal/pkg/index.json"},
      {"http://169.254.169.254/latest/meta-data/iam/security-credentials/role"},
      {"--post-file=/etc/shadow", "http://x.test/up.php"},
      {"-c", "import socket,subprocess;socket.SOCK_STREAM"},
      {"-i"},
      {"-e", "use Socket; SOCK_STREAM sockaddr_in"},
      {"-lp", "4444"},
      {"http://127.0.0.1/"},
      {"stop", "auditd"},
      {"-d", "payload.b64"},
      {"--unix-socket", "/var/run/docker.sock", "http://x/containers/json"},
      {"-C", "/lib/modules/6.1.0/build", "M=/tmp/rk"},
      {"clone", "--recursive", "https://x.test/r.git"},
  };
  std::vector<std::string> paths;
  for (const std::string& literal : literals) {
    if (literal.empty()) continue;
    paths.push_back(literal.front() == '/' ? literal : "/usr/bin/" + literal);
  }
  for (const char* extra : {"/usr/bin/true", "/usr/bin/python3.11", "/usr/bin/nc.openbsd",
                            "/tmp/.hidden", "/dev/shm/x", "/usr/bin/perl5.36", "/tmp/curl",
                            "/usr/local/bin/amazon-ssm-agent", "/usr/bin/[kworker]"}) {
    paths.emplace_back(extra);
  }
  std::vector<ScenarioSpec> specs;
  std::size_t n = 0;
  for (const std::string& path : paths) {
    // Each path with a rotating parent, argument set, tty and container, so
    // the set crosses the conditions behind the guards.
    for (int variant = 0; variant < 3; ++variant, ++n) {
      ScenarioSpec spec;
      spec.parent_path = parents[n % parents.size()].first;
      spec.parent_comm = parents[n % parents.size()].second;
      spec.path = path;
      spec.comm = BaseName(path);
      spec.args = arg_sets[(n * 7 + variant) % arg_sets.size()];
      if (variant == 1) spec.tty = "pts0";
      if (variant == 2) spec.container_id = "3f1b6f2c9d8e";
      if (n % 5 == 0) spec.envs = {"LD_PRELOAD=/tmp/x.so", "GLIBC_TUNABLES=x", "PATH=/bin"};
      if (n % 4 == 0) spec.uid = 0;
      specs.push_back(std::move(spec));
    }
    // The comm differs from the file name (renamed binaries, scripts).
    ScenarioSpec renamed{.parent_path = "/usr/bin/bash",
                         .parent_comm = "bash",
                         .path = "/usr/bin/true",
                         .comm = BaseName(path),
                         .args = arg_sets[n % arg_sets.size()]};
    specs.push_back(std::move(renamed));
  }
  return specs;
}

std::vector<std::string> Ids(const std::vector<Match>& matches) {
  std::vector<std::string> ids;
  for (const Match& m : matches) ids.push_back(m.rule->compiled->id);
  return ids;
}

class PrefilterEquivalenceTest : public ::testing::Test {
 protected:
  static std::shared_ptr<const RuleSet> BothPolicies() {
    std::vector<policy::PolicySource> sources = {
        {.path = "picket.policy",
         .text = ReadFile(std::string(PICKET_SOURCE_DIR) + "/policies/default.policy")},
        {.path = "default.policy",
         .text =
             ReadFile(std::string(PICKET_SOURCE_DIR) + "/../shared/data/datadog/default.policy")}};
    auto compiled =
        std::make_shared<policy::CompiledPolicy>(policy::LoadPolicies(std::move(sources), {}));
    return BuildRuleSet(compiled, fields::FieldCatalogue::Default());
  }

  UserNames names_;
  fields::EventView view_{fields::FieldCatalogue::Default(), names_};
};

// The same event stream through an engine with and without the prefilter:
// identical matches (rule ids in order) for every event, with variables and
// rate limiters evolving alongside. Also checks per (rule, event) that no
// rule the prefilter rules out is true.
TEST_F(PrefilterEquivalenceTest, BothDefaultPoliciesSameMatchesOnVariedEvents) {
  std::shared_ptr<const RuleSet> rules = BothPolicies();
  const std::vector<std::size_t>* bucket = rules->Bucket("exec");
  ASSERT_NE(bucket, nullptr);
  ASSERT_GT(bucket->size(), 80u);
  const RulePrefilter* prefilter = rules->Prefilter("exec");
  ASSERT_NE(prefilter, nullptr);
  EXPECT_GT(prefilter->guarded(), bucket->size() / 2);

  Engine with({}, rules);
  Engine without({.prefilter = false}, rules);
  std::vector<ScenarioSpec> specs = VariedEvents(GuardLiterals(*rules));
  ASSERT_GT(specs.size(), 500u);
  RecordProperty("events", static_cast<int>(specs.size()));

  std::uint32_t pid = 1000;
  std::uint64_t t = kT0;
  std::size_t events_with_matches = 0;
  std::set<std::string> rules_matched;
  std::vector<std::uint8_t> candidates;
  for (const ScenarioSpec& spec : specs) {
    Scenario s = Make(spec, pid, t);
    SCOPED_TRACE(spec.parent_path + " -> " + spec.path + " (" + spec.comm + ")");
    const auto now = static_cast<std::int64_t>(t);

    view_.Bind(s.event, s.image.get(), now);
    prefilter->Select(view_, candidates);
    for (std::size_t position = 0; position < bucket->size(); ++position) {
      const Rule& rule = rules->rules[(*bucket)[position]];
      view_.set_rule_tags(rule.compiled->product_tags);
      if (candidates[position] == 0) {
        EXPECT_FALSE(secl::Evaluate(rule.compiled->program, view_)) << rule.compiled->id;
      }
    }
    view_.Reset();

    view_.Bind(s.event, s.image.get(), now);
    std::vector<std::string> got = Ids(with.Evaluate("exec", view_, s.image.get(), t));
    view_.Reset();
    view_.Bind(s.event, s.image.get(), now);
    std::vector<std::string> want = Ids(without.Evaluate("exec", view_, s.image.get(), t));
    view_.Reset();
    EXPECT_EQ(got, want);
    if (!want.empty()) ++events_with_matches;
    rules_matched.insert(want.begin(), want.end());
    pid += 2;
    t += 1'000'000'000;  // 1 s apart: rate limits let repeats through
  }
  EXPECT_EQ(with.stats().matches, without.stats().matches);
  EXPECT_EQ(with.stats().silent_matches, without.stats().silent_matches);
  EXPECT_EQ(with.stats().suppressed, without.stats().suppressed);
  // The set is only a proof if it makes many different rules fire and the
  // prefilter skip most evaluations.
  EXPECT_GT(events_with_matches, specs.size() / 4);
  EXPECT_GT(rules_matched.size(), 30u);
  EXPECT_LT(with.stats().rule_evaluations, without.stats().rule_evaluations / 3);
  EXPECT_TRUE(rules_matched.contains("net_util"));
  RecordProperty("rules_matched", static_cast<int>(rules_matched.size()));
  RecordProperty("events_with_matches", static_cast<int>(events_with_matches));
}

// A host process that is no network tool: both network-utility rules (each
// `comm in [tools] && ... && process.container.id == ""`) are ruled out by
// their comm guard; the container guard would let every host exec through.
TEST_F(PrefilterEquivalenceTest, NetworkUtilityRulesSkippedForOtherTools) {
  std::shared_ptr<const RuleSet> rules = BothPolicies();
  const std::vector<std::size_t>* bucket = rules->Bucket("exec");
  ASSERT_NE(bucket, nullptr);
  const RulePrefilter* prefilter = rules->Prefilter("exec");
  ASSERT_NE(prefilter, nullptr);
  auto candidates_for = [&](const std::string& path) {
    Scenario s = Make({.parent_path = "/usr/bin/bash",
                       .parent_comm = "bash",
                       .path = path,
                       .comm = BaseName(path)},
                      100, kT0);
    std::vector<std::uint8_t> candidates;
    view_.Bind(s.event, s.image.get(), static_cast<std::int64_t>(kT0));
    prefilter->Select(view_, candidates);
    view_.Reset();
    std::set<std::string> ids;
    for (std::size_t position = 0; position < bucket->size(); ++position) {
      if (candidates[position] != 0) ids.insert(rules->rules[(*bucket)[position]].compiled->id);
    }
    return ids;
  };
  const std::set<std::string> for_true = candidates_for("/usr/bin/true");
  EXPECT_FALSE(for_true.contains("net_util"));
  EXPECT_FALSE(for_true.contains("net_util_v2"));
  const std::set<std::string> for_curl = candidates_for("/usr/bin/curl");
  EXPECT_TRUE(for_curl.contains("net_util"));
  EXPECT_TRUE(for_curl.contains("net_util_v2"));
}

// With a memo, Select gives the same candidates as without, on first sight
// of a value and on every repeat.
TEST_F(PrefilterEquivalenceTest, MemoGivesTheSameCandidates) {
  std::shared_ptr<const RuleSet> rules = BothPolicies();
  const RulePrefilter* prefilter = rules->Prefilter("exec");
  ASSERT_NE(prefilter, nullptr);
  std::vector<ScenarioSpec> specs = VariedEvents(GuardLiterals(*rules));
  RulePrefilter::Memo memo;
  std::vector<std::uint8_t> with_memo;
  std::vector<std::uint8_t> without;
  for (int pass = 0; pass < 2; ++pass) {
    std::uint32_t pid = 1000;
    for (const ScenarioSpec& spec : specs) {
      Scenario s = Make(spec, pid, kT0);
      SCOPED_TRACE(spec.path + " (" + spec.comm + ") pass " + std::to_string(pass));
      view_.Bind(s.event, s.image.get(), static_cast<std::int64_t>(kT0));
      prefilter->Select(view_, with_memo, &memo);
      prefilter->Select(view_, without);
      view_.Reset();
      ASSERT_EQ(with_memo, without);
      pid += 2;
    }
  }
  // The second pass repeats every value: it is answered from the memo.
  EXPECT_GT(memo.hits(), memo.misses());
  EXPECT_GT(memo.values(), 0u);
}

// Values that never repeat (here: arguments) neither grow the memo past its
// bound nor keep being remembered; the candidates stay right throughout.
TEST_F(PrefilterEquivalenceTest, MemoIsBoundedAndGivesUpOnValuesThatDoNotRepeat) {
  std::shared_ptr<const RuleSet> rules = BothPolicies();
  const RulePrefilter* prefilter = rules->Prefilter("exec");
  ASSERT_NE(prefilter, nullptr);
  RulePrefilter::Memo memo;
  std::vector<std::uint8_t> with_memo;
  std::vector<std::uint8_t> without;
  const std::size_t events = 4 * RulePrefilter::Memo::kMaxValuesPerField;
  for (std::uint32_t i = 0; i < events; ++i) {
    Scenario s = Make({.parent_path = "/usr/bin/bash",
                       .parent_comm = "bash",
                       .path = "/usr/bin/curl",
                       .comm = "curl",
                       .args = {"-s", "http://10.0.0.1/job/" + std::to_string(i)}},
                      1000 + 2 * i, kT0);
    view_.Bind(s.event, s.image.get(), static_cast<std::int64_t>(kT0));
    prefilter->Select(view_, with_memo, &memo);
    prefilter->Select(view_, without);
    view_.Reset();
    ASSERT_EQ(with_memo, without) << i;
  }
  EXPECT_GE(memo.fields_given_up(), 1u);
  // Every field with patterns could hold at most the bound.
  EXPECT_LE(memo.values(), 16 * RulePrefilter::Memo::kMaxValuesPerField);
  // The executable's values repeat on every event: still answered from memory.
  EXPECT_GT(memo.hits(), events);
}

// exec.args and process.args are one value under two names: the prefilter
// reads it once for the rules on either name and still selects each rule
// exactly when its own literal is there.
TEST_F(PrefilterEquivalenceTest, AliasedFieldsAreReadOnce) {
  const std::string text = R"(rules:
  - id: by_exec_args
    expression: exec.args == "--alpha"
  - id: by_process_args
    expression: process.args == "--beta" && exec.comm != ""
  - id: by_comm
    expression: exec.comm == "tool"
)";
  auto compiled = std::make_shared<policy::CompiledPolicy>(
      policy::LoadPolicies({{.path = "alias.policy", .text = text}}, {}));
  ASSERT_TRUE(compiled->diagnostics.empty());
  std::shared_ptr<const RuleSet> rules = BuildRuleSet(compiled, fields::FieldCatalogue::Default());
  ASSERT_NE(rules->Prefilter("exec"), nullptr);
  EXPECT_EQ(rules->Prefilter("exec")->fields_read(), 2u);  // args, comm
  Engine engine({}, rules);
  for (const auto& [arg, expected] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"--alpha", {"by_exec_args"}}, {"--beta", {"by_process_args"}}, {"--gamma", {}}}) {
    Scenario s = Make({.parent_path = "/usr/bin/bash",
                       .parent_comm = "bash",
                       .path = "/usr/bin/true",
                       .comm = "true",
                       .args = {arg}},
                      100, kT0);
    view_.Bind(s.event, s.image.get(), static_cast<std::int64_t>(kT0));
    EXPECT_EQ(Ids(engine.Evaluate("exec", view_, s.image.get(), kT0)), expected) << arg;
    view_.Reset();
  }
}

// event.rule.tags reads the tags of the rule being evaluated: with the
// prefilter on, a rule testing its own tags still matches and one testing
// another rule's tags still does not.
TEST_F(PrefilterEquivalenceTest, RuleTagsAreReadPerRule) {
  const std::string text = R"(rules:
  - id: first
    expression: event.rule.tags in ["tactic:second"] && exec.comm != ""
    product_tags: [tactic:first]
  - id: second
    expression: event.rule.tags in ["tactic:second"] && exec.comm != ""
    product_tags: [tactic:second]
)";
  auto compiled = std::make_shared<policy::CompiledPolicy>(
      policy::LoadPolicies({{.path = "tags.policy", .text = text}}, {}));
  ASSERT_TRUE(compiled->diagnostics.empty());
  std::shared_ptr<const RuleSet> rules = BuildRuleSet(compiled, fields::FieldCatalogue::Default());
  Engine engine({}, rules);
  Scenario s = Make({.parent_path = "/usr/bin/bash",
                     .parent_comm = "bash",
                     .path = "/usr/bin/true",
                     .comm = "true"},
                    100, kT0);
  view_.Bind(s.event, s.image.get(), static_cast<std::int64_t>(kT0));
  EXPECT_EQ(Ids(engine.Evaluate("exec", view_, s.image.get(), kT0)),
            std::vector<std::string>{"second"});
  view_.Reset();
}

}  // namespace
}  // namespace picket::engine
