#include "match/regex.h"

#include <re2/re2.h>

namespace picket::match {

Result<Regex> Regex::Compile(std::string_view pattern, bool case_insensitive,
                             std::int64_t max_memory_bytes) {
  std::string text(pattern);
  if (case_insensitive) text = "(?i)" + text;
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(max_memory_bytes);
  auto re = std::make_shared<const RE2>(re2::StringPiece(text.data(), text.size()), options);
  if (!re->ok()) {
    return Error(ErrorCode::kInvalidArgument, "invalid regular expression: " + re->error());
  }
  return Regex(std::string(pattern), std::move(re));
}

bool Regex::Matches(std::string_view value) const {
  return RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), *re_);
}

}  // namespace picket::match
