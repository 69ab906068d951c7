// src/match/pattern.h
//
// SECL plain patterns (spec §5.4): `*` matches any run of bytes including
// '/', every other byte is literal (no `?`, classes or escapes). Matching
// reproduces the reference algorithm exactly, including its lack of
// backtracking: each literal segment after a `*` is taken at its FIRST
// occurrence, so `*a` does not match "aXa". The in-kernel approvers assume
// the same semantics, which is why the quirk is kept.
//
// Case-insensitive matching folds ASCII letters only.

#ifndef PICKET_MATCH_PATTERN_H_
#define PICKET_MATCH_PATTERN_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace picket::match {

// Matches `value` against the raw pattern text without validation; `**`
// behaves like `*` here (path globs use this for elements such as "a**b").
bool PatternMatches(std::string_view pattern, std::string_view value, bool case_insensitive);

// Byte equality, optionally ignoring ASCII case.
bool EqualBytes(std::string_view a, std::string_view b, bool case_insensitive);

class Pattern {
 public:
  // Rejects `**` ("`**` is not allowed in patterns").
  static Result<Pattern> Compile(std::string_view pattern, bool case_insensitive);

  bool Matches(std::string_view value) const;
  const std::string& text() const { return text_; }

 private:
  Pattern(std::string text, bool case_insensitive);

  std::string text_;
  // Literal runs between stars: text "a*b*" gives {"a", "b", ""}.
  std::vector<std::string> segments_;
  bool has_star_ = false;
  bool case_insensitive_ = false;
};

}  // namespace picket::match

#endif  // PICKET_MATCH_PATTERN_H_
