// The JSON form of one process event in the recorded event stream
// (docs/event-stream.md is the reference). Encoding is deterministic (fixed
// key order, no floats), and DecodeEvent(EncodeEvent(e)) == e for every event.
//
// Strings that come from the kernel (argv, envp, paths, comm, cwd, tty,
// cgroup path) are raw bytes and may be invalid UTF-8. Such a string is
// written as a JSON string when it is valid UTF-8, and otherwise as the
// object {"b64": "<standard base64 of the bytes>"}; readers accept either
// form anywhere a string is expected.

#ifndef PICKET_REPLAY_EVENT_JSON_H_
#define PICKET_REPLAY_EVENT_JSON_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "events/process_events.h"
#include "proc/process_tree.h"

namespace picket::replay {

using Json = nlohmann::ordered_json;

inline constexpr int kEventStreamVersion = 1;
inline constexpr std::string_view kHeaderKey = "picket_event_stream";

// The first line of every stream.
struct StreamHeader {
  int version = kEventStreamVersion;
  std::uint64_t created_ns = 0;  // when recording started, ns since the epoch
  std::string host;
  std::string picket_version;
  std::int64_t boot_to_realtime_offset_ns = 0;  // what kernel times were converted with

  friend bool operator==(const StreamHeader&, const StreamHeader&) = default;
};

Json EncodeHeader(const StreamHeader& header);
// Fails if `json` is not a header object, or its version is not one this
// build reads (kUnsupported names both versions).
Result<StreamHeader> DecodeHeader(const Json& json);

// Valid UTF-8 → JSON string; otherwise {"b64": "..."}.
Json EncodeBytes(std::string_view bytes);
Result<std::string> DecodeBytes(const Json& json);
bool IsValidUtf8(std::string_view bytes);

// Names of events::ExecFlag bits ("script", "memfd", ...); a bit with no
// name is written as "bit<N>" so it still round-trips.
Json EncodeExecFlags(std::uint32_t flags);
Result<std::uint32_t> DecodeExecFlags(const Json& json);

Json EncodeEvent(const events::Event& event);
// `ancestors` is added as "ancestors" (+ "ancestors_truncated"): a summary
// of the tree's lineage for humans. Readers ignore it.
Json EncodeEventWithAncestry(const events::Event& event, const proc::AncestorList& ancestors);

// A process image from the tree's /proc seed, written as a "seed" line before
// the first event so that replay starts from the same tree the recorder had.
// `lineage_parent` is written as the key of an earlier seed line.
struct SeedRecord {
  proc::ProcessPtr image;  // lineage_parent not set
  std::optional<events::ProcessKey> lineage_parent;
};
Json EncodeSeedImage(const proc::Process& image);
Result<SeedRecord> DecodeSeedImage(const Json& json);

// Fails (kInvalidArgument, message names the field) on a missing required
// field or a field of the wrong type; kNotFound for an event type this build
// does not know (a newer recorder), so callers can skip it distinctly.
// Unknown fields are ignored.
Result<events::Event> DecodeEvent(const Json& json);

}  // namespace picket::replay

#endif  // PICKET_REPLAY_EVENT_JSON_H_
