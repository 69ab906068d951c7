#include "replay/event_reader.h"

#include <cerrno>
#include <fstream>
#include <map>
#include <utility>

namespace picket::replay {

Result<std::unique_ptr<EventReader>> EventReader::Open(std::istream& in) {
  std::unique_ptr<EventReader> reader(new EventReader(nullptr, in));
  if (Status status = reader->ReadHeader(); !status) return status.error();
  reader->ReadSeed();
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
  reader->ReadSeed();
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

std::optional<Json> EventReader::NextJson() {
  if (pending_) {
    std::optional<Json> json = std::move(pending_);
    pending_.reset();
    return json;
  }
  while (std::getline(*in_, line_)) {
    ++stats_.lines;
    if (line_.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json json = Json::parse(line_, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
      Skip("not valid JSON", /*unknown_type=*/false);
      continue;
    }
    return json;
  }
  return std::nullopt;
}

void EventReader::ReadSeed() {
  std::map<std::pair<std::uint32_t, std::uint64_t>, proc::ProcessPtr> by_key;
  while (std::optional<Json> json = NextJson()) {
    auto type = json->is_object() ? json->find("type") : json->end();
    if (!json->is_object() || type == json->end() || *type != "seed") {
      pending_ = std::move(json);
      return;
    }
    Result<SeedRecord> record = DecodeSeedImage(*json);
    if (!record) {
      Skip(record.error().message(), /*unknown_type=*/false);
      continue;
    }
    if (record->lineage_parent) {
      auto parent =
          by_key.find({record->lineage_parent->pid, record->lineage_parent->start_time_ns});
      if (parent != by_key.end()) record->image->lineage_parent = parent->second;
    }
    by_key[{record->image->key.pid, record->image->key.start_time_ns}] = record->image;
    seed_images_.push_back(std::move(record->image));
    ++stats_.seed_images;
  }
}

std::optional<events::Event> EventReader::Next() {
  while (std::optional<Json> json = NextJson()) {
    if (json->is_object() && json->contains("type") && (*json)["type"] == "seed") {
      Skip("seed line after the first event", /*unknown_type=*/false);
      continue;
    }
    Result<events::Event> event = DecodeEvent(*json);
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
