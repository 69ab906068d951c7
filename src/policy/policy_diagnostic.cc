#include "policy/policy_diagnostic.h"

#include <algorithm>

namespace picket::policy {

std::string_view SkipReasonName(SkipReason reason) {
  switch (reason) {
    case SkipReason::kNone:
      return "none";
    case SkipReason::kUnsupportedField:
      return "unsupported field";
    case SkipReason::kAgentVersion:
      return "agent_version";
    case SkipReason::kFilter:
      return "filters";
    case SkipReason::kDisabled:
      return "disabled";
    case SkipReason::kError:
      return "error";
  }
  return "unknown";
}

PolicyDiagnostic MakeDiagnostic(PolicyDiagnostic::Severity severity, const SourceFile& file,
                                std::uint32_t begin, std::uint32_t end, std::string message,
                                std::string hint) {
  PolicyDiagnostic diagnostic;
  diagnostic.severity = severity;
  diagnostic.file = file.path();
  SourceFile::Position position = file.PositionOf(begin);
  diagnostic.line = position.line;
  diagnostic.column = position.column;
  std::string_view line = file.Line(position.line);
  diagnostic.source_line = std::string(line);
  std::uint32_t line_remaining =
      static_cast<std::uint32_t>(line.size()) -
      std::min<std::uint32_t>(position.column - 1, static_cast<std::uint32_t>(line.size()));
  std::uint32_t span = end > begin ? end - begin : 1;
  diagnostic.underline_length = std::max<std::uint32_t>(1, std::min(span, line_remaining));
  diagnostic.message = std::move(message);
  diagnostic.hint = std::move(hint);
  return diagnostic;
}

PolicyDiagnostic MakeFileDiagnostic(PolicyDiagnostic::Severity severity, std::string file,
                                    std::string message, std::string hint) {
  PolicyDiagnostic diagnostic;
  diagnostic.severity = severity;
  diagnostic.file = std::move(file);
  diagnostic.message = std::move(message);
  diagnostic.hint = std::move(hint);
  return diagnostic;
}

std::string Render(const PolicyDiagnostic& diagnostic) {
  std::string out;
  out += diagnostic.file.empty() ? "<policy>" : diagnostic.file;
  if (diagnostic.line > 0) {
    out += ":" + std::to_string(diagnostic.line) + ":" + std::to_string(diagnostic.column);
  }
  out += diagnostic.is_error() ? ": error: " : ": warning: ";
  out += diagnostic.message;
  out += '\n';
  if (diagnostic.line > 0) {
    std::string echoed;
    echoed.reserve(diagnostic.source_line.size());
    for (unsigned char c : diagnostic.source_line) {
      echoed += (c == '\t' || (c >= 0x20 && c < 0x7f)) ? static_cast<char>(c) : '?';
    }
    out += echoed;
    out += '\n';
    std::string caret;
    std::uint32_t prefix =
        std::min<std::uint32_t>(diagnostic.column - 1, static_cast<std::uint32_t>(echoed.size()));
    for (std::uint32_t i = 0; i < prefix; ++i) caret += echoed[i] == '\t' ? '\t' : ' ';
    caret += '^';
    for (std::uint32_t i = 1; i < diagnostic.underline_length; ++i) caret += '~';
    out += caret;
    out += '\n';
  }
  if (!diagnostic.hint.empty()) {
    out += "hint: " + diagnostic.hint + '\n';
  }
  return out;
}

}  // namespace picket::policy
