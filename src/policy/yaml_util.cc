#include "policy/yaml_util.h"

#include <charconv>
#include <exception>

#include "policy/policy_file.h"

namespace picket::policy {
namespace {

std::string_view ShapeName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Undefined:
      return "nothing";
  }
  return "something else";
}

bool IsQuoted(const YAML::Node& node) { return node.Tag() == "!"; }

std::optional<std::int64_t> ParseInt(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<bool> ParseBool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return std::nullopt;
}

}  // namespace

std::uint32_t YamlDecoder::Offset(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  YAML::Mark mark = node.Mark();
  return mark.pos < 0 ? 0 : static_cast<std::uint32_t>(mark.pos);
}

std::uint32_t YamlDecoder::OffsetOrLast(const YAML::Node& node) {
  if (node.IsDefined() && node.Mark().pos >= 0) {
    last_offset_ = static_cast<std::uint32_t>(node.Mark().pos);
  }
  return last_offset_;
}

void YamlDecoder::Error(const YAML::Node& node, std::string message, std::string hint) {
  std::uint32_t offset = OffsetOrLast(node);
  diagnostics_.push_back(MakeDiagnostic(PolicyDiagnostic::Severity::kError, source_, offset,
                                        offset + 1, std::move(message), std::move(hint)));
}

std::string YamlDecoder::KeyName(const YAML::Node& key) {
  OffsetOrLast(key);
  return key.IsScalar() ? key.Scalar() : std::string();
}

bool YamlDecoder::String(const YAML::Node& node, std::string_view what, std::string& out) {
  OffsetOrLast(node);
  if (node.IsNull()) {
    out.clear();
    return true;
  }
  if (!node.IsScalar()) {
    Error(node,
          "'" + std::string(what) + "' must be a string, not " + std::string(ShapeName(node)));
    return false;
  }
  out = node.Scalar();
  return true;
}

bool YamlDecoder::Bool(const YAML::Node& node, std::string_view what, bool& out) {
  OffsetOrLast(node);
  std::optional<bool> value = node.IsScalar() ? ParseBool(node.Scalar()) : std::nullopt;
  if (!value) {
    Error(node, "'" + std::string(what) + "' must be true or false");
    return false;
  }
  out = *value;
  return true;
}

bool YamlDecoder::Int(const YAML::Node& node, std::string_view what, std::int64_t& out) {
  OffsetOrLast(node);
  std::optional<std::int64_t> value = node.IsScalar() ? ParseInt(node.Scalar()) : std::nullopt;
  if (!value) {
    Error(node, "'" + std::string(what) + "' must be an integer");
    return false;
  }
  out = *value;
  return true;
}

bool YamlDecoder::Duration(const YAML::Node& node, std::string_view what, std::uint64_t& out) {
  OffsetOrLast(node);
  std::optional<std::uint64_t> value =
      node.IsScalar() ? ParseDurationNs(node.Scalar()) : std::nullopt;
  if (!value) {
    Error(node, "'" + std::string(what) + "' must be a duration",
          "an integer number of nanoseconds or a string such as \"10m\" or \"30s\"");
    return false;
  }
  out = *value;
  return true;
}

bool YamlDecoder::IsListOrNull(const YAML::Node& node, std::string_view what) {
  OffsetOrLast(node);
  if (node.IsNull() || node.IsSequence()) return true;
  Error(node, "'" + std::string(what) + "' must be a list, not " + std::string(ShapeName(node)));
  return false;
}

std::optional<LocatedString> YamlDecoder::Located(const YAML::Node& node, std::string_view what) {
  std::string value;
  if (!String(node, what, value)) return std::nullopt;
  return LocateScalar(source_.text(), OffsetOrLast(node), std::move(value));
}

bool YamlDecoder::LocatedList(const YAML::Node& node, std::string_view what,
                              std::vector<LocatedString>& out) {
  if (!IsListOrNull(node, what)) return false;
  bool ok = true;
  for (const YAML::Node& item : node) {
    std::optional<LocatedString> located = Located(item, what);
    if (located) {
      out.push_back(std::move(*located));
    } else {
      ok = false;
    }
  }
  return ok;
}

std::optional<std::vector<std::string>> YamlDecoder::StringList(const YAML::Node& node,
                                                                std::string_view what) {
  if (!IsListOrNull(node, what)) return std::nullopt;
  std::vector<std::string> items;
  for (const YAML::Node& item : node) {
    std::string value;
    if (!String(item, what, value)) return std::nullopt;
    items.push_back(std::move(value));
  }
  return items;
}

std::optional<secl::OwnedValue> YamlDecoder::Value(const YAML::Node& node, std::string_view what) {
  OffsetOrLast(node);
  auto scalar = [](const YAML::Node& item) -> secl::OwnedValue {
    const std::string& text = item.Scalar();
    if (!IsQuoted(item)) {
      if (std::optional<std::int64_t> number = ParseInt(text)) return *number;
      if (std::optional<bool> boolean = ParseBool(text)) return *boolean;
    }
    return text;
  };
  if (node.IsScalar()) return scalar(node);
  if (!node.IsSequence()) {
    Error(node, "'" + std::string(what) + "' must be a scalar or a list of scalars");
    return std::nullopt;
  }
  std::vector<secl::OwnedValue> items;
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) {
      Error(item, "'" + std::string(what) + "' list elements must be scalars");
      return std::nullopt;
    }
    items.push_back(scalar(item));
  }
  if (items.empty()) return std::vector<std::string>{};
  std::size_t kind = items.front().index();
  for (const secl::OwnedValue& item : items) {
    if (item.index() != kind) {
      Error(node, "'" + std::string(what) + "' mixes element types",
            "all elements of a list value must have the same type");
      return std::nullopt;
    }
  }
  if (std::holds_alternative<bool>(items.front())) {
    std::vector<bool> out;
    for (const auto& item : items) out.push_back(std::get<bool>(item));
    return out;
  }
  if (std::holds_alternative<std::int64_t>(items.front())) {
    std::vector<std::int64_t> out;
    for (const auto& item : items) out.push_back(std::get<std::int64_t>(item));
    return out;
  }
  std::vector<std::string> out;
  for (auto& item : items) out.push_back(std::get<std::string>(std::move(item)));
  return out;
}

}  // namespace picket::policy
