// The `picket` CLI is one binary with subcommands. Each subcommand lives in
// its own <name>_command.cc, linked directly into the binary, and registers
// itself at static-initialisation time with a CommandRegistrar:
//
//   namespace {
//   void AddPolicyCommand(CLI::App& root, int& exit_code) {
//     CLI::App* policy = root.add_subcommand("policy", "Validate and explain policies");
//     ...
//     sub->callback([&exit_code, options] { exit_code = RunCheck(*options); });
//   }
//   const picket::app::CommandRegistrar kRegistrar(AddPolicyCommand);
//   }  // namespace
//
// A callback sets `exit_code` (0 success, 1 findings/errors, 2 usage) instead
// of calling exit(), so destructors run and stdout is flushed.

#ifndef PICKET_APP_COMMAND_H_
#define PICKET_APP_COMMAND_H_

#include <CLI/CLI.hpp>
#include <vector>

namespace picket::app {

using AddCommandFn = void (*)(CLI::App& root, int& exit_code);

class CommandRegistrar {
 public:
  explicit CommandRegistrar(AddCommandFn add);
};

// All registered subcommand adders, in link order.
const std::vector<AddCommandFn>& RegisteredCommands();

}  // namespace picket::app

#endif  // PICKET_APP_COMMAND_H_
