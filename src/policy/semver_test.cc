#include "policy/semver.h"

#include <gtest/gtest.h>

namespace picket::policy {
namespace {

struct ConstraintCase {
  std::string_view constraint;
  std::string_view version;
  bool allowed;
};

constexpr ConstraintCase kCases[] = {
    // Forms used by default.policy (spec §18.1).
    {">= 7.71", "7.73.0", true},
    {">= 7.71", "7.70.9", false},
    {">=7.68", "7.68.0", true},
    {"< 7.71", "7.70.99", true},
    {"< 7.71", "7.71.0", false},
    {">= 7.70.1", "7.70.0", false},
    {">= 7.70.1", "7.70.1", true},
    // Checklist 57: space = AND.
    {">=7.65 <7.70", "7.68.0", true},
    {">=7.65 <7.70", "7.70.0", false},
    {">=7.65 <7.70", "7.64.9", false},
    {">=7.65, <7.70", "7.66.0", true},
    // Other Masterminds operators.
    {"> 7.70", "7.70.0", false},
    {"> 7.70", "7.70.1", true},
    {"> 7.70.x", "7.70.5", false},
    {"> 7.70.x", "7.71.0", true},
    {"<= 7.70", "7.70.0", true},
    {"<= 7.70", "7.70.1", false},
    {"<= 7.70.x", "7.70.9", true},
    {"= 7.73.0", "7.73.0", true},
    {"7.73", "7.73.4", true},
    {"7.73", "7.74.0", false},
    {"!= 7.73.0", "7.73.0", false},
    {"!= 7.73.0", "7.73.1", true},
    {"~7.73.1", "7.73.9", true},
    {"~7.73.1", "7.74.0", false},
    {"^7.60", "7.99.0", true},
    {"^7.60", "8.0.0", false},
    {"^0.2.3", "0.2.9", true},
    {"^0.2.3", "0.3.0", false},
    {"7.x", "7.1.0", true},
    {"*", "1.0.0", true},
    {"", "1.0.0", true},
    {"< 7.60 || >= 7.70", "7.65.0", false},
    {"< 7.60 || >= 7.70", "7.71.0", true},
    {"v7.70.0", "7.70.0", true},
};

TEST(VersionConstraintTest, Table) {
  for (const ConstraintCase& c : kCases) {
    SCOPED_TRACE(std::string(c.constraint) + " vs " + std::string(c.version));
    Result<VersionConstraint> constraint = VersionConstraint::Parse(c.constraint);
    ASSERT_TRUE(constraint.has_value()) << constraint.error().message();
    Result<SemVer> version = SemVer::Parse(c.version);
    ASSERT_TRUE(version.has_value());
    EXPECT_EQ(constraint->Allows(*version), c.allowed);
  }
}

TEST(VersionConstraintTest, RejectsMalformed) {
  for (std::string_view text : {">=", ">= abc", "=> 7..1", "7.1.2.3", ">>7", "7.x.1", "||"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(VersionConstraint::Parse(text).has_value());
  }
}

// Checklist 57: pre-release suffixes of the emulated version are ignored.
TEST(VersionConstraintTest, Checklist57PreReleaseOfAgentVersionIsStripped) {
  Result<SemVer> version = SemVer::Parse("7.70.0-rc.3+git.12");
  ASSERT_TRUE(version.has_value());
  EXPECT_EQ(*version, (SemVer{7, 70, 0}));
  EXPECT_FALSE(VersionConstraint::Parse(">=7.65 <7.70")->Allows(*version));
  EXPECT_TRUE(VersionConstraint::Parse(">= 7.70")->Allows(*version));
  EXPECT_TRUE(VersionConstraint::Parse(">=7.65 <7.70")->Allows(*SemVer::Parse("7.68.0")));
}

TEST(SemVerTest, ParsesAndPrints) {
  EXPECT_EQ(SemVer::Parse("7")->ToString(), "7.0.0");
  EXPECT_EQ(SemVer::Parse("7.73")->ToString(), "7.73.0");
  EXPECT_EQ(kDefaultAgentVersion.ToString(), "7.73.0");
  EXPECT_FALSE(SemVer::Parse("").has_value());
  EXPECT_FALSE(SemVer::Parse("x").has_value());
  EXPECT_FALSE(SemVer::Parse("7.a").has_value());
}

}  // namespace
}  // namespace picket::policy
