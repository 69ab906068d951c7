#include "base/latency_histogram.h"

#include <gtest/gtest.h>

namespace picket {
namespace {

TEST(LatencyHistogramTest, EmptyAndExactSmallValues) {
  LatencyHistogram h;
  EXPECT_EQ(h.Percentile(0.5), 0u);
  for (std::uint64_t v : {1, 2, 3, 4}) h.Record(v);
  EXPECT_EQ(h.Percentile(0.5), 2u);
  EXPECT_EQ(h.Percentile(1.0), 4u);
  EXPECT_EQ(h.count(), 4u);
}

TEST(LatencyHistogramTest, PercentilesWithinOneSixteenth) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 100'000; ++v) h.Record(v * 1000);  // 1 µs .. 100 ms
  struct Case {
    double q;
    double want;
  };
  for (Case c : {Case{0.5, 50e6}, Case{0.99, 99e6}, Case{0.01, 1e6}}) {
    double got = static_cast<double>(h.Percentile(c.q));
    EXPECT_GE(got, c.want * 0.999) << c.q;
    EXPECT_LE(got, c.want * 1.0625) << c.q;
  }
  EXPECT_EQ(h.Percentile(1.0), 100'000'000u);
  EXPECT_EQ(h.max(), 100'000'000u);
}

TEST(LatencyHistogramTest, HugeValuesDoNotOverflow) {
  LatencyHistogram h;
  h.Record(~0ULL);
  h.Record(1ULL << 62);
  EXPECT_EQ(h.Percentile(1.0), ~0ULL);
  EXPECT_GE(h.Percentile(0.5), 1ULL << 62);
}

}  // namespace
}  // namespace picket
