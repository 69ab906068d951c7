// signals/: a rule match → a Signal a human can triage. The Signal owns a copy
// of everything it reports (rule metadata, the event, the process and its
// ancestors), never pointers into the process tree, so it can cross threads
// to the sinks while the tree moves on.

#ifndef PICKET_SIGNALS_SIGNAL_H_
#define PICKET_SIGNALS_SIGNAL_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace picket::signals {

// What a signal needs to know about the rule that matched.
struct RuleInfo {
  std::string id;
  std::string version;
  std::string description;       // becomes `title`, verbatim
  std::string message_template;  // "{{ @process.comm }} ..."; "" → message = title
  std::string severity;          // "low" | "medium" | "high" | "critical"; "" if unset
  std::string group_id;          // reported as agent.rule_id when set
  std::string policy_name;
  std::string policy_version;
  std::map<std::string, std::string> tags;  // rendered as "key:value"
  std::vector<std::string> product_tags;    // "tactic:TA0011-command-and-control", …
};

// The host and agent context stamped on every signal.
struct AgentInfo {
  std::string hostname;
  std::string picket_version;
  std::string emulated_agent_version;  // the Datadog agent version policies are filtered for
  std::string kernel_version;
  std::string arch;
};

// What the pipeline knows it may have missed: reported on the signal so an
// analyst knows how far to trust it (architecture principle 4).
struct Gaps {
  std::uint64_t lost_records_since_previous = 0;  // kernel ring records lost since the last signal
  std::uint64_t suppressed_since_previous = 0;  // matches of this rule dropped by the rate limiter
  bool ancestors_truncated = false;             // the chain was cut at the depth limit
  bool ancestors_unresolved = false;            // the chain ends at a parent the tree never saw
};

struct Signal {
  std::string rule_id;  // the reported id (group_id when set)
  std::uint64_t timestamp_ns = 0;
  std::uint32_t pid = 0;
  std::string comm;
  std::string title;
  std::string message;
  std::string severity;
  nlohmann::json document;  // spec §15 shape; see docs/signal.schema.json

  // One line of JSON; invalid UTF-8 in argv or paths is replaced (U+FFFD).
  std::string ToJsonLine() const;
};

}  // namespace picket::signals

#endif  // PICKET_SIGNALS_SIGNAL_H_
