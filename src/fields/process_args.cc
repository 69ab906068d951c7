#include "fields/process_args.h"

#include <cctype>
#include <cstring>  // memrchr (GNU)

namespace picket::fields {
namespace {

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

}  // namespace

ArgsFlagsAndOptions DeriveArgsFlagsAndOptions(const std::vector<std::string>& argv) {
  ArgsFlagsAndOptions result;
  if (argv.size() > 1) result.flags.reserve(argv.size() - 1);
  for (std::size_t i = 1; i < argv.size(); ++i) {
    std::string_view arg = argv[i];
    if (arg.size() <= 1 || arg.front() != '-') continue;
    std::string_view name = arg.substr(1);
    bool is_long = false;
    if (!name.empty() && name.front() == '-') {
      name.remove_prefix(1);
      is_long = true;
    }
    if (name.empty()) continue;

    if (!is_long) {
      bool all_alnum = true;
      for (char c : name) all_alnum = all_alnum && IsAlnum(c);
      if (all_alnum) {
        for (char c : name) result.flags.emplace_back(1, c);
      }
    }
    if (name.size() > 1 && name.find('=') == std::string_view::npos) {
      result.flags.emplace_back(name);
    }

    if (IsAlnum(name.front())) {
      if (name.find('=') != std::string_view::npos) {
        result.options.emplace_back(name);
      } else if (i + 1 < argv.size() && (argv[i + 1].empty() || argv[i + 1].front() != '-')) {
        result.options.push_back(std::string(name) + "=" + argv[i + 1]);
        ++i;
      }
    }
  }
  return result;
}

std::string JoinArgs(const std::vector<std::string>& argv) {
  std::string joined;
  if (argv.size() <= 1) return joined;
  std::size_t length = argv.size() - 2;  // separators
  for (std::size_t i = 1; i < argv.size(); ++i) length += argv[i].size();
  joined.reserve(length);
  for (std::size_t i = 1; i < argv.size(); ++i) {
    if (i > 1) joined += ' ';
    joined += argv[i];
  }
  return joined;
}

std::vector<std::string> EnvironmentNames(const std::vector<std::string>& envp) {
  std::vector<std::string> names;
  names.reserve(envp.size());
  for (const std::string& entry : envp) names.push_back(entry.substr(0, entry.find('=')));
  return names;
}

std::string_view EnvironmentValue(const std::vector<std::string>& envp, std::string_view name) {
  for (const std::string& entry : envp) {
    std::string_view view = entry;
    if (view.size() > name.size() && view.starts_with(name) && view[name.size()] == '=') {
      return view.substr(name.size() + 1);
    }
  }
  return {};
}

std::string_view BaseName(std::string_view path) {
  // memrchr scans a word at a time; string_view::rfind goes byte by byte,
  // and file.name is read for every ancestor a rule looks at.
  const void* slash = path.empty() ? nullptr : memrchr(path.data(), '/', path.size());
  if (slash == nullptr) return path;
  return path.substr(static_cast<std::size_t>(static_cast<const char*>(slash) - path.data()) + 1);
}

std::string_view Extension(std::string_view path) {
  std::string_view name = BaseName(path);
  std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return name.substr(dot + 1);
}

std::string_view CgroupManager(std::string_view cgroup_path) {
  if (cgroup_path.empty()) return {};
  if (cgroup_path.find("docker") != std::string_view::npos) return "docker";
  if (cgroup_path.find("crio") != std::string_view::npos) return "cri-o";
  if (cgroup_path.find("libpod") != std::string_view::npos) return "podman";
  if (cgroup_path.find("containerd") != std::string_view::npos ||
      cgroup_path.find("cri-containerd") != std::string_view::npos) {
    return "containerd";
  }
  if (cgroup_path.find(".slice") != std::string_view::npos ||
      cgroup_path.find(".scope") != std::string_view::npos ||
      cgroup_path.find(".service") != std::string_view::npos) {
    return "systemd";
  }
  return {};
}

}  // namespace picket::fields
