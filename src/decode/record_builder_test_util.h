// Test support: builds kernel records (abi/process_events.h) byte by byte, so
// decode tests state what the kernel would have written with named setters
// instead of hand-packed buffers. Not part of picket_decode.

#ifndef PICKET_DECODE_RECORD_BUILDER_TEST_UTIL_H_
#define PICKET_DECODE_RECORD_BUILDER_TEST_UTIL_H_

#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

extern "C" {
#include "abi/process_events.h"
}

namespace picket::decode::testing {

inline std::vector<std::byte> Bytes(const void* data, std::size_t size) {
  const auto* begin = static_cast<const std::byte*>(data);
  return std::vector<std::byte>(begin, begin + size);
}

inline picket_event_header Header(std::uint16_t kind, std::uint32_t size, std::uint32_t pid,
                                  std::uint32_t tid) {
  picket_event_header header{};
  header.boot_time_ns = 5'000'000'000;
  header.size = size;
  header.kind = kind;
  header.abi_version = PICKET_ABI_VERSION;
  header.pid = pid;
  header.tid = tid;
  return header;
}

inline std::vector<std::byte> ForkRecord(std::uint32_t child, std::uint32_t parent) {
  picket_fork_event record{};
  record.header = Header(PICKET_EVENT_FORK, sizeof(record), child, child);
  record.start_boot_ns = 4'000'000'000;
  record.parent_start_boot_ns = 1'000'000'000;
  record.cgroup_id = 77;
  record.parent_pid = parent;
  record.parent_tid = parent + 1;
  return Bytes(&record, sizeof(record));
}

inline std::vector<std::byte> ExitRecord(std::uint32_t pid, std::int32_t code) {
  picket_exit_event record{};
  record.header = Header(PICKET_EVENT_EXIT, sizeof(record), pid, pid);
  record.start_boot_ns = 4'000'000'000;
  record.exit_code = code;
  return Bytes(&record, sizeof(record));
}

// An exec record: set `fixed` fields directly, add blob fields with the
// setters, then Build() fills header.size and the field references.
class ExecRecordBuilder {
 public:
  ExecRecordBuilder() {
    fixed.header = Header(PICKET_EVENT_EXEC, 0, 100, 100);
    fixed.start_boot_ns = 4'000'000'000;
    fixed.parent_start_boot_ns = 1'000'000'000;
    fixed.ppid = 1;
    fixed.loginuid = 0xffffffff;
    fixed.session_id = 0xffffffff;
    fixed.file_mode = 0100755;
    fixed.file_nlink = 1;
    std::strcpy(fixed.comm, "true");
    std::strcpy(fixed.file_fstype, "ext4");
  }

  ExecRecordBuilder& Filename(std::string_view filename) {
    return String(PICKET_EXEC_FIELD_FILENAME, filename);
  }
  ExecRecordBuilder& Interp(std::string_view interp) {
    fixed.flags |= PICKET_EXEC_F_SCRIPT;
    return String(PICKET_EXEC_FIELD_INTERP, interp);
  }
  // Components root first, as a user reads them; stored leaf first.
  ExecRecordBuilder& Path(std::initializer_list<std::string_view> components) {
    fixed.path_depth = static_cast<std::uint16_t>(components.size());
    return Components(PICKET_EXEC_FIELD_PATH, components);
  }
  ExecRecordBuilder& Cwd(std::initializer_list<std::string_view> components) {
    fixed.cwd_depth = static_cast<std::uint16_t>(components.size());
    return Components(PICKET_EXEC_FIELD_CWD, components);
  }
  ExecRecordBuilder& Cgroup(std::initializer_list<std::string_view> components) {
    fixed.cgroup_depth = static_cast<std::uint16_t>(components.size());
    return Components(PICKET_EXEC_FIELD_CGROUP, components);
  }
  // The raw argv area exactly as the kernel copied it.
  ExecRecordBuilder& ArgvArea(std::string_view area, std::uint32_t original_size) {
    fixed.args_size = original_size;
    return Raw(PICKET_EXEC_FIELD_ARGV, area);
  }
  ExecRecordBuilder& Argv(std::initializer_list<std::string_view> args) {
    std::string area;
    for (std::string_view arg : args) {
      area += arg;
      area += '\0';
    }
    return ArgvArea(area, static_cast<std::uint32_t>(area.size()));
  }
  ExecRecordBuilder& EnvArea(std::string_view area) {
    fixed.env_size = static_cast<std::uint32_t>(area.size());
    return Raw(PICKET_EXEC_FIELD_ENVP, area);
  }
  // Bytes appended to the blob without a field reference (to craft bad refs).
  ExecRecordBuilder& Padding(std::size_t bytes) {
    blob_.append(bytes, 'x');
    return *this;
  }

  std::vector<std::byte> Build() {
    fixed.header.size = static_cast<std::uint32_t>(sizeof(fixed) + blob_.size());
    std::vector<std::byte> record = Bytes(&fixed, sizeof(fixed));
    const auto* blob = reinterpret_cast<const std::byte*>(blob_.data());
    record.insert(record.end(), blob, blob + blob_.size());
    return record;
  }

  picket_exec_event fixed{};

 private:
  ExecRecordBuilder& Raw(int field, std::string_view bytes) {
    fixed.fields[field].offset = static_cast<std::uint16_t>(blob_.size());
    fixed.fields[field].length = static_cast<std::uint16_t>(bytes.size());
    blob_ += bytes;
    return *this;
  }
  ExecRecordBuilder& String(int field, std::string_view text) {
    std::string with_nul(text);
    with_nul += '\0';
    return Raw(field, with_nul);
  }
  ExecRecordBuilder& Components(int field, std::initializer_list<std::string_view> components) {
    std::string bytes;
    for (auto it = std::rbegin(components); it != std::rend(components); ++it) {
      bytes += *it;
      bytes += '\0';
    }
    return Raw(field, bytes);
  }

  std::string blob_;
};

}  // namespace picket::decode::testing

#endif  // PICKET_DECODE_RECORD_BUILDER_TEST_UTIL_H_
