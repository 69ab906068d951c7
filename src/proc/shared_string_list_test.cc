#include "proc/shared_string_list.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace picket::proc {
namespace {

TEST(SharedStringListTest, ReadsLikeAVectorAndCopiesShareStorage) {
  SharedStringList empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.begin(), empty.end());
  EXPECT_EQ(empty, std::vector<std::string>{});

  SharedStringList argv = std::vector<std::string>{"curl", "-s", std::string("a\0b", 3)};
  ASSERT_EQ(argv.size(), 3u);
  EXPECT_EQ(argv.front(), "curl");
  EXPECT_EQ(argv[2], std::string("a\0b", 3));
  EXPECT_EQ(argv.back().size(), 3u);
  std::vector<std::string> collected(argv.begin(), argv.end());
  EXPECT_EQ(argv, collected);

  SharedStringList copy = argv;
  EXPECT_EQ(copy.strings().data(), argv.strings().data());
  EXPECT_EQ(copy, argv);

  copy = {"wget"};  // replacing a copy leaves the original alone
  EXPECT_EQ(copy, std::vector<std::string>{"wget"});
  EXPECT_EQ(argv.size(), 3u);
  EXPECT_FALSE(copy == argv);
  EXPECT_EQ(SharedStringList({"x"}), SharedStringList(std::vector<std::string>{"x"}));
}

}  // namespace
}  // namespace picket::proc
