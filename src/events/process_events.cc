#include "events/process_events.h"

#include <cctype>

namespace picket::events {

std::string_view EventTypeName(const Event& event) {
  struct Visitor {
    std::string_view operator()(const ForkEvent&) const { return "fork"; }
    std::string_view operator()(const ExecEvent&) const { return "exec"; }
    std::string_view operator()(const ExitEvent&) const { return "exit"; }
  };
  return std::visit(Visitor{}, event);
}

std::uint64_t TimestampNs(const Event& event) {
  return std::visit([](const auto& e) { return e.timestamp_ns; }, event);
}

namespace {

bool IsHex64At(std::string_view s, std::size_t pos) {
  if (pos + 64 > s.size()) return false;
  for (std::size_t i = pos; i < pos + 64; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(s[i])) ||
        std::isupper(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  // Must be a whole token: not embedded in a longer hex run.
  bool left_ok = pos == 0 || !std::isxdigit(static_cast<unsigned char>(s[pos - 1]));
  bool right_ok = pos + 64 == s.size() || !std::isxdigit(static_cast<unsigned char>(s[pos + 64]));
  return left_ok && right_ok;
}

}  // namespace

std::string ContainerIdFromCgroupPath(std::string_view cgroup_path) {
  // Scan components from the leaf up: the innermost container wins.
  std::size_t end = cgroup_path.size();
  while (end > 0) {
    std::size_t slash = cgroup_path.rfind('/', end - 1);
    std::size_t begin = slash == std::string_view::npos ? 0 : slash + 1;
    std::string_view component = cgroup_path.substr(begin, end - begin);
    for (std::size_t i = 0; i + 64 <= component.size(); ++i) {
      if (IsHex64At(component, i)) return std::string(component.substr(i, 64));
    }
    if (slash == std::string_view::npos) break;
    end = slash;
  }
  return "";
}

}  // namespace picket::events
