// src/secl/constants.h
//
// The default named constants of spec §9 (every constant default.policy uses
// plus the usual families: errno, open flags, mode bits, capabilities,
// ptrace, mmap, BPF, signals, sockets, DNS, prctl, exit causes, rlimits).

#ifndef PICKET_SECL_CONSTANTS_H_
#define PICKET_SECL_CONSTANTS_H_

#include <functional>
#include <string_view>

#include "secl/value.h"

namespace picket::secl {

void ForEachDefaultConstant(const std::function<void(std::string_view, OwnedValue)>& visit);

}  // namespace picket::secl

#endif  // PICKET_SECL_CONSTANTS_H_
