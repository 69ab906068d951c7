// src/match/path_glob.h
//
// SECL path globs (spec §5.4), used for patterns compared with path fields
// (*.file.path). Pattern and path are split on '/'; each pattern element
// matches exactly one path element with the plain-pattern algorithm (so `*`
// never crosses '/'); an element that is exactly `**` matches any number of
// whole elements — zero or more in the middle of the pattern, at least one
// (possibly empty) at its end, so "/tmp/**" matches "/tmp/" but not "/tmp".
// `**` may appear once; `**` inside a longer element acts as `*`.
// A pattern starting with "*/" drops the path's first byte (the leading '/'),
// a pattern without `*` is an exact comparison, and empty input never
// matches.

#ifndef PICKET_MATCH_PATH_GLOB_H_
#define PICKET_MATCH_PATH_GLOB_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace picket::match {

class PathGlob {
 public:
  // Rejects a second `**` element ("`**` is allowed only once in a path
  // pattern").
  static Result<PathGlob> Compile(std::string_view pattern, bool case_insensitive);

  bool Matches(std::string_view path) const;
  const std::string& text() const { return text_; }

  // When the glob is "<literal>/**" (no other wildcard), the path matches
  // iff it starts with "<literal>/": that prefix, for PrefixSet. nullopt
  // otherwise.
  std::optional<std::string> LiteralPrefix() const;

 private:
  PathGlob() = default;

  std::string text_;
  std::vector<std::string> elements_;
  std::optional<std::size_t> double_star_index_;
  bool is_exact_ = false;          // no '*' at all
  bool drops_first_byte_ = false;  // first element is exactly "*"
  bool case_insensitive_ = false;
};

}  // namespace picket::match

#endif  // PICKET_MATCH_PATH_GLOB_H_
