// Problems found while loading policies, located in the policy FILE (not in
// the decoded expression) and rendered compiler-style:
//
//   default.policy:41:18: error: unknown field 'process.parnet.name'
//       expression: process.parnet.name == "sshd"
//                   ^~~~~~~~~~~~~~~~~~~
//   hint: did you mean 'process.parent.name'?
//
// Errors make `picket policy check` fail; warnings (a rule skipped because it
// needs a field picket does not collect, a rule filtered out) do not.

#ifndef PICKET_POLICY_POLICY_DIAGNOSTIC_H_
#define PICKET_POLICY_POLICY_DIAGNOSTIC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policy/source_file.h"

namespace picket::policy {

// Why a rule was not loaded without being an error. Grouped in reports.
enum class SkipReason {
  kNone,
  kUnsupportedField,  // a field of an event type picket does not collect
  kAgentVersion,      // agent_version constraint rejects the emulated version
  kFilter,            // `filters` do not match this host
  kDisabled,          // disabled: true
  kError,             // the rule has errors (reported as error diagnostics)
};
std::string_view SkipReasonName(SkipReason reason);  // "unsupported field", ...

struct PolicyDiagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string file;                    // as given; "" for problems not tied to a file
  std::uint32_t line = 0;              // 1-based; 0 when unknown
  std::uint32_t column = 0;            // 1-based, in bytes; 0 when unknown
  std::string source_line;             // the file line at `line`, "" when unknown
  std::uint32_t underline_length = 0;  // bytes under the span on that line (>= 1 if known)
  std::string message;
  std::string hint;
  std::string rule_id;                         // the rule concerned, if any
  std::string macro_id;                        // the macro concerned, if any
  SkipReason skip_reason = SkipReason::kNone;  // warnings that skip a rule
  // For kUnsupportedField: the field and its event type, for grouping.
  std::string detail;

  bool is_error() const { return severity == Severity::kError; }
};

// A diagnostic for bytes [begin, end) of `file`.
PolicyDiagnostic MakeDiagnostic(PolicyDiagnostic::Severity severity, const SourceFile& file,
                                std::uint32_t begin, std::uint32_t end, std::string message,
                                std::string hint = {});
// A diagnostic with no location (a file that cannot be read).
PolicyDiagnostic MakeFileDiagnostic(PolicyDiagnostic::Severity severity, std::string file,
                                    std::string message, std::string hint = {});

// The compiler-style text above, ending in '\n'. Non-printable bytes of the
// echoed line are shown as '?' so invalid UTF-8 cannot garble a terminal;
// tabs stay tabs so the caret lines up.
std::string Render(const PolicyDiagnostic& diagnostic);

}  // namespace picket::policy

#endif  // PICKET_POLICY_POLICY_DIAGNOSTIC_H_
