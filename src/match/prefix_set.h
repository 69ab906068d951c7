// src/match/prefix_set.h
//
// "Does the value start with one of these prefixes?" for a fixed set of
// prefixes (globs like "/tmp/**" reduce to the prefix "/tmp/"). Prefixes are
// grouped by length, so a lookup costs one hash probe per distinct prefix
// length, independent of the number of prefixes.

#ifndef PICKET_MATCH_PREFIX_SET_H_
#define PICKET_MATCH_PREFIX_SET_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "match/string_set.h"

namespace picket::match {

class PrefixSet {
 public:
  PrefixSet() = default;
  PrefixSet(const std::vector<std::string>& prefixes, bool case_insensitive);

  bool MatchesPrefixOf(std::string_view value) const;
  bool empty() const { return by_length_.empty(); }

 private:
  // (length, prefixes of that length), shortest first.
  std::vector<std::pair<std::size_t, StringSet>> by_length_;
};

}  // namespace picket::match

#endif  // PICKET_MATCH_PREFIX_SET_H_
