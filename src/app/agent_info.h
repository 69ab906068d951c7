// Host and agent facts stamped on every signal (uname, hostname, versions).

#ifndef PICKET_APP_AGENT_INFO_H_
#define PICKET_APP_AGENT_INFO_H_

#include "app/agent_config.h"
#include "signals/signal.h"

namespace picket::app {

// `config.hostname` when set, else gethostname(2).
signals::AgentInfo DetectAgentInfo(const AgentConfig& config);

// The config at `path`, or /etc/picket/picket.yaml when `path` is empty and
// that file exists, or the defaults.
Result<AgentConfig> LoadConfigOrDefaults(const std::string& path);

}  // namespace picket::app

#endif  // PICKET_APP_AGENT_INFO_H_
