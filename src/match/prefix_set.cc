#include "match/prefix_set.h"

#include <algorithm>
#include <map>

namespace picket::match {

PrefixSet::PrefixSet(const std::vector<std::string>& prefixes, bool case_insensitive) {
  std::map<std::size_t, std::vector<std::string>> grouped;
  for (const std::string& prefix : prefixes) grouped[prefix.size()].push_back(prefix);
  for (auto& [length, values] : grouped) {
    by_length_.emplace_back(length, StringSet(std::move(values), case_insensitive));
  }
}

bool PrefixSet::MatchesPrefixOf(std::string_view value) const {
  for (const auto& [length, set] : by_length_) {
    if (length > value.size()) return false;  // sorted by length
    if (set.Contains(value.substr(0, length))) return true;
  }
  return false;
}

}  // namespace picket::match
