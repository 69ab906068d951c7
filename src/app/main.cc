// picket: Linux runtime-security agent. Entry point: builds the CLI from the
// registered subcommands (see command.h) and runs the selected one.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/command.h"
#include "app/version.h"

namespace picket::app {

CommandRegistrar::CommandRegistrar(AddCommandFn add) {
  // Function-local static: safe against static-initialisation order.
  const_cast<std::vector<AddCommandFn>&>(RegisteredCommands()).push_back(add);
}

const std::vector<AddCommandFn>& RegisteredCommands() {
  static std::vector<AddCommandFn> commands;
  return commands;
}

}  // namespace picket::app

int main(int argc, char** argv) {
  CLI::App root{"picket: Linux runtime-security agent (eBPF + SECL)"};
  root.set_version_flag("--version", std::string(picket::app::kVersion));
  root.require_subcommand(1);
  int exit_code = 0;
  for (picket::app::AddCommandFn add : picket::app::RegisteredCommands()) add(root, exit_code);
  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return root.exit(e);
  }
  std::fflush(stdout);
  return exit_code;
}
