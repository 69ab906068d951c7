// `picket version`: the agent version and the emulated Datadog agent version
// used for policy `agent_version` constraints.

#include <cstdio>

#include "app/command.h"
#include "app/version.h"

namespace picket::app {
namespace {

void AddVersionCommand(CLI::App& root, int& exit_code) {
  CLI::App* version = root.add_subcommand("version", "Print the picket version");
  version->callback([&exit_code] {
    std::printf("picket %.*s\n", static_cast<int>(kVersion.size()), kVersion.data());
    exit_code = 0;
  });
}

const CommandRegistrar kRegistrar(AddVersionCommand);

}  // namespace
}  // namespace picket::app
