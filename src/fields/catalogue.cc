#include "fields/catalogue.h"

#include <array>

namespace picket::fields {
namespace {

using secl::ScalarType;
constexpr ScalarType kS = ScalarType::kString;
constexpr ScalarType kI = ScalarType::kInt;
constexpr ScalarType kB = ScalarType::kBool;
constexpr ScalarType kIp = ScalarType::kIp;

// ---------------------------------------------------------------------------
// The declarative tables. Everything in docs/fields.md comes from here.
// ---------------------------------------------------------------------------

struct SuffixDef {
  std::string_view suffix;
  ScalarType type;
  bool is_array;
  Attr attr;  // kUnsupported: known to SECL, not collected by picket
  std::string_view doc;
};

// File fields (spec §11.3), under `<prefix>.file.` and `<prefix>.interpreter.file.`.
constexpr SuffixDef kFileSuffixes[] = {
    {"path", kS, false, Attr::kFilePath, "absolute path (glob semantics for patterns)"},
    {"name", kS, false, Attr::kFileName, "base name of the path"},
    {"extension", kS, false, Attr::kFileExtension, "extension of the name, without the dot"},
    {"inode", kI, false, Attr::kFileInode, "inode number"},
    {"mount_id", kI, false, Attr::kFileMountId, "mount id of the file's mount"},
    {"filesystem", kS, false, Attr::kFileFilesystem, "file system type (ext4, overlay, tmpfs)"},
    {"uid", kI, false, Attr::kFileUid, "owner uid"},
    {"gid", kI, false, Attr::kFileGid, "owner gid"},
    {"user", kS, false, Attr::kFileUser, "owner user name"},
    {"group", kS, false, Attr::kFileGroup, "owner group name"},
    {"mode", kI, false, Attr::kFileMode, "full inode mode (type bits and permissions)"},
    {"rights", kI, false, Attr::kFileRights, "permission bits (mode & 07777)"},
    {"change_time", kI, false, Attr::kFileChangeTime, "ctime (ns); durations compare its age"},
    {"modification_time", kI, false, Attr::kFileModificationTime,
     "mtime (ns); durations compare its age"},
    {"in_upper_layer", kB, false, Attr::kUnsupported,
     "file lives in the writable upper layer of an overlayfs"},
    {"package.name", kS, false, Attr::kUnsupported, "package owning the file (SBOM)"},
    {"package.version", kS, false, Attr::kUnsupported, "version of that package"},
    {"package.source_version", kS, false, Attr::kUnsupported, "source version of that package"},
    {"hashes", kS, true, Attr::kUnsupported, "file hashes, filled by the hash action"},
    {"mount_detached", kB, false, Attr::kUnsupported, "the file's mount is detached"},
    {"mount_visible", kB, false, Attr::kUnsupported, "the file's mount is visible"},
};

// Process fields (spec §11.1), under every process prefix. The file
// suffixes are added under "file." and "interpreter.file.".
constexpr SuffixDef kProcessSuffixes[] = {
    {"pid", kI, false, Attr::kPid, "process id (thread group id)"},
    {"tid", kI, false, Attr::kTid, "thread id that performed the exec"},
    {"ppid", kI, false, Attr::kPpid, "parent process id"},
    {"comm", kS, false, Attr::kComm, "kernel comm (at most 15 bytes)"},
    {"tty_name", kS, false, Attr::kTtyName, "controlling terminal, \"\" when none"},
    {"is_thread", kB, false, Attr::kIsThread, "fork child that has not exec'd"},
    {"is_exec", kB, false, Attr::kIsExec, "image created by an exec"},
    {"is_kworker", kB, false, Attr::kIsKworker, "kernel worker"},
    {"created_at", kI, false, Attr::kCreatedAt, "creation time of the image (ns)"},
    {"argv0", kS, false, Attr::kArgv0, "first argument as passed to exec"},
    {"args", kS, false, Attr::kArgs, "arguments without argv0, joined with spaces"},
    {"argv", kS, true, Attr::kArgv, "arguments without argv0"},
    {"args_flags", kS, true, Attr::kArgsFlags, "flags derived from argv (spec §11.2)"},
    {"args_options", kS, true, Attr::kArgsOptions, "options derived from argv (spec §11.2)"},
    {"args_truncated", kB, false, Attr::kArgsTruncated, "argv was truncated by the collector"},
    {"envs", kS, true, Attr::kEnvs, "environment variable names"},
    {"envp", kS, true, Attr::kEnvp, "environment entries NAME=value"},
    {"envs_truncated", kB, false, Attr::kEnvsTruncated, "environment was truncated"},
    {"uid", kI, false, Attr::kUid, "real uid"},
    {"gid", kI, false, Attr::kGid, "real gid"},
    {"euid", kI, false, Attr::kEuid, "effective uid"},
    {"egid", kI, false, Attr::kEgid, "effective gid"},
    {"fsuid", kI, false, Attr::kFsuid, "file system uid"},
    {"fsgid", kI, false, Attr::kFsgid, "file system gid"},
    {"user", kS, false, Attr::kUser, "name of uid"},
    {"group", kS, false, Attr::kGroup, "name of gid"},
    {"euser", kS, false, Attr::kEuser, "name of euid"},
    {"egroup", kS, false, Attr::kEgroup, "name of egid"},
    {"fsuser", kS, false, Attr::kFsuser, "name of fsuid"},
    {"fsgroup", kS, false, Attr::kFsgroup, "name of fsgid"},
    {"auid", kI, false, Attr::kAuid, "login uid (AUDIT_AUID_UNSET when unset)"},
    {"cap_effective", kI, false, Attr::kCapEffective, "effective capability mask"},
    {"cap_permitted", kI, false, Attr::kCapPermitted, "permitted capability mask"},
    {"caps_attempted", kI, false, Attr::kUnsupported, "capabilities the process tried to use"},
    {"caps_used", kI, false, Attr::kUnsupported, "capabilities the process used"},
    {"container.id", kS, false, Attr::kContainerId, "container id, \"\" on the host"},
    {"container.created_at", kI, false, Attr::kUnsupported, "container creation time (ns)"},
    {"container.tags", kS, true, Attr::kUnsupported, "container tags (image_name:…)"},
    {"cgroup.id", kS, false, Attr::kCgroupId, "cgroup path"},
    {"cgroup.manager", kS, false, Attr::kCgroupManager,
     "cgroup manager derived from the path (docker, containerd, cri-o, podman, systemd)"},
    {"cgroup.version", kI, false, Attr::kUnsupported, "cgroup version (1 or 2)"},
    {"cgroup.file.inode", kI, false, Attr::kCgroupFileInode, "cgroup id (inode of the cgroup)"},
    {"cgroup.file.mount_id", kI, false, Attr::kUnsupported, "mount id of the cgroup file system"},
    {"user_session.id", kS, false, Attr::kUnsupported, "user session id"},
    {"user_session.identity", kS, false, Attr::kUnsupported, "user session identity"},
    {"user_session.session_type", kI, false, Attr::kUnsupported, "user session type"},
    {"user_session.k8s_username", kS, false, Attr::kUnsupported, "Kubernetes user name"},
    {"user_session.k8s_uid", kS, false, Attr::kUnsupported, "Kubernetes user uid"},
    {"user_session.k8s_groups", kS, true, Attr::kUnsupported, "Kubernetes groups"},
    {"user_session.k8s_session_id", kI, false, Attr::kUnsupported, "Kubernetes session id"},
    {"user_session.ssh_session_id", kI, false, Attr::kUnsupported, "SSH session id"},
    {"user_session.ssh_client_ip", kIp, false, Attr::kUnsupported, "SSH client address"},
    {"user_session.ssh_client_port", kI, false, Attr::kUnsupported, "SSH client port"},
    {"user_session.ssh_auth_method", kI, false, Attr::kUnsupported, "SSH auth method"},
    {"user_session.ssh_public_key", kS, false, Attr::kUnsupported, "SSH public key"},
};

// Process prefixes of the collected events.
struct PrefixDef {
  std::string_view prefix;
  std::string_view event_type;  // "" = common to every event
  Target target;
  std::string_view available_on;
};
constexpr PrefixDef kProcessPrefixes[] = {
    {"process", "", Target::kSelf, "exec, fork, exit"},
    {"exec", "exec", Target::kSelf, "exec"},
    {"exit", "exit", Target::kSelf, "exit"},
    {"process.parent", "", Target::kParent, "exec, fork, exit"},
    {"process.ancestors", "", Target::kAncestor, "exec, fork, exit"},
};

// Event-level fields of the collected events.
struct EventFieldDef {
  std::string_view name;
  ScalarType type;
  bool is_array;
  std::string_view event_type;
  FieldBinding binding;
  std::string_view available_on;
  std::string_view doc;
};
constexpr EventFieldDef kEventFields[] = {
    {"exec.syscall.path",
     kS,
     false,
     "exec",
     {Attr::kSyscallPath, Target::kSelf},
     "exec",
     "path argument of execve, as passed"},
    {"exit.code",
     kI,
     false,
     "exit",
     {Attr::kExitCode, Target::kEvent},
     "exit",
     "exit status, or the signal number when killed"},
    {"exit.cause",
     kI,
     false,
     "exit",
     {Attr::kExitCause, Target::kEvent},
     "exit",
     "EXITED, COREDUMPED or SIGNALED"},
    {"container.id",
     kS,
     false,
     "",
     {Attr::kContainerId, Target::kSelf},
     "exec, fork, exit",
     "container id of the event's process, \"\" on the host"},
    {"container.created_at",
     kI,
     false,
     "",
     {Attr::kUnsupported, Target::kEvent},
     "",
     "container creation time (ns)"},
    {"container.runtime",
     kS,
     false,
     "",
     {Attr::kUnsupported, Target::kEvent},
     "",
     "container runtime"},
    {"container.tags",
     kS,
     true,
     "",
     {Attr::kUnsupported, Target::kEvent},
     "",
     "container tags (image_name:…)"},
    {"cgroup.id",
     kS,
     false,
     "",
     {Attr::kCgroupId, Target::kSelf},
     "exec, fork, exit",
     "cgroup path of the event's process"},
    {"cgroup.manager",
     kS,
     false,
     "",
     {Attr::kCgroupManager, Target::kSelf},
     "exec, fork, exit",
     "cgroup manager derived from the path"},
    {"cgroup.version", kI, false, "", {Attr::kUnsupported, Target::kEvent}, "", "cgroup version"},
    {"cgroup.file.inode",
     kI,
     false,
     "",
     {Attr::kCgroupFileInode, Target::kSelf},
     "exec, fork, exit",
     "cgroup id (inode of the cgroup)"},
    {"cgroup.file.mount_id",
     kI,
     false,
     "",
     {Attr::kUnsupported, Target::kEvent},
     "",
     "mount id of the cgroup file system"},
    {"event.timestamp",
     kI,
     false,
     "",
     {Attr::kEventTimestamp, Target::kEvent},
     "exec, fork, exit",
     "event time (ns since the Unix epoch)"},
    {"event.origin",
     kS,
     false,
     "",
     {Attr::kEventOrigin, Target::kEvent},
     "exec, fork, exit",
     "producer of the event: \"ebpf\""},
    {"event.os", kS, false, "", {Attr::kEventOs, Target::kEvent}, "exec, fork, exit", "\"linux\""},
    {"event.service",
     kS,
     false,
     "",
     {Attr::kEventService, Target::kEvent},
     "exec, fork, exit",
     "DD_SERVICE of the event's process, \"\" when unset"},
    {"event.hostname",
     kS,
     false,
     "",
     {Attr::kEventHostname, Target::kEvent},
     "exec, fork, exit",
     "host name"},
    {"event.async",
     kB,
     false,
     "",
     {Attr::kEventAsync, Target::kEvent},
     "exec, fork, exit",
     "asynchronous syscall (always false for process events)"},
    {"event.rule.tags",
     kS,
     true,
     "",
     {Attr::kEventRuleTags, Target::kEvent},
     "exec, fork, exit",
     "product_tags of the rule being evaluated"},
    {"event.source",
     kS,
     false,
     "",
     {Attr::kEventSource, Target::kEvent},
     "exec, fork, exit",
     "\"runtime\" for live events, \"snapshot\" for seeded processes"},
    {"event.signature",
     kS,
     false,
     "",
     {Attr::kUnsupported, Target::kEvent},
     "",
     "keyed signature of pid and cgroup"},
};

// Fields of event types picket does not collect yet (spec §11.6–§11.8): every
// field default.policy uses, and the usual companions. File prefixes get the
// whole file-suffix table.
struct UnsupportedDef {
  std::string_view name;
  ScalarType type;
  bool is_array;
};
constexpr std::string_view kUnsupportedFilePrefixes[] = {
    "open.file",
    "chmod.file",
    "chown.file",
    "link.file",
    "link.file.destination",
    "rename.file",
    "rename.file.destination",
    "unlink.file",
    "utimes.file",
    "mmap.file",
    "chdir.file",
    "cgroup_write.file",
    "mkdir.file",
    "rmdir.file",
    "load_module.file",
    "splice.file",
    "setxattr.file",
    "removexattr.file",
    "chmod.file.destination",
    "chown.file.destination",
    "mprotect.file",
};
constexpr UnsupportedDef kUnsupportedFields[] = {
    {"open.flags", kI, false},
    {"open.file.destination.mode", kI, false},
    {"open.retval", kI, false},
    {"open.syscall.path", kS, false},
    {"chmod.retval", kI, false},
    {"chmod.syscall.path", kS, false},
    {"chown.retval", kI, false},
    {"chown.file.destination.user", kS, false},
    {"chown.file.destination.group", kS, false},
    {"link.retval", kI, false},
    {"rename.retval", kI, false},
    {"unlink.flags", kI, false},
    {"unlink.retval", kI, false},
    {"unlink.syscall.path", kS, false},
    {"utimes.retval", kI, false},
    {"mkdir.retval", kI, false},
    {"rmdir.retval", kI, false},
    {"chdir.syscall.path", kS, false},
    {"chdir.retval", kI, false},
    {"mmap.protection", kI, false},
    {"mmap.flags", kI, false},
    {"mmap.retval", kI, false},
    {"mprotect.req_protection", kI, false},
    {"mprotect.vm_protection", kI, false},
    {"mount.fs_type", kS, false},
    {"mount.mountpoint.path", kS, false},
    {"mount.source.path", kS, false},
    {"mount.root.path", kS, false},
    {"mount.retval", kI, false},
    {"selinux.enforce.status", kS, false},
    {"selinux.bool.name", kS, false},
    {"selinux.bool.state", kS, false},
    {"signal.type", kI, false},
    {"signal.pid", kI, false},
    {"signal.retval", kI, false},
    {"ptrace.request", kI, false},
    {"ptrace.retval", kI, false},
    {"bpf.cmd", kI, false},
    {"bpf.retval", kI, false},
    {"bpf.prog.helpers", kI, true},
    {"bpf.prog.name", kS, false},
    {"bpf.prog.tag", kS, false},
    {"bpf.prog.type", kI, false},
    {"bpf.prog.attach_type", kI, false},
    {"bpf.map.name", kS, false},
    {"bpf.map.type", kI, false},
    {"load_module.name", kS, false},
    {"load_module.loaded_from_memory", kB, false},
    {"load_module.args", kS, false},
    {"load_module.argv", kS, true},
    {"load_module.retval", kI, false},
    {"unload_module.name", kS, false},
    {"splice.pipe_entry_flag", kI, false},
    {"splice.pipe_exit_flag", kI, false},
    {"splice.retval", kI, false},
    {"setuid.uid", kI, false},
    {"setuid.euid", kI, false},
    {"setuid.fsuid", kI, false},
    {"setuid.user", kS, false},
    {"setuid.euser", kS, false},
    {"setuid.fsuser", kS, false},
    {"setgid.gid", kI, false},
    {"setgid.egid", kI, false},
    {"setgid.fsgid", kI, false},
    {"capset.cap_effective", kI, false},
    {"capset.cap_permitted", kI, false},
    {"prctl.option", kI, false},
    {"prctl.new_name", kS, false},
    {"prctl.retval", kI, false},
    {"cgroup_write.pid", kI, false},
    {"dns.id", kI, false},
    {"dns.question.name", kS, false},
    {"dns.question.type", kI, false},
    {"dns.question.class", kI, false},
    {"dns.question.count", kI, false},
    {"dns.question.length", kI, false},
    {"dns.response.code", kI, false},
    {"network.source.ip", kIp, false},
    {"network.source.port", kI, false},
    {"network.source.is_public", kB, false},
    {"network.destination.ip", kIp, false},
    {"network.destination.port", kI, false},
    {"network.destination.is_public", kB, false},
    {"network.l3_protocol", kI, false},
    {"network.l4_protocol", kI, false},
    {"network.device.ifname", kS, false},
    {"network.size", kI, false},
    {"network.network_direction", kI, false},
    {"network.type", kI, false},
    {"connect.addr.ip", kIp, false},
    {"connect.addr.port", kI, false},
    {"connect.addr.family", kI, false},
    {"connect.addr.is_public", kB, false},
    {"connect.addr.hostname", kS, false},
    {"connect.protocol", kI, false},
    {"connect.retval", kI, false},
    {"accept.addr.ip", kIp, false},
    {"accept.addr.port", kI, false},
    {"accept.addr.family", kI, false},
    {"accept.addr.hostname", kS, false},
    {"accept.addr.is_public", kB, false},
    {"accept.retval", kI, false},
    {"bind.addr.ip", kIp, false},
    {"bind.addr.port", kI, false},
    {"bind.addr.family", kI, false},
    {"bind.retval", kI, false},
    {"setsockopt.level", kI, false},
    {"setsockopt.optname", kI, false},
    {"setsockopt.retval", kI, false},
    {"packet.filter", kS, false},
    {"imds.url", kS, false},
    {"imds.type", kS, false},
    {"imds.cloud_provider", kS, false},
    {"imds.host", kS, false},
    {"imds.user_agent", kS, false},
    {"imds.server", kS, false},
    {"imds.aws.is_imds_v2", kB, false},
    {"imds.aws.security_credentials.type", kS, false},
    {"sysctl.name", kS, false},
    {"sysctl.value", kS, false},
    {"setrlimit.resource", kI, false},
    {"setxattr.name", kS, false},
    {"removexattr.name", kS, false},
};
// Process prefixes of uncollected events (the target process of ptrace and
// signal): the whole process-suffix table, unsupported.
constexpr std::string_view kUnsupportedProcessPrefixes[] = {
    "ptrace.tracee", "ptrace.tracee.parent", "signal.target", "signal.target.parent"};

std::string_view EventTypeOf(std::string_view name) {
  if (name.starts_with("network.")) return "";
  return name.substr(0, name.find('.'));
}

}  // namespace

FieldCatalogue::FieldCatalogue() {
  ancestors_ = secl::IteratorInfo{.id = 0, .name = "process.ancestors", .event_type = ""};

  auto add_process_fields = [&](std::string_view prefix, std::string_view event_type, Target target,
                                std::string_view available_on, bool supported) {
    auto add = [&](const std::string& name, const SuffixDef& def, FileSelector file, bool is_path) {
      FieldBinding binding{supported ? def.attr : Attr::kUnsupported, target, file};
      Add(name, def.type, def.is_array, event_type, binding, is_path,
          binding.attr == Attr::kUnsupported ? "" : available_on, def.doc);
    };
    for (const SuffixDef& def : kProcessSuffixes) {
      add(std::string(prefix) + "." + std::string(def.suffix), def, FileSelector::kExecutable,
          false);
    }
    for (const SuffixDef& def : kFileSuffixes) {
      add(std::string(prefix) + ".file." + std::string(def.suffix), def, FileSelector::kExecutable,
          def.suffix == "path");
      add(std::string(prefix) + ".interpreter.file." + std::string(def.suffix), def,
          FileSelector::kInterpreter, def.suffix == "path");
    }
  };
  for (const PrefixDef& prefix : kProcessPrefixes) {
    add_process_fields(prefix.prefix, prefix.event_type, prefix.target, prefix.available_on,
                       /*supported=*/true);
  }
  for (const EventFieldDef& def : kEventFields) {
    Add(std::string(def.name), def.type, def.is_array, def.event_type, def.binding,
        /*is_path=*/false, def.available_on, def.doc);
  }
  for (std::string_view prefix : kUnsupportedProcessPrefixes) {
    add_process_fields(prefix, EventTypeOf(prefix), Target::kEvent, "", /*supported=*/false);
  }
  for (std::string_view prefix : kUnsupportedFilePrefixes) {
    for (const SuffixDef& def : kFileSuffixes) {
      Add(std::string(prefix) + "." + std::string(def.suffix), def.type, def.is_array,
          EventTypeOf(prefix), FieldBinding{}, def.suffix == "path", "", def.doc);
    }
  }
  for (const UnsupportedDef& def : kUnsupportedFields) {
    Add(std::string(def.name), def.type, def.is_array, EventTypeOf(def.name), FieldBinding{},
        /*is_path=*/false, "", "");
  }
}

void FieldCatalogue::Add(std::string name, secl::ScalarType type, bool is_array,
                         std::string_view event_type, FieldBinding binding, bool is_path,
                         std::string_view available_on, std::string_view doc) {
  if (by_name_.contains(name)) return;  // first definition wins (file prefixes overlap)
  const std::string& stored = names_.emplace_back(std::move(name));
  FieldEntry entry;
  entry.info.id = static_cast<secl::FieldId>(entries_.size());
  entry.info.name = stored;
  entry.info.type = type;
  entry.info.is_array = is_array;
  entry.info.event_type = event_type;
  entry.info.iterator = binding.target == Target::kAncestor ? ancestors_.id : secl::kNoIterator;
  entry.info.is_path = is_path;
  entry.info.is_case_insensitive = stored == "dns.question.name";
  entry.info.is_supported = binding.attr != Attr::kUnsupported;
  entry.binding = binding;
  entry.available_on = available_on;
  entry.doc = doc;
  // The same attribute of the same image, read the same way, under another
  // name (exec.* and process.* on an exec). Event-level fields are left
  // alone: event.rule.tags changes from one rule to the next.
  if (entry.info.is_supported && binding.target != Target::kEvent) {
    for (const FieldEntry& earlier : entries_) {
      if (earlier.binding.attr == binding.attr && earlier.binding.target == binding.target &&
          earlier.binding.file == binding.file && earlier.info.type == entry.info.type &&
          earlier.info.is_array == entry.info.is_array &&
          earlier.info.iterator == entry.info.iterator &&
          earlier.info.is_path == entry.info.is_path &&
          earlier.info.is_case_insensitive == entry.info.is_case_insensitive &&
          earlier.info.is_regex_case_insensitive == entry.info.is_regex_case_insensitive) {
        entry.info.same_value_as = earlier.info.same_value_as != secl::kNoField
                                       ? earlier.info.same_value_as
                                       : earlier.info.id;
        break;
      }
    }
  }
  by_name_.emplace(stored, entry.info.id);
  entries_.push_back(entry);
}

const FieldCatalogue& FieldCatalogue::Default() {
  static const FieldCatalogue catalogue;
  return catalogue;
}

const secl::FieldInfo* FieldCatalogue::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &entries_[it->second].info;
}

const secl::IteratorInfo* FieldCatalogue::FindIterator(std::string_view name) const {
  return name == ancestors_.name ? &ancestors_ : nullptr;
}

void FieldCatalogue::ForEachFieldName(const std::function<void(std::string_view)>& visit) const {
  for (const FieldEntry& entry : entries_) visit(entry.info.name);
}

bool FieldCatalogue::IsCollectedEventType(std::string_view event_type) {
  return event_type == "exec" || event_type == "fork" || event_type == "exit";
}

}  // namespace picket::fields
