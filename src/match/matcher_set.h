// src/match/matcher_set.h
//
// MatcherSet: asks many StringMatchers about one value with a single scan.
// Each added matcher contributes its SupersetRegex(); one RE2::Set (Latin-1,
// anchored at both ends, `.` matching '\n') reports which of them may match.
// The answer is conservative: every matcher that matches is reported, and a
// few that do not may be too, so callers that need the exact answer still
// call StringMatcher::Matches on the reported ones. The rule prefilter uses
// it to test the pattern members of dozens of rules against a field at once.
//
// Thread-safe to query from many threads after Compile() (RE2::Set is).

#ifndef PICKET_MATCH_MATCHER_SET_H_
#define PICKET_MATCH_MATCHER_SET_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "match/string_matcher.h"

namespace re2 {
class RE2;
}

namespace picket::match {

class MatcherSet {
 public:
  // `max_memory_bytes` bounds the RE2 program and its DFA cache; a set that
  // does not fit fails Compile(), a scan that runs out of cache fails MayMatch.
  explicit MatcherSet(std::int64_t max_memory_bytes = 8 << 20);
  ~MatcherSet();
  MatcherSet(MatcherSet&&) noexcept;
  MatcherSet& operator=(MatcherSet&&) noexcept;

  // Adds `matcher` and returns the index MayMatch reports for it, or nullopt
  // when the matcher has no superset regex (regex members) or RE2 rejected
  // it; such a matcher must be tested on its own.
  std::optional<int> Add(const StringMatcher& matcher);
  // Call once after the last Add. False when the set does not fit its memory
  // budget; MayMatch then always fails.
  bool Compile();

  // Sets `hits` to the indices of the added matchers that may match `value`
  // (a superset of those whose Matches(value) is true). False when RE2
  // could not answer within its budget: treat every matcher as possible.
  bool MayMatch(std::string_view value, std::vector<int>& hits) const;

  std::size_t size() const { return size_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::size_t size_ = 0;
  bool compiled_ = false;
};

}  // namespace picket::match

#endif  // PICKET_MATCH_MATCHER_SET_H_
