#include "engine/rate_limiter.h"

#include <gtest/gtest.h>

namespace picket::engine {
namespace {

constexpr std::uint64_t kMs = 1'000'000;

// Checklist 68: 100 events of one rule within 1 s emit ≈ 40 + 10.
TEST(RateLimiterTest, Checklist68_DefaultBurstThenRefill) {
  RateLimiter limiter;
  int allowed = 0;
  for (int i = 0; i < 100; ++i) {
    if (limiter.Allow("r", RateLimit{}, static_cast<std::uint64_t>(i) * 10 * kMs).allowed)
      ++allowed;
  }
  EXPECT_EQ(allowed, 49);  // 40 burst + one token per 100 ms over 990 ms
  EXPECT_EQ(limiter.total_suppressed(), 51u);
}

TEST(RateLimiterTest, Checklist68_EveryAllowsOnePerPeriod) {
  RateLimiter limiter;
  RateLimit every10s = RateLimit::ForEvery(10'000 * kMs);
  int allowed = 0;
  for (int i = 0; i < 100; ++i) {
    if (limiter.Allow("r", every10s, static_cast<std::uint64_t>(i) * 50 * kMs).allowed) ++allowed;
  }
  EXPECT_EQ(allowed, 1);
  EXPECT_EQ(RateLimit::ForEvery(0).burst, RateLimit{}.burst);
}

TEST(RateLimiterTest, SuppressedCountRidesOnNextAllowedSignal) {
  RateLimiter limiter;
  RateLimit one_per_second = RateLimit::ForEvery(1'000 * kMs);
  EXPECT_TRUE(limiter.Allow("r", one_per_second, 0).allowed);
  EXPECT_FALSE(limiter.Allow("r", one_per_second, 1).allowed);
  EXPECT_FALSE(limiter.Allow("r", one_per_second, 2).allowed);
  RateDecision next = limiter.Allow("r", one_per_second, 1'000 * kMs + 2);
  EXPECT_TRUE(next.allowed);
  EXPECT_EQ(next.suppressed_since_previous, 2u);
}

// Checklist 69: each distinct limiter_token value has its own bucket.
TEST(RateLimiterTest, Checklist69_BucketsAreIndependent) {
  RateLimiter limiter;
  RateLimit once = RateLimit::ForEvery(1'000 * kMs);
  EXPECT_TRUE(limiter.Allow("r|/usr/bin/a", once, 0).allowed);
  EXPECT_TRUE(limiter.Allow("r|/usr/bin/b", once, 0).allowed);
  EXPECT_FALSE(limiter.Allow("r|/usr/bin/a", once, 1).allowed);
}

TEST(RateLimiterTest, LruBoundEvictsOldestBucket) {
  RateLimiter limiter(/*max_buckets=*/2);
  RateLimit once = RateLimit::ForEvery(1'000 * kMs);
  EXPECT_TRUE(limiter.Allow("a", once, 0).allowed);
  EXPECT_TRUE(limiter.Allow("b", once, 0).allowed);
  EXPECT_TRUE(limiter.Allow("c", once, 0).allowed);  // evicts "a"
  EXPECT_TRUE(limiter.Allow("a", once, 1).allowed);  // fresh bucket again
  EXPECT_FALSE(limiter.Allow("c", once, 1).allowed);
}

}  // namespace
}  // namespace picket::engine
