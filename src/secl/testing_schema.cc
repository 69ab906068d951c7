#include "secl/testing_schema.h"

#include <cstdlib>

namespace picket::secl::testing {
namespace {

constexpr ScalarType kS = ScalarType::kString;
constexpr ScalarType kI = ScalarType::kInt;
constexpr ScalarType kB = ScalarType::kBool;
constexpr ScalarType kIp = ScalarType::kIp;

struct ProcessField {
  std::string_view suffix;
  ScalarType type;
  bool is_array;
  bool is_path;
};

constexpr ProcessField kProcessFields[] = {
    {"file.path", kS, false, true},
    {"file.name", kS, false, false},
    {"comm", kS, false, false},
    {"pid", kI, false, false},
    {"ppid", kI, false, false},
    {"uid", kI, false, false},
    {"gid", kI, false, false},
    {"user", kS, false, false},
    {"argv", kS, true, false},
    {"argv0", kS, false, false},
    {"args", kS, false, false},
    {"args_flags", kS, true, false},
    {"args_options", kS, true, false},
    {"envs", kS, true, false},
    {"is_thread", kB, false, false},
    {"container.id", kS, false, false},
    {"cgroup.id", kS, false, false},
    {"cap_permitted", kI, false, false},
    {"file.change_time", kI, false, false},
    {"created_at", kI, false, false},
    {"file.in_upper_layer", kB, false, false},
    {"interpreter.file.path", kS, false, true},
};

}  // namespace

TestSchema::TestSchema() {
  for (std::string_view prefix : {"process", "process.parent", "process.ancestors", "exec"}) {
    const std::string event_type = prefix == std::string_view("exec") ? "exec" : "";
    for (const ProcessField& field : kProcessFields) {
      Add(std::string(prefix) + "." + std::string(field.suffix), field.type, field.is_array,
          event_type, field.is_path);
    }
  }
  Add("exit.code", kI, false, "exit");
  Add("exit.cause", kI, false, "exit");
  Add("open.file.path", kS, false, "open", /*is_path=*/true, false, /*is_supported=*/false);
  Add("open.file.name", kS, false, "open", false, false, false);
  Add("open.flags", kI, false, "open", false, false, false);
  Add("open.retval", kI, false, "open", false, false, false);
  Add("chmod.file.path", kS, false, "chmod", true, false, false);
  Add("chmod.file.destination.mode", kI, false, "chmod", false, false, false);
  Add("mount.mountpoint.path", kS, false, "mount", false, false, false);
  Add("dns.question.name", kS, false, "dns", false, /*is_case_insensitive=*/true, false);
  Add("dns.question.type", kI, false, "dns", false, false, false);
  Add("connect.addr.ip", kIp, false, "connect", false, false, false);
  Add("connect.addr.port", kI, false, "connect", false, false, false);
  Add("connect.addr.hostname", kS, false, "connect", false, true, false);
  Add("packet.destination.ips", kIp, true, "packet", false, false, false);
  Add("bpf.prog.helpers", kI, true, "bpf", false, false, false);
  Add("bpf.cmd", kI, false, "bpf", false, false, false);
  Add("splice.pipe_entry_flag", kI, false, "splice", false, false, false);
  Add("container.id", kS, false, "");
  Add("container.created_at", kI, false, "");
  Add("container.tags", kS, true, "");
  Add("cgroup.id", kS, false, "");
  Add("event.service", kS, false, "");
  Add("event.origin", kS, false, "");
}

void TestSchema::Add(std::string name, ScalarType type, bool is_array, std::string event_type,
                     bool is_path, bool is_case_insensitive, bool is_supported) {
  const std::string& stored_name = names_.emplace_back(std::move(name));
  const std::string& stored_event = event_types_.emplace_back(std::move(event_type));
  FieldInfo info;
  info.id = static_cast<FieldId>(fields_.size());
  info.name = stored_name;
  info.type = type;
  info.is_array = is_array;
  info.event_type = stored_event;
  info.iterator = stored_name.starts_with("process.ancestors.") ? kAncestors : kNoIterator;
  info.is_path = is_path;
  info.is_case_insensitive = is_case_insensitive;
  info.is_supported = is_supported;
  by_name_.emplace(stored_name, info.id);
  fields_.push_back(info);
}

const FieldInfo* TestSchema::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &fields_[it->second];
}

const IteratorInfo* TestSchema::FindIterator(std::string_view name) const {
  return name == ancestors_.name ? &ancestors_ : nullptr;
}

void TestSchema::ForEachFieldName(const std::function<void(std::string_view)>& visit) const {
  for (const FieldInfo& field : fields_) visit(field.name);
}

const FieldInfo& TestSchema::Field(std::string_view name) const {
  const FieldInfo* field = Find(name);
  if (field == nullptr) std::abort();
  return *field;
}

const TestSchema& SmallSchema() {
  static const TestSchema* schema = new TestSchema();
  return *schema;
}

Value ScalarValue(const OwnedValue& value) {
  return std::visit(
      [](const auto& v) -> Value {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          return Value::Bool(v);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return Value::Int(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return Value::String(v);
        } else if constexpr (std::is_same_v<T, IpNetwork>) {
          return Value::Ip(v);
        } else {
          return Value{};
        }
      },
      value);
}

std::size_t ArraySize(const OwnedValue& value) {
  return std::visit(
      [](const auto& v) -> std::size_t {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::vector<bool>> ||
                      std::is_same_v<T, std::vector<std::int64_t>> ||
                      std::is_same_v<T, std::vector<std::string>> ||
                      std::is_same_v<T, std::vector<IpNetwork>>) {
          return v.size();
        } else {
          return 0;
        }
      },
      value);
}

Value ValueAt(const OwnedValue& value, std::size_t index) {
  return std::visit(
      [index](const auto& v) -> Value {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::vector<bool>>) {
          return index < v.size() ? Value::Bool(v[index]) : Value::Zero(ScalarType::kBool);
        } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) {
          return index < v.size() ? Value::Int(v[index]) : Value::Zero(ScalarType::kInt);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          return index < v.size() ? Value::String(v[index]) : Value::Zero(ScalarType::kString);
        } else if constexpr (std::is_same_v<T, std::vector<IpNetwork>>) {
          return index < v.size() ? Value::Ip(v[index]) : Value::Zero(ScalarType::kIp);
        } else {
          return Value{};
        }
      },
      value);
}

TestEvent& TestEvent::Set(std::string_view field, OwnedValue value) {
  values_.insert_or_assign(schema_.Field(field).id, std::move(value));
  return *this;
}

TestEvent& TestEvent::AddAncestor(AncestorFields fields) {
  std::map<FieldId, OwnedValue> element;
  for (auto& [suffix, value] : fields) {
    element.emplace(schema_.Field("process.ancestors." + suffix).id, std::move(value));
  }
  ancestors_.push_back(std::move(element));
  return *this;
}

const OwnedValue* TestEvent::Lookup(FieldId field, std::uint32_t element) const {
  if (element == kNoElement) {
    auto it = values_.find(field);
    return it == values_.end() ? nullptr : &it->second;
  }
  if (element >= ancestors_.size()) return nullptr;
  auto it = ancestors_[element].find(field);
  return it == ancestors_[element].end() ? nullptr : &it->second;
}

Value TestEvent::Get(FieldId field, std::uint32_t element) const {
  const OwnedValue* value = Lookup(field, element);
  // Missing data reads as the field's zero value.
  return value != nullptr ? ScalarValue(*value) : Value::Zero(schema_.ById(field).type);
}

std::size_t TestEvent::ArrayLength(FieldId field, std::uint32_t element) const {
  const OwnedValue* value = Lookup(field, element);
  return value != nullptr ? ArraySize(*value) : 0;
}

Value TestEvent::GetAt(FieldId field, std::uint32_t element, std::size_t index) const {
  const OwnedValue* value = Lookup(field, element);
  return value != nullptr ? ValueAt(*value, index) : Value::Zero(schema_.ById(field).type);
}

std::size_t TestEvent::IteratorLength(IteratorId iterator) const {
  return iterator == TestSchema::kAncestors ? ancestors_.size() : 0;
}

std::int64_t TestEvent::NowNs() const {
  ++now_calls_;
  return now_ns_;
}

Value TestVariables::Read(VariableId variable, const FieldSource&) const {
  auto it = values_.find(variable);
  return it == values_.end() ? Value{} : ScalarValue(it->second);
}

std::size_t TestVariables::ArrayLength(VariableId variable, const FieldSource&) const {
  auto it = values_.find(variable);
  return it == values_.end() ? 0 : ArraySize(it->second);
}

Value TestVariables::ReadAt(VariableId variable, const FieldSource&, std::size_t index) const {
  auto it = values_.find(variable);
  return it == values_.end() ? Value{} : ValueAt(it->second, index);
}

}  // namespace picket::secl::testing
