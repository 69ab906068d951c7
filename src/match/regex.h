// src/match/regex.h
//
// A compiled RE2 regular expression with SECL semantics (spec §5.5):
// unanchored search, RE2 syntax (Go's regexp uses the same), inline flags
// such as (?i) honoured. Each regex gets a memory budget so a hostile rule
// cannot make the agent allocate without bound; over-budget expressions fail
// to compile. Thread-safe to match from many threads (RE2 is).

#ifndef PICKET_MATCH_REGEX_H_
#define PICKET_MATCH_REGEX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace re2 {
class RE2;
}

namespace picket::match {

class Regex {
 public:
  static Result<Regex> Compile(std::string_view pattern, bool case_insensitive,
                               std::int64_t max_memory_bytes);

  bool Matches(std::string_view value) const;
  const std::string& text() const { return text_; }

 private:
  Regex(std::string text, std::shared_ptr<const re2::RE2> re)
      : text_(std::move(text)), re_(std::move(re)) {}

  std::string text_;
  std::shared_ptr<const re2::RE2> re_;
};

}  // namespace picket::match

#endif  // PICKET_MATCH_REGEX_H_
