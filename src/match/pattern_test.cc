// Plain patterns (spec §5.4): `*` crosses '/', no backtracking.

#include "match/pattern.h"

#include <gtest/gtest.h>

namespace picket::match {
namespace {

struct Case {
  std::string_view pattern;
  std::string_view value;
  bool expected;
};

constexpr Case kCases[] = {
    {"php*", "php-fpm", true},
    {"php*", "xphp", false},
    {"*-e *", "python -e x", true},
    {".*", ".bashrc", true},
    {".*", "a.b", false},
    {"/proc/1*", "/proc/123/x", true},
    {"*", "", true},
    {"*", "anything/at/all", true},
    {"", "", true},
    {"", "x", false},
    {"abc", "abc", true},
    {"abc", "abcd", false},
    {"a*c", "abc", true},
    {"a*c", "ac", true},
    {"a*c", "abcd", false},
    {"*a", "Xa", true},
    {"*a", "aXa", false},  // reference quirk: first occurrence only
    {"*.so", "x.so", true},
    {"*.so", "x.so.so", false},  // same quirk
    {"*b*", "abc", true},
    {"*b*", "ac", false},
    {"a*b*c", "aXbYc", true},
    {"a*b*c", "aXcYb", false},
    {"*x*y", "xxy", true},
    {"a*", "a", true},
    {"a*", "b", false},
    {"[x]*", "[x]y", true},  // brackets are literal
    {"?", "a", false},       // so is '?'
    {"?", "?", true},
    {"a\\*", "a\\b", true},  // no escaping: '\' is literal, '*' still a wildcard
};

TEST(PatternTest, MatchesLikeTheReference) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.pattern) + " vs " + std::string(c.value));
    EXPECT_EQ(PatternMatches(c.pattern, c.value, false), c.expected);
    Result<Pattern> pattern = Pattern::Compile(c.pattern, false);
    ASSERT_TRUE(pattern.has_value());
    EXPECT_EQ(pattern->Matches(c.value), c.expected);
  }
}

TEST(PatternTest, CaseInsensitiveFoldsAsciiOnly) {
  EXPECT_TRUE(Pattern::Compile("*.COM", true)->Matches("example.com"));
  EXPECT_FALSE(Pattern::Compile("*.COM", false)->Matches("example.com"));
  EXPECT_TRUE(Pattern::Compile("Ab*Cd", true)->Matches("aBxxcD"));
  EXPECT_FALSE(Pattern::Compile("\xc3\x89", true)->Matches("\xc3\xa9"));  // É vs é: not folded
}

TEST(PatternTest, DoubleStarIsRejected) {
  Result<Pattern> pattern = Pattern::Compile("a**", false);
  ASSERT_FALSE(pattern.has_value());
  EXPECT_EQ(pattern.error().message(), "`**` is not allowed in patterns");
}

}  // namespace
}  // namespace picket::match
