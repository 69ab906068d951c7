// Internal to policy/: typed reads of yaml-cpp nodes that report a wrong
// shape as a located diagnostic instead of throwing. Every method is
// exception-free; yaml-cpp conversion exceptions are caught here.

#ifndef PICKET_POLICY_YAML_UTIL_H_
#define PICKET_POLICY_YAML_UTIL_H_

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy_diagnostic.h"
#include "policy/source_file.h"
#include "secl/value.h"

namespace picket::policy {

class YamlDecoder {
 public:
  YamlDecoder(const SourceFile& source, std::vector<PolicyDiagnostic>& diagnostics)
      : source_(source), diagnostics_(diagnostics) {}

  // Where `node` starts in the file; 0 for nodes without a mark.
  static std::uint32_t Offset(const YAML::Node& node);

  void Error(const YAML::Node& node, std::string message, std::string hint = {});

  // The scalar text of a mapping key ("" when the key is not a scalar).
  std::string KeyName(const YAML::Node& key);

  // Each returns false (after a diagnostic naming `what`) on a wrong shape.
  bool String(const YAML::Node& node, std::string_view what, std::string& out);
  bool Bool(const YAML::Node& node, std::string_view what, bool& out);
  bool Int(const YAML::Node& node, std::string_view what, std::int64_t& out);
  // An integer (ns) or a Go duration string ("10m").
  bool Duration(const YAML::Node& node, std::string_view what, std::uint64_t& out);
  bool IsListOrNull(const YAML::Node& node, std::string_view what);

  std::optional<LocatedString> Located(const YAML::Node& node, std::string_view what);
  // A list of scalars, each located. A null node is an empty list.
  bool LocatedList(const YAML::Node& node, std::string_view what, std::vector<LocatedString>& out);
  // A list of scalars; a null node is an empty list.
  std::optional<std::vector<std::string>> StringList(const YAML::Node& node, std::string_view what);
  // A `set` value: plain scalars are typed (int, then bool, else string),
  // quoted scalars are strings, lists must be homogeneous.
  std::optional<secl::OwnedValue> Value(const YAML::Node& node, std::string_view what);

 private:
  std::uint32_t OffsetOrLast(const YAML::Node& node);

  const SourceFile& source_;
  std::vector<PolicyDiagnostic>& diagnostics_;
  std::uint32_t last_offset_ = 0;
};

}  // namespace picket::policy

#endif  // PICKET_POLICY_YAML_UTIL_H_
