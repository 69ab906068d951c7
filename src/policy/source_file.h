// A policy file's text kept for diagnostics: byte offsets → 1-based
// line/column, the text of a line, and strings decoded from YAML scalars with
// the file offset of each of their bytes, so an error at byte 40 of a
// multi-line block-scalar expression is reported at its real file line.

#ifndef PICKET_POLICY_SOURCE_FILE_H_
#define PICKET_POLICY_SOURCE_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace picket::policy {

class SourceFile {
 public:
  // `path` is what diagnostics print (as given on the command line).
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

  struct Position {
    std::uint32_t line = 1;    // 1-based
    std::uint32_t column = 1;  // 1-based, in bytes
  };
  // Offsets past the end clamp to the end of the text.
  Position PositionOf(std::uint32_t offset) const;
  // Line `line` (1-based) without its line terminator; "" when out of range.
  std::string_view Line(std::uint32_t line) const;
  // Offset of the first byte of line `line` (1-based).
  std::uint32_t LineStart(std::uint32_t line) const;
  // Offset of the position (1-based line, 1-based column), clamped to the file.
  std::uint32_t OffsetOf(std::uint32_t line, std::uint32_t column) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
};

using SourceFilePtr = std::shared_ptr<const SourceFile>;

// A string decoded from a YAML scalar, with where each byte came from.
struct LocatedString {
  std::string value;
  // offsets[i] is the file offset of value[i]; offsets[value.size()] is the
  // offset just after the last byte. Always value.size() + 1 entries.
  std::vector<std::uint32_t> offsets;
  std::uint32_t node_offset = 0;  // where the YAML node starts in the file

  // File offset of byte `index` of value (clamped to the end).
  std::uint32_t FileOffset(std::uint32_t index) const;
};

// Aligns a decoded scalar `value` whose YAML node starts at `node_offset`
// with the raw file text. Works for every scalar style (plain, quoted with
// '' or escapes, literal and folded block scalars, tags and anchors before
// the value): each decoded byte is matched with the next identical raw byte
// within a short look-ahead, which skips quotes, indentation and escape
// backslashes. Bytes without a match (an escape such as \t) map to the
// current raw position, so a location is never off by more than a few bytes.
LocatedString LocateScalar(std::string_view file_text, std::uint32_t node_offset,
                           std::string value);

}  // namespace picket::policy

#endif  // PICKET_POLICY_SOURCE_FILE_H_
