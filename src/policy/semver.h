// Agent-version gating of rules and macros (spec §12.3): a rule's
// `agent_version` is a Masterminds-semver constraint evaluated against the
// agent version picket emulates (default 7.73.0), with the emulated version's
// pre-release and build metadata stripped, as Datadog's agent does.

#ifndef PICKET_POLICY_SEMVER_H_
#define PICKET_POLICY_SEMVER_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace picket::policy {

struct SemVer {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint64_t patch = 0;

  // "7", "7.73", "7.73.0", "v7.73.0-rc.1+git" (pre-release and metadata are
  // dropped; missing components are 0).
  static Result<SemVer> Parse(std::string_view text);
  std::string ToString() const;

  friend auto operator<=>(const SemVer&, const SemVer&) = default;
};

inline constexpr SemVer kDefaultAgentVersion{7, 73, 0};

// A parsed constraint: alternatives separated by `||`, each a conjunction of
// comparisons separated by commas or spaces (`>=7.65 <7.70`, `>= 7.71`).
// Supported operators: = == != > >= < <= =< ~ ~> ^ and wildcards (7.x, 7.*);
// a bare partial version ("7.71") means "7.71.x". An empty constraint
// matches every version.
class VersionConstraint {
 public:
  static Result<VersionConstraint> Parse(std::string_view text);

  bool Allows(const SemVer& version) const;

 private:
  // Every comparison is normalised to "version in [low, high)" (either bound
  // may be absent), possibly negated (`!=`). Versions are integer triples, so
  // `> 1.2.3` is `[1.2.4, ∞)` and `= 1.2.3` is `[1.2.3, 1.2.4)`.
  struct Range {
    bool has_low = false;
    SemVer low;
    bool has_high = false;
    SemVer high;
    bool negated = false;

    bool Contains(const SemVer& version) const;
  };
  using Conjunction = std::vector<Range>;
  std::vector<Conjunction> alternatives_;
};

}  // namespace picket::policy

#endif  // PICKET_POLICY_SEMVER_H_
