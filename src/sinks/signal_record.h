// SignalRecord: the value every sink receives for one security signal. The
// signals/ module fills it from a rule match; sinks read it and never reach
// back into the engine. Plain value, cheap to share: the runner hands the
// same immutable record to every sink through a shared_ptr.

#ifndef PICKET_SINKS_SIGNAL_RECORD_H_
#define PICKET_SINKS_SIGNAL_RECORD_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace picket::sinks {

struct SignalRecord {
  std::string rule_id;             // agent.rule_id
  std::uint64_t timestamp_ns = 0;  // event time, ns since the Unix epoch
  std::string host;                // host name the signal was raised on
  std::uint32_t pid = 0;           // process.pid of the triggering event
  std::string comm;                // process.comm
  std::string user;                // process.user (name; empty when unknown)
  std::string title;               // rule description (spec §15.1 `title`)
  std::string message;             // rendered message template; may be empty
  std::string severity;            // "low" | "medium" | "high" | "critical" | ""
  std::string json;                // the full signal document (spec §15), one line, no '\n'

  bool operator==(const SignalRecord&) const = default;
};

using SignalRecordPtr = std::shared_ptr<const SignalRecord>;

// What a sink writes in one call: records in submission order. The span and
// the records stay valid for the duration of the call only.
using SignalBatch = std::span<const SignalRecordPtr>;

}  // namespace picket::sinks

#endif  // PICKET_SINKS_SIGNAL_RECORD_H_
