#include "match/string_set.h"

#include "match/pattern.h"

namespace picket::match {

std::size_t FoldingHash::operator()(std::string_view value) const {
  // FNV-1a; folding here keeps case-insensitive lookups allocation-free.
  std::size_t hash = 14695981039346656037ull;
  for (char c : value) {
    if (case_insensitive && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

bool FoldingEqual::operator()(std::string_view a, std::string_view b) const {
  return EqualBytes(a, b, case_insensitive);
}

StringSet::StringSet(std::vector<std::string> values, bool case_insensitive)
    : hashed_(0, FoldingHash{case_insensitive}, FoldingEqual{case_insensitive}),
      case_insensitive_(case_insensitive) {
  for (std::string& value : values) {
    if (!hashed_.insert(value).second) continue;  // duplicates collapse
    values_.push_back(std::move(value));
  }
  if (values_.size() <= kLinearScanMax) hashed_.clear();
}

bool StringSet::Contains(std::string_view value) const {
  if (values_.size() <= kLinearScanMax) {
    for (const std::string& candidate : values_) {
      if (EqualBytes(candidate, value, case_insensitive_)) return true;
    }
    return false;
  }
  return hashed_.find(value) != hashed_.end();
}

}  // namespace picket::match
