// src/secl/testing_schema.h
//
// Test doubles for secl/ and its users' tests: TestSchema, a small field
// catalogue shaped like fields/ (process prefixes incl. the
// process.ancestors iterator, exec, open, dns, connect, bpf, container …),
// TestEvent, an in-memory FieldSource, and TestVariables, an in-memory
// VariableSource. Not for production: lookups here are maps, not tables.

#ifndef PICKET_SECL_TESTING_SCHEMA_H_
#define PICKET_SECL_TESTING_SCHEMA_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "secl/compiler.h"
#include "secl/field_source.h"
#include "secl/schema.h"

namespace picket::secl::testing {

class TestSchema : public Schema {
 public:
  TestSchema();

  const FieldInfo* Find(std::string_view name) const override;
  const IteratorInfo* FindIterator(std::string_view name) const override;
  void ForEachFieldName(const std::function<void(std::string_view)>& visit) const override;

  // The field's info; aborts on an unknown name (a bug in the test).
  const FieldInfo& Field(std::string_view name) const;
  const FieldInfo& ById(FieldId id) const { return fields_.at(id); }
  std::size_t size() const { return fields_.size(); }

  static constexpr IteratorId kAncestors = 0;

 private:
  void Add(std::string name, ScalarType type, bool is_array, std::string event_type,
           bool is_path = false, bool is_case_insensitive = false, bool is_supported = true);

  std::deque<std::string> names_;  // stable storage behind FieldInfo::name
  std::deque<std::string> event_types_;
  std::vector<FieldInfo> fields_;
  std::map<std::string, FieldId, std::less<>> by_name_;
  IteratorInfo ancestors_{kAncestors, "process.ancestors", ""};
};

// A shared instance.
const TestSchema& SmallSchema();

// Fields of one ancestor, keyed by the part after "process.ancestors."
// ("file.name", "uid", "argv", ...).
using AncestorFields = std::map<std::string, OwnedValue, std::less<>>;

class TestEvent : public FieldSource {
 public:
  explicit TestEvent(const TestSchema& schema = SmallSchema()) : schema_(schema) {}

  // Sets a non-iterator field (scalar, or a vector for an array field).
  TestEvent& Set(std::string_view field, OwnedValue value);
  TestEvent& AddAncestor(AncestorFields fields);
  TestEvent& SetNow(std::int64_t now_ns) {
    now_ns_ = now_ns;
    return *this;
  }
  // How many times NowNs() was called (the evaluator must cache it).
  int now_calls() const { return now_calls_; }

  Value Get(FieldId field, std::uint32_t element) const override;
  std::size_t ArrayLength(FieldId field, std::uint32_t element) const override;
  Value GetAt(FieldId field, std::uint32_t element, std::size_t index) const override;
  std::size_t IteratorLength(IteratorId iterator) const override;
  std::int64_t NowNs() const override;

 private:
  const OwnedValue* Lookup(FieldId field, std::uint32_t element) const;

  const TestSchema& schema_;
  std::map<FieldId, OwnedValue> values_;
  std::vector<std::map<FieldId, OwnedValue>> ancestors_;
  std::int64_t now_ns_ = 0;
  mutable int now_calls_ = 0;
};

class TestVariables : public VariableSource {
 public:
  TestVariables& Set(VariableId id, OwnedValue value) {
    values_.insert_or_assign(id, std::move(value));
    return *this;
  }

  Value Read(VariableId variable, const FieldSource& fields) const override;
  std::size_t ArrayLength(VariableId variable, const FieldSource& fields) const override;
  Value ReadAt(VariableId variable, const FieldSource& fields, std::size_t index) const override;

 private:
  std::map<VariableId, OwnedValue> values_;
};

// Scalar element `index` of an owned value as a Value (zero when out of range).
Value ValueAt(const OwnedValue& value, std::size_t index);
Value ScalarValue(const OwnedValue& value);
std::size_t ArraySize(const OwnedValue& value);

}  // namespace picket::secl::testing

#endif  // PICKET_SECL_TESTING_SCHEMA_H_
