// src/secl/value.h
//
// SECL run-time values. The hot path passes `Value`, a small non-owning scalar
// (bool, int, string view or IP network) returned by FieldSource and
// VariableSource; arrays are never materialised, they are read element by
// element (FieldSource::ArrayLength / GetAt). `OwnedValue` is the owning form
// used where a value outlives an evaluation: constants, variable defaults and
// results of value expressions (set.expression).

#ifndef PICKET_SECL_VALUE_H_
#define PICKET_SECL_VALUE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace picket::secl {

// The scalar types of SECL (spec §4). Durations are ints (nanoseconds).
enum class ScalarType : std::uint8_t { kBool, kInt, kString, kIp };

std::string_view ScalarTypeName(ScalarType type);  // "bool", "int", "string", "IP"

// A full SECL type: a scalar type, or an array of it (argv, ancestors' fields,
// list macros, array variables).
struct Type {
  ScalarType scalar = ScalarType::kBool;
  bool is_array = false;

  friend bool operator==(const Type&, const Type&) = default;
};

std::string TypeName(Type type);  // "string", "string[]", ...

// An IPv4 or IPv6 network. IPv4 is stored IPv4-mapped (::ffff:a.b.c.d) with
// the prefix length offset by 96, so one comparison handles both families; a
// host address has the full prefix (32 for IPv4, 128 for IPv6).
struct IpNetwork {
  std::array<std::uint8_t, 16> bytes{};
  std::uint8_t prefix_bits = 128;  // in the 128-bit space
  bool is_ipv4 = false;

  // Accepts "a.b.c.d", IPv6 text ("::1", "fe80::1", "::ffff:1.2.3.4") and
  // either followed by "/<prefix>". Host bits under the prefix are cleared.
  // nullopt on any malformed input or out-of-range prefix.
  static std::optional<IpNetwork> Parse(std::string_view text);
  static IpNetwork FromIpv4(std::uint32_t host_order_address);

  // True when every address of `other` lies inside this network
  // (for two hosts: equality).
  bool Contains(const IpNetwork& other) const;
  std::string ToString() const;  // canonical text, with "/n" unless a host

  friend bool operator==(const IpNetwork&, const IpNetwork&) = default;
};

// A scalar value that does not own its string. Views returned by a
// FieldSource/VariableSource must stay valid until the Evaluate call that
// requested them returns.
struct Value {
  ScalarType type = ScalarType::kBool;
  bool bool_value = false;
  std::int64_t int_value = 0;
  std::string_view string_value;
  IpNetwork ip_value;

  static Value Bool(bool value) { return Value{.type = ScalarType::kBool, .bool_value = value}; }
  static Value Int(std::int64_t value) {
    return Value{.type = ScalarType::kInt, .int_value = value};
  }
  static Value String(std::string_view value) {
    return Value{.type = ScalarType::kString, .string_value = value};
  }
  static Value Ip(const IpNetwork& value) {
    return Value{.type = ScalarType::kIp, .ip_value = value};
  }
  // The SECL zero value of a type: false, 0, "" or the IPv6 host "::".
  static Value Zero(ScalarType type) { return Value{.type = type}; }
};

// An owning value of any SECL type, scalar or array.
using OwnedValue =
    std::variant<bool, std::int64_t, std::string, IpNetwork, std::vector<bool>,
                 std::vector<std::int64_t>, std::vector<std::string>, std::vector<IpNetwork>>;

Type TypeOf(const OwnedValue& value);
OwnedValue ZeroOwnedValue(Type type);
// Human-readable form used by tests and `set` serialisation: strings are
// unquoted, arrays are "[a, b]".
std::string ToString(const OwnedValue& value);

}  // namespace picket::secl

#endif  // PICKET_SECL_VALUE_H_
