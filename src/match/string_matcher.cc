#include "match/string_matcher.h"

namespace picket::match {

void StringMatcher::AddExact(std::string value) { exact_values_.push_back(std::move(value)); }

Status StringMatcher::AddPattern(std::string_view pattern) {
  if (options_.patterns_are_path_globs) {
    Result<PathGlob> glob = PathGlob::Compile(pattern, options_.case_insensitive);
    if (!glob.has_value()) return glob.error();
    if (std::optional<std::string> prefix = glob->LiteralPrefix()) {
      prefix_values_.push_back(std::move(*prefix));
    } else {
      globs_.push_back(std::move(*glob));
    }
    return {};
  }
  Result<Pattern> compiled = Pattern::Compile(pattern, options_.case_insensitive);
  if (!compiled.has_value()) return compiled.error();
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

}  // namespace picket::match
