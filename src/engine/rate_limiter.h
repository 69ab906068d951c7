// Per-rule signal rate limiting (spec §16): a token bucket per rule id, or per
// (rule, limiter_token values) when the rule sets `limiter_token`. Default:
// one token every 100 ms, burst 40. `every: D` (non-zero): one token every D,
// burst 1. Only emission is limited; actions still run.
//
// Time is the EVENT's timestamp, not the wall clock, so a replay of a
// recording suppresses exactly what the live run suppressed. Each allowed
// signal reports how many matches of its bucket were suppressed since the
// previous allowed one, so nothing is dropped silently.

#ifndef PICKET_ENGINE_RATE_LIMITER_H_
#define PICKET_ENGINE_RATE_LIMITER_H_

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace picket::engine {

struct RateLimit {
  std::uint64_t refill_period_ns = 100'000'000;  // one token per period
  std::uint32_t burst = 40;

  // `every: D` from the policy; 0 keeps the default limiter.
  static RateLimit ForEvery(std::uint64_t every_ns);
};

struct RateDecision {
  bool allowed = false;
  std::uint64_t suppressed_since_previous = 0;  // meaningful when allowed
};

class RateLimiter {
 public:
  // At most `max_buckets` distinct buckets are kept (LRU; spec: 500 tokens).
  explicit RateLimiter(std::size_t max_buckets = 4096);

  // `bucket` identifies the rule (and limiter_token values); `limit` must be
  // the same for every call with the same bucket.
  RateDecision Allow(std::string_view bucket, const RateLimit& limit, std::uint64_t now_ns);

  std::uint64_t total_allowed() const { return total_allowed_; }
  std::uint64_t total_suppressed() const { return total_suppressed_; }

 private:
  struct Bucket {
    double tokens = 0;
    std::uint64_t last_refill_ns = 0;
    std::uint64_t suppressed = 0;
    std::list<std::string>::iterator lru_position;
  };

  std::size_t max_buckets_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::list<std::string> lru_;  // front = most recently used
  std::uint64_t total_allowed_ = 0;
  std::uint64_t total_suppressed_ = 0;
};

}  // namespace picket::engine

#endif  // PICKET_ENGINE_RATE_LIMITER_H_
