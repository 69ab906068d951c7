#include "replay/event_writer.h"

#include <cerrno>

namespace picket::replay {

Result<std::unique_ptr<EventWriter>> EventWriter::OpenFile(const std::string& path,
                                                           const StreamHeader& header,
                                                           FlushPolicy flush) {
  std::FILE* stream = std::fopen(path.c_str(), "we");
  if (stream == nullptr) return ErrnoError("opening " + path, errno);
  if (flush == FlushPolicy::kBuffered) {
    // Large enough that an exec storm costs one write(2) per batch, not per line.
    std::setvbuf(stream, nullptr, _IOFBF, std::size_t{1} << 20);
  }
  std::unique_ptr<EventWriter> writer(new EventWriter(stream, /*owns_stream=*/true, flush));
  if (Status status = writer->WriteLine(EncodeHeader(header)); !status) {
    return status.error().WithContext("writing " + path);
  }
  return writer;
}

Result<std::unique_ptr<EventWriter>> EventWriter::Wrap(std::FILE* stream,
                                                       const StreamHeader& header,
                                                       FlushPolicy flush) {
  std::unique_ptr<EventWriter> writer(new EventWriter(stream, /*owns_stream=*/false, flush));
  if (Status status = writer->WriteLine(EncodeHeader(header)); !status) return status.error();
  return writer;
}

EventWriter::EventWriter(std::FILE* stream, bool owns_stream, FlushPolicy flush)
    : stream_(stream), owns_stream_(owns_stream), flush_(flush) {}

EventWriter::~EventWriter() {
  if (owns_stream_) {
    std::fclose(stream_);
  } else {
    std::fflush(stream_);
  }
}

Status EventWriter::WriteLine(const Json& json) {
  // Every string in `json` went through EncodeBytes, so it is valid UTF-8
  // and dump() cannot throw.
  std::string line = json.dump();
  line.push_back('\n');
  if (std::fwrite(line.data(), 1, line.size(), stream_) != line.size()) {
    return ErrnoError("writing event stream", errno);
  }
  if (flush_ == FlushPolicy::kEveryEvent) return Flush();
  return {};
}

Status EventWriter::WriteSeed(const std::vector<proc::ProcessPtr>& images) {
  if (events_written_ > 0) {
    return Error(ErrorCode::kInvalidArgument, "seed images must precede the first event");
  }
  for (const proc::ProcessPtr& image : images) {
    if (image == nullptr) continue;
    if (Status status = WriteLine(EncodeSeedImage(*image)); !status) return status;
    ++seed_images_written_;
  }
  return {};
}

Status EventWriter::Write(const events::Event& event) {
  Status status = WriteLine(EncodeEvent(event));
  if (status) ++events_written_;
  return status;
}

Status EventWriter::Write(const events::Event& event, const proc::AncestorList& ancestors) {
  Status status = WriteLine(EncodeEventWithAncestry(event, ancestors));
  if (status) ++events_written_;
  return status;
}

Status EventWriter::Flush() {
  if (std::fflush(stream_) != 0) return ErrnoError("flushing event stream", errno);
  return {};
}

}  // namespace picket::replay
