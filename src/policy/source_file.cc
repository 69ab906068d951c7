#include "policy/source_file.h"

#include <algorithm>

namespace picket::policy {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

SourceFile::Position SourceFile::PositionOf(std::uint32_t offset) const {
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  std::uint32_t line_index = static_cast<std::uint32_t>(it - line_starts_.begin()) - 1;
  return Position{line_index + 1, offset - line_starts_[line_index] + 1};
}

std::string_view SourceFile::Line(std::uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  std::uint32_t begin = line_starts_[line - 1];
  std::uint32_t end = line < line_starts_.size() ? line_starts_[line] - 1
                                                 : static_cast<std::uint32_t>(text_.size());
  std::string_view result(text_.data() + begin, end - begin);
  if (!result.empty() && result.back() == '\r') result.remove_suffix(1);
  return result;
}

std::uint32_t SourceFile::LineStart(std::uint32_t line) const {
  if (line == 0) return 0;
  if (line > line_starts_.size()) return static_cast<std::uint32_t>(text_.size());
  return line_starts_[line - 1];
}

std::uint32_t SourceFile::OffsetOf(std::uint32_t line, std::uint32_t column) const {
  std::uint32_t start = LineStart(line);
  std::uint32_t length = static_cast<std::uint32_t>(Line(line).size());
  std::uint32_t column_offset = column == 0 ? 0 : std::min(column - 1, length);
  return start + column_offset;
}

std::uint32_t LocatedString::FileOffset(std::uint32_t index) const {
  if (offsets.empty()) return node_offset;
  return offsets[std::min<std::size_t>(index, offsets.size() - 1)];
}

LocatedString LocateScalar(std::string_view file_text, std::uint32_t node_offset,
                           std::string value) {
  // How far ahead a decoded byte may be found. Indentation of block scalars
  // can be long; escapes are short.
  constexpr std::size_t kLookAhead = 128;

  LocatedString located;
  located.node_offset = node_offset;
  std::size_t raw = std::min<std::size_t>(node_offset, file_text.size());

  // Skip a tag ("!", "!!str") and an anchor ("&a") before the value.
  while (raw < file_text.size() && (file_text[raw] == '!' || file_text[raw] == '&')) {
    while (raw < file_text.size() && file_text[raw] != ' ' && file_text[raw] != '\n') ++raw;
    while (raw < file_text.size() && file_text[raw] == ' ') ++raw;
  }
  if (raw < file_text.size()) {
    char first = file_text[raw];
    if (first == '\'' || first == '"') {
      ++raw;
    } else if (first == '|' || first == '>') {
      // The content starts on the line after the block header.
      std::size_t newline = file_text.find('\n', raw);
      raw = newline == std::string_view::npos ? file_text.size() : newline + 1;
    }
  }

  located.offsets.reserve(value.size() + 1);
  for (char c : value) {
    std::size_t limit = std::min(file_text.size(), raw + kLookAhead);
    std::size_t found = raw;
    while (found < limit && file_text[found] != c) ++found;
    if (found < limit) {
      located.offsets.push_back(static_cast<std::uint32_t>(found));
      raw = found + 1;
    } else {
      located.offsets.push_back(static_cast<std::uint32_t>(std::min(raw, file_text.size())));
    }
  }
  located.offsets.push_back(static_cast<std::uint32_t>(std::min(raw, file_text.size())));
  located.value = std::move(value);
  return located;
}

}  // namespace picket::policy
