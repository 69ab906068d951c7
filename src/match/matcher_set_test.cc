// MatcherSet: one RE2::Set scan reports every matcher that matches a value
// (soundness, checked exhaustively on small alphabets against the reference
// pattern and path-glob algorithms), and rules out the ones that clearly
// cannot.

#include "match/matcher_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace picket::match {
namespace {

StringMatcher Build(MatcherOptions options, const std::vector<std::string>& exact,
                    const std::vector<std::string>& patterns,
                    const std::vector<std::string>& regexes = {}) {
  StringMatcher matcher(options);
  for (const std::string& e : exact) matcher.AddExact(e);
  for (const std::string& p : patterns) EXPECT_TRUE(matcher.AddPattern(p).has_value()) << p;
  for (const std::string& r : regexes) EXPECT_TRUE(matcher.AddRegex(r).has_value()) << r;
  matcher.Finish();
  return matcher;
}

bool Reported(const MatcherSet& set, std::string_view value, int index) {
  std::vector<int> hits;
  EXPECT_TRUE(set.MayMatch(value, hits));
  return std::find(hits.begin(), hits.end(), index) != hits.end();
}

// Every string over `alphabet` of length at most `max_length`.
std::vector<std::string> AllStrings(std::string_view alphabet, std::size_t max_length) {
  std::vector<std::string> out = {""};
  for (std::size_t begin = 0, length = 1; length <= max_length; ++length) {
    const std::size_t end = out.size();
    for (std::size_t i = begin; i < end; ++i) {
      for (char c : alphabet) out.push_back(out[i] + c);
    }
    begin = end;
  }
  return out;
}

TEST(MatcherSetTest, ReportsExactlyTheLiteralMembersThatMatch) {
  std::vector<StringMatcher> matchers;
  matchers.push_back(Build({}, {"curl", "wget"}, {}));
  matchers.push_back(Build({}, {"nc"}, {}));
  matchers.push_back(Build({.case_insensitive = true}, {"NSLOOKUP"}, {}));
  MatcherSet set;
  for (std::size_t i = 0; i < matchers.size(); ++i) EXPECT_EQ(set.Add(matchers[i]), int(i));
  ASSERT_TRUE(set.Compile());
  std::vector<int> hits;
  ASSERT_TRUE(set.MayMatch("curl", hits));
  EXPECT_EQ(hits, std::vector<int>{0});
  ASSERT_TRUE(set.MayMatch("nslookup", hits));
  EXPECT_EQ(hits, std::vector<int>{2});
  ASSERT_TRUE(set.MayMatch("curly", hits));
  EXPECT_TRUE(hits.empty());
  ASSERT_TRUE(set.MayMatch("", hits));
  EXPECT_TRUE(hits.empty());
}

TEST(MatcherSetTest, PatternsAndGlobsAreReportedWhenTheyMatch) {
  std::vector<StringMatcher> matchers;
  matchers.push_back(Build({}, {}, {"*curl*"}));
  matchers.push_back(Build({.patterns_are_path_globs = true}, {}, {"/tmp/**"}));
  matchers.push_back(Build({.patterns_are_path_globs = true}, {}, {"/usr/**/bin/*sh"}));
  matchers.push_back(Build({.patterns_are_path_globs = true}, {}, {"*/python*"}));
  matchers.push_back(Build({}, {}, {"a*\n*b"}));
  MatcherSet set;
  for (const StringMatcher& m : matchers) ASSERT_TRUE(set.Add(m).has_value());
  ASSERT_TRUE(set.Compile());
  for (std::string_view value :
       {"xcurly", "/tmp/", "/tmp/x/y", "/usr/bin/bash", "/usr/local/bin/zsh", "/usr/bin/python3",
        "a\nb", "a-\n-b", "/tmp", "/opt/x"}) {
    for (std::size_t i = 0; i < matchers.size(); ++i) {
      if (matchers[i].Matches(value)) {
        EXPECT_TRUE(Reported(set, value, static_cast<int>(i))) << i << " " << value;
      }
    }
  }
  EXPECT_FALSE(Reported(set, "/opt/x", 1));
  EXPECT_FALSE(Reported(set, "/opt/x", 2));
}

TEST(MatcherSetTest, NonUtf8AndNulBytesAreMatchedAsBytes) {
  const std::string name("\xff\xfe\x00z", 4);
  StringMatcher matcher = Build({}, {name}, {std::string("*\xff*")});
  MatcherSet set;
  ASSERT_EQ(set.Add(matcher), 0);
  ASSERT_TRUE(set.Compile());
  EXPECT_TRUE(Reported(set, name, 0));
  EXPECT_TRUE(Reported(set,
                       "a\xff"
                       "b",
                       0));
  EXPECT_FALSE(Reported(set, "plain", 0));
}

TEST(MatcherSetTest, MatchersWithRegexMembersAreLeftToTheCaller) {
  StringMatcher with_regex = Build({}, {"x"}, {}, {R"(\.sh$)"});
  MatcherSet set;
  EXPECT_EQ(set.Add(with_regex), std::nullopt);
  EXPECT_EQ(set.size(), 0u);
}

// Soundness against the reference algorithms: every pattern over {a, /, *}
// up to 5 bytes (globs: at most one `**` element) against every value over
// {a, b, /} up to 5 bytes; a matcher that matches must be reported.
TEST(MatcherSetTest, SupersetOfPatternAndGlobSemanticsExhaustively) {
  const std::vector<std::string> values = AllStrings("ab/", 5);
  for (bool path_glob : {false, true}) {
    std::vector<StringMatcher> matchers;
    for (const std::string& text : AllStrings("a/*", 5)) {
      if (text.empty()) continue;
      StringMatcher matcher({.patterns_are_path_globs = path_glob});
      if (!matcher.AddPattern(text).has_value()) continue;  // `**` misuse
      matcher.Finish();
      matchers.push_back(std::move(matcher));
    }
    MatcherSet set(64 << 20);
    for (std::size_t i = 0; i < matchers.size(); ++i) ASSERT_EQ(set.Add(matchers[i]), int(i));
    ASSERT_TRUE(set.Compile());
    std::size_t matched = 0;
    std::size_t reported = 0;
    std::vector<int> hits;
    for (const std::string& value : values) {
      ASSERT_TRUE(set.MayMatch(value, hits)) << value;
      std::vector<bool> is_hit(matchers.size());
      for (int hit : hits) is_hit[static_cast<std::size_t>(hit)] = true;
      reported += hits.size();
      for (std::size_t i = 0; i < matchers.size(); ++i) {
        if (matchers[i].Matches(value)) {
          ++matched;
          ASSERT_TRUE(is_hit[i]) << "glob=" << path_glob << " value=" << value << " matcher " << i;
        }
      }
    }
    EXPECT_GT(matched, 1000u);
    EXPECT_GE(reported, matched);
  }
}

}  // namespace
}  // namespace picket::match
