#include "app/agent_policy.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/embedded_policy.h"
#include "policy/loader.h"

namespace picket::app {

PolicySelection SelectPolicies(const AgentConfig& config, std::vector<std::string> cli_paths,
                               bool no_builtin) {
  PolicySelection selection;
  selection.builtin = config.builtin_policy && !no_builtin;
  selection.config_paths = config.policy_paths;
  selection.cli_paths = std::move(cli_paths);
  selection.agent_version = config.agent_version;
  return selection;
}

Result<std::shared_ptr<const policy::CompiledPolicy>> LoadSelectedPolicies(
    const PolicySelection& selection) {
  Result<policy::SemVer> version = policy::SemVer::Parse(selection.agent_version);
  if (!version.has_value()) {
    return version.error().WithContext("policies.agent_version");
  }
  std::vector<std::string> paths;
  for (const std::string& path : selection.config_paths) {
    std::error_code error;
    if (std::filesystem::exists(path, error)) {
      paths.push_back(path);
    } else {
      spdlog::debug("policy path {} does not exist; skipped", path);
    }
  }
  paths.insert(paths.end(), selection.cli_paths.begin(), selection.cli_paths.end());

  std::vector<policy::PolicyDiagnostic> diagnostics;
  std::vector<policy::PolicySource> sources;
  if (selection.builtin) {
    sources.push_back(
        {.path = std::string(kEmbeddedPolicyName), .text = std::string(EmbeddedDefaultPolicy())});
  }
  for (const std::string& file : policy::ExpandPolicyPaths(paths, diagnostics)) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      diagnostics.push_back(policy::MakeFileDiagnostic(policy::PolicyDiagnostic::Severity::kError,
                                                       file, "cannot read the policy file"));
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    sources.push_back({.path = file, .text = text.str()});
  }

  policy::LoadOptions options;
  options.agent_version = *version;
  options.host = policy::HostInfo::Detect();
  auto compiled =
      std::make_shared<policy::CompiledPolicy>(policy::LoadPolicies(std::move(sources), options));
  compiled->diagnostics.insert(compiled->diagnostics.begin(), diagnostics.begin(),
                               diagnostics.end());
  return std::shared_ptr<const policy::CompiledPolicy>(std::move(compiled));
}

std::string PolicySummary(const policy::CompiledPolicy& policy) {
  std::vector<std::string> per_type;
  for (const auto& [event_type, count] : policy.rules_per_event_type) {
    per_type.push_back(fmt::format("{}: {}", event_type, count));
  }
  return fmt::format("{} rules active ({}); {} skipped; {} errors, {} warnings",
                     policy.rules.size(), fmt::join(per_type, ", "), policy.skipped.size(),
                     policy.error_count(), policy.warning_count());
}

void LogPolicyReport(const policy::CompiledPolicy& policy) {
  for (const policy::PolicyDiagnostic& diagnostic : policy.diagnostics) {
    std::string text = policy::Render(diagnostic);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (diagnostic.is_error()) {
      spdlog::error("{}", text);
    } else {
      spdlog::debug("{}", text);
    }
  }
  for (const auto& [reason, rules] : policy.SkippedByReason()) {
    spdlog::info("{} rules skipped: {}", rules.size(), reason);
  }
  spdlog::info("{}", PolicySummary(policy));
}

}  // namespace picket::app
