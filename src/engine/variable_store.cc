#include "engine/variable_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

namespace picket::engine {
namespace {

constexpr int kMaxInheritanceDepth = 128;

secl::Value ScalarView(const secl::OwnedValue& value) {
  if (const auto* b = std::get_if<bool>(&value)) return secl::Value::Bool(*b);
  if (const auto* i = std::get_if<std::int64_t>(&value)) return secl::Value::Int(*i);
  if (const auto* s = std::get_if<std::string>(&value)) return secl::Value::String(*s);
  if (const auto* ip = std::get_if<secl::IpNetwork>(&value)) return secl::Value::Ip(*ip);
  return secl::Value{};
}

// The scalars of an owned value: itself, or each element of an array.
std::vector<secl::OwnedValue> Elements(const secl::OwnedValue& value) {
  std::vector<secl::OwnedValue> out;
  std::visit(
      [&out](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::vector<bool>> ||
                      std::is_same_v<V, std::vector<std::int64_t>> ||
                      std::is_same_v<V, std::vector<std::string>> ||
                      std::is_same_v<V, std::vector<secl::IpNetwork>>) {
          for (const auto& element : v)
            out.emplace_back(static_cast<typename V::value_type>(element));
        } else {
          out.emplace_back(v);
        }
      },
      value);
  return out;
}

bool Expired(std::uint64_t expires_at_ns, std::uint64_t now_ns) {
  return expires_at_ns != 0 && now_ns >= expires_at_ns;
}

std::string UuidV4() {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uint64_t high = generator();
  std::uint64_t low = generator();
  high = (high & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;    // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff,
                     high & 0xffff, low >> 48, low & 0xffffffffffffULL);
}

}  // namespace

ImageKey ImageKeyOf(const proc::Process& process) {
  return ImageKey{.pid = process.key.pid,
                  .start_time_ns = process.key.start_time_ns,
                  .exec_time_ns = process.exec_time_ns};
}

VariableStore::VariableStore(std::vector<VariableSpec> specs, secl::VariableId process_pid_id,
                             secl::VariableId uuid4_id)
    : process_pid_id_(process_pid_id), uuid4_id_(uuid4_id) {
  for (VariableSpec& spec : specs) {
    if (spec.id >= specs_.size()) specs_.resize(spec.id + 1);
    if (spec.size == 0) spec.size = 100;
    specs_[spec.id] = std::move(spec);
  }
}

void VariableStore::Bind(const proc::Process* process, std::uint64_t now_ns) {
  bound_process_ = process;
  now_ns_ = now_ns;
  constexpr std::uint64_t kReleaseSweepNs = 1'000'000'000;
  if (now_ns >= last_release_sweep_ns_ + kReleaseSweepNs) {
    ForgetReleasedProcesses();
    last_release_sweep_ns_ = now_ns;
  }
}

const VariableSpec* VariableStore::SpecOf(secl::VariableId id) const {
  if (id >= specs_.size() || specs_[id].name.empty()) return nullptr;
  return &specs_[id];
}

std::size_t VariableStore::InstanceKeyHash::operator()(const InstanceKey& key) const {
  // boost::hash_combine's mixing step over the key's parts.
  std::size_t seed = 0;
  auto mix = [&seed](std::size_t value) {
    seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  };
  mix(key.id);
  mix(key.image.pid);
  mix(key.image.start_time_ns);
  mix(key.image.exec_time_ns);
  mix(key.number);
  if (!key.text.empty()) mix(std::hash<std::string>{}(key.text));
  return seed;
}

bool VariableStore::ScopeKey(const VariableSpec& spec, const proc::Process* process,
                             InstanceKey& key) {
  key.id = spec.id;
  key.image = {};
  key.number = 0;
  key.text.clear();
  switch (spec.scope) {
    case policy::VariableScope::kGlobal:
      return true;
    case policy::VariableScope::kProcess:
      if (process == nullptr) return false;
      key.image = ImageKeyOf(*process);
      return true;
    case policy::VariableScope::kContainer:
      if (process == nullptr || process->container_id.empty()) return false;
      key.text.assign(process->container_id);
      return true;
    case policy::VariableScope::kCgroup:
      if (process == nullptr || process->cgroup_id == 0) return false;
      key.number = process->cgroup_id;
      return true;
  }
  return false;
}

void VariableStore::Set(secl::VariableId id, const secl::OwnedValue& value,
                        const proc::Process* target) {
  const VariableSpec* spec = SpecOf(id);
  if (spec == nullptr) return;
  InstanceKey key;
  const proc::Process* owner = target != nullptr ? target : bound_process_;
  if (!ScopeKey(*spec, owner, key)) return;
  if (spec->scope == policy::VariableScope::kProcess) {
    owners_.try_emplace(key.image, owner->weak_from_this());
  }
  Instance& instance = instances_[std::move(key)];
  std::uint64_t expires_at = spec->ttl_ns == 0 ? 0 : now_ns_ + spec->ttl_ns;

  if (!spec->type.is_array) {
    instance.scalar =
        Element{.value = value, .expires_at_ns = expires_at, .last_write_ns = now_ns_};
    return;
  }
  for (secl::OwnedValue& element : Elements(value)) {
    auto existing = std::find_if(instance.elements.begin(), instance.elements.end(),
                                 [&](const Element& e) { return e.value == element; });
    if (existing != instance.elements.end()) instance.elements.erase(existing);
    instance.elements.push_back(Element{
        .value = std::move(element), .expires_at_ns = expires_at, .last_write_ns = now_ns_});
    if (instance.elements.size() > spec->size) instance.elements.erase(instance.elements.begin());
  }
}

std::size_t VariableStore::ImageKeyHash::operator()(const ImageKey& key) const {
  std::size_t h = std::hash<std::uint64_t>{}(key.start_time_ns);
  h ^= std::hash<std::uint64_t>{}(key.exec_time_ns) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= std::hash<std::uint32_t>{}(key.pid) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

void VariableStore::ForgetReleasedProcesses() {
  for (auto it = owners_.begin(); it != owners_.end();) {
    if (it->second.expired()) {
      ForgetProcess(it->first);
      it = owners_.erase(it);
    } else {
      ++it;
    }
  }
}

void VariableStore::ForgetProcess(const ImageKey& image) {
  for (const VariableSpec& spec : specs_) {
    if (spec.name.empty() || spec.scope != policy::VariableScope::kProcess) continue;
    instances_.erase(InstanceKey{.id = spec.id, .image = image});
  }
}

const VariableStore::Instance* VariableStore::FindForRead(const VariableSpec& spec) const {
  const proc::Process* process = bound_process_;
  int depth = spec.inherited ? kMaxInheritanceDepth : 1;
  for (int level = 0; level < depth; ++level) {
    if (!ScopeKey(spec, process, lookup_key_)) return nullptr;
    auto it = instances_.find(lookup_key_);
    if (it != instances_.end()) {
      Instance& instance = it->second;
      if (spec.type.is_array) {
        std::erase_if(instance.elements,
                      [this](const Element& e) { return Expired(e.expires_at_ns, now_ns_); });
        if (!instance.elements.empty()) return &instance;
      } else if (!Expired(instance.scalar.expires_at_ns, now_ns_)) {
        return &instance;
      }
    }
    if (process == nullptr || spec.scope != policy::VariableScope::kProcess) return nullptr;
    process = process->lineage_parent.get();
  }
  return nullptr;
}

secl::Value VariableStore::Read(secl::VariableId variable, const secl::FieldSource&) const {
  if (variable == process_pid_id_) {
    return secl::Value::Int(bound_process_ != nullptr ? bound_process_->key.pid : 0);
  }
  if (variable == uuid4_id_) {
    uuid_buffer_ = UuidV4();
    return secl::Value::String(uuid_buffer_);
  }
  const VariableSpec* spec = SpecOf(variable);
  if (spec == nullptr) return secl::Value{};
  const Instance* instance = FindForRead(*spec);
  return ScalarView(instance != nullptr ? instance->scalar.value : spec->default_value);
}

std::size_t VariableStore::ArrayLength(secl::VariableId variable, const secl::FieldSource&) const {
  const VariableSpec* spec = SpecOf(variable);
  if (spec == nullptr) return 0;
  const Instance* instance = FindForRead(*spec);
  if (instance != nullptr) return instance->elements.size();
  return Elements(spec->default_value).size();
}

secl::Value VariableStore::ReadAt(secl::VariableId variable, const secl::FieldSource&,
                                  std::size_t index) const {
  const VariableSpec* spec = SpecOf(variable);
  if (spec == nullptr) return secl::Value{};
  const Instance* instance = FindForRead(*spec);
  if (instance != nullptr) {
    return index < instance->elements.size() ? ScalarView(instance->elements[index].value)
                                             : secl::Value::Zero(spec->type.scalar);
  }
  // Defaults of array variables are rarely non-empty; keep a copy alive in
  // the scratch buffer only for strings.
  std::vector<secl::OwnedValue> defaults = Elements(spec->default_value);
  if (index >= defaults.size()) return secl::Value::Zero(spec->type.scalar);
  if (auto* s = std::get_if<std::string>(&defaults[index])) {
    uuid_buffer_ = *s;
    return secl::Value::String(uuid_buffer_);
  }
  return ScalarView(defaults[index]);
}

std::map<std::string, secl::OwnedValue> VariableStore::VisibleValues(
    policy::VariableScope scope) const {
  std::map<std::string, secl::OwnedValue> out;
  for (const VariableSpec& spec : specs_) {
    if (spec.name.empty() || spec.is_private || spec.scope != scope) continue;
    const Instance* instance = FindForRead(spec);
    if (instance == nullptr) continue;
    if (!spec.type.is_array) {
      out.emplace(spec.name, instance->scalar.value);
      continue;
    }
    secl::OwnedValue array = secl::ZeroOwnedValue(spec.type);
    std::visit(
        [&instance](auto& vector) {
          using V = std::decay_t<decltype(vector)>;
          if constexpr (!std::is_same_v<V, bool> && !std::is_same_v<V, std::int64_t> &&
                        !std::is_same_v<V, std::string> && !std::is_same_v<V, secl::IpNetwork>) {
            for (const Element& e : instance->elements) {
              if (const auto* v = std::get_if<typename V::value_type>(&e.value))
                vector.push_back(*v);
            }
          }
        },
        array);
    out.emplace(spec.name, std::move(array));
  }
  return out;
}

}  // namespace picket::engine
