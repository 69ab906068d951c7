#include "engine/rate_limiter.h"

#include <algorithm>

namespace picket::engine {

RateLimit RateLimit::ForEvery(std::uint64_t every_ns) {
  if (every_ns == 0) return RateLimit{};
  return RateLimit{.refill_period_ns = every_ns, .burst = 1};
}

RateLimiter::RateLimiter(std::size_t max_buckets)
    : max_buckets_(std::max<std::size_t>(1, max_buckets)) {}

RateDecision RateLimiter::Allow(std::string_view bucket_id, const RateLimit& limit,
                                std::uint64_t now_ns) {
  auto it = buckets_.find(std::string(bucket_id));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_buckets_) {
      buckets_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.emplace_front(bucket_id);
    Bucket fresh;
    fresh.tokens = limit.burst;
    fresh.last_refill_ns = now_ns;
    fresh.lru_position = lru_.begin();
    it = buckets_.emplace(lru_.front(), fresh).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru_position);
  }

  Bucket& bucket = it->second;
  if (now_ns > bucket.last_refill_ns && limit.refill_period_ns > 0) {
    double refill = static_cast<double>(now_ns - bucket.last_refill_ns) /
                    static_cast<double>(limit.refill_period_ns);
    bucket.tokens = std::min<double>(limit.burst, bucket.tokens + refill);
    bucket.last_refill_ns = now_ns;
  }
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    RateDecision decision{.allowed = true, .suppressed_since_previous = bucket.suppressed};
    bucket.suppressed = 0;
    ++total_allowed_;
    return decision;
  }
  ++bucket.suppressed;
  ++total_suppressed_;
  return RateDecision{};
}

}  // namespace picket::engine
