#include <gtest/gtest.h>

#include <cerrno>

#include "base/clock.h"
#include "base/error.h"
#include "base/result.h"

namespace picket {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return Error(ErrorCode::kInvalidArgument, "not positive");
  return v;
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> ok = ParsePositive(3);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 3);
  Result<int> bad = ParsePositive(-1);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().WithContext("reading config").message(), "reading config: not positive");
}

TEST(ResultTest, VoidStatus) {
  Status ok;
  EXPECT_TRUE(ok.has_value());
  Status bad = ErrnoError("opening x", ENOENT);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(bad.error().message(), "opening x: No such file or directory");
}

TEST(ClockTest, FormatsRfc3339WithNanoseconds) {
  EXPECT_EQ(FormatRfc3339Nanos(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(FormatRfc3339Nanos(1'700'000'000'123'456'789ULL), "2023-11-14T22:13:20.123456789Z");
}

TEST(ClockTest, BootOffsetMapsNowToNow) {
  std::int64_t offset = BootToRealtimeOffsetNs();
  std::int64_t mapped = static_cast<std::int64_t>(BootTimeNs()) + offset;
  std::int64_t real = static_cast<std::int64_t>(RealtimeNs());
  EXPECT_LT(std::llabs(real - mapped), 50'000'000);  // within 50 ms
}

}  // namespace
}  // namespace picket
