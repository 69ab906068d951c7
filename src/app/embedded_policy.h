// The shipped policy (policies/default.policy), compiled into the binary so
// `picket run` detects with no files installed. Generated at build time by
// cmake/EmbedText.cmake.

#ifndef PICKET_APP_EMBEDDED_POLICY_H_
#define PICKET_APP_EMBEDDED_POLICY_H_

#include <string_view>

namespace picket::app {

// The text of policies/default.policy at build time.
std::string_view EmbeddedDefaultPolicy();

// The name it is loaded under. Not "default.policy": that name is left to a
// user-supplied default policy (Datadog's), which §12.5 loads first.
inline constexpr std::string_view kEmbeddedPolicyName = "picket.policy";

}  // namespace picket::app

#endif  // PICKET_APP_EMBEDDED_POLICY_H_
