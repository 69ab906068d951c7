#include "base/user_names.h"

#include <gtest/gtest.h>

namespace picket {
namespace {

TEST(UserNamesTest, ResolvesRootAndUnknown) {
  UserNames names;
  EXPECT_EQ(names.User(0), "root");
  EXPECT_EQ(names.Group(0), "root");
  EXPECT_EQ(names.User(4'000'000'001u), "");
  EXPECT_EQ(names.User(0), "root");  // cached path
}

TEST(UserNamesTest, BoundedCacheStillAnswers) {
  UserNames names(/*max_age_ns=*/0, /*max_entries=*/2);
  for (std::uint32_t id = 0; id < 10; ++id) names.User(id);
  EXPECT_EQ(names.User(0), "root");
}

}  // namespace
}  // namespace picket
