// libFuzzer target for decode::Decode: bytes straight from the "kernel".
// Invariants beyond "no crash": a decoded event's kind matches the header's,
// and a record whose header.size disagrees with its length never decodes.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "decode/decode.h"

extern "C" {
#include "abi/process_events.h"
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;  // larger than any ring record
  const auto bytes = std::as_bytes(std::span<const std::uint8_t>(data, size));
  picket::decode::DecodeResult result = picket::decode::Decode(bytes, {});
  if (!result) return 0;

  picket_event_header header;
  if (size < sizeof(header)) __builtin_trap();
  std::memcpy(&header, data, sizeof(header));
  if (header.size != size) __builtin_trap();
  const picket::events::Event& event = result.value();
  const bool kind_matches = (header.kind == PICKET_EVENT_FORK &&
                             std::holds_alternative<picket::events::ForkEvent>(event)) ||
                            (header.kind == PICKET_EVENT_EXEC &&
                             std::holds_alternative<picket::events::ExecEvent>(event)) ||
                            (header.kind == PICKET_EVENT_EXIT &&
                             std::holds_alternative<picket::events::ExitEvent>(event));
  if (!kind_matches) __builtin_trap();
  return 0;
}
