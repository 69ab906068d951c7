#include "signals/template.h"

namespace picket::signals {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Scalar(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  return "";
}

std::string RenderValue(const nlohmann::json& value) {
  if (!value.is_array()) return Scalar(value);
  std::string out;
  for (const nlohmann::json& element : value) {
    if (!out.empty()) out += ",";
    out += Scalar(element);
  }
  return out;
}

const nlohmann::json* Lookup(const nlohmann::json& document, std::string_view path) {
  const nlohmann::json* node = &document;
  while (!path.empty()) {
    std::size_t dot = path.find('.');
    std::string_view key = path.substr(0, dot);
    if (!node->is_object()) return nullptr;
    auto it = node->find(std::string(key));
    if (it == node->end()) return nullptr;
    node = &*it;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return node;
}

}  // namespace

std::string RenderTemplate(std::string_view text, const nlohmann::json& document) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    std::string_view inner = Trim(text.substr(open + 2, close - open - 2));
    if (!inner.empty() && inner.front() == '@') {
      const nlohmann::json* value = Lookup(document, Trim(inner.substr(1)));
      if (value != nullptr) out += RenderValue(*value);
    } else {
      // Not an attribute reference: keep it verbatim rather than guess.
      out.append(text.substr(open, close + 2 - open));
    }
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace picket::signals
