// The SECL field catalogue (spec §11): every field picket knows, as one
// declarative table — name, type, array-ness, event type, how it is read,
// whether picket collects it, and a one-line doc. Implements secl::Schema.
//
// Process fields exist under every process prefix (`process.`, `exec.`,
// `exit.`, `process.parent.`, `process.ancestors.`), built from one table of
// suffixes; event-level fields (container.*, cgroup.*, event.*, exit.code,
// exit.cause) come from a second table. Fields of event types picket does
// not collect yet (open, dns, connect, …) are known by name and type with
// is_supported = false, so rules using them type-check and are then skipped
// by the policy loader with a warning naming the field.

#ifndef PICKET_FIELDS_CATALOGUE_H_
#define PICKET_FIELDS_CATALOGUE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "secl/schema.h"

namespace picket::fields {

// What an accessor reads. Process attributes are read from a process image
// chosen by FieldBinding::target; event attributes from the event.
enum class Attr : std::uint8_t {
  kUnsupported,  // no data: is_supported = false
  // Process image.
  kPid,
  kTid,
  kPpid,
  kComm,
  kTtyName,
  kIsThread,
  kIsExec,
  kIsKworker,
  kCreatedAt,
  kArgv0,
  kArgs,
  kArgv,
  kArgsFlags,
  kArgsOptions,
  kArgsTruncated,
  kEnvs,
  kEnvp,
  kEnvsTruncated,
  kUid,
  kGid,
  kEuid,
  kEgid,
  kFsuid,
  kFsgid,
  kUser,
  kGroup,
  kEuser,
  kEgroup,
  kFsuser,
  kFsgroup,
  kAuid,
  kCapEffective,
  kCapPermitted,
  kContainerId,
  kCgroupId,
  kCgroupManager,
  kCgroupFileInode,
  kSyscallPath,
  // A file of the image (FieldBinding::file selects which).
  kFilePath,
  kFileName,
  kFileExtension,
  kFileInode,
  kFileMountId,
  kFileFilesystem,
  kFileUid,
  kFileGid,
  kFileUser,
  kFileGroup,
  kFileMode,
  kFileRights,
  kFileChangeTime,
  kFileModificationTime,
  // Event.
  kEventTimestamp,
  kEventOrigin,
  kEventOs,
  kEventService,
  kEventHostname,
  kEventAsync,
  kEventRuleTags,
  kEventSource,
  kExitCode,
  kExitCause,
};

// Which process image a process attribute reads.
enum class Target : std::uint8_t {
  kSelf,      // process.*, exec.*, exit.*, container.*, cgroup.*
  kParent,    // process.parent.*
  kAncestor,  // process.ancestors.* (element = index in the lineage chain)
  kEvent,     // event-level attribute
};

enum class FileSelector : std::uint8_t { kExecutable, kInterpreter };

// SECL exit.cause values (Datadog's model: exited, core dumped, signaled).
enum ExitCause : std::int64_t { kExitExited = 0, kExitCoredumped = 1, kExitSignaled = 2 };

struct FieldBinding {
  Attr attr = Attr::kUnsupported;
  Target target = Target::kEvent;
  FileSelector file = FileSelector::kExecutable;
};

struct FieldEntry {
  secl::FieldInfo info;
  FieldBinding binding;
  // Event types whose events carry the field (for docs): "exec, fork, exit".
  std::string_view available_on;
  std::string_view doc;
};

class FieldCatalogue final : public secl::Schema {
 public:
  // The catalogue of this picket build; built once, immutable, thread-safe.
  static const FieldCatalogue& Default();

  const secl::FieldInfo* Find(std::string_view name) const override;
  const secl::IteratorInfo* FindIterator(std::string_view name) const override;
  void ForEachFieldName(const std::function<void(std::string_view)>& visit) const override;

  // Indexed by FieldId.
  const std::vector<FieldEntry>& entries() const { return entries_; }
  const FieldEntry& entry(secl::FieldId id) const { return entries_[id]; }
  secl::IteratorId ancestors_iterator() const { return ancestors_.id; }

  // Event types picket collects ("exec", "fork", "exit").
  static bool IsCollectedEventType(std::string_view event_type);

  FieldCatalogue();

 private:
  void Add(std::string name, secl::ScalarType type, bool is_array, std::string_view event_type,
           FieldBinding binding, bool is_path, std::string_view available_on, std::string_view doc);

  std::deque<std::string> names_;  // stable storage for FieldInfo::name
  std::vector<FieldEntry> entries_;
  std::unordered_map<std::string_view, secl::FieldId> by_name_;
  secl::IteratorInfo ancestors_;
};

}  // namespace picket::fields

#endif  // PICKET_FIELDS_CATALOGUE_H_
