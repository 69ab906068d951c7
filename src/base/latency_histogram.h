// LatencyHistogram: a fixed-memory log-linear histogram of durations (ns)
// for percentiles such as exec → signal latency. 16 sub-buckets per power of
// two: any percentile is within 1/16 (6.25 %) of the true value. Recording
// is O(1) and allocation-free. Not thread-safe.

#ifndef PICKET_BASE_LATENCY_HISTOGRAM_H_
#define PICKET_BASE_LATENCY_HISTOGRAM_H_

#include <array>
#include <cstdint>

namespace picket {

class LatencyHistogram {
 public:
  void Record(std::uint64_t value_ns);

  std::uint64_t count() const { return count_; }
  std::uint64_t max() const { return max_; }
  // The value at quantile q in [0, 1] (upper edge of its bucket, capped at
  // max()); 0 when empty.
  std::uint64_t Percentile(double q) const;

 private:
  static constexpr int kSubBits = 4;  // 16 sub-buckets per octave
  static constexpr int kBuckets = 64 << kSubBits;
  static int BucketOf(std::uint64_t value);
  static std::uint64_t UpperEdge(int bucket);

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace picket

#endif  // PICKET_BASE_LATENCY_HISTOGRAM_H_
