#include "policy/actions.h"

namespace picket::policy {

std::string_view VariableScopeName(VariableScope scope) {
  switch (scope) {
    case VariableScope::kGlobal:
      return "global";
    case VariableScope::kProcess:
      return "process";
    case VariableScope::kContainer:
      return "container";
    case VariableScope::kCgroup:
      return "cgroup";
  }
  return "global";
}

std::string SetAction::QualifiedName() const {
  if (scope == VariableScope::kGlobal) return name;
  return std::string(VariableScopeName(scope)) + "." + name;
}

std::string_view ActionKindName(const Action& action) {
  static constexpr std::string_view kNames[] = {"set", "kill", "hash", "log", "coredump"};
  return kNames[action.kind.index()];
}

}  // namespace picket::policy
