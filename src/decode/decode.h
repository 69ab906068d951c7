// decode/: one raw ring-buffer record (bytes from the kernel) -> one
// events::Event, or the reason the record was rejected. Never trusts the
// kernel: kind, ABI version, size, blob references and string termination are
// all checked, and a record that fails any check yields a Malformation the
// caller counts; nothing of it reaches the event.
//
// Pure: no I/O, no clocks (the boot-time offset comes in DecodeOptions), so it
// is unit-tested with crafted records and fuzzed (decode_fuzzer.cc).

#ifndef PICKET_DECODE_DECODE_H_
#define PICKET_DECODE_DECODE_H_

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "events/process_events.h"

namespace picket::decode {

// Why a record was rejected. Keep kMalformationCount last.
enum class Malformation : std::uint8_t {
  kTooShort,            // fewer bytes than the common header
  kBadAbiVersion,       // header.abi_version != PICKET_ABI_VERSION
  kUnknownKind,         // header.kind is not fork/exec/exit
  kSizeMismatch,        // header.size disagrees with the bytes received or the kind's layout
  kBlobOutOfBounds,     // an exec field reference points outside the record
  kUnterminatedString,  // a NUL-terminated field or fixed char array lacks its NUL
  kInconsistentCounts,  // a component count disagrees with the field's contents
  kMalformationCount,
};
inline constexpr std::size_t kMalformationCount =
    static_cast<std::size_t>(Malformation::kMalformationCount);

// "too_short", "bad_abi_version", ...: stable names for stats and logs.
std::string_view MalformationName(Malformation malformation);

// Either the decoded event or the Malformation. Member names follow Result<T>.
class [[nodiscard]] DecodeResult {
 public:
  DecodeResult(events::Event event) : storage_(std::move(event)) {}  // NOLINT
  DecodeResult(Malformation reason) : storage_(reason) {}            // NOLINT
  // An exec record's strings move once, straight into the result.
  explicit DecodeResult(events::ExecEvent&& exec)
      : storage_(std::in_place_index<0>, std::in_place_type<events::ExecEvent>, std::move(exec)) {}

  bool has_value() const { return storage_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  const events::Event& value() const& {
    assert(has_value());
    return std::get<0>(storage_);
  }
  events::Event& value() & {
    assert(has_value());
    return std::get<0>(storage_);
  }
  events::Event&& value() && {
    assert(has_value());
    return std::get<0>(std::move(storage_));
  }
  Malformation error() const {
    assert(!has_value());
    return std::get<1>(storage_);
  }

 private:
  std::variant<events::Event, Malformation> storage_;
};

struct DecodeOptions {
  // Added to every CLOCK_BOOTTIME stamp to get ns since the Unix epoch;
  // measured once per Collector (base/clock.h BootToRealtimeOffsetNs) so all
  // events of a run share it. Process start times (ProcessKey) are converted
  // the same way and keep full ns precision; proc/ matches /proc seeds (clock
  // ticks) against them with a tolerance.
  std::int64_t boot_to_realtime_offset_ns = 0;
};

// Decodes one record. `record` is exactly the ring-buffer sample.
//
// File identity follows SECL: for a #! script, ExecEvent::file.path is the
// script (the filename as passed, made absolute against cwd and normalised
// lexically; its metadata is left 0 here, see probe/ for the stat) and
// ExecEvent::interpreter is the binary the kernel ran. A memfd or deleted file
// keeps the path the kernel shows ("/memfd:name (deleted)") plus flags.
DecodeResult Decode(std::span<const std::byte> record, const DecodeOptions& options);

// Joins a relative exec filename to cwd and removes "." and ".." components
// lexically: ("./x.sh", "/tmp") -> "/tmp/x.sh". An absolute filename is only
// normalised.
std::string AbsoluteExecPath(std::string_view filename, std::string_view cwd);

}  // namespace picket::decode

#endif  // PICKET_DECODE_DECODE_H_
