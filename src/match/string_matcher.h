// src/match/string_matcher.h
//
// One compiled matcher for a list of SECL string members, as in
// `exec.file.path in ["/bin/sh", ~"/tmp/**", r"\.sh$"]`: true when the value
// equals a scalar member, matches a pattern/glob member, or a regex member
// finds a match. Members are grouped by kind (string set, prefix set, globs,
// patterns, regexes) and tried cheapest first. Built once at rule load;
// matching never allocates.

#ifndef PICKET_MATCH_STRING_MATCHER_H_
#define PICKET_MATCH_STRING_MATCHER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "match/path_glob.h"
#include "match/pattern.h"
#include "match/prefix_set.h"
#include "match/regex.h"
#include "match/string_set.h"

namespace picket::match {

struct MatcherOptions {
  // Patterns become path globs (path fields) instead of plain patterns.
  bool patterns_are_path_globs = false;
  bool case_insensitive = false;        // scalars, patterns, globs
  bool regex_case_insensitive = false;  // regexes
  std::int64_t regex_max_memory_bytes = 1 << 20;
};

class StringMatcher {
 public:
  explicit StringMatcher(MatcherOptions options) : options_(options) {}

  // Each Add* validates and compiles one member; an error leaves the matcher
  // unchanged and describes the member ("`**` is not allowed in patterns").
  void AddExact(std::string value);
  Status AddPattern(std::string_view pattern);
  Status AddRegex(std::string_view pattern);
  // Call once after the last Add*, before Matches.
  void Finish();

  bool Matches(std::string_view value) const;

  // An RE2 expression accepting every value Matches() accepts, and possibly
  // more: for Latin-1 text (bytes, so any input works), matched anchored at
  // both ends with `.` matching '\n' (MatcherSet compiles it that way).
  // Patterns become their literal pieces joined by `.*`; path globs also drop
  // the '/' next to a `*` (a `**` may take no element). nullopt when the
  // matcher has regex members: their UTF-8 semantics have no Latin-1
  // rewriting that is guaranteed to accept at least as much.
  std::optional<std::string> SupersetRegex() const;

 private:
  MatcherOptions options_;
  std::vector<std::string> exact_values_;
  std::vector<std::string> prefix_values_;
  StringSet exact_;
  PrefixSet prefixes_;
  std::vector<PathGlob> globs_;
  std::vector<Pattern> patterns_;
  std::vector<Regex> regexes_;
  // Single exact member: compared directly, the most common case (`== "x"`).
  bool single_exact_ = false;
  // One RE2 alternative per member, for SupersetRegex().
  std::vector<std::string> superset_alternatives_;
};

}  // namespace picket::match

#endif  // PICKET_MATCH_STRING_MATCHER_H_
