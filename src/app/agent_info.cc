#include "app/agent_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>

#include "app/version.h"

namespace picket::app {

signals::AgentInfo DetectAgentInfo(const AgentConfig& config) {
  signals::AgentInfo info;
  info.hostname = config.hostname;
  if (info.hostname.empty()) {
    char name[256] = {};
    if (gethostname(name, sizeof(name) - 1) == 0) info.hostname = name;
  }
  info.picket_version = std::string(kVersion);
  info.emulated_agent_version = config.agent_version;
  utsname uts{};
  if (uname(&uts) == 0) {
    info.kernel_version = uts.release;
    info.arch = uts.machine;
  }
  return info;
}

Result<AgentConfig> LoadConfigOrDefaults(const std::string& path) {
  constexpr const char* kDefaultPath = "/etc/picket/picket.yaml";
  if (!path.empty()) return LoadAgentConfig(path);
  std::error_code error;
  if (std::filesystem::exists(kDefaultPath, error)) return LoadAgentConfig(kDefaultPath);
  return AgentConfig{};
}

}  // namespace picket::app
