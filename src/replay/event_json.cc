#include "replay/event_json.h"

#include <openssl/evp.h>

#include <array>
#include <cctype>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace picket::replay {
namespace {

Error InvalidField(std::string_view key, std::string_view problem) {
  return Error(ErrorCode::kInvalidArgument,
               "field '" + std::string(key) + "': " + std::string(problem));
}

// Reads the fields of one JSON object into a value, keeping the first problem.
// Absent optional fields keep their default; present fields must have the
// right type and fit their C++ type.
class FieldDecoder {
 public:
  explicit FieldDecoder(const Json& object) : object_(object) {}

  template <typename Int>
  void Integer(std::string_view key, Int& out, bool required = false) {
    const Json* value = Find(key, required);
    if (value == nullptr) return;
    if constexpr (std::is_unsigned_v<Int>) {
      if (!value->is_number_unsigned()) return Fail(key, "expected an unsigned integer");
      auto v = value->get<std::uint64_t>();
      if (v > std::numeric_limits<Int>::max()) return Fail(key, "out of range");
      out = static_cast<Int>(v);
    } else {
      if (!value->is_number_integer()) return Fail(key, "expected an integer");
      if (value->is_number_unsigned() &&
          value->get<std::uint64_t>() >
              static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) {
        return Fail(key, "out of range");
      }
      auto v = value->get<std::int64_t>();
      if (v < std::numeric_limits<Int>::min() || v > std::numeric_limits<Int>::max()) {
        return Fail(key, "out of range");
      }
      out = static_cast<Int>(v);
    }
  }

  void Bool(std::string_view key, bool& out) {
    const Json* value = Find(key, false);
    if (value == nullptr) return;
    if (!value->is_boolean()) return Fail(key, "expected true or false");
    out = value->get<bool>();
  }

  void Bytes(std::string_view key, std::string& out, bool required = false) {
    const Json* value = Find(key, required);
    if (value == nullptr) return;
    Result<std::string> bytes = DecodeBytes(*value);
    if (!bytes) return Fail(key, bytes.error().message());
    out = std::move(*bytes);
  }

  void BytesList(std::string_view key, std::vector<std::string>& out) {
    const Json* value = Find(key, false);
    if (value == nullptr) return;
    if (!value->is_array()) return Fail(key, "expected an array");
    out.clear();
    out.reserve(value->size());
    for (const Json& item : *value) {
      Result<std::string> bytes = DecodeBytes(item);
      if (!bytes) return Fail(key, bytes.error().message());
      out.push_back(std::move(*bytes));
    }
  }

  // A nested object decoded by `decode(FieldDecoder&)`.
  template <typename Fn>
  void Object(std::string_view key, Fn&& decode) {
    const Json* value = Find(key, false);
    if (value == nullptr) return;
    if (!value->is_object()) return Fail(key, "expected an object");
    FieldDecoder nested(*value);
    decode(nested);
    if (nested.error_ && !error_) {
      error_ = InvalidField(key, nested.error_->message());
    }
  }

  void Flags(std::string_view key, std::uint32_t& out) {
    const Json* value = Find(key, false);
    if (value == nullptr) return;
    Result<std::uint32_t> flags = DecodeExecFlags(*value);
    if (!flags) return Fail(key, flags.error().message());
    out = *flags;
  }

  const std::optional<Error>& error() const { return error_; }

 private:
  const Json* Find(std::string_view key, bool required) {
    if (error_) return nullptr;
    auto it = object_.find(key);
    if (it == object_.end()) {
      if (required) Fail(key, "missing");
      return nullptr;
    }
    return &*it;
  }
  void Fail(std::string_view key, std::string_view problem) {
    if (!error_) error_ = InvalidField(key, problem);
  }

  const Json& object_;
  std::optional<Error> error_;
};

constexpr std::array<std::pair<events::ExecFlag, std::string_view>, 9> kExecFlagNames = {{
    {events::kExecScript, "script"},
    {events::kExecMemfd, "memfd"},
    {events::kExecDeletedFile, "deleted_file"},
    {events::kExecSecureExec, "secure_exec"},
    {events::kExecThroughFd, "through_fd"},
    {events::kExecArgsTruncated, "args_truncated"},
    {events::kExecEnvTruncated, "env_truncated"},
    {events::kExecPathTruncated, "path_truncated"},
    {events::kExecFromNonLeader, "from_non_leader"},
}};

Json EncodeFile(const events::FileInfo& file) {
  Json json = Json::object();
  json["path"] = EncodeBytes(file.path);
  json["inode"] = file.inode;
  json["dev_major"] = file.dev_major;
  json["dev_minor"] = file.dev_minor;
  json["mount_id"] = file.mount_id;
  json["mode"] = file.mode;
  json["uid"] = file.uid;
  json["gid"] = file.gid;
  json["nlink"] = file.nlink;
  json["mtime"] = file.modification_time_ns;
  json["ctime"] = file.change_time_ns;
  json["filesystem"] = EncodeBytes(file.filesystem);
  return json;
}

void DecodeFile(FieldDecoder& d, events::FileInfo& file) {
  d.Bytes("path", file.path);
  d.Integer("inode", file.inode);
  d.Integer("dev_major", file.dev_major);
  d.Integer("dev_minor", file.dev_minor);
  d.Integer("mount_id", file.mount_id);
  d.Integer("mode", file.mode);
  d.Integer("uid", file.uid);
  d.Integer("gid", file.gid);
  d.Integer("nlink", file.nlink);
  d.Integer("mtime", file.modification_time_ns);
  d.Integer("ctime", file.change_time_ns);
  d.Bytes("filesystem", file.filesystem);
}

Json EncodeCredentials(const events::Credentials& c) {
  return {{"uid", c.uid},
          {"gid", c.gid},
          {"euid", c.euid},
          {"egid", c.egid},
          {"fsuid", c.fsuid},
          {"fsgid", c.fsgid},
          {"auid", c.auid},
          {"session_id", c.session_id},
          {"cap_effective", c.cap_effective},
          {"cap_permitted", c.cap_permitted}};
}

void DecodeCredentials(FieldDecoder& c, events::Credentials& creds) {
  c.Integer("uid", creds.uid);
  c.Integer("gid", creds.gid);
  c.Integer("euid", creds.euid);
  c.Integer("egid", creds.egid);
  c.Integer("fsuid", creds.fsuid);
  c.Integer("fsgid", creds.fsgid);
  c.Integer("auid", creds.auid);
  c.Integer("session_id", creds.session_id);
  c.Integer("cap_effective", creds.cap_effective);
  c.Integer("cap_permitted", creds.cap_permitted);
}

Json EncodeNamespaces(const events::Namespaces& ns) {
  return {{"mnt", ns.mnt}, {"pid", ns.pid}, {"net", ns.net}, {"cgroup", ns.cgroup}};
}

void DecodeNamespaces(FieldDecoder& n, events::Namespaces& ns) {
  n.Integer("mnt", ns.mnt);
  n.Integer("pid", ns.pid);
  n.Integer("net", ns.net);
  n.Integer("cgroup", ns.cgroup);
}

Json EncodeBytesList(const std::vector<std::string>& list) {
  Json json = Json::array();
  for (const std::string& item : list) json.push_back(EncodeBytes(item));
  return json;
}

Json EncodeFork(const events::ForkEvent& fork) {
  Json json = Json::object();
  json["type"] = "fork";
  json["timestamp"] = fork.timestamp_ns;
  json["pid"] = fork.child.pid;
  json["start_time"] = fork.child.start_time_ns;
  json["ppid"] = fork.parent.pid;
  json["parent_start_time"] = fork.parent.start_time_ns;
  json["parent_tid"] = fork.parent_tid;
  json["cgroup_id"] = fork.cgroup_id;
  return json;
}

Json EncodeExec(const events::ExecEvent& exec) {
  Json json = Json::object();
  json["type"] = "exec";
  json["timestamp"] = exec.timestamp_ns;
  json["pid"] = exec.process.pid;
  json["start_time"] = exec.process.start_time_ns;
  json["ppid"] = exec.parent.pid;
  json["parent_start_time"] = exec.parent.start_time_ns;
  json["tid"] = exec.tid;
  json["comm"] = EncodeBytes(exec.comm);
  json["filename"] = EncodeBytes(exec.filename);
  json["file"] = EncodeFile(exec.file);
  if (exec.interpreter != events::FileInfo{}) json["interpreter"] = EncodeFile(exec.interpreter);
  json["cwd"] = EncodeBytes(exec.cwd);
  json["argv"] = EncodeBytesList(exec.argv);
  json["args_size"] = exec.args_size;
  json["args_truncated"] = exec.has_flag(events::kExecArgsTruncated);
  if (!exec.envp.empty() || exec.env_size != 0) {
    json["envp"] = EncodeBytesList(exec.envp);
    json["env_size"] = exec.env_size;
  }
  json["credentials"] = EncodeCredentials(exec.credentials);
  json["cgroup"] = {{"id", exec.cgroup_id}, {"path", EncodeBytes(exec.cgroup_path)}};
  json["container_id"] = EncodeBytes(exec.container_id);
  json["namespaces"] = EncodeNamespaces(exec.namespaces);
  json["tty"] = EncodeBytes(exec.tty);
  json["flags"] = EncodeExecFlags(exec.flags);
  return json;
}

Json EncodeExit(const events::ExitEvent& exit) {
  Json json = Json::object();
  json["type"] = "exit";
  json["timestamp"] = exit.timestamp_ns;
  json["pid"] = exit.process.pid;
  json["start_time"] = exit.process.start_time_ns;
  json["exit_code"] = exit.exit_code;
  json["exit_status"] = exit.exit_status();  // informational, derived
  json["exit_signal"] = exit.exit_signal();  // informational, derived
  return json;
}

Result<events::Event> DecodeFork(const Json& json) {
  events::ForkEvent fork;
  FieldDecoder d(json);
  d.Integer("timestamp", fork.timestamp_ns, /*required=*/true);
  d.Integer("pid", fork.child.pid, /*required=*/true);
  d.Integer("start_time", fork.child.start_time_ns);
  d.Integer("ppid", fork.parent.pid, /*required=*/true);
  d.Integer("parent_start_time", fork.parent.start_time_ns);
  d.Integer("parent_tid", fork.parent_tid);
  d.Integer("cgroup_id", fork.cgroup_id);
  if (d.error()) return *d.error();
  return events::Event(fork);
}

Result<events::Event> DecodeExec(const Json& json) {
  events::ExecEvent exec;
  FieldDecoder d(json);
  d.Integer("timestamp", exec.timestamp_ns, /*required=*/true);
  d.Integer("pid", exec.process.pid, /*required=*/true);
  d.Integer("start_time", exec.process.start_time_ns);
  d.Integer("ppid", exec.parent.pid);
  d.Integer("parent_start_time", exec.parent.start_time_ns);
  d.Integer("tid", exec.tid);
  d.Bytes("comm", exec.comm);
  d.Bytes("filename", exec.filename);
  d.Object("file", [&](FieldDecoder& f) { DecodeFile(f, exec.file); });
  d.Object("interpreter", [&](FieldDecoder& f) { DecodeFile(f, exec.interpreter); });
  d.Bytes("cwd", exec.cwd);
  d.BytesList("argv", exec.argv);
  d.Integer("args_size", exec.args_size);
  d.BytesList("envp", exec.envp);
  d.Integer("env_size", exec.env_size);
  d.Object("credentials", [&](FieldDecoder& c) { DecodeCredentials(c, exec.credentials); });
  d.Object("cgroup", [&](FieldDecoder& c) {
    c.Integer("id", exec.cgroup_id);
    c.Bytes("path", exec.cgroup_path);
  });
  d.Bytes("container_id", exec.container_id);
  d.Object("namespaces", [&](FieldDecoder& n) { DecodeNamespaces(n, exec.namespaces); });
  d.Bytes("tty", exec.tty);
  d.Flags("flags", exec.flags);
  if (d.error()) return *d.error();
  return events::Event(std::move(exec));
}

Result<events::Event> DecodeExit(const Json& json) {
  events::ExitEvent exit;
  FieldDecoder d(json);
  d.Integer("timestamp", exit.timestamp_ns, /*required=*/true);
  d.Integer("pid", exit.process.pid, /*required=*/true);
  d.Integer("start_time", exit.process.start_time_ns);
  d.Integer("exit_code", exit.exit_code);
  if (d.error()) return *d.error();
  return events::Event(exit);
}

}  // namespace

bool IsValidUtf8(std::string_view bytes) {
  // RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  while (i < n) {
    auto b0 = static_cast<unsigned char>(bytes[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xbf;  // allowed range of the second byte
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      length = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      length = 3;
      if (b0 == 0xe0) low = 0xa0;
      if (b0 == 0xed) high = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      length = 4;
      if (b0 == 0xf0) low = 0x90;
      if (b0 == 0xf4) high = 0x8f;
    } else {
      return false;
    }
    if (i + length > n) return false;
    auto b1 = static_cast<unsigned char>(bytes[i + 1]);
    if (b1 < low || b1 > high) return false;
    for (std::size_t k = 2; k < length; ++k) {
      auto b = static_cast<unsigned char>(bytes[i + k]);
      if (b < 0x80 || b > 0xbf) return false;
    }
    i += length;
  }
  return true;
}

Json EncodeBytes(std::string_view bytes) {
  if (IsValidUtf8(bytes)) return Json(std::string(bytes));
  std::string encoded(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                               reinterpret_cast<const unsigned char*>(bytes.data()),
                               static_cast<int>(bytes.size()));
  encoded.resize(static_cast<std::size_t>(length));
  return Json{{"b64", std::move(encoded)}};
}

Result<std::string> DecodeBytes(const Json& json) {
  if (json.is_string()) return json.get<std::string>();
  if (!json.is_object() || json.size() != 1 || !json.contains("b64") || !json["b64"].is_string()) {
    return Error(ErrorCode::kInvalidArgument, "expected a string or {\"b64\": \"...\"}");
  }
  const std::string& text = json["b64"].get_ref<const std::string&>();
  // EVP_DecodeBlock skips surrounding whitespace and accepts partial quads
  // silently; insist on the canonical form EncodeBytes writes.
  if (text.size() % 4 != 0) return Error(ErrorCode::kInvalidArgument, "invalid base64");
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=') {
      return Error(ErrorCode::kInvalidArgument, "invalid base64");
    }
  }
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
  if (text.find('=') < text.size() - padding) {
    return Error(ErrorCode::kInvalidArgument, "invalid base64");
  }
  std::string bytes(text.size() / 4 * 3, '\0');
  int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                               reinterpret_cast<const unsigned char*>(text.data()),
                               static_cast<int>(text.size()));
  if (length < 0) return Error(ErrorCode::kInvalidArgument, "invalid base64");
  bytes.resize(static_cast<std::size_t>(length) - padding);
  return bytes;
}

Json EncodeExecFlags(std::uint32_t flags) {
  Json names = Json::array();
  for (int bit = 0; bit < 32; ++bit) {
    const std::uint32_t mask = 1u << bit;
    if ((flags & mask) == 0) continue;
    std::string name = "bit" + std::to_string(bit);
    for (const auto& [flag, flag_name] : kExecFlagNames) {
      if (flag == mask) name = std::string(flag_name);
    }
    names.push_back(std::move(name));
  }
  return names;
}

Result<std::uint32_t> DecodeExecFlags(const Json& json) {
  if (!json.is_array()) return Error(ErrorCode::kInvalidArgument, "expected an array of names");
  std::uint32_t flags = 0;
  for (const Json& item : json) {
    if (!item.is_string()) return Error(ErrorCode::kInvalidArgument, "expected a flag name");
    const std::string& name = item.get_ref<const std::string&>();
    bool known = false;
    for (const auto& [flag, flag_name] : kExecFlagNames) {
      if (name == flag_name) {
        flags |= flag;
        known = true;
      }
    }
    if (!known && name.starts_with("bit") && name.size() > 3 && name.size() <= 5) {
      int bit = 0;
      bool digits = true;
      for (char c : std::string_view(name).substr(3)) {
        if (c < '0' || c > '9') digits = false;
        bit = bit * 10 + (c - '0');
      }
      if (digits && bit < 32) {
        flags |= 1u << bit;
        known = true;
      }
    }
    if (!known) return Error(ErrorCode::kInvalidArgument, "unknown flag '" + name + "'");
  }
  return flags;
}

Json EncodeHeader(const StreamHeader& header) {
  Json json = Json::object();
  json[std::string(kHeaderKey)] = header.version;
  json["created"] = header.created_ns;
  json["host"] = EncodeBytes(header.host);
  json["picket_version"] = EncodeBytes(header.picket_version);
  json["boot_to_realtime_offset_ns"] = header.boot_to_realtime_offset_ns;
  return json;
}

Result<StreamHeader> DecodeHeader(const Json& json) {
  if (!json.is_object() || !json.contains(kHeaderKey)) {
    return Error(ErrorCode::kInvalidArgument,
                 "not a picket event stream: the first line has no \"picket_event_stream\"");
  }
  StreamHeader header;
  FieldDecoder d(json);
  d.Integer(kHeaderKey, header.version);
  if (d.error()) return *d.error();
  if (header.version != kEventStreamVersion) {
    return Error(ErrorCode::kUnsupported, "event stream version " + std::to_string(header.version) +
                                              " is not supported (this picket reads version " +
                                              std::to_string(kEventStreamVersion) + ")");
  }
  d.Integer("created", header.created_ns);
  d.Bytes("host", header.host);
  d.Bytes("picket_version", header.picket_version);
  d.Integer("boot_to_realtime_offset_ns", header.boot_to_realtime_offset_ns);
  if (d.error()) return *d.error();
  return header;
}

Json EncodeEvent(const events::Event& event) {
  struct Visitor {
    Json operator()(const events::ForkEvent& e) const { return EncodeFork(e); }
    Json operator()(const events::ExecEvent& e) const { return EncodeExec(e); }
    Json operator()(const events::ExitEvent& e) const { return EncodeExit(e); }
  };
  return std::visit(Visitor{}, event);
}

Json EncodeEventWithAncestry(const events::Event& event, const proc::AncestorList& ancestors) {
  Json json = EncodeEvent(event);
  Json list = Json::array();
  for (const proc::Process* image : ancestors.images) {
    Json entry = Json::object();
    entry["pid"] = image->key.pid;
    entry["comm"] = EncodeBytes(image->comm);
    entry["exe"] = EncodeBytes(image->file.path);
    entry["args"] = EncodeBytesList(image->argv);
    entry["is_exec"] = image->is_exec;
    entry["exited"] = !image->is_alive();
    if (image->from_seed) entry["from_seed"] = true;
    list.push_back(std::move(entry));
  }
  json["ancestors"] = std::move(list);
  json["ancestors_truncated"] = ancestors.truncated;
  return json;
}

Json EncodeSeedImage(const proc::Process& image) {
  Json json = Json::object();
  json["type"] = "seed";
  json["pid"] = image.key.pid;
  json["start_time"] = image.key.start_time_ns;
  json["ppid"] = image.parent_key.pid;
  json["parent_start_time"] = image.parent_key.start_time_ns;
  json["tid"] = image.tid;
  json["comm"] = EncodeBytes(image.comm);
  json["filename"] = EncodeBytes(image.filename);
  json["file"] = EncodeFile(image.file);
  if (image.interpreter != events::FileInfo{}) json["interpreter"] = EncodeFile(image.interpreter);
  json["argv"] = EncodeBytesList(image.argv);
  json["args_truncated"] = image.args_truncated;
  if (!image.envp.empty() || image.envs_truncated) {
    json["envp"] = EncodeBytesList(image.envp);
    json["envs_truncated"] = image.envs_truncated;
  }
  json["credentials"] = EncodeCredentials(image.credentials);
  json["cgroup"] = {{"id", image.cgroup_id}, {"path", EncodeBytes(image.cgroup_path)}};
  json["container_id"] = EncodeBytes(image.container_id);
  json["namespaces"] = EncodeNamespaces(image.namespaces);
  json["tty"] = EncodeBytes(image.tty);
  json["flags"] = EncodeExecFlags(image.exec_flags);
  json["fork_time"] = image.fork_time_ns;
  json["exec_time"] = image.exec_time_ns;
  json["exit_time"] = image.exit_time_ns;
  json["exit_code"] = image.exit_code;
  json["is_exec"] = image.is_exec;
  json["is_thread"] = image.is_thread;
  if (image.lineage_parent != nullptr) {
    json["lineage_parent"] = {{"pid", image.lineage_parent->key.pid},
                              {"start_time", image.lineage_parent->key.start_time_ns}};
  }
  return json;
}

Result<SeedRecord> DecodeSeedImage(const Json& json) {
  if (!json.is_object()) return Error(ErrorCode::kInvalidArgument, "not a JSON object");
  auto image = std::make_shared<proc::Process>();
  std::optional<events::ProcessKey> lineage_parent;
  FieldDecoder d(json);
  d.Integer("pid", image->key.pid, /*required=*/true);
  d.Integer("start_time", image->key.start_time_ns);
  d.Integer("ppid", image->parent_key.pid);
  d.Integer("parent_start_time", image->parent_key.start_time_ns);
  d.Integer("tid", image->tid);
  d.Bytes("comm", image->comm);
  d.Bytes("filename", image->filename);
  d.Object("file", [&](FieldDecoder& f) { DecodeFile(f, image->file); });
  d.Object("interpreter", [&](FieldDecoder& f) { DecodeFile(f, image->interpreter); });
  std::vector<std::string> strings;
  d.BytesList("argv", strings);
  image->argv = std::move(strings);
  d.Bool("args_truncated", image->args_truncated);
  strings.clear();
  d.BytesList("envp", strings);
  image->envp = std::move(strings);
  d.Bool("envs_truncated", image->envs_truncated);
  d.Object("credentials", [&](FieldDecoder& c) { DecodeCredentials(c, image->credentials); });
  d.Object("cgroup", [&](FieldDecoder& c) {
    c.Integer("id", image->cgroup_id);
    c.Bytes("path", image->cgroup_path);
  });
  d.Bytes("container_id", image->container_id);
  d.Object("namespaces", [&](FieldDecoder& n) { DecodeNamespaces(n, image->namespaces); });
  d.Bytes("tty", image->tty);
  d.Flags("flags", image->exec_flags);
  d.Integer("fork_time", image->fork_time_ns);
  d.Integer("exec_time", image->exec_time_ns);
  d.Integer("exit_time", image->exit_time_ns);
  d.Integer("exit_code", image->exit_code);
  d.Bool("is_exec", image->is_exec);
  d.Bool("is_thread", image->is_thread);
  d.Object("lineage_parent", [&](FieldDecoder& p) {
    events::ProcessKey key;
    p.Integer("pid", key.pid, /*required=*/true);
    p.Integer("start_time", key.start_time_ns);
    lineage_parent = key;
  });
  if (d.error()) return *d.error();
  image->from_seed = true;
  return SeedRecord{std::move(image), lineage_parent};
}

Result<events::Event> DecodeEvent(const Json& json) {
  if (!json.is_object()) return Error(ErrorCode::kInvalidArgument, "not a JSON object");
  auto type = json.find("type");
  if (type == json.end() || !type->is_string()) {
    return InvalidField("type", "missing or not a string");
  }
  const std::string& name = type->get_ref<const std::string&>();
  if (name == "fork") return DecodeFork(json);
  if (name == "exec") return DecodeExec(json);
  if (name == "exit") return DecodeExit(json);
  return Error(ErrorCode::kNotFound, "unknown event type '" + name + "'");
}

}  // namespace picket::replay
