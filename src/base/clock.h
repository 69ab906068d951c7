// Clocks: kernel events are stamped with CLOCK_BOOTTIME (bpf_ktime_get_boot_ns);
// signals and users want wall-clock time. BootClock converts between the two
// with an offset measured once at construction.

#ifndef PICKET_BASE_CLOCK_H_
#define PICKET_BASE_CLOCK_H_

#include <cstdint>
#include <string>

namespace picket {

std::uint64_t BootTimeNs();   // CLOCK_BOOTTIME now
std::uint64_t RealtimeNs();   // CLOCK_REALTIME now (ns since the Unix epoch)
std::uint64_t MonotonicNs();  // CLOCK_MONOTONIC now

// Offset to add to a CLOCK_BOOTTIME stamp to get ns since the Unix epoch.
// Measured by bracketing a REALTIME read between two BOOTTIME reads.
std::int64_t BootToRealtimeOffsetNs();

// RFC 3339 UTC with nanoseconds: "2026-11-28T11:20:35.123456789Z".
std::string FormatRfc3339Nanos(std::uint64_t epoch_ns);

}  // namespace picket

#endif  // PICKET_BASE_CLOCK_H_
