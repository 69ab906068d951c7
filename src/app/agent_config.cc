#include "app/agent_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace picket::app {
namespace {

// One setter per accepted key; each returns "" on success or the problem.
using Setter = std::function<std::string(const YAML::Node&)>;

template <typename T>
Setter Scalar(T& target) {
  return [&target](const YAML::Node& node) -> std::string {
    if (!node.IsScalar()) return "expected a scalar value";
    try {
      target = node.as<T>();
    } catch (const YAML::Exception&) {
      if constexpr (std::is_same_v<T, bool>) return "expected true or false";
      if constexpr (std::is_integral_v<T>) return "expected a non-negative integer";
      return "invalid value";
    }
    return "";
  };
}

Setter OneOf(std::string& target, std::vector<std::string> allowed) {
  return [&target, allowed = std::move(allowed)](const YAML::Node& node) -> std::string {
    if (!node.IsScalar()) return "expected a scalar value";
    std::string value = node.Scalar();
    for (const std::string& a : allowed) {
      if (a == value) {
        target = value;
        return "";
      }
    }
    return fmt::format("'{}' is not one of: {}", value, fmt::join(allowed, ", "));
  };
}

Setter StringList(std::vector<std::string>& target) {
  return [&target](const YAML::Node& node) -> std::string {
    if (!node.IsSequence()) return "expected a list of strings";
    std::vector<std::string> values;
    for (const YAML::Node& item : node) {
      if (!item.IsScalar()) return "expected a list of strings";
      values.push_back(item.Scalar());
    }
    target = std::move(values);
    return "";
  };
}

class Parser {
 public:
  Parser(AgentConfig& config, std::string origin) : config_(config), origin_(std::move(origin)) {}

  void Parse(const YAML::Node& root) {
    AgentConfig& c = config_;
    std::map<std::string, std::map<std::string, Setter>> sections = {
        {"policies",
         {{"builtin", Scalar(c.builtin_policy)},
          {"paths", StringList(c.policy_paths)},
          {"agent_version", Scalar(c.agent_version)}}},
        {"collector",
         {{"ring_size_mib", Scalar(c.ring_size_mib)},
          {"argv_max_bytes", Scalar(c.argv_max_bytes)},
          {"capture_env", Scalar(c.capture_env)},
          {"attach", OneOf(c.attach, {"auto", "tp_btf", "raw_tp"})},
          {"poll_interval_ms", Scalar(c.poll_interval_ms)},
          {"urgent_exec_wakeups", Scalar(c.urgent_exec_wakeups)},
          {"min_poll_interval_ms", Scalar(c.min_poll_interval_ms)}}},
        {"process_tree",
         {{"max_processes", Scalar(c.max_processes)},
          {"max_ancestors", Scalar(c.max_ancestors)},
          {"exit_grace_seconds", Scalar(c.exit_grace_seconds)}}},
        {"stdout",
         {{"enabled", Scalar(c.stdout_enabled)},
          {"format", OneOf(c.stdout_format, {"auto", "text", "json"})}}},
        {"sqlite",
         {{"enabled", Scalar(c.sqlite_enabled)},
          {"path", Scalar(c.sqlite_path)},
          {"retention_days", Scalar(c.sqlite_retention_days)},
          {"max_rows", Scalar(c.sqlite_max_rows)}}},
        {"jsonl", {{"enabled", Scalar(c.jsonl_enabled)}, {"path", Scalar(c.jsonl_path)}}},
        {"http",
         {{"enabled", Scalar(c.http_enabled)},
          {"url", Scalar(c.http_url)},
          {"spool_dir", Scalar(c.http_spool_dir)}}},
        {"clickhouse",
         {{"enabled", Scalar(c.clickhouse_enabled)},
          {"url", Scalar(c.clickhouse_url)},
          {"table", Scalar(c.clickhouse_table)},
          {"spool_dir", Scalar(c.clickhouse_spool_dir)}}},
        {"sinks",
         {{"queue_capacity", Scalar(c.sink_queue_capacity)},
          {"failure_log_interval_seconds", Scalar(c.sink_failure_log_interval_seconds)}}},
        {"agent",
         {{"stats_interval_seconds", Scalar(c.stats_interval_seconds)},
          {"hostname", Scalar(c.hostname)},
          {"priority_boost", Scalar(c.priority_boost)}}},
        {"response",
         {{"enforcement", Scalar(c.enforcement)},
          {"kill_excluded_paths", StringList(c.kill_excluded_paths)}}},
    };

    if (root.IsNull()) return;  // an empty file keeps every default
    if (!root.IsMap()) {
      Problem(root, "the configuration must be a mapping of sections");
      return;
    }
    for (const auto& section : root) {
      std::string name = section.first.Scalar();
      auto it = sections.find(name);
      if (it == sections.end()) {
        Problem(section.first, fmt::format("unknown section '{}'", name));
        continue;
      }
      if (section.second.IsNull()) continue;
      if (!section.second.IsMap()) {
        Problem(section.second, fmt::format("section '{}' must be a mapping", name));
        continue;
      }
      for (const auto& entry : section.second) {
        std::string key = entry.first.Scalar();
        auto setter = it->second.find(key);
        if (setter == it->second.end()) {
          Problem(entry.first, fmt::format("unknown key '{}.{}'", name, key));
          continue;
        }
        if (std::string problem = setter->second(entry.second); !problem.empty()) {
          Problem(entry.second, fmt::format("{}.{}: {}", name, key, problem));
        }
      }
    }
    if (c.ring_size_mib == 0 || c.ring_size_mib > 1024) {
      problems_.push_back(fmt::format("{}: collector.ring_size_mib must be 1..1024", origin_));
    }
    if (c.poll_interval_ms == 0 || c.poll_interval_ms > 1000) {
      problems_.push_back(fmt::format("{}: collector.poll_interval_ms must be 1..1000", origin_));
    }
    if (c.min_poll_interval_ms == 0 || c.min_poll_interval_ms > c.poll_interval_ms) {
      problems_.push_back(fmt::format(
          "{}: collector.min_poll_interval_ms must be 1..collector.poll_interval_ms", origin_));
    }
    if (c.priority_boost > 19) {
      problems_.push_back(fmt::format("{}: agent.priority_boost must be 0..19", origin_));
    }
    if (c.max_processes < 64) {
      problems_.push_back(fmt::format("{}: process_tree.max_processes must be >= 64", origin_));
    }
    if (c.http_enabled && c.http_url.empty()) {
      problems_.push_back(fmt::format("{}: http.url is required when http.enabled", origin_));
    }
  }

  void Problem(const YAML::Node& node, const std::string& message) {
    YAML::Mark mark = node.Mark();
    problems_.push_back(
        fmt::format("{}:{}:{}: {}", origin_, mark.line + 1, mark.column + 1, message));
  }

  const std::vector<std::string>& problems() const { return problems_; }

 private:
  AgentConfig& config_;
  std::string origin_;
  std::vector<std::string> problems_;
};

}  // namespace

Result<AgentConfig> ParseAgentConfig(const std::string& text, const std::string& origin) {
  AgentConfig config;
  Parser parser(config, origin);
  try {
    parser.Parse(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("{}:{}:{}: {}", origin, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!parser.problems().empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("{}", fmt::join(parser.problems(), "\n")));
  }
  return config;
}

Result<AgentConfig> LoadAgentConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return ErrnoError("opening config " + path, errno);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseAgentConfig(buffer.str(), path);
}

}  // namespace picket::app
