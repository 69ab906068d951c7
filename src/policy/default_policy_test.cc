// Datadog's default policy (1.69.3, 319 rules, 50 macros) is the yardstick:
// it must load with no error, filters and agent_version must accept exactly
// the rules the spec measured (§1), and every rule whose fields picket
// collects must compile.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "policy/loader.h"

namespace picket::policy {
namespace {

std::string DefaultPolicyPath() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* source_dir = std::getenv("PICKET_SOURCE_DIR")) {
    candidates.push_back(fs::path(source_dir) / ".." / "shared" / "data" / "datadog" /
                         "default.policy");
  }
  candidates.emplace_back("../shared/data/datadog/default.policy");
  for (const fs::path& candidate : candidates) {
    if (fs::exists(candidate)) return candidate.string();
  }
  return {};
}

// A host inside the kernel range of the two kernel-filtered rules, so that
// every Linux rule's filters pass (as in the spec's measurement).
LoadOptions Options(std::string_view agent_version, std::string_view kernel = "5.10.50-1-amd64") {
  LoadOptions options;
  options.agent_version = *SemVer::Parse(agent_version);
  options.host.os = "linux";
  options.host.os_id = "debian";
  options.host.SetKernelRelease(kernel);
  return options;
}

class DefaultPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = DefaultPolicyPath();
    if (path_.empty()) GTEST_SKIP() << "default.policy not found (set PICKET_SOURCE_DIR)";
  }

  CompiledPolicy Load(const LoadOptions& options) const {
    std::vector<std::string> paths{path_};
    return LoadPolicyPaths(paths, options);
  }

  static std::size_t Skipped(const CompiledPolicy& policy, SkipReason reason) {
    std::size_t count = 0;
    for (const SkippedRule& skipped : policy.skipped) count += skipped.reason == reason;
    return count;
  }

  // Rules accepted by agent_version and filters (before compilation).
  static std::size_t Accepted(const CompiledPolicy& policy) {
    return policy.policies.at(0).rules_defined - Skipped(policy, SkipReason::kAgentVersion) -
           Skipped(policy, SkipReason::kFilter);
  }

  static std::string Errors(const CompiledPolicy& policy) {
    std::string out;
    for (const PolicyDiagnostic& d : policy.diagnostics) {
      if (d.is_error()) out += Render(d);
    }
    return out;
  }

  std::string path_;
};

TEST_F(DefaultPolicyTest, LoadsWithoutErrors) {
  CompiledPolicy policy = Load(Options("7.73.0"));
  EXPECT_EQ(policy.error_count(), 0u) << Errors(policy);
  ASSERT_EQ(policy.policies.size(), 1u);
  EXPECT_EQ(policy.policies[0].version, "1.69.3");
  EXPECT_EQ(policy.policies[0].rules_defined, 319u);
  // Every rule whose fields are all collected compiles: nothing is skipped
  // for an error.
  EXPECT_EQ(Skipped(policy, SkipReason::kError), 0u);
}

// Checklist 58 and spec §1: accepted Linux rules per emulated agent version.
TEST_F(DefaultPolicyTest, Checklist58AcceptedRulesPerAgentVersion) {
  const std::pair<std::string_view, std::size_t> expected[] = {
      {"7.73.0", 257}, {"7.70.0", 255}, {"7.68.0", 254}, {"7.65.0", 230}, {"7.60.0", 215}};
  for (const auto& [version, count] : expected) {
    SCOPED_TRACE(version);
    CompiledPolicy policy = Load(Options(version));
    EXPECT_EQ(Accepted(policy), count);
    EXPECT_EQ(Skipped(policy, SkipReason::kFilter), 37u);  // the Windows rules
    EXPECT_EQ(policy.error_count(), 0u) << Errors(policy);
  }
}

TEST_F(DefaultPolicyTest, KernelRangeFilterFollowsTheHost) {
  CompiledPolicy patched = Load(Options("7.73.0", "6.1.0-18-amd64"));
  EXPECT_EQ(Accepted(patched), 255u);
  EXPECT_EQ(Skipped(patched, SkipReason::kFilter), 39u);
}

TEST_F(DefaultPolicyTest, RulesPerEventType) {
  CompiledPolicy policy = Load(Options("7.73.0"));
  EXPECT_EQ(policy.rules_per_event_type,
            (std::map<std::string, std::size_t>{{"exec", 82}, {"exit", 1}}));
  // The spec counts 88 Linux exec rules at 7.73; the 6 not loaded need data
  // picket does not collect yet.
  std::set<std::string> exec_skips;
  for (const SkippedRule& skipped : policy.skipped) {
    if (skipped.reason == SkipReason::kUnsupportedField && skipped.detail.starts_with("field ")) {
      exec_skips.insert(skipped.detail);
    }
  }
  EXPECT_EQ(exec_skips,
            (std::set<std::string>{"field 'container.created_at'", "field 'container.tags'",
                                   "field 'exec.file.in_upper_layer'",
                                   "field 'exec.user_session.k8s_username'",
                                   "field 'process.file.in_upper_layer'"}));
  // Every other skip names an uncollected event type, with a warning each.
  std::size_t unsupported = Skipped(policy, SkipReason::kUnsupportedField);
  EXPECT_EQ(unsupported, policy.warning_count());
  // 257 accepted = 83 loaded + pam_modification (expanded into 8 rules) +
  // the rest skipped.
  EXPECT_EQ(policy.rules.size() + unsupported, 257u - 1u + 8u);
}

TEST_F(DefaultPolicyTest, ContextRulesAndVariables) {
  CompiledPolicy policy = Load(Options("7.73.0"));
  std::size_t execution_context = 0;
  std::size_t with_actions = 0;
  for (const CompiledRule& rule : policy.rules) {
    execution_context += rule.execution_context;
    with_actions += !rule.actions.empty();
  }
  EXPECT_GT(execution_context, 0u);
  EXPECT_GT(with_actions, 0u);
  // Variables are declared from every accepted rule's set actions (73 in the
  // spec, including rules later skipped) plus the two builtins.
  EXPECT_GE(policy.environment->variables().size(), 70u);
}

}  // namespace
}  // namespace picket::policy
