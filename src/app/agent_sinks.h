// The sinks `picket run` delivers signals to, built from the config: stdout,
// the SQLite store (the embedded default), and optionally a JSON Lines file,
// an HTTP endpoint and ClickHouse. Each gets its own bounded queue and thread
// (sinks::SinkRunner), so a slow or failing one never blocks detection.

#ifndef PICKET_APP_AGENT_SINKS_H_
#define PICKET_APP_AGENT_SINKS_H_

#include <memory>

#include "app/agent_config.h"
#include "sinks/sink_set.h"

namespace picket::app {

std::unique_ptr<sinks::SinkSet> BuildSinks(const AgentConfig& config);

}  // namespace picket::app

#endif  // PICKET_APP_AGENT_SINKS_H_
