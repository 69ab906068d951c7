#include "policy/semver.h"

#include <charconv>
#include <string>

namespace picket::policy {
namespace {

bool IsWildcard(std::string_view component) {
  return component == "x" || component == "X" || component == "*";
}

// A version as written in a constraint: up to three components, where the
// first wildcard (or missing component) ends the specified part.
struct PartialVersion {
  SemVer version;
  int specified = 0;  // number of leading numeric components (0..3)
};

Result<std::uint64_t> ParseNumber(std::string_view text, std::string_view whole) {
  std::uint64_t number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return Error(ErrorCode::kInvalidArgument, "invalid version '" + std::string(whole) + "': '" +
                                                  std::string(text) + "' is not a number");
  }
  return number;
}

Result<PartialVersion> ParsePartial(std::string_view text) {
  const std::string_view whole = text;
  if (!text.empty() && (text.front() == 'v' || text.front() == 'V')) text.remove_prefix(1);
  // Pre-release and build metadata do not take part in comparisons.
  if (std::size_t cut = text.find_first_of("-+"); cut != std::string_view::npos) {
    text = text.substr(0, cut);
  }
  if (text.empty()) {
    return Error(ErrorCode::kInvalidArgument, "invalid version '" + std::string(whole) + "'");
  }
  PartialVersion result;
  std::uint64_t* components[] = {&result.version.major, &result.version.minor,
                                 &result.version.patch};
  bool wildcard_seen = false;
  int index = 0;
  while (true) {
    if (index == 3) {
      return Error(ErrorCode::kInvalidArgument,
                   "invalid version '" + std::string(whole) + "': more than three components");
    }
    std::size_t dot = text.find('.');
    std::string_view component = text.substr(0, dot);
    if (IsWildcard(component)) {
      wildcard_seen = true;
    } else if (wildcard_seen) {
      return Error(ErrorCode::kInvalidArgument,
                   "invalid version '" + std::string(whole) + "': a number follows a wildcard");
    } else {
      Result<std::uint64_t> number = ParseNumber(component, whole);
      if (!number) return number.error();
      *components[index] = *number;
      result.specified = index + 1;
    }
    ++index;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return result;
}

// The smallest version above every version matching `partial` (its
// specified prefix incremented). Only meaningful when specified > 0.
SemVer NextAfter(const PartialVersion& partial) {
  SemVer next = partial.version;
  switch (partial.specified) {
    case 1:
      return SemVer{next.major + 1, 0, 0};
    case 2:
      return SemVer{next.major, next.minor + 1, 0};
    default:
      return SemVer{next.major, next.minor, next.patch + 1};
  }
}

}  // namespace

Result<SemVer> SemVer::Parse(std::string_view text) {
  Result<PartialVersion> partial = ParsePartial(text);
  if (!partial) return partial.error();
  if (partial->specified == 0) {
    return Error(ErrorCode::kInvalidArgument,
                 "invalid version '" + std::string(text) + "': wildcards are not allowed here");
  }
  return partial->version;
}

std::string SemVer::ToString() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

bool VersionConstraint::Range::Contains(const SemVer& version) const {
  bool inside = (!has_low || version >= low) && (!has_high || version < high);
  return inside != negated;
}

Result<VersionConstraint> VersionConstraint::Parse(std::string_view text) {
  VersionConstraint constraint;
  std::size_t start = 0;
  while (true) {
    std::size_t bar = text.find("||", start);
    std::string_view alternative =
        text.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    Conjunction conjunction;
    std::size_t pos = 0;
    auto skip_separators = [&] {
      while (pos < alternative.size() &&
             (alternative[pos] == ' ' || alternative[pos] == '\t' || alternative[pos] == ',')) {
        ++pos;
      }
    };
    skip_separators();
    while (pos < alternative.size()) {
      std::size_t op_begin = pos;
      while (pos < alternative.size() &&
             std::string_view("=!<>~^").find(alternative[pos]) != std::string_view::npos) {
        ++pos;
      }
      std::string_view op = alternative.substr(op_begin, pos - op_begin);
      while (pos < alternative.size() && (alternative[pos] == ' ' || alternative[pos] == '\t')) {
        ++pos;
      }
      std::size_t version_begin = pos;
      while (pos < alternative.size() && alternative[pos] != ' ' && alternative[pos] != '\t' &&
             alternative[pos] != ',') {
        ++pos;
      }
      std::string_view version_text = alternative.substr(version_begin, pos - version_begin);
      if (version_text.empty()) {
        return Error(ErrorCode::kInvalidArgument, "invalid version constraint '" +
                                                      std::string(text) + "': operator '" +
                                                      std::string(op) + "' has no version");
      }
      Result<PartialVersion> partial = ParsePartial(version_text);
      if (!partial) return partial.error();
      const SemVer& v = partial->version;
      const bool wildcard =
          partial->specified < 3 && version_text.find_first_of("xX*") != std::string_view::npos;
      Range range;
      if (partial->specified == 0) {
        // "*", "x": any version (negated: none).
        range.negated = op == "!=";
        if (op != "" && op != "=" && op != "==" && op != "!=") {
          return Error(ErrorCode::kInvalidArgument,
                       "invalid version constraint '" + std::string(text) +
                           "': wildcard with operator '" + std::string(op) + "'");
        }
      } else if (op.empty() || op == "=" || op == "==" || op == "!=") {
        range = Range{true, v, true, NextAfter(*partial), op == "!="};
      } else if (op == ">") {
        // A partial version without a wildcard ("> 7.71") is zero-filled, as
        // Masterminds does; with one ("> 7.71.x") the whole 7.71 is excluded.
        range = Range{true, wildcard ? NextAfter(*partial) : SemVer{v.major, v.minor, v.patch + 1}};
      } else if (op == ">=" || op == "=>") {
        range = Range{true, v};
      } else if (op == "<") {
        range.has_high = true;
        range.high = v;
      } else if (op == "<=" || op == "=<") {
        range.has_high = true;
        range.high = wildcard ? NextAfter(*partial) : SemVer{v.major, v.minor, v.patch + 1};
      } else if (op == "~" || op == "~>") {
        // ~1.2.3 and ~1.2 := [1.2.x]; ~1 := [1.x].
        PartialVersion prefix = *partial;
        prefix.specified = partial->specified == 1 ? 1 : 2;
        range = Range{true, v, true, NextAfter(prefix)};
      } else if (op == "^") {
        // ^1.2.3 := <2.0.0; ^0.2.3 := <0.3.0; ^0.0.3 := <0.0.4.
        PartialVersion prefix = *partial;
        if (v.major != 0 || partial->specified == 1) {
          prefix.specified = 1;
        } else if (v.minor != 0 || partial->specified == 2) {
          prefix.specified = 2;
        } else {
          prefix.specified = 3;
        }
        range = Range{true, v, true, NextAfter(prefix)};
      } else {
        return Error(ErrorCode::kInvalidArgument, "invalid version constraint '" +
                                                      std::string(text) + "': unknown operator '" +
                                                      std::string(op) + "'");
      }
      conjunction.push_back(range);
      skip_separators();
    }
    if (conjunction.empty() && bar != std::string_view::npos) {
      return Error(ErrorCode::kInvalidArgument,
                   "invalid version constraint '" + std::string(text) + "': empty alternative");
    }
    constraint.alternatives_.push_back(std::move(conjunction));
    if (bar == std::string_view::npos) break;
    start = bar + 2;
  }
  return constraint;
}

bool VersionConstraint::Allows(const SemVer& version) const {
  for (const Conjunction& conjunction : alternatives_) {
    bool all = true;
    for (const Range& range : conjunction) {
      if (!range.Contains(version)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

}  // namespace picket::policy
