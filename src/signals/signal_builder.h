// BuildSignal: the JSON document of spec §15 (Datadog's event shape) for one
// match: agent, title, message (rendered template), tags, evt, date, host,
// usr, file, process {…, parent, ancestors[], truncated_ancestors}, container,
// and picket's own `gaps` annotations.

#ifndef PICKET_SIGNALS_SIGNAL_BUILDER_H_
#define PICKET_SIGNALS_SIGNAL_BUILDER_H_

#include <vector>

#include "base/user_names.h"
#include "events/process_events.h"
#include "proc/process.h"
#include "signals/signal.h"

namespace picket::signals {

struct MatchContext {
  const events::Event* event = nullptr;
  const proc::Process* process = nullptr;       // the event's process image
  std::vector<const proc::Process*> ancestors;  // parent first (SECL lineage)
  Gaps gaps;
};

Signal BuildSignal(const RuleInfo& rule, const MatchContext& match, const AgentInfo& agent,
                   UserNames& names);

// Building blocks, exposed for the record/replay writer and tests.
nlohmann::json FileJson(const events::FileInfo& file);
nlohmann::json ProcessJson(const proc::Process& process, UserNames& names);
// ["CAP_CHOWN", "CAP_SYS_ADMIN", ...] for a capability bit mask.
nlohmann::json CapabilityNames(std::uint64_t mask);

}  // namespace picket::signals

#endif  // PICKET_SIGNALS_SIGNAL_BUILDER_H_
