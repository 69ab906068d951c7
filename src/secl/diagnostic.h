// src/secl/diagnostic.h
//
// Authoring mistakes in SECL text are diagnostics, not errors: every stage
// appends to a Diagnostics list and carries on where it can, so one run
// reports every problem. base/Error is for operational failures only.
//
// Spans are byte offsets into the exact text that was compiled (the YAML-
// decoded expression). Rendering maps them to the caller's file coordinates:
// an expression inside a YAML block scalar spans several file lines, so the
// caller passes a LocationMapper (or the simple base line/column form).

#ifndef PICKET_SECL_DIAGNOSTIC_H_
#define PICKET_SECL_DIAGNOSTIC_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace picket::secl {

struct SourceSpan {
  std::uint32_t begin = 0;  // byte offsets into the text, [begin, end)
  std::uint32_t end = 0;
};

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  SourceSpan span;
  std::string message;  // "unknown field 'process.parnet.name'"
  std::string hint;     // "did you mean 'process.parent.name'?" or empty
};

class Diagnostics {
 public:
  void AddError(SourceSpan span, std::string message, std::string hint = {});
  void AddWarning(SourceSpan span, std::string message, std::string hint = {});
  void Append(const Diagnostics& other);

  bool HasErrors() const { return error_count_ > 0; }
  std::size_t error_count() const { return error_count_; }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

  // Every diagnostic rendered with Render(…, source, origin), concatenated.
  std::string RenderAll(std::string_view source, std::string_view origin = "rule") const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t error_count_ = 0;
};

// 1-based line and column (column counted in bytes).
struct SourceLocation {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

// Position of byte `offset` of `text` (offsets past the end clamp to the end).
SourceLocation LocateOffset(std::string_view text, std::uint32_t offset);

// Maps an offset in the compiled text to the location printed in the header
// line. Default (empty function): LocateOffset within the text itself.
using LocationMapper = std::function<SourceLocation(std::uint32_t offset)>;

// A mapper for text whose first byte sits at `base` in a file and whose
// later lines start at file column `continuation_column` (a YAML block
// scalar: every line is indented by the same amount). Line k of the text
// (0-based) maps to file line base.line + k. Callers with irregular layouts
// (folded scalars, quoted flow scalars with escapes) write their own mapper.
LocationMapper ShiftedLocationMapper(std::string_view text, SourceLocation base,
                                     std::uint32_t continuation_column);

// Renders
//   <origin>:<line>:<col>: error: <message>
//   <the source line of the span's start>
//   <spaces>^~~~ under the span (clipped to that line)
//   hint: <hint>                       (only when there is one)
// each line ending in '\n'. Non-printable bytes in the echoed line are shown
// as '?', so invalid UTF-8 or control characters cannot garble a terminal.
std::string Render(const Diagnostic& diagnostic, std::string_view source, std::string_view origin,
                   const LocationMapper& mapper = {});

}  // namespace picket::secl

#endif  // PICKET_SECL_DIAGNOSTIC_H_
