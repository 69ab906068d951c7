// libFuzzer target: arbitrary bytes as a policy file through the whole load
// pipeline (YAML, filters, combination, macro and rule compilation).
// Invariants beyond "no crash": a loaded rule has a valid id and an event
// type; every diagnostic has a message; errors and the ok() flag agree.

#include <cstddef>
#include <cstdint>
#include <string>

#include "policy/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // default.policy (222 kB) is in the corpus; larger inputs add time, not coverage.
  if (size > 256 * 1024) return 0;
  static const picket::policy::LoadOptions options = [] {
    picket::policy::LoadOptions o;
    o.host.os = "linux";
    o.host.SetKernelRelease("5.10.50-1-amd64");
    return o;
  }();
  std::string text(reinterpret_cast<const char*>(data), size);
  picket::policy::CompiledPolicy policy =
      picket::policy::LoadPolicies({picket::policy::PolicySource{"fuzz.policy", text}}, options);

  for (const picket::policy::CompiledRule& rule : policy.rules) {
    if (rule.id.empty() || rule.event_type.empty()) __builtin_trap();
  }
  std::size_t errors = 0;
  for (const picket::policy::PolicyDiagnostic& diagnostic : policy.diagnostics) {
    if (diagnostic.message.empty()) __builtin_trap();
    errors += diagnostic.is_error();
    (void)picket::policy::Render(diagnostic);
  }
  if ((errors == 0) != policy.ok()) __builtin_trap();
  return 0;
}
