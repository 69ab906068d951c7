#include "secl/diagnostic.h"

#include <algorithm>

namespace picket::secl {

void Diagnostics::AddError(SourceSpan span, std::string message, std::string hint) {
  items_.push_back(
      Diagnostic{Diagnostic::Severity::kError, span, std::move(message), std::move(hint)});
  ++error_count_;
}

void Diagnostics::AddWarning(SourceSpan span, std::string message, std::string hint) {
  items_.push_back(
      Diagnostic{Diagnostic::Severity::kWarning, span, std::move(message), std::move(hint)});
}

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
  error_count_ += other.error_count_;
}

std::string Diagnostics::RenderAll(std::string_view source, std::string_view origin) const {
  std::string text;
  for (const Diagnostic& diagnostic : items_) text += Render(diagnostic, source, origin);
  return text;
}

SourceLocation LocateOffset(std::string_view text, std::uint32_t offset) {
  const std::size_t end = std::min<std::size_t>(offset, text.size());
  SourceLocation location;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++location.line;
      line_start = i + 1;
    }
  }
  location.column = static_cast<std::uint32_t>(end - line_start + 1);
  return location;
}

LocationMapper ShiftedLocationMapper(std::string_view text, SourceLocation base,
                                     std::uint32_t continuation_column) {
  return [text, base, continuation_column](std::uint32_t offset) {
    const SourceLocation inner = LocateOffset(text, offset);
    if (inner.line == 1) return SourceLocation{base.line, base.column + inner.column - 1};
    return SourceLocation{base.line + inner.line - 1, continuation_column + inner.column - 1};
  };
}

std::string Render(const Diagnostic& diagnostic, std::string_view source, std::string_view origin,
                   const LocationMapper& mapper) {
  const std::size_t begin = std::min<std::size_t>(diagnostic.span.begin, source.size());
  const std::size_t end = std::clamp<std::size_t>(diagnostic.span.end, begin, source.size());
  const SourceLocation location = mapper ? mapper(static_cast<std::uint32_t>(begin))
                                         : LocateOffset(source, static_cast<std::uint32_t>(begin));

  std::string text(origin);
  text += ':' + std::to_string(location.line) + ':' + std::to_string(location.column) + ": ";
  text += diagnostic.severity == Diagnostic::Severity::kError ? "error: " : "warning: ";
  text += diagnostic.message;
  text += '\n';

  // The source line holding the span's start, with non-printable bytes
  // replaced so the caret stays aligned and the terminal stays sane.
  std::size_t line_begin = 0;
  if (begin > 0) {
    const std::size_t newline = source.rfind('\n', begin - 1);
    if (newline != std::string_view::npos) line_begin = newline + 1;
  }
  std::size_t line_end = source.find('\n', begin);
  if (line_end == std::string_view::npos) line_end = source.size();
  constexpr std::size_t kMaxEchoBytes = 200;  // a 1 MB one-line rule stays readable
  std::size_t echo_begin = line_begin;
  if (begin - line_begin > kMaxEchoBytes / 2) echo_begin = begin - kMaxEchoBytes / 2;
  const std::size_t echo_end = std::min(line_end, echo_begin + kMaxEchoBytes);
  for (std::size_t i = echo_begin; i < echo_end; ++i) {
    const unsigned char c = static_cast<unsigned char>(source[i]);
    text += (c >= 0x20 && c < 0x7f) || c == '\t' ? static_cast<char>(c) : '?';
  }
  text += '\n';
  for (std::size_t i = echo_begin; i < begin; ++i) text += source[i] == '\t' ? '\t' : ' ';
  text += '^';
  const std::size_t underline_end = std::min(end, echo_end);
  for (std::size_t i = begin + 1; i < underline_end; ++i) text += '~';
  text += '\n';
  if (!diagnostic.hint.empty()) text += "hint: " + diagnostic.hint + '\n';
  return text;
}

}  // namespace picket::secl
