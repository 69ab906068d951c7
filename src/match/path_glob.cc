#include "match/path_glob.h"

#include <algorithm>

#include "match/pattern.h"

namespace picket::match {
namespace {

// Splits on '/', keeping empty elements ("/a/" → "", "a", "").
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> elements;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      elements.push_back(path.substr(start, i - start));
      start = i + 1;
    }
  }
  return elements;
}

}  // namespace

Result<PathGlob> PathGlob::Compile(std::string_view pattern, bool case_insensitive) {
  PathGlob glob;
  glob.text_ = std::string(pattern);
  glob.case_insensitive_ = case_insensitive;
  glob.is_exact_ = pattern.find('*') == std::string_view::npos;
  for (std::string_view element : SplitPath(pattern)) {
    if (element == "**") {
      if (glob.double_star_index_.has_value()) {
        return Error(ErrorCode::kInvalidArgument, "`**` is allowed only once in a path pattern");
      }
      glob.double_star_index_ = glob.elements_.size();
    }
    glob.elements_.emplace_back(element);
  }
  glob.drops_first_byte_ = glob.elements_.front() == "*";
  return glob;
}

bool PathGlob::Matches(std::string_view path) const {
  if (path.empty()) return false;
  if (is_exact_) return EqualBytes(text_, path, case_insensitive_);
  if (drops_first_byte_) path.remove_prefix(1);

  // Walk the path's elements without allocating: `next` yields them in order.
  std::size_t cursor = 0;
  bool exhausted = false;
  auto next = [&]() -> std::string_view {
    const std::size_t slash = path.find('/', cursor);
    std::string_view element;
    if (slash == std::string_view::npos) {
      element = path.substr(cursor);
      exhausted = true;
      cursor = path.size();
    } else {
      element = path.substr(cursor, slash - cursor);
      cursor = slash + 1;
    }
    return element;
  };

  const std::size_t head_count = double_star_index_.value_or(elements_.size());
  for (std::size_t i = 0; i < head_count; ++i) {
    if (exhausted) return false;
    if (!PatternMatches(elements_[i], next(), case_insensitive_)) return false;
  }
  if (!double_star_index_.has_value()) return exhausted;

  // Elements after `**` must match the path's last elements.
  const std::size_t tail_count = elements_.size() - head_count - 1;
  if (exhausted) return false;  // `**` needs a remainder (at least one element)
  std::string_view rest = path.substr(cursor);
  const std::size_t rest_count =
      static_cast<std::size_t>(std::count(rest.begin(), rest.end(), '/')) + 1;
  // At the end of the pattern `**` takes at least one element; in the middle
  // it may take none.
  const std::size_t minimum = tail_count == 0 ? 1 : tail_count;
  if (rest_count < minimum) return false;
  for (std::size_t skip = rest_count - tail_count; skip > 0; --skip) next();
  for (std::size_t i = 0; i < tail_count; ++i) {
    if (!PatternMatches(elements_[head_count + 1 + i], next(), case_insensitive_)) return false;
  }
  return true;
}

std::optional<std::string> PathGlob::LiteralPrefix() const {
  if (!double_star_index_.has_value() || *double_star_index_ + 1 != elements_.size()) {
    return std::nullopt;
  }
  if (drops_first_byte_ || *double_star_index_ == 0) return std::nullopt;
  std::string prefix;
  for (std::size_t i = 0; i < *double_star_index_; ++i) {
    if (elements_[i].find('*') != std::string::npos) return std::nullopt;
    prefix += elements_[i];
    prefix += '/';
  }
  return prefix;
}

}  // namespace picket::match
