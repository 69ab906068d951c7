// libFuzzer target for EventReader: arbitrary bytes as a recorded stream.
// Invariants beyond "no crash": every line is accounted for (event, corrupt,
// unknown type or blank), and every event that decodes re-encodes to JSON
// that decodes to the same event (the round-trip the recorder relies on).

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "replay/event_json.h"
#include "replay/event_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using picket::replay::EventReader;
  if (size > std::size_t{64} * 1024) return 0;  // longer streams add run time, not coverage
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  picket::Result<std::unique_ptr<EventReader>> reader = EventReader::Open(in);
  if (!reader) return 0;
  std::uint64_t events = 0;
  while (std::optional<picket::events::Event> event = (*reader)->Next()) {
    ++events;
    picket::replay::Json json = picket::replay::EncodeEvent(*event);
    picket::Result<picket::events::Event> again =
        picket::replay::DecodeEvent(picket::replay::Json::parse(json.dump()));
    if (!again || !(*again == *event)) __builtin_trap();
  }
  const picket::replay::ReadStats& stats = (*reader)->stats();
  if (stats.events != events) __builtin_trap();
  if (stats.events + stats.corrupt_lines + stats.unknown_event_types > stats.lines) {
    __builtin_trap();
  }
  return 0;
}
