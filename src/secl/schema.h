// src/secl/schema.h
//
// What the language must know about fields, and no more. secl/ knows no
// field by name: fields/ implements Schema (name → FieldInfo, used only at
// compile time) and FieldSource (FieldId → value, used at evaluation time).
//
// Naming contract between the two:
// - A field name is what a rule writes, without register or subscript:
//   "process.ancestors.file.name" for `process.ancestors[A].file.name`, and
//   "process.argv" for `process.argv[0]`.
// - `<field>.length` is handled by the checker (string byte length or array
//   element count) unless the schema itself defines a field of that name.
// - `<iterator>.length` (e.g. "process.ancestors.length") is the element count
//   of the iterator, found through FindIterator.
//
// Lifetimes: FieldInfo/IteratorInfo pointers and their string_views must stay
// valid as long as the Schema lives; compiled programs only keep ids.

#ifndef PICKET_SECL_SCHEMA_H_
#define PICKET_SECL_SCHEMA_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "secl/value.h"

namespace picket::secl {

using FieldId = std::uint32_t;     // dense: fields/ numbers its table 0..n-1
using IteratorId = std::uint16_t;  // dense as well
inline constexpr IteratorId kNoIterator = 0xffff;
inline constexpr FieldId kNoField = 0xffffffff;

struct FieldInfo {
  FieldId id = 0;
  std::string_view name;  // as written in rules, e.g. "exec.file.path"
  ScalarType type = ScalarType::kString;
  // argv, envs, args_flags, bpf.prog.helpers, ... For a field reached through
  // an iterator (process.ancestors.argv) this is the per-element shape: the
  // iterator adds one more level, which the evaluator flattens.
  bool is_array = false;
  // Event type the field belongs to ("exec", "open", ...); "" for fields
  // common to every event (process.*, container.*, cgroup.*, event.*).
  // Drives the rule's event-type inference (spec §10.1).
  std::string_view event_type;
  // Set for fields under an iterator such as process.ancestors.*.
  IteratorId iterator = kNoIterator;
  // Patterns compared with this field are path globs (spec §5.4); otherwise
  // they are plain patterns.
  bool is_path = false;
  // Scalar and pattern/glob comparisons ignore ASCII case (dns.question.name).
  bool is_case_insensitive = false;
  // Regexps on this field also ignore case (prepend "(?i)"). Usually false
  // even for case-insensitive fields (spec §5.5).
  bool is_regex_case_insensitive = false;
  // False for fields of event types picket does not collect yet: rules using
  // them still compile (so authoring mistakes are reported) and the policy
  // loader skips them with a warning naming the field.
  bool is_supported = true;
  // Another field that reads the same value on every event this one does
  // (exec.args and process.args: one attribute under two names), the lowest
  // such id; kNoField when there is none. Lets a per-event reader of many
  // fields (engine::RulePrefilter) read and look up the value once.
  FieldId same_value_as = kNoField;
};

struct IteratorInfo {
  IteratorId id = kNoIterator;
  std::string_view name;  // "process.ancestors"
  // The event type of the iterator's own fields, "" when common.
  std::string_view event_type;
};

class Schema {
 public:
  virtual ~Schema() = default;

  // nullptr: unknown field.
  virtual const FieldInfo* Find(std::string_view name) const = 0;
  // nullptr: `name` is not an iterator.
  virtual const IteratorInfo* FindIterator(std::string_view name) const = 0;
  // Every field name, for did-you-mean hints (compile time only, cold path).
  virtual void ForEachFieldName(const std::function<void(std::string_view)>& visit) const = 0;
};

}  // namespace picket::secl

#endif  // PICKET_SECL_SCHEMA_H_
