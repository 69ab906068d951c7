#include "engine/urgent_exec_names.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "fields/catalogue.h"
#include "policy/loader.h"

namespace picket::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::shared_ptr<const RuleSet> RulesOf(std::vector<policy::PolicySource> sources) {
  auto compiled =
      std::make_shared<policy::CompiledPolicy>(policy::LoadPolicies(std::move(sources), {}));
  EXPECT_TRUE(compiled->ok());
  return BuildRuleSet(compiled, fields::FieldCatalogue::Default());
}

std::shared_ptr<const RuleSet> RulesOf(const std::string& text) {
  return RulesOf({{.path = "urgent.policy", .text = text}});
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(UrgentExecNamesTest, NamesComeFromCommFileNameAndPathTestsThatEveryMatchNeeds) {
  std::shared_ptr<const RuleSet> rules = RulesOf(R"(rules:
  - id: by_comm
    expression: exec.comm in ["curl", "wget"] && exec.args != ""
  - id: by_name_or_path
    expression: (exec.file.name == "nc.openbsd" || process.file.path == "/usr/bin/socat") && exec.uid == 0
  - id: long_name
    expression: process.comm == "a-name-longer-than-a-comm" && exec.uid == 0
  - id: by_uid
    expression: exec.uid == 0
  - id: by_pattern
    expression: exec.comm in ["curl", ~"python*"]
  - id: negated
    expression: exec.comm != "curl"
  - id: some_disjunct_unnamed
    expression: exec.comm == "dig" || exec.uid == 1
  - id: path_without_name
    expression: exec.file.path == "/usr/bin/"
  - id: path_without_name_beside_comm
    expression: exec.file.path in ["/usr/bin/", "/bin/x"] && exec.comm == "rsync"
  - id: by_ancestor
    expression: process.ancestors.comm == "sshd" && exec.uid == 0
  - id: not_an_exec
    expression: exit.code == 3 && process.comm == "scp"
)");
  UrgentExecNames urgent = DeriveUrgentExecNames(*rules, fields::FieldCatalogue::Default());
  EXPECT_THAT(urgent.names,
              ElementsAre("a-name-longer-t", "curl", "nc.openbsd", "rsync", "socat", "wget"));
  // A path test whose literal names no file leaves the comm conjunct to name it.
  EXPECT_THAT(urgent.rules_named, ElementsAre("by_comm", "by_name_or_path", "long_name",
                                              "path_without_name_beside_comm"));
  EXPECT_THAT(urgent.rules_waiting,
              ElementsAre("by_uid", "by_pattern", "negated", "some_disjunct_unnamed",
                          "path_without_name", "by_ancestor"));
}

TEST(UrgentExecNamesTest, OneRuleAtATime) {
  std::shared_ptr<const RuleSet> rules = RulesOf(R"(rules:
  - id: tools
    expression: exec.comm in ["wget", "curl", "wget"] || exec.file.path == "/usr/bin/curl"
  - id: by_uid
    expression: exec.uid == 0
  - id: exits
    expression: exit.code == 3 && process.comm == "curl"
)");
  const secl::Schema& schema = fields::FieldCatalogue::Default();
  const auto names_of = [&rules, &schema](const std::string& id) {
    const policy::CompiledRule* rule = rules->policy->FindRule(id);
    EXPECT_NE(rule, nullptr) << id;
    return rule != nullptr ? UrgentExecNamesOf(*rule, schema) : std::nullopt;
  };
  std::optional<std::vector<std::string>> tools = names_of("tools");
  ASSERT_TRUE(tools.has_value());
  EXPECT_THAT(*tools, ElementsAre("curl", "wget"));
  EXPECT_FALSE(names_of("by_uid").has_value());
  EXPECT_FALSE(names_of("exits").has_value());  // exits never wake the agent early
}

TEST(UrgentExecNamesTest, AConjunctWithNamesIsFoundBesideCheaperGuards) {
  // The prefilter would guard on the argument pattern's field or the
  // container id; the names are still a necessary condition.
  std::shared_ptr<const RuleSet> rules = RulesOf(R"(rules:
  - id: exfil
    expression: exec.args in [~"*--upload-file*"] && exec.comm == "curl" && process.container.id == ""
)");
  UrgentExecNames urgent = DeriveUrgentExecNames(*rules, fields::FieldCatalogue::Default());
  EXPECT_THAT(urgent.names, ElementsAre("curl"));
  EXPECT_THAT(urgent.rules_waiting, IsEmpty());
}

TEST(UrgentExecNamesTest, BothDefaultPoliciesNameTheNetworkUtilities) {
  std::shared_ptr<const RuleSet> rules =
      RulesOf({{.path = "picket.policy",
                .text = ReadFile(std::string(PICKET_SOURCE_DIR) + "/policies/default.policy")},
               {.path = "default.policy",
                .text = ReadFile(std::string(PICKET_SOURCE_DIR) +
                                 "/../shared/data/datadog/default.policy")}});
  UrgentExecNames urgent = DeriveUrgentExecNames(*rules, fields::FieldCatalogue::Default());
  for (const char* tool : {"nslookup", "dig", "host", "nc", "ncat", "socat", "curl", "wget"}) {
    EXPECT_TRUE(std::binary_search(urgent.names.begin(), urgent.names.end(), tool)) << tool;
  }
  EXPECT_NE(std::find(urgent.rules_named.begin(), urgent.rules_named.end(), "net_util"),
            urgent.rules_named.end());
  for (const std::string& name : urgent.names) {
    EXPECT_LE(name.size(), UrgentExecNames::kNameBytes) << name;
  }
  // The shell and interpreter rules of Datadog's policy name common
  // programs; the set stays far below what the kernel map holds (4,096).
  EXPECT_LT(urgent.names.size(), 1000u);
}

}  // namespace
}  // namespace picket::engine
