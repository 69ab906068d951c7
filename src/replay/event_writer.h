// EventWriter: appends events to a recorded event stream (JSON Lines, see
// docs/event-stream.md): the header line first, then one event per line.
//
// Thread-compatible: one thread writes.

#ifndef PICKET_REPLAY_EVENT_WRITER_H_
#define PICKET_REPLAY_EVENT_WRITER_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "events/process_events.h"
#include "proc/process_tree.h"
#include "replay/event_json.h"

namespace picket::replay {

enum class FlushPolicy {
  kEveryEvent,  // fflush after each line: `tail -f` sees events at once, a crash loses none
  kBuffered,    // stdio buffering; Flush() or destruction writes the rest
};

class EventWriter {
 public:
  // Creates (truncates) `path` and writes the header.
  static Result<std::unique_ptr<EventWriter>> OpenFile(
      const std::string& path, const StreamHeader& header,
      FlushPolicy flush = FlushPolicy::kEveryEvent);
  // Writes to a stream the caller owns and keeps open (stdout).
  static Result<std::unique_ptr<EventWriter>> Wrap(std::FILE* stream, const StreamHeader& header,
                                                   FlushPolicy flush = FlushPolicy::kEveryEvent);

  ~EventWriter();
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // The tree's /proc seed as "seed" lines, parents before children (the order
  // ReadProcfs gives). Only before the first event: kInvalidArgument after.
  Status WriteSeed(const std::vector<proc::ProcessPtr>& images);

  Status Write(const events::Event& event);
  // The event plus the summary of its process's ancestors (informational).
  Status Write(const events::Event& event, const proc::AncestorList& ancestors);
  Status Flush();

  std::uint64_t events_written() const { return events_written_; }
  std::uint64_t seed_images_written() const { return seed_images_written_; }

 private:
  EventWriter(std::FILE* stream, bool owns_stream, FlushPolicy flush);
  Status WriteLine(const Json& json);

  std::FILE* stream_;
  bool owns_stream_;
  FlushPolicy flush_;
  std::uint64_t events_written_ = 0;
  std::uint64_t seed_images_written_ = 0;
};

}  // namespace picket::replay

#endif  // PICKET_REPLAY_EVENT_WRITER_H_
