#include "replay/event_reader.h"

#include <cerrno>
#include <fstream>

namespace picket::replay {

Result<std::unique_ptr<EventReader>> EventReader::Open(std::istream& in) {
  std::unique_ptr<EventReader> reader(new EventReader(nullptr, in));
  if (Status status = reader->ReadHeader(); !status) return status.error();
  return reader;
}

Result<std::unique_ptr<EventReader>> EventReader::OpenFile(const std::string& path) {
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!file->is_open()) return ErrnoError("opening " + path, errno);
  std::istream& in = *file;
  std::unique_ptr<EventReader> reader(new EventReader(std::move(file), in));
  if (Status status = reader->ReadHeader(); !status) {
    return status.error().WithContext("reading " + path);
  }
  return reader;
}

EventReader::EventReader(std::unique_ptr<std::istream> owned, std::istream& in)
    : owned_(std::move(owned)), in_(&in) {}

Status EventReader::ReadHeader() {
  if (!std::getline(*in_, line_)) {
    return Error(ErrorCode::kInvalidArgument, "empty event stream: no header line");
  }
  ++stats_.lines;
  Json json = Json::parse(line_, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return Error(ErrorCode::kInvalidArgument, "line 1: the header is not valid JSON");
  }
  Result<StreamHeader> header = DecodeHeader(json);
  if (!header) return header.error().WithContext("line 1");
  header_ = std::move(*header);
  return {};
}

void EventReader::Skip(std::string reason, bool unknown_type) {
  if (unknown_type) {
    ++stats_.unknown_event_types;
  } else {
    ++stats_.corrupt_lines;
  }
  if (stats_.skipped.size() < kMaxSkippedLinesKept) {
    stats_.skipped.push_back({stats_.lines, std::move(reason)});
  }
}

std::optional<events::Event> EventReader::Next() {
  while (std::getline(*in_, line_)) {
    ++stats_.lines;
    if (line_.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json json = Json::parse(line_, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
      Skip("not valid JSON", /*unknown_type=*/false);
      continue;
    }
    Result<events::Event> event = DecodeEvent(json);
    if (!event) {
      Skip(event.error().message(), event.error().code() == ErrorCode::kNotFound);
      continue;
    }
    ++stats_.events;
    return std::move(*event);
  }
  return std::nullopt;
}

}  // namespace picket::replay
