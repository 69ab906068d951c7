#include "base/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace picket {

int LatencyHistogram::BucketOf(std::uint64_t value) {
  if (value < (1u << kSubBits)) return static_cast<int>(value);  // exact for tiny values
  int octave = std::bit_width(value) - 1;                        // >= kSubBits
  int sub = static_cast<int>((value >> (octave - kSubBits)) & ((1u << kSubBits) - 1));
  return ((octave - kSubBits + 1) << kSubBits) + sub;
}

std::uint64_t LatencyHistogram::UpperEdge(int bucket) {
  if (bucket < (1 << kSubBits)) return static_cast<std::uint64_t>(bucket);
  int octave = (bucket >> kSubBits) + kSubBits - 1;
  std::uint64_t sub = static_cast<std::uint64_t>(bucket & ((1 << kSubBits) - 1));
  std::uint64_t base = 1ULL << octave;
  std::uint64_t step = base >> kSubBits;
  return base + (sub + 1) * step - 1;
}

void LatencyHistogram::Record(std::uint64_t value_ns) {
  ++buckets_[static_cast<std::size_t>(BucketOf(value_ns))];
  ++count_;
  max_ = std::max(max_, value_ns);
}

std::uint64_t LatencyHistogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::max<std::uint64_t>(rank, 1);
  std::uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += buckets_[static_cast<std::size_t>(b)];
    if (seen >= rank) return std::min(UpperEdge(b), max_);
  }
  return max_;
}

}  // namespace picket
