#include "signals/signal_builder.h"

#include <string_view>

#include "base/clock.h"
#include "signals/template.h"

namespace picket::signals {
namespace {

using nlohmann::json;

std::string_view Basename(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string TimeOrEmpty(std::uint64_t ns) { return ns == 0 ? "" : FormatRfc3339Nanos(ns); }

// Capability names by bit number (linux/capability.h), for spec §15's
// `cap_effective: ["CAP_SYS_ADMIN", ...]`.
constexpr std::string_view kCapabilityNames[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

}  // namespace

json CapabilityNames(std::uint64_t mask) {
  json names = json::array();
  for (unsigned bit = 0; bit < 64; ++bit) {
    if ((mask & (1ULL << bit)) == 0) continue;
    if (bit < std::size(kCapabilityNames)) {
      names.push_back(kCapabilityNames[bit]);
    } else {
      names.push_back("CAP_" + std::to_string(bit));  // newer than this table
    }
  }
  return names;
}

namespace {

json CredentialsJson(const events::Credentials& c, UserNames& names) {
  return {
      {"uid", c.uid},
      {"user", names.User(c.uid)},
      {"gid", c.gid},
      {"group", names.Group(c.gid)},
      {"euid", c.euid},
      {"euser", names.User(c.euid)},
      {"egid", c.egid},
      {"egroup", names.Group(c.egid)},
      {"fsuid", c.fsuid},
      {"fsuser", names.User(c.fsuid)},
      {"fsgid", c.fsgid},
      {"fsgroup", names.Group(c.fsgid)},
      {"auid", c.auid},
      {"cap_effective", CapabilityNames(c.cap_effective)},
      {"cap_permitted", CapabilityNames(c.cap_permitted)},
  };
}

std::string_view Category(std::string_view event_type) {
  if (event_type == "exec" || event_type == "fork" || event_type == "exit") {
    return "Process Activity";
  }
  return "Unknown";
}

json Tags(const RuleInfo& rule, std::string_view event_type) {
  json tags = json::array();
  tags.push_back("rule_id:" + rule.id);
  if (!rule.group_id.empty()) tags.push_back("source_rule_id:" + rule.id);
  tags.push_back("type:" + std::string(event_type));
  if (!rule.severity.empty()) tags.push_back("severity:" + rule.severity);
  for (const auto& [key, value] : rule.tags) tags.push_back(key + ":" + value);
  for (const std::string& tag : rule.product_tags) tags.push_back(tag);
  return tags;
}

json ExitJson(const events::Event& event) {
  const auto* exit = std::get_if<events::ExitEvent>(&event);
  if (exit == nullptr) return nullptr;
  std::string cause = exit->exit_signal() == 0        ? "EXITED"
                      : (exit->exit_code & 0x80) != 0 ? "COREDUMPED"
                                                      : "SIGNALED";
  return {{"cause", cause},
          {"code", exit->exit_signal() == 0 ? exit->exit_status() : exit->exit_signal()}};
}

}  // namespace

json FileJson(const events::FileInfo& file) {
  return {
      {"path", file.path},
      {"name", std::string(Basename(file.path))},
      {"inode", file.inode},
      {"mode", file.mode},
      {"uid", file.uid},
      {"gid", file.gid},
      {"mount_id", file.mount_id},
      {"filesystem", file.filesystem},
      {"modification_time", TimeOrEmpty(file.modification_time_ns)},
      {"change_time", TimeOrEmpty(file.change_time_ns)},
  };
}

json ProcessJson(const proc::Process& p, UserNames& names) {
  json args = json::array();
  for (std::size_t i = 1; i < p.argv.size(); ++i) args.push_back(p.argv[i]);
  json process = {
      {"pid", p.key.pid},
      {"ppid", p.parent_key.pid},
      {"tid", p.tid == 0 ? p.key.pid : p.tid},
      {"uid", p.credentials.uid},
      {"gid", p.credentials.gid},
      {"user", names.User(p.credentials.uid)},
      {"group", names.Group(p.credentials.gid)},
      {"comm", p.comm},
      {"tty", p.tty},
      {"argv0", p.argv.empty() ? "" : p.argv.front()},
      {"args", std::move(args)},
      {"args_truncated", p.args_truncated},
      {"executable", FileJson(p.file)},
      {"credentials", CredentialsJson(p.credentials, names)},
      {"container", {{"id", p.container_id}}},
      {"cgroup", {{"id", p.cgroup_id}, {"path", p.cgroup_path}}},
      {"fork_time", TimeOrEmpty(p.fork_time_ns)},
      {"exec_time", TimeOrEmpty(p.exec_time_ns)},
      {"exit_time", TimeOrEmpty(p.exit_time_ns)},
      {"is_thread", p.is_thread},
      {"is_exec", p.is_exec},
      {"exited", !p.is_alive()},
      {"from_seed", p.from_seed},
  };
  if (!p.interpreter.path.empty()) process["interpreter"] = FileJson(p.interpreter);
  return process;
}

std::string Signal::ToJsonLine() const {
  return document.dump(-1, ' ', false, json::error_handler_t::replace);
}

Signal BuildSignal(const RuleInfo& rule, const MatchContext& match, const AgentInfo& agent,
                   UserNames& names) {
  const events::Event& event = *match.event;
  const proc::Process& process = *match.process;
  std::string_view event_type = events::EventTypeName(event);
  std::uint64_t timestamp = events::TimestampNs(event);
  std::string reported_id = rule.group_id.empty() ? rule.id : rule.group_id;

  json process_json = ProcessJson(process, names);
  json ancestors = json::array();
  for (const proc::Process* ancestor : match.ancestors) {
    ancestors.push_back(ProcessJson(*ancestor, names));
  }
  if (!ancestors.empty()) process_json["parent"] = ancestors.front();
  process_json["ancestors"] = std::move(ancestors);
  process_json["truncated_ancestors"] = match.gaps.ancestors_truncated;

  json agent_json = {
      {"rule_id", reported_id},
      {"rule_version", rule.version},
      {"policy_name", rule.policy_name},
      {"policy_version", rule.policy_version},
      {"version", agent.picket_version},
      {"emulated_datadog_version", agent.emulated_agent_version},
      {"os", "linux"},
      {"arch", agent.arch},
      {"origin", "ebpf"},
      {"kernel_version", agent.kernel_version},
  };
  if (!rule.group_id.empty()) agent_json["original_rule_id"] = rule.id;

  json document = {
      {"agent", std::move(agent_json)},
      {"title", rule.description},
      {"severity", rule.severity},
      {"tags", Tags(rule, event_type)},
      {"evt", {{"name", event_type}, {"category", Category(event_type)}, {"outcome", "Success"}}},
      {"date", FormatRfc3339Nanos(timestamp)},
      {"timestamp_ns", timestamp},
      {"host", agent.hostname},
      {"usr",
       {{"id", names.User(process.credentials.uid)},
        {"group", names.Group(process.credentials.gid)}}},
      {"file", FileJson(process.file)},
      {"process", std::move(process_json)},
      {"container", {{"id", process.container_id}}},
      {"gaps",
       {{"lost_records_since_previous", match.gaps.lost_records_since_previous},
        {"suppressed_since_previous", match.gaps.suppressed_since_previous},
        {"ancestors_truncated", match.gaps.ancestors_truncated},
        {"ancestors_unresolved", match.gaps.ancestors_unresolved}}},
  };
  if (json exit = ExitJson(event); !exit.is_null()) document["exit"] = std::move(exit);

  Signal signal;
  signal.message = rule.message_template.empty() ? rule.description
                                                 : RenderTemplate(rule.message_template, document);
  document["message"] = signal.message;
  signal.rule_id = std::move(reported_id);
  signal.timestamp_ns = timestamp;
  signal.pid = process.key.pid;
  signal.comm = process.comm;
  signal.title = rule.description;
  signal.severity = rule.severity;
  signal.document = std::move(document);
  return signal;
}

}  // namespace picket::signals
