#include "secl/value.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace picket::secl {

std::string_view ScalarTypeName(ScalarType type) {
  switch (type) {
    case ScalarType::kBool:
      return "bool";
    case ScalarType::kInt:
      return "int";
    case ScalarType::kString:
      return "string";
    case ScalarType::kIp:
      return "IP";
  }
  return "?";
}

std::string TypeName(Type type) {
  std::string name(ScalarTypeName(type.scalar));
  if (type.is_array) name += "[]";
  return name;
}

std::optional<IpNetwork> IpNetwork::Parse(std::string_view text) {
  std::string_view address = text;
  std::optional<int> prefix;
  if (const std::size_t slash = text.find('/'); slash != std::string_view::npos) {
    address = text.substr(0, slash);
    std::string_view digits = text.substr(slash + 1);
    int value = 0;
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    prefix = value;
  }
  if (address.empty() || address.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buffer[INET6_ADDRSTRLEN];
  std::memcpy(buffer, address.data(), address.size());
  buffer[address.size()] = '\0';

  IpNetwork network;
  in_addr v4;
  if (address.find(':') == std::string_view::npos && inet_pton(AF_INET, buffer, &v4) == 1) {
    network = FromIpv4(ntohl(v4.s_addr));
    if (prefix.has_value()) {
      if (*prefix > 32) return std::nullopt;
      network.prefix_bits = static_cast<std::uint8_t>(96 + *prefix);
    }
  } else if (in6_addr v6; inet_pton(AF_INET6, buffer, &v6) == 1) {
    std::memcpy(network.bytes.data(), v6.s6_addr, 16);
    network.is_ipv4 = false;
    network.prefix_bits = 128;
    if (prefix.has_value()) {
      if (*prefix > 128) return std::nullopt;
      network.prefix_bits = static_cast<std::uint8_t>(*prefix);
    }
  } else {
    return std::nullopt;
  }
  // Clear host bits so equal networks compare equal.
  for (int bit = network.prefix_bits; bit < 128; ++bit) {
    network.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  }
  return network;
}

IpNetwork IpNetwork::FromIpv4(std::uint32_t host_order_address) {
  IpNetwork network;
  network.bytes[10] = 0xff;
  network.bytes[11] = 0xff;
  network.bytes[12] = static_cast<std::uint8_t>(host_order_address >> 24);
  network.bytes[13] = static_cast<std::uint8_t>(host_order_address >> 16);
  network.bytes[14] = static_cast<std::uint8_t>(host_order_address >> 8);
  network.bytes[15] = static_cast<std::uint8_t>(host_order_address);
  network.prefix_bits = 128;
  network.is_ipv4 = true;
  return network;
}

bool IpNetwork::Contains(const IpNetwork& other) const {
  if (other.prefix_bits < prefix_bits) return false;
  const int full_bytes = prefix_bits / 8;
  if (std::memcmp(bytes.data(), other.bytes.data(), full_bytes) != 0) return false;
  const int rest_bits = prefix_bits % 8;
  if (rest_bits == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff00u >> rest_bits);
  return (bytes[full_bytes] & mask) == (other.bytes[full_bytes] & mask);
}

std::string IpNetwork::ToString() const {
  char buffer[INET6_ADDRSTRLEN];
  std::string text;
  int prefix = prefix_bits;
  if (is_ipv4) {
    inet_ntop(AF_INET, bytes.data() + 12, buffer, sizeof(buffer));
    text = buffer;
    prefix -= 96;
    if (prefix != 32) text += "/" + std::to_string(prefix);
  } else {
    inet_ntop(AF_INET6, bytes.data(), buffer, sizeof(buffer));
    text = buffer;
    if (prefix != 128) text += "/" + std::to_string(prefix);
  }
  return text;
}

Type TypeOf(const OwnedValue& value) {
  static constexpr Type kTypes[] = {
      {ScalarType::kBool, false},  {ScalarType::kInt, false}, {ScalarType::kString, false},
      {ScalarType::kIp, false},    {ScalarType::kBool, true}, {ScalarType::kInt, true},
      {ScalarType::kString, true}, {ScalarType::kIp, true},
  };
  return kTypes[value.index()];
}

OwnedValue ZeroOwnedValue(Type type) {
  if (type.is_array) {
    switch (type.scalar) {
      case ScalarType::kBool:
        return std::vector<bool>{};
      case ScalarType::kInt:
        return std::vector<std::int64_t>{};
      case ScalarType::kString:
        return std::vector<std::string>{};
      case ScalarType::kIp:
        return std::vector<IpNetwork>{};
    }
  }
  switch (type.scalar) {
    case ScalarType::kBool:
      return false;
    case ScalarType::kInt:
      return std::int64_t{0};
    case ScalarType::kString:
      return std::string();
    case ScalarType::kIp:
      return IpNetwork{};
  }
  return false;
}

namespace {

std::string ScalarText(bool value) { return value ? "true" : "false"; }
std::string ScalarText(std::int64_t value) { return std::to_string(value); }
std::string ScalarText(const std::string& value) { return value; }
std::string ScalarText(const IpNetwork& value) { return value.ToString(); }

}  // namespace

std::string ToString(const OwnedValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::vector<bool>>) {
          std::string text = "[";
          for (std::size_t i = 0; i < v.size(); ++i) {
            if (i > 0) text += ", ";
            text += ScalarText(static_cast<bool>(v[i]));
          }
          return text + "]";
        } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>> ||
                             std::is_same_v<T, std::vector<std::string>> ||
                             std::is_same_v<T, std::vector<IpNetwork>>) {
          std::string text = "[";
          for (std::size_t i = 0; i < v.size(); ++i) {
            if (i > 0) text += ", ";
            text += ScalarText(v[i]);
          }
          return text + "]";
        } else {
          return ScalarText(v);
        }
      },
      value);
}

}  // namespace picket::secl
