// Values SECL derives from a process image rather than reading directly:
// args_flags / args_options (spec §11.2), the space-joined args string,
// environment variable names, file name/extension, the cgroup manager.
// Pure functions, tested on their own.

#ifndef PICKET_FIELDS_PROCESS_ARGS_H_
#define PICKET_FIELDS_PROCESS_ARGS_H_

#include <string>
#include <string_view>
#include <vector>

namespace picket::fields {

struct ArgsFlagsAndOptions {
  std::vector<std::string> flags;
  std::vector<std::string> options;
};

// `argv` includes argv[0], which is skipped. For each argument longer than 1
// byte starting with '-': strip one '-', and a second one marking a long
// argument. Flags: for a short argument made only of alphanumerics, each
// character; and the whole name when longer than 1 byte and without '='.
// Options: for a name starting with an alphanumeric, the whole name when it
// contains '='; otherwise "name=next" when the next argument exists and is
// empty or does not start with '-' (the next argument is then consumed).
ArgsFlagsAndOptions DeriveArgsFlagsAndOptions(const std::vector<std::string>& argv);

// argv[1..] joined with single spaces.
std::string JoinArgs(const std::vector<std::string>& argv);

// "NAME" of each "NAME=value" entry (an entry without '=' is its own name).
std::vector<std::string> EnvironmentNames(const std::vector<std::string>& envp);

// Value of `name` in envp, "" when absent.
std::string_view EnvironmentValue(const std::vector<std::string>& envp, std::string_view name);

std::string_view BaseName(std::string_view path);
// Extension of the base name without the dot; "" when none (".bashrc" has none).
std::string_view Extension(std::string_view path);

// "docker", "containerd", "cri-o", "podman", "systemd" or "" from a cgroup path.
std::string_view CgroupManager(std::string_view cgroup_path);

}  // namespace picket::fields

#endif  // PICKET_FIELDS_PROCESS_ARGS_H_
