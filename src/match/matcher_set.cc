#include "match/matcher_set.h"

#include <re2/re2.h>
#include <re2/set.h>

namespace picket::match {

struct MatcherSet::State {
  explicit State(const RE2::Options& options) : set(options, RE2::ANCHOR_BOTH) {}
  RE2::Set set;
};

namespace {

RE2::Options SetOptions(std::int64_t max_memory_bytes) {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);  // bytes, like the matchers
  options.set_dot_nl(true);                            // values may hold '\n'
  options.set_log_errors(false);
  options.set_max_mem(max_memory_bytes);
  return options;
}

}  // namespace

MatcherSet::MatcherSet(std::int64_t max_memory_bytes)
    : state_(std::make_unique<State>(SetOptions(max_memory_bytes))) {}
MatcherSet::~MatcherSet() = default;
MatcherSet::MatcherSet(MatcherSet&&) noexcept = default;
MatcherSet& MatcherSet::operator=(MatcherSet&&) noexcept = default;

std::optional<int> MatcherSet::Add(const StringMatcher& matcher) {
  std::optional<std::string> regex = matcher.SupersetRegex();
  if (!regex.has_value() || compiled_) return std::nullopt;
  std::string error;
  int index = state_->set.Add(re2::StringPiece(regex->data(), regex->size()), &error);
  if (index < 0) return std::nullopt;
  ++size_;
  return index;
}

bool MatcherSet::Compile() {
  compiled_ = state_->set.Compile();
  return compiled_;
}

bool MatcherSet::MayMatch(std::string_view value, std::vector<int>& hits) const {
  hits.clear();
  if (!compiled_) return false;
  RE2::Set::ErrorInfo error{};
  if (state_->set.Match(re2::StringPiece(value.data(), value.size()), &hits, &error)) return true;
  // No match at all is also reported as false, without an error.
  return error.kind == RE2::Set::kNoError;
}

}  // namespace picket::match
