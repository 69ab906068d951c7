// libFuzzer target for MatcherSet's soundness: for any pattern (plain or
// path glob, either case mode) and any value, a StringMatcher that matches
// must be reported by the MatcherSet built from it (the rule prefilter would
// otherwise skip a rule that fires). Over-reporting is allowed.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "match/matcher_set.h"
#include "match/string_matcher.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const std::uint8_t flags = input.ConsumeIntegral<std::uint8_t>();
  picket::match::StringMatcher matcher(
      {.patterns_are_path_globs = (flags & 1) != 0, .case_insensitive = (flags & 2) != 0});
  const std::string member = input.ConsumeRandomLengthString(64);
  if ((flags & 4) != 0) {
    matcher.AddExact(member);
  } else if (!matcher.AddPattern(member).has_value()) {
    return 0;  // rejected pattern (`**` misuse): nothing to check
  }
  matcher.Finish();
  const std::string value = input.ConsumeRemainingBytesAsString();

  picket::match::MatcherSet set;
  if (!set.Add(matcher).has_value() || !set.Compile()) __builtin_trap();
  std::vector<int> hits;
  if (!set.MayMatch(value, hits)) return 0;  // over budget: callers test directly
  const bool reported = std::find(hits.begin(), hits.end(), 0) != hits.end();
  if (matcher.Matches(value) && !reported) __builtin_trap();
  return 0;
}
