#include "sinks/signal_text.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "base/clock.h"

namespace picket::sinks {
namespace {

std::string OrDash(const std::string& value) { return value.empty() ? "-" : value; }

// A JSON value as display text: strings unquoted, numbers as written.
std::string Member(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "?";
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "?";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::string ProcessLine(const nlohmann::json& process) {
  std::string path = "?";
  if (process.is_object()) {
    auto exe = process.find("executable");
    if (exe != process.end()) path = Member(*exe, "path");
  }
  std::string line =
      fmt::format("{} (pid {}) {}", Member(process, "comm"), Member(process, "pid"), path);
  if (process.is_object()) {
    auto exit_time = process.find("exit_time");
    auto exited = process.find("exited");
    const bool has_exit_time = exit_time != process.end() && !exit_time->is_null() &&
                               !(exit_time->is_string() && exit_time->get<std::string>().empty());
    const bool flagged = exited != process.end() && exited->is_boolean() && exited->get<bool>();
    if (has_exit_time || flagged) line += " (exited)";
  }
  return line;
}

}  // namespace

std::string FormatSignalLine(const SignalRecord& record) {
  const std::string& text = record.message.empty() ? record.title : record.message;
  return fmt::format("{} {} {} comm={} pid={} user={}: {}", FormatRfc3339Nanos(record.timestamp_ns),
                     OrDash(record.severity), OrDash(record.rule_id), OrDash(record.comm),
                     record.pid, OrDash(record.user), text);
}

std::string RenderAncestorTree(const nlohmann::json& signal) {
  if (!signal.is_object() || !signal.contains("process") || !signal["process"].is_object()) {
    return "(no process in signal)\n";
  }
  const nlohmann::json& process = signal["process"];
  std::vector<std::string> lines;  // oldest first
  auto ancestors = process.find("ancestors");
  if (ancestors != process.end() && ancestors->is_array()) {
    for (auto it = ancestors->rbegin(); it != ancestors->rend(); ++it) {
      lines.push_back(ProcessLine(*it));
    }
  }
  lines.push_back(ProcessLine(process) + "  <- signal");
  std::string out;
  for (std::size_t depth = 0; depth < lines.size(); ++depth) {
    if (depth > 0) {
      out.append(3 * (depth - 1), ' ');
      out += "└─ ";
    }
    out += lines[depth];
    out += '\n';
  }
  if (process.value("truncated_ancestors", false)) out += "(ancestors truncated)\n";
  return out;
}

std::string FormatListedSignal(const StoredSignal& signal) {
  return fmt::format("{:>6} {}", signal.id, FormatSignalLine(signal.record));
}

std::string FormatAroundSignal(const StoredSignal& signal, const StoredSignal& center) {
  const auto delta = static_cast<std::int64_t>(signal.record.timestamp_ns) -
                     static_cast<std::int64_t>(center.record.timestamp_ns);
  const std::uint64_t magnitude =
      delta < 0 ? static_cast<std::uint64_t>(-delta) : static_cast<std::uint64_t>(delta);
  return fmt::format("{} {:>6} {}{}.{:03}s {}", signal.id == center.id ? "=>" : "  ", signal.id,
                     delta < 0 ? '-' : '+', magnitude / 1'000'000'000,
                     (magnitude / 1'000'000) % 1000, FormatSignalLine(signal.record));
}

std::string StoredSignalJsonLine(const StoredSignal& signal) {
  const SignalRecord& r = signal.record;
  nlohmann::json line = {
      {"id", signal.id},      {"rule_id", r.rule_id},   {"timestamp_ns", r.timestamp_ns},
      {"host", r.host},       {"pid", r.pid},           {"comm", r.comm},
      {"user", r.user},       {"severity", r.severity}, {"title", r.title},
      {"message", r.message},
  };
  nlohmann::json document = nlohmann::json::parse(r.json, nullptr, /*allow_exceptions=*/false);
  line["signal"] = document.is_discarded() ? nlohmann::json(r.json) : std::move(document);
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string RenderSignalDetail(const StoredSignal& signal) {
  const nlohmann::json document =
      nlohmann::json::parse(signal.record.json, nullptr, /*allow_exceptions=*/false);
  std::string out = FormatListedSignal(signal) + "\n\n";
  if (document.is_discarded()) {
    out += "(stored document is not valid JSON; shown verbatim)\n";
    out += signal.record.json;
    out += "\n";
    return out;
  }
  out += document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  out += "\n\nProcess ancestry:\n";
  out += RenderAncestorTree(document);
  return out;
}

}  // namespace picket::sinks
