#include "base/clock.h"

#include <fmt/format.h>

#include <ctime>

namespace picket {
namespace {

std::uint64_t ReadClock(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace

std::uint64_t BootTimeNs() { return ReadClock(CLOCK_BOOTTIME); }
std::uint64_t RealtimeNs() { return ReadClock(CLOCK_REALTIME); }
std::uint64_t MonotonicNs() { return ReadClock(CLOCK_MONOTONIC); }

std::int64_t BootToRealtimeOffsetNs() {
  std::uint64_t before = BootTimeNs();
  std::uint64_t real = RealtimeNs();
  std::uint64_t after = BootTimeNs();
  std::uint64_t boot = before + (after - before) / 2;
  return static_cast<std::int64_t>(real) - static_cast<std::int64_t>(boot);
}

std::string FormatRfc3339Nanos(std::uint64_t epoch_ns) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ns / 1'000'000'000ULL);
  unsigned nanos = static_cast<unsigned>(epoch_ns % 1'000'000'000ULL);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nanos);
}

}  // namespace picket
