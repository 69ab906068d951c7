// The synthetic "host" event rule and macro `filters:` are evaluated against
// once, at load time (spec §12.4): os, os-release facts, kernel version,
// agent environment. HostSchema/HostSource expose it to the SECL compiler.

#ifndef PICKET_POLICY_HOST_H_
#define PICKET_POLICY_HOST_H_

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "secl/field_source.h"
#include "secl/schema.h"

namespace picket::policy {

struct HostInfo {
  std::string os = "linux";
  std::string os_id;           // os-release ID ("debian", "ubuntu", "amzn", "rhel")
  std::string os_platform_id;  // os-release PLATFORM_ID
  std::string os_version_id;   // os-release VERSION_ID
  std::int64_t kernel_major = 0;
  std::int64_t kernel_minor = 0;
  std::int64_t kernel_patch = 0;
  std::int64_t kernel_abi = 0;
  std::string kernel_flavor;  // "generic", "aws", ... (Ubuntu-style release suffix)
  bool kernel_core_enabled = true;
  std::vector<std::string> envs;  // agent environment K=V
  std::string origin = "ebpf";
  std::string hostname;

  // The running host: uname(2), /etc/os-release (or /usr/lib/os-release),
  // gethostname, environ. Missing pieces stay empty/zero.
  static HostInfo Detect();
  // Parses a kernel release such as "6.1.0-18-amd64" or "5.15.0-91-generic".
  void SetKernelRelease(std::string_view release);
  // Parses os-release text (KEY=value lines, optionally quoted).
  void SetOsRelease(std::string_view text);
};

// The host fields of spec §12.4.
class HostSchema final : public secl::Schema {
 public:
  HostSchema();
  const secl::FieldInfo* Find(std::string_view name) const override;
  const secl::IteratorInfo* FindIterator(std::string_view) const override { return nullptr; }
  void ForEachFieldName(const std::function<void(std::string_view)>& visit) const override;

  static const HostSchema& Default();

 private:
  std::vector<secl::FieldInfo> fields_;
  std::unordered_map<std::string_view, secl::FieldId> by_name_;
};

// Reads HostInfo by the ids of HostSchema. `host` must outlive the source.
class HostSource final : public secl::FieldSource {
 public:
  explicit HostSource(const HostInfo& host) : host_(host) {}
  secl::Value Get(secl::FieldId field, std::uint32_t element) const override;
  std::size_t ArrayLength(secl::FieldId field, std::uint32_t element) const override;
  secl::Value GetAt(secl::FieldId field, std::uint32_t element, std::size_t index) const override;
  std::size_t IteratorLength(secl::IteratorId) const override { return 0; }
  std::int64_t NowNs() const override { return 0; }

 private:
  bool IsOs(std::string_view id) const;
  const HostInfo& host_;
};

}  // namespace picket::policy

#endif  // PICKET_POLICY_HOST_H_
