#include "policy/host.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

extern char** environ;

namespace picket::policy {
namespace {

using secl::ScalarType;

// Field ids are the indexes of this table.
enum HostField : secl::FieldId {
  kOs,
  kOsId,
  kOsPlatformId,
  kOsVersionId,
  kOsIsAmazonLinux,
  kOsIsCos,
  kOsIsDebian,
  kOsIsOracle,
  kOsIsRhel,
  kOsIsRhel7,
  kOsIsRhel8,
  kOsIsSles,
  kOsIsSles12,
  kOsIsSles15,
  kKernelMajor,
  kKernelMinor,
  kKernelPatch,
  kKernelAbi,
  kKernelFlavor,
  kKernelCoreEnabled,
  kEnvs,
  kOrigin,
  kHostname,
};

struct HostFieldDef {
  std::string_view name;
  ScalarType type;
  bool is_array;
};
constexpr HostFieldDef kHostFields[] = {
    {"os", ScalarType::kString, false},
    {"os.id", ScalarType::kString, false},
    {"os.platform_id", ScalarType::kString, false},
    {"os.version_id", ScalarType::kString, false},
    {"os.is_amazon_linux", ScalarType::kBool, false},
    {"os.is_cos", ScalarType::kBool, false},
    {"os.is_debian", ScalarType::kBool, false},
    {"os.is_oracle", ScalarType::kBool, false},
    {"os.is_rhel", ScalarType::kBool, false},
    {"os.is_rhel7", ScalarType::kBool, false},
    {"os.is_rhel8", ScalarType::kBool, false},
    {"os.is_sles", ScalarType::kBool, false},
    {"os.is_sles12", ScalarType::kBool, false},
    {"os.is_sles15", ScalarType::kBool, false},
    {"kernel.version.major", ScalarType::kInt, false},
    {"kernel.version.minor", ScalarType::kInt, false},
    {"kernel.version.patch", ScalarType::kInt, false},
    {"kernel.version.abi", ScalarType::kInt, false},
    {"kernel.version.flavor", ScalarType::kString, false},
    {"kernel.core.enabled", ScalarType::kBool, false},
    {"envs", ScalarType::kString, true},
    {"origin", ScalarType::kString, false},
    {"hostname", ScalarType::kString, false},
};

std::int64_t LeadingNumber(std::string_view& text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc()) return 0;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return value;
}

std::string ReadFile(const char* path) {
  std::ifstream in(path);
  if (!in) return {};
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

void HostInfo::SetKernelRelease(std::string_view release) {
  // "<major>.<minor>.<patch>[-<abi>[-<flavor>]]", e.g. 5.15.0-91-generic.
  kernel_major = LeadingNumber(release);
  if (release.starts_with(".")) {
    release.remove_prefix(1);
    kernel_minor = LeadingNumber(release);
  }
  if (release.starts_with(".")) {
    release.remove_prefix(1);
    kernel_patch = LeadingNumber(release);
  }
  if (release.starts_with("-")) {
    release.remove_prefix(1);
    kernel_abi = LeadingNumber(release);
    std::size_t dash = release.find('-');
    if (dash != std::string_view::npos) kernel_flavor = std::string(release.substr(dash + 1));
  }
}

void HostInfo::SetOsRelease(std::string_view text) {
  while (!text.empty()) {
    std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    std::string_view key = line.substr(0, equals);
    std::string_view value = line.substr(equals + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    if (key == "ID") os_id = std::string(value);
    if (key == "PLATFORM_ID") os_platform_id = std::string(value);
    if (key == "VERSION_ID") os_version_id = std::string(value);
  }
}

HostInfo HostInfo::Detect() {
  HostInfo host;
  utsname name{};
  if (uname(&name) == 0) host.SetKernelRelease(name.release);
  std::string os_release = ReadFile("/etc/os-release");
  if (os_release.empty()) os_release = ReadFile("/usr/lib/os-release");
  host.SetOsRelease(os_release);
  char hostname[256] = {};
  if (gethostname(hostname, sizeof hostname - 1) == 0) host.hostname = hostname;
  for (char** env = environ; env != nullptr && *env != nullptr; ++env) host.envs.emplace_back(*env);
  return host;
}

HostSchema::HostSchema() {
  for (const HostFieldDef& def : kHostFields) {
    secl::FieldInfo info;
    info.id = static_cast<secl::FieldId>(fields_.size());
    info.name = def.name;
    info.type = def.type;
    info.is_array = def.is_array;
    fields_.push_back(info);
  }
  for (const secl::FieldInfo& info : fields_) by_name_.emplace(info.name, info.id);
}

const HostSchema& HostSchema::Default() {
  static const HostSchema schema;
  return schema;
}

const secl::FieldInfo* HostSchema::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &fields_[it->second];
}

void HostSchema::ForEachFieldName(const std::function<void(std::string_view)>& visit) const {
  for (const secl::FieldInfo& info : fields_) visit(info.name);
}

bool HostSource::IsOs(std::string_view id) const { return host_.os_id == id; }

secl::Value HostSource::Get(secl::FieldId field, std::uint32_t /*element*/) const {
  using secl::Value;
  auto major_version_is = [&](std::string_view major) {
    return host_.os_version_id == major ||
           host_.os_version_id.starts_with(std::string(major) + ".");
  };
  bool rhel = IsOs("rhel") || IsOs("centos") || IsOs("rocky") || IsOs("almalinux");
  switch (field) {
    case kOs:
      return Value::String(host_.os);
    case kOsId:
      return Value::String(host_.os_id);
    case kOsPlatformId:
      return Value::String(host_.os_platform_id);
    case kOsVersionId:
      return Value::String(host_.os_version_id);
    case kOsIsAmazonLinux:
      return Value::Bool(IsOs("amzn"));
    case kOsIsCos:
      return Value::Bool(IsOs("cos"));
    case kOsIsDebian:
      return Value::Bool(IsOs("debian"));
    case kOsIsOracle:
      return Value::Bool(IsOs("ol"));
    case kOsIsRhel:
      return Value::Bool(rhel);
    case kOsIsRhel7:
      return Value::Bool(rhel && major_version_is("7"));
    case kOsIsRhel8:
      return Value::Bool(rhel && major_version_is("8"));
    case kOsIsSles:
      return Value::Bool(IsOs("sles"));
    case kOsIsSles12:
      return Value::Bool(IsOs("sles") && major_version_is("12"));
    case kOsIsSles15:
      return Value::Bool(IsOs("sles") && major_version_is("15"));
    case kKernelMajor:
      return Value::Int(host_.kernel_major);
    case kKernelMinor:
      return Value::Int(host_.kernel_minor);
    case kKernelPatch:
      return Value::Int(host_.kernel_patch);
    case kKernelAbi:
      return Value::Int(host_.kernel_abi);
    case kKernelFlavor:
      return Value::String(host_.kernel_flavor);
    case kKernelCoreEnabled:
      return Value::Bool(host_.kernel_core_enabled);
    case kOrigin:
      return Value::String(host_.origin);
    case kHostname:
      return Value::String(host_.hostname);
    default:
      return Value::Zero(field < std::size(kHostFields) ? kHostFields[field].type
                                                        : ScalarType::kBool);
  }
}

std::size_t HostSource::ArrayLength(secl::FieldId field, std::uint32_t /*element*/) const {
  return field == kEnvs ? host_.envs.size() : 0;
}

secl::Value HostSource::GetAt(secl::FieldId field, std::uint32_t /*element*/,
                              std::size_t index) const {
  if (field == kEnvs && index < host_.envs.size()) return secl::Value::String(host_.envs[index]);
  return secl::Value::Zero(ScalarType::kString);
}

}  // namespace picket::policy
