// VariableStore: the instances of SECL variables (spec §8) written by `set`
// actions and read by rules through secl::VariableSource.
//
// Scopes: global (one instance), process (one per process image, optionally
// read through the ancestors when `inherited`), container (by container id)
// and cgroup (by cgroup id). An event without a container or cgroup makes
// that scope unavailable: writes are no-ops and reads return the default.
// Scalars expire `ttl` after their last write; arrays are LRU sets of at most
// `size` elements (default 100), each element with its own expiry refreshed
// on re-append, duplicates collapsed (spec §8.4).
//
// Not thread-safe: the pipeline thread owns the store. Bind() the event's
// process before evaluating, so reads find the right instances; string views
// handed out stay valid until the next Set/Bind/Forget call.

#ifndef PICKET_ENGINE_VARIABLE_STORE_H_
#define PICKET_ENGINE_VARIABLE_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "policy/actions.h"
#include "proc/process.h"
#include "secl/field_source.h"
#include "secl/value.h"

namespace picket::engine {

// How one declared variable behaves, from the `set` actions that define it.
struct VariableSpec {
  secl::VariableId id = 0;
  std::string name;  // qualified as written in rules: "process.x", "y"
  secl::Type type;
  policy::VariableScope scope = policy::VariableScope::kGlobal;
  secl::OwnedValue default_value;
  std::uint64_t ttl_ns = 0;
  std::uint32_t size = 100;
  bool inherited = false;
  bool is_private = false;
};

// What a process-scoped variable is attached to: one process image.
struct ImageKey {
  std::uint32_t pid = 0;
  std::uint64_t start_time_ns = 0;
  std::uint64_t exec_time_ns = 0;  // distinguishes successive images of one pid
  auto operator<=>(const ImageKey&) const = default;
};
ImageKey ImageKeyOf(const proc::Process& process);

class VariableStore : public secl::VariableSource {
 public:
  // Builtins (${process.pid}, ${builtins.uuid4}) are answered by id.
  VariableStore(std::vector<VariableSpec> specs, secl::VariableId process_pid_id,
                secl::VariableId uuid4_id);

  // The event about to be evaluated: its process image (nullptr if unknown)
  // and the event time used for TTLs.
  void Bind(const proc::Process* process, std::uint64_t now_ns);

  // Writes `value` for the bound event (or for `target`, the scope_field
  // process). Arrays: append every element of an array value, or the scalar.
  void Set(secl::VariableId id, const secl::OwnedValue& value,
           const proc::Process* target = nullptr);

  // Drops the process instances of an image that left the tree.
  void ForgetProcess(const ImageKey& image);

  // Drops the process-scoped instances of every image that has been freed
  // (no tree entry and no descendant references it any more). Bind() calls
  // it once per second of event time; cost O(images holding instances).
  void ForgetReleasedProcesses();

  // Non-private variable values visible to the bound event, for signals.
  std::map<std::string, secl::OwnedValue> VisibleValues(policy::VariableScope scope) const;

  std::size_t instance_count() const { return instances_.size(); }

  // secl::VariableSource
  secl::Value Read(secl::VariableId variable, const secl::FieldSource& fields) const override;
  std::size_t ArrayLength(secl::VariableId variable,
                          const secl::FieldSource& fields) const override;
  secl::Value ReadAt(secl::VariableId variable, const secl::FieldSource& fields,
                     std::size_t index) const override;

 private:
  struct Element {
    secl::OwnedValue value;           // a scalar
    std::uint64_t expires_at_ns = 0;  // 0 = never
    std::uint64_t last_write_ns = 0;
  };
  struct Instance {
    Element scalar;
    std::vector<Element> elements;  // arrays; most recently written last
  };
  // (variable, scope) → instance. The variable's spec fixes the scope, so
  // only one part is set: nothing (global), `image` (process), `number`
  // (cgroup id) or `text` (container id). Integers instead of formatted text
  // keep reads free of formatting and allocation.
  struct InstanceKey {
    secl::VariableId id = 0;
    ImageKey image;
    std::uint64_t number = 0;
    std::string text;
    bool operator==(const InstanceKey&) const = default;
  };
  struct InstanceKeyHash {
    std::size_t operator()(const InstanceKey& key) const;
  };

  const VariableSpec* SpecOf(secl::VariableId id) const;
  // Fills the scope part of `key` for `spec` and `process`; false when the
  // scope is unavailable (no process, container or cgroup).
  static bool ScopeKey(const VariableSpec& spec, const proc::Process* process, InstanceKey& key);
  // Finds the live instance for a read, walking ancestors for inherited
  // process variables; expired elements are purged on the way.
  const Instance* FindForRead(const VariableSpec& spec) const;

  std::vector<VariableSpec> specs_;  // indexed by VariableId
  secl::VariableId process_pid_id_;
  secl::VariableId uuid4_id_;
  // Hashed: a lookup costs the same however many process images hold
  // instances (references stay valid across rehashing).
  mutable std::unordered_map<InstanceKey, Instance, InstanceKeyHash> instances_;
  const proc::Process* bound_process_ = nullptr;
  std::uint64_t now_ns_ = 0;
  mutable std::string uuid_buffer_;
  // Reused by FindForRead so a read does not build a key (and, for
  // containers, allocate its text) per read.
  mutable InstanceKey lookup_key_;
  // Images that hold process-scoped instances, with a weak reference that
  // expires when the image is freed.
  struct ImageKeyHash {
    std::size_t operator()(const ImageKey& key) const;
  };
  std::unordered_map<ImageKey, std::weak_ptr<const proc::Process>, ImageKeyHash> owners_;
  std::uint64_t last_release_sweep_ns_ = 0;
};

}  // namespace picket::engine

#endif  // PICKET_ENGINE_VARIABLE_STORE_H_
