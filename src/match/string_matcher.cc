#include "match/string_matcher.h"

#include <re2/re2.h>

namespace picket::match {
namespace {

std::string Quote(std::string_view text) {
  return RE2::QuoteMeta(re2::StringPiece(text.data(), text.size()));
}

// The literal pieces of a pattern, in order, joined by `.*`: each `*` run
// becomes `.*`, which accepts at least what the pattern's `*` does. For path
// globs a '/' next to a `*` run is dropped as well, because `/**/` also
// matches a single '/' and the leading "*/" form drops the path's first byte.
std::string WildcardsToRegex(std::string_view pattern, bool path_glob) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  while (true) {
    std::size_t star = pattern.find('*', start);
    pieces.push_back(pattern.substr(
        start, star == std::string_view::npos ? std::string_view::npos : star - start));
    if (star == std::string_view::npos) break;
    start = pattern.find_first_not_of('*', star);
    if (start == std::string_view::npos) {
      pieces.emplace_back();
      break;
    }
  }
  std::string regex;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    std::string_view piece = pieces[i];
    if (path_glob && i > 0 && !piece.empty() && piece.front() == '/') piece.remove_prefix(1);
    if (path_glob && i + 1 < pieces.size() && !piece.empty() && piece.back() == '/') {
      piece.remove_suffix(1);
    }
    if (i > 0) regex += ".*";
    regex += Quote(piece);
  }
  return regex;
}

}  // namespace

void StringMatcher::AddExact(std::string value) {
  superset_alternatives_.push_back(Quote(value));
  exact_values_.push_back(std::move(value));
}

Status StringMatcher::AddPattern(std::string_view pattern) {
  if (options_.patterns_are_path_globs) {
    Result<PathGlob> glob = PathGlob::Compile(pattern, options_.case_insensitive);
    if (!glob.has_value()) return glob.error();
    superset_alternatives_.push_back(WildcardsToRegex(pattern, /*path_glob=*/true));
    if (std::optional<std::string> prefix = glob->LiteralPrefix()) {
      prefix_values_.push_back(std::move(*prefix));
    } else {
      globs_.push_back(std::move(*glob));
    }
    return {};
  }
  Result<Pattern> compiled = Pattern::Compile(pattern, options_.case_insensitive);
  if (!compiled.has_value()) return compiled.error();
  superset_alternatives_.push_back(WildcardsToRegex(pattern, /*path_glob=*/false));
  if (pattern.find('*') == std::string_view::npos) {
    exact_values_.emplace_back(pattern);  // a pattern without '*' is an equality
  } else {
    patterns_.push_back(std::move(*compiled));
  }
  return {};
}

Status StringMatcher::AddRegex(std::string_view pattern) {
  Result<Regex> regex =
      Regex::Compile(pattern, options_.regex_case_insensitive, options_.regex_max_memory_bytes);
  if (!regex.has_value()) return regex.error();
  regexes_.push_back(std::move(*regex));
  return {};
}

void StringMatcher::Finish() {
  single_exact_ = exact_values_.size() == 1;
  exact_ = StringSet(exact_values_, options_.case_insensitive);
  if (!single_exact_) exact_values_.clear();
  prefixes_ = PrefixSet(prefix_values_, options_.case_insensitive);
}

bool StringMatcher::Matches(std::string_view value) const {
  if (single_exact_) {
    if (EqualBytes(exact_values_.front(), value, options_.case_insensitive)) return true;
  } else if (!exact_.empty() && exact_.Contains(value)) {
    return true;
  }
  if (!prefixes_.empty() && prefixes_.MatchesPrefixOf(value)) return true;
  for (const PathGlob& glob : globs_) {
    if (glob.Matches(value)) return true;
  }
  for (const Pattern& pattern : patterns_) {
    if (pattern.Matches(value)) return true;
  }
  for (const Regex& regex : regexes_) {
    if (regex.Matches(value)) return true;
  }
  return false;
}

std::optional<std::string> StringMatcher::SupersetRegex() const {
  if (!regexes_.empty()) return std::nullopt;
  if (superset_alternatives_.empty()) return "[^\\x00-\\xff]";  // no member: matches nothing
  std::string regex = options_.case_insensitive ? "(?i:" : "(?:";
  for (std::size_t i = 0; i < superset_alternatives_.size(); ++i) {
    if (i > 0) regex += '|';
    regex += superset_alternatives_[i];
  }
  regex += ')';
  return regex;
}

}  // namespace picket::match
