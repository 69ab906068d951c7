// StringMatcher and its parts: string sets, prefix sets, regexes.

#include "match/string_matcher.h"

#include <gtest/gtest.h>

namespace picket::match {
namespace {

TEST(StringSetTest, SmallAndLargeSets) {
  for (std::size_t size : {3u, 50u}) {
    std::vector<std::string> values;
    for (std::size_t i = 0; i < size; ++i) values.push_back("v" + std::to_string(i));
    values.push_back("v0");  // duplicates collapse
    StringSet set(values, false);
    EXPECT_EQ(set.size(), size);
    EXPECT_TRUE(set.Contains("v0"));
    EXPECT_TRUE(set.Contains("v" + std::to_string(size - 1)));
    EXPECT_FALSE(set.Contains("V0"));
    EXPECT_FALSE(set.Contains("v"));
    StringSet folded(values, true);
    EXPECT_TRUE(folded.Contains("V0"));
  }
}

TEST(PrefixSetTest, MatchesAnyPrefix) {
  PrefixSet set({"/tmp/", "/dev/shm/", "/home/", "/run/user/"}, false);
  EXPECT_TRUE(set.MatchesPrefixOf("/tmp/x"));
  EXPECT_TRUE(set.MatchesPrefixOf("/run/user/1000/x"));
  EXPECT_FALSE(set.MatchesPrefixOf("/tmp"));
  EXPECT_FALSE(set.MatchesPrefixOf("/tmp.x/a"));
  EXPECT_FALSE(set.MatchesPrefixOf("/opt/srv/home/x"));
  EXPECT_FALSE(set.MatchesPrefixOf(""));
  EXPECT_TRUE(PrefixSet({"/TMP/"}, true).MatchesPrefixOf("/tmp/a"));
}

TEST(RegexTest, UnanchoredWithInlineFlags) {
  EXPECT_TRUE(Regex::Compile("abc", false, 1 << 20)->Matches("xxabcxx"));
  EXPECT_FALSE(Regex::Compile("^abc", false, 1 << 20)->Matches("xxabc"));
  EXPECT_TRUE(Regex::Compile("(?i)ransom", false, 1 << 20)->Matches("RANSOM note"));
  EXPECT_TRUE(Regex::Compile("ransom", true, 1 << 20)->Matches("RANSOM note"));
  EXPECT_TRUE(Regex::Compile(R"(\bnc\b)", false, 1 << 20)->Matches("nc -l"));
  EXPECT_TRUE(Regex::Compile(R"(^\d{4}$)", false, 1 << 20)->Matches("2024"));
  EXPECT_TRUE(Regex::Compile(R"(^\[.*\]$)", false, 1 << 20)->Matches("[kworker/0:1]"));
}

TEST(RegexTest, InvalidAndOverBudgetExpressionsFail) {
  Result<Regex> invalid = Regex::Compile("(", false, 1 << 20);
  ASSERT_FALSE(invalid.has_value());
  EXPECT_EQ(invalid.error().message(), "invalid regular expression: missing ): (");
  EXPECT_FALSE(Regex::Compile("(a)\\1", false, 1 << 20).has_value());  // no back-references
  EXPECT_FALSE(Regex::Compile("((a{100}){100}){100}", false, 1 << 20).has_value());
}

TEST(StringMatcherTest, MixedMembersOnPaths) {
  StringMatcher matcher({.patterns_are_path_globs = true});
  matcher.AddExact("/bin/sh");
  ASSERT_TRUE(matcher.AddPattern("/tmp/**").has_value());
  ASSERT_TRUE(matcher.AddPattern("/home/*/.ssh/*").has_value());
  ASSERT_TRUE(matcher.AddRegex(R"(\.sh$)").has_value());
  matcher.Finish();
  EXPECT_TRUE(matcher.Matches("/bin/sh"));
  EXPECT_TRUE(matcher.Matches("/tmp/a/b"));
  EXPECT_FALSE(matcher.Matches("/tmp"));
  EXPECT_TRUE(matcher.Matches("/home/u/.ssh/id"));
  EXPECT_FALSE(matcher.Matches("/home/u/x/.ssh/id"));
  EXPECT_TRUE(matcher.Matches("/opt/run.sh"));
  EXPECT_FALSE(matcher.Matches("/bin/bash"));
}

TEST(StringMatcherTest, PatternsOnNames) {
  StringMatcher matcher({});
  ASSERT_TRUE(matcher.AddPattern("/tmp/*").has_value());
  ASSERT_TRUE(matcher.AddPattern("exact").has_value());
  matcher.Finish();
  EXPECT_TRUE(matcher.Matches("/tmp/a/b"));  // plain pattern: * crosses /
  EXPECT_TRUE(matcher.Matches("exact"));
  EXPECT_FALSE(matcher.Matches("exactly"));
  StringMatcher bad({});
  EXPECT_FALSE(bad.AddPattern("a**").has_value());
  StringMatcher bad_glob({.patterns_are_path_globs = true});
  EXPECT_FALSE(bad_glob.AddPattern("/**/a/**").has_value());
}

TEST(StringMatcherTest, CaseInsensitiveScalarsAndPatternsButNotRegexes) {
  StringMatcher matcher({.case_insensitive = true});
  matcher.AddExact("Example.com");
  ASSERT_TRUE(matcher.AddPattern("*.ORG").has_value());
  ASSERT_TRUE(matcher.AddRegex("^evil").has_value());
  matcher.Finish();
  EXPECT_TRUE(matcher.Matches("EXAMPLE.COM"));
  EXPECT_TRUE(matcher.Matches("x.org"));
  EXPECT_TRUE(matcher.Matches("evil.net"));
  EXPECT_FALSE(matcher.Matches("EVIL.net"));
}

TEST(StringMatcherTest, EmptyMatcherMatchesNothing) {
  StringMatcher matcher({});
  matcher.Finish();
  EXPECT_FALSE(matcher.Matches(""));
  EXPECT_FALSE(matcher.Matches("x"));
}

}  // namespace
}  // namespace picket::match
