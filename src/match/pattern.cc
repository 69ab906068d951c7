#include "match/pattern.h"

#include <cstddef>

namespace picket::match {
namespace {

char FoldAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsWith(std::string_view value, std::string_view prefix, bool case_insensitive) {
  return value.size() >= prefix.size() &&
         EqualBytes(value.substr(0, prefix.size()), prefix, case_insensitive);
}

// First occurrence of `needle` in `haystack` at or after `from`.
std::size_t Find(std::string_view haystack, std::string_view needle, std::size_t from,
                 bool case_insensitive) {
  if (!case_insensitive) return haystack.find(needle, from);
  if (needle.size() > haystack.size()) return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= haystack.size(); ++i) {
    if (EqualBytes(haystack.substr(i, needle.size()), needle, true)) return i;
  }
  return std::string_view::npos;
}

// The reference algorithm over pre-split segments. `segments` are the literal
// runs between stars; there are segments.size() - 1 stars.
template <typename Segments>
bool MatchSegments(const Segments& segments, std::string_view value, bool case_insensitive) {
  const std::string_view head = segments[0];
  if (!StartsWith(value, head, case_insensitive)) return false;
  std::size_t position = head.size();
  const std::size_t count = segments.size();
  for (std::size_t i = 1; i < count; ++i) {
    const std::string_view segment = segments[i];
    if (segment.empty()) continue;
    const std::size_t found = Find(value, segment, position, case_insensitive);
    if (found == std::string_view::npos) return false;
    position = found + segment.size();
  }
  // A trailing star (empty last segment) absorbs the rest; otherwise the
  // first occurrence of the last segment must end the input.
  return std::string_view(segments[count - 1]).empty() ? true : position == value.size();
}

}  // namespace

bool EqualBytes(std::string_view a, std::string_view b, bool case_insensitive) {
  if (a.size() != b.size()) return false;
  if (!case_insensitive) return a == b;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (FoldAscii(a[i]) != FoldAscii(b[i])) return false;
  }
  return true;
}

bool PatternMatches(std::string_view pattern, std::string_view value, bool case_insensitive) {
  std::size_t star = pattern.find('*');
  if (star == std::string_view::npos) return EqualBytes(pattern, value, case_insensitive);
  // Same algorithm as MatchSegments, splitting on the fly (no allocation).
  if (!StartsWith(value, pattern.substr(0, star), case_insensitive)) return false;
  std::size_t position = star;
  std::string_view rest = pattern.substr(star + 1);
  std::string_view segment;
  for (;;) {
    star = rest.find('*');
    segment = rest.substr(0, star);
    if (!segment.empty()) {
      const std::size_t found = Find(value, segment, position, case_insensitive);
      if (found == std::string_view::npos) return false;
      position = found + segment.size();
    }
    if (star == std::string_view::npos) break;
    rest.remove_prefix(star + 1);
  }
  return segment.empty() ? true : position == value.size();
}

Pattern::Pattern(std::string text, bool case_insensitive)
    : text_(std::move(text)), case_insensitive_(case_insensitive) {
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text_.size(); ++i) {
    if (i == text_.size() || text_[i] == '*') {
      segments_.push_back(text_.substr(start, i - start));
      start = i + 1;
    }
  }
  has_star_ = segments_.size() > 1;
}

Result<Pattern> Pattern::Compile(std::string_view pattern, bool case_insensitive) {
  if (pattern.find("**") != std::string_view::npos) {
    return Error(ErrorCode::kInvalidArgument, "`**` is not allowed in patterns");
  }
  return Pattern(std::string(pattern), case_insensitive);
}

bool Pattern::Matches(std::string_view value) const {
  if (!has_star_) return EqualBytes(text_, value, case_insensitive_);
  return MatchSegments(segments_, value, case_insensitive_);
}

}  // namespace picket::match
