// src/match/string_set.h
//
// Exact membership of a string in a fixed set (the plain strings of an
// `in [...]` list). Small sets are scanned linearly (faster than hashing for
// a handful of short strings); larger ones use a hash set with heterogeneous
// lookup, so a lookup never allocates. Case-insensitive sets fold ASCII case
// in both the hash and the comparison.

#ifndef PICKET_MATCH_STRING_SET_H_
#define PICKET_MATCH_STRING_SET_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace picket::match {

// Hash and equality that fold ASCII case when asked to, and accept
// string_view keys (heterogeneous lookup).
struct FoldingHash {
  using is_transparent = void;
  bool case_insensitive = false;
  std::size_t operator()(std::string_view value) const;
};
struct FoldingEqual {
  using is_transparent = void;
  bool case_insensitive = false;
  bool operator()(std::string_view a, std::string_view b) const;
};

class StringSet {
 public:
  StringSet() = default;
  StringSet(std::vector<std::string> values, bool case_insensitive);

  bool Contains(std::string_view value) const;
  std::size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }

 private:
  static constexpr std::size_t kLinearScanMax = 8;

  std::vector<std::string> values_;  // deduplicated
  std::unordered_set<std::string, FoldingHash, FoldingEqual> hashed_;
  bool case_insensitive_ = false;
};

}  // namespace picket::match

#endif  // PICKET_MATCH_STRING_SET_H_
