// Path globs (spec §5.4): the worked examples of the spec and edge cases.

#include "match/path_glob.h"

#include <gtest/gtest.h>

namespace picket::match {
namespace {

struct Case {
  std::string_view glob;
  std::string_view path;
  bool expected;
};

constexpr Case kCases[] = {
    {"/tmp/**", "/tmp", false},
    {"/tmp/**", "/tmp/", true},
    {"/tmp/**", "/tmp/a", true},
    {"/tmp/**", "/tmp/a/b/c", true},
    {"/tmp/**", "/tmpx/a", false},
    {"/tmp/*", "/tmp/a", true},
    {"/tmp/*", "/tmp/a/b", false},
    {"/tmp/*", "/tmp/", true},
    {"/home/*/.aws/credentials", "/home/a/.aws/credentials", true},
    {"/home/*/.aws/credentials", "/home/a/b/.aws/credentials", false},
    {"/var/run/secrets/kubernetes.io/serviceaccount/**/token",
     "/var/run/secrets/kubernetes.io/serviceaccount/token", true},
    {"/var/run/secrets/kubernetes.io/serviceaccount/**/token",
     "/var/run/secrets/kubernetes.io/serviceaccount/a/b/token", true},
    {"/var/run/secrets/kubernetes.io/serviceaccount/**/token",
     "/var/run/secrets/kubernetes.io/serviceaccount/a/tokenx", false},
    {"/etc/cron.*/**", "/etc/cron.d/x", true},
    {"/etc/cron.*/**", "/etc/cron.daily", false},
    {"/**", "/", true},
    {"/**", "/etc/passwd", true},
    {"/tmp/**/*.sh", "/tmp/b.sh", true},
    {"/tmp/**/*.sh", "/tmp/a/b.sh", true},
    {"/tmp/**/*.sh", "/tmp/a/b.py", false},
    {"*.so", "/usr/lib/x.so", false},
    {"*/bin/*", "/usr/bin/ls", true},
    {"*/bin/*", "/bin/ls", false},
    {"*/bin/*", "/usr/local/bin/ls", false},
    {"/usr/bin/ls", "/usr/bin/ls", true},
    {"/usr/bin/ls", "/usr/bin/lsx", false},
    {"/tmp/**", "", false},
    {"*", "", false},
    {"/tmp/a**b", "/tmp/aXXb", true},  // `**` inside an element acts as `*`
    {"/tmp/a**b", "/tmp/a/b", false},
    {"/a/*/c", "/a/b/c", true},
    {"/a/*/c", "/a/c", false},
    {"/a/**/c/d", "/a/c/d", true},
    {"/a/**/c/d", "/a/x/y/c/d", true},
    {"/a/**/c/d", "/a/x/y/c/e", false},
    {"**", "/anything", true},
    {"/dev/shm/**", "/dev/shm/x", true},
    {"/home/**", "/opt/srv/home/x", false},
};

TEST(PathGlobTest, MatchesTheSpecExamples) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.glob) + " vs " + std::string(c.path));
    Result<PathGlob> glob = PathGlob::Compile(c.glob, false);
    ASSERT_TRUE(glob.has_value());
    EXPECT_EQ(glob->Matches(c.path), c.expected);
    // The prefix shortcut, when offered, must agree with the full matcher.
    if (std::optional<std::string> prefix = glob->LiteralPrefix()) {
      EXPECT_EQ(c.path.starts_with(*prefix) && !c.path.empty(), c.expected);
    }
  }
}

TEST(PathGlobTest, SecondDoubleStarIsRejected) {
  Result<PathGlob> glob = PathGlob::Compile("/a/**/b/**", false);
  ASSERT_FALSE(glob.has_value());
  EXPECT_EQ(glob.error().message(), "`**` is allowed only once in a path pattern");
}

TEST(PathGlobTest, LiteralPrefixOnlyForTrailingDoubleStar) {
  EXPECT_EQ(PathGlob::Compile("/tmp/**", false)->LiteralPrefix(), "/tmp/");
  EXPECT_EQ(PathGlob::Compile("/**", false)->LiteralPrefix(), "/");
  EXPECT_EQ(PathGlob::Compile("/etc/cron.*/**", false)->LiteralPrefix(), std::nullopt);
  EXPECT_EQ(PathGlob::Compile("/tmp/**/x", false)->LiteralPrefix(), std::nullopt);
  EXPECT_EQ(PathGlob::Compile("**", false)->LiteralPrefix(), std::nullopt);
  EXPECT_EQ(PathGlob::Compile("*/x/**", false)->LiteralPrefix(), std::nullopt);
}

TEST(PathGlobTest, CaseInsensitive) {
  EXPECT_TRUE(PathGlob::Compile("/TMP/*", true)->Matches("/tmp/A"));
  EXPECT_FALSE(PathGlob::Compile("/TMP/*", false)->Matches("/tmp/A"));
  EXPECT_TRUE(PathGlob::Compile("/Usr/Bin/LS", true)->Matches("/usr/bin/ls"));
}

}  // namespace
}  // namespace picket::match
