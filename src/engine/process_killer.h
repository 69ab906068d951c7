// ProcessKiller: the `kill` action (spec §14.3) with the safeguards a
// response feature needs before anyone turns it on:
//  - nothing happens unless enforcement is enabled in the agent config;
//  - never pid <= 1, never the agent itself, never an executable matching the
//    excluded globs (sshd, systemd, … by default) — any such target refuses
//    the whole kill;
//  - a per-rule disarmer: when one rule would kill more than `max_distinct`
//    distinct executables (or containers) within `period`, the rule's kill is
//    disarmed (reported, not performed) until both caches are empty again, so
//    a bad rule cannot take down a fleet.
// Scope `process` kills the event's process; `container` (and `cgroup`)
// kills every process of the chain that belongs to the same container.

#ifndef PICKET_ENGINE_PROCESS_KILLER_H_
#define PICKET_ENGINE_PROCESS_KILLER_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "match/path_glob.h"
#include "policy/actions.h"
#include "proc/process.h"

namespace picket::engine {

enum class KillStatus {
  kPerformed,
  kPartiallyPerformed,
  kError,
  kRefused,
  kRuleDisarmed,
  kDisabled
};
std::string_view KillStatusName(KillStatus status);

struct KillReport {
  KillStatus status = KillStatus::kDisabled;
  int signal = 0;
  std::vector<std::uint32_t> pids;  // targeted
  std::string reason;               // why refused / what failed
};

struct KillOptions {
  bool enforcement = false;
  std::uint32_t own_pid = 0;
  std::vector<std::string> excluded_paths;  // path globs (spec §5.4 flavour)
  std::size_t max_distinct = 5;
  std::uint64_t period_ns = 60'000'000'000;
};

class ProcessKiller {
 public:
  // `send` delivers the signal (kill(2) in production; a recorder in tests).
  using SendFn = int (*)(std::uint32_t pid, int signal);

  explicit ProcessKiller(KillOptions options, SendFn send = nullptr);

  // `chain` is the target's ancestors, nearest first (for container scope).
  KillReport Kill(std::string_view rule_id, const policy::KillAction& action,
                  const proc::Process& target, const std::vector<const proc::Process*>& chain,
                  std::uint64_t now_ns);

 private:
  struct Disarmer {
    std::map<std::string, std::uint64_t> executables;  // key → last seen
    std::map<std::string, std::uint64_t> containers;
    bool disarmed = false;
  };
  bool Excluded(std::string_view path) const;
  // True when `key` may be killed under the rule's disarmer.
  bool Admit(std::map<std::string, std::uint64_t>& cache, const std::string& key,
             std::uint64_t now_ns);

  KillOptions options_;
  SendFn send_;
  std::vector<match::PathGlob> excluded_;
  std::map<std::string, Disarmer, std::less<>> disarmers_;
};

}  // namespace picket::engine

#endif  // PICKET_ENGINE_PROCESS_KILLER_H_
