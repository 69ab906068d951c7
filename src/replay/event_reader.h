// EventReader: iterates the events of a recorded event stream (JSON Lines,
// see docs/event-stream.md).
//
// The header line is checked when the reader is opened: a stream without one,
// or of a version this build does not read, is refused. The "seed" lines that
// follow it (the recorder's /proc seed) are read at open too and offered by
// seed_images(), ready for ProcessTree::Seed. After that nothing is
// fatal: a line that is not valid JSON, not an object, or an event with a
// missing or mistyped field is counted and skipped with its line number; an
// event type this build does not know (from a newer recorder) is counted
// separately; unknown fields are ignored.

#ifndef PICKET_REPLAY_EVENT_READER_H_
#define PICKET_REPLAY_EVENT_READER_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "events/process_events.h"
#include "proc/process.h"
#include "replay/event_json.h"

namespace picket::replay {

struct SkippedLine {
  std::uint64_t line_number = 0;  // 1-based, the header is line 1
  std::string reason;

  friend bool operator==(const SkippedLine&, const SkippedLine&) = default;
};

struct ReadStats {
  std::uint64_t lines = 0;  // lines read, header and blank lines included
  std::uint64_t seed_images = 0;
  std::uint64_t events = 0;
  std::uint64_t corrupt_lines = 0;
  std::uint64_t unknown_event_types = 0;
  // The first kMaxSkippedLinesKept corrupt or unknown lines, for messages.
  std::vector<SkippedLine> skipped;
};

class EventReader {
 public:
  static constexpr std::size_t kMaxSkippedLinesKept = 32;

  // Reads from a stream the caller keeps alive for the reader's lifetime.
  static Result<std::unique_ptr<EventReader>> Open(std::istream& in);
  static Result<std::unique_ptr<EventReader>> OpenFile(const std::string& path);

  EventReader(const EventReader&) = delete;
  EventReader& operator=(const EventReader&) = delete;

  // The next well-formed event, or nullopt at the end of the stream.
  std::optional<events::Event> Next();

  const StreamHeader& header() const { return header_; }
  // Parents before children, linked through lineage_parent, from_seed set.
  const std::vector<proc::ProcessPtr>& seed_images() const { return seed_images_; }
  const ReadStats& stats() const { return stats_; }

 private:
  EventReader(std::unique_ptr<std::istream> owned, std::istream& in);
  Status ReadHeader();
  void ReadSeed();
  // The next non-blank line parsed, or nullopt at the end; corrupt JSON is
  // counted and skipped.
  std::optional<Json> NextJson();
  void Skip(std::string reason, bool unknown_type);

  std::unique_ptr<std::istream> owned_;
  std::istream* in_;
  StreamHeader header_;
  ReadStats stats_;
  std::string line_;
  std::vector<proc::ProcessPtr> seed_images_;
  std::optional<Json> pending_;  // first event line, read while looking for seed lines
};

}  // namespace picket::replay

#endif  // PICKET_REPLAY_EVENT_READER_H_
