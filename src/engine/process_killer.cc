#include "engine/process_killer.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace picket::engine {
namespace {

int SendWithKill(std::uint32_t pid, int signal_number) {
  return kill(static_cast<pid_t>(pid), signal_number) == 0 ? 0 : errno;
}

}  // namespace

std::string_view KillStatusName(KillStatus status) {
  switch (status) {
    case KillStatus::kPerformed:
      return "performed";
    case KillStatus::kPartiallyPerformed:
      return "partially_performed";
    case KillStatus::kError:
      return "error";
    case KillStatus::kRefused:
      return "refused";
    case KillStatus::kRuleDisarmed:
      return "rule_disarmed";
    case KillStatus::kDisabled:
      return "disabled";
  }
  return "error";
}

ProcessKiller::ProcessKiller(KillOptions options, SendFn send)
    : options_(std::move(options)), send_(send != nullptr ? send : SendWithKill) {
  for (const std::string& pattern : options_.excluded_paths) {
    Result<match::PathGlob> glob = match::PathGlob::Compile(pattern, false);
    if (glob.has_value()) excluded_.push_back(std::move(*glob));
  }
}

bool ProcessKiller::Excluded(std::string_view path) const {
  for (const match::PathGlob& glob : excluded_) {
    if (glob.Matches(path)) return true;
  }
  return false;
}

bool ProcessKiller::Admit(std::map<std::string, std::uint64_t>& cache, const std::string& key,
                          std::uint64_t now_ns) {
  if (cache.count(key) == 0 && cache.size() >= options_.max_distinct) return false;
  cache[key] = now_ns;
  return true;
}

KillReport ProcessKiller::Kill(std::string_view rule_id, const policy::KillAction& action,
                               const proc::Process& target,
                               const std::vector<const proc::Process*>& chain,
                               std::uint64_t now_ns) {
  KillReport report;
  report.signal = action.signal_number;
  if (!options_.enforcement) {
    report.reason = "enforcement is disabled (response.enforcement: false)";
    return report;
  }

  std::vector<const proc::Process*> targets = {&target};
  if (action.scope != policy::KillAction::Scope::kProcess && !target.container_id.empty()) {
    for (const proc::Process* ancestor : chain) {
      if (ancestor->container_id == target.container_id) targets.push_back(ancestor);
    }
  }
  for (const proc::Process* t : targets) {
    std::uint32_t pid = t->key.pid;
    if (pid <= 1 || pid == options_.own_pid || Excluded(t->file.path)) {
      report.status = KillStatus::kRefused;
      report.reason =
          fmt::format("refusing to signal pid {} ({}): protected target", pid, t->file.path);
      return report;
    }
    if (std::find(report.pids.begin(), report.pids.end(), pid) == report.pids.end() &&
        t->is_alive()) {
      report.pids.push_back(pid);
    }
  }

  Disarmer& disarmer = disarmers_[std::string(rule_id)];
  auto expired = [&](const auto& entry) { return entry.second + options_.period_ns <= now_ns; };
  std::erase_if(disarmer.executables, expired);
  std::erase_if(disarmer.containers, expired);
  // Re-armed once everything that tripped it has aged out (spec §14.3).
  if (disarmer.executables.empty() && disarmer.containers.empty()) disarmer.disarmed = false;
  bool executables_ok = Admit(disarmer.executables, target.file.path, now_ns);
  bool containers_ok =
      target.container_id.empty() || Admit(disarmer.containers, target.container_id, now_ns);
  if (!executables_ok || !containers_ok) disarmer.disarmed = true;
  if (disarmer.disarmed) {
    report.status = KillStatus::kRuleDisarmed;
    report.reason = fmt::format(
        "rule {} would kill more than {} distinct {} within {} s", rule_id, options_.max_distinct,
        executables_ok ? "containers" : "executables", options_.period_ns / 1'000'000'000);
    return report;
  }

  std::size_t sent = 0;
  for (std::uint32_t pid : report.pids) {
    int error = send_(pid, action.signal_number);
    if (error == 0 || error == ESRCH) {
      ++sent;
    } else if (report.reason.empty()) {
      report.reason = fmt::format("kill({}, {}): {}", pid, action.signal_number, strerror(error));
    }
  }
  report.status = sent == report.pids.size() ? KillStatus::kPerformed
                  : sent == 0                ? KillStatus::kError
                                             : KillStatus::kPartiallyPerformed;
  return report;
}

}  // namespace picket::engine
