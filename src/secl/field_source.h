// src/secl/field_source.h
//
// The run-time side of the Schema contract: how an evaluation reads an event.
// fields/ implements FieldSource over (event, process tree); the engine
// implements VariableSource over its variable store. Both are called on the
// hot path, so they return non-owning Values and never allocate per call
// where avoidable; a string_view returned by either must stay valid until the
// Evaluate call that asked for it returns (memoise computed strings such as
// args_flags in the source object).
//
// Missing data is not an error: return the SECL zero value (false, 0, "",
// the "::" host) or length 0. There is no three-valued logic.

#ifndef PICKET_SECL_FIELD_SOURCE_H_
#define PICKET_SECL_FIELD_SOURCE_H_

#include <cstddef>
#include <cstdint>

#include "match/string_matcher.h"
#include "secl/schema.h"
#include "secl/value.h"

namespace picket::secl {

// `element` selects the iterator element for fields whose FieldInfo has an
// iterator (0 = first ancestor, i.e. the parent entry); it is kNoElement for
// all other fields and must be ignored there.
inline constexpr std::uint32_t kNoElement = 0xffffffff;

class FieldSource {
 public:
  virtual ~FieldSource() = default;

  // Scalar fields (FieldInfo::is_array == false). The Value's type must be
  // the field's declared ScalarType.
  virtual Value Get(FieldId field, std::uint32_t element) const = 0;
  // Array fields (FieldInfo::is_array == true): element count and elements.
  virtual std::size_t ArrayLength(FieldId field, std::uint32_t element) const = 0;
  virtual Value GetAt(FieldId field, std::uint32_t element, std::size_t index) const = 0;
  // Number of elements of an iterator (process.ancestors: the chain length).
  virtual std::size_t IteratorLength(IteratorId iterator) const = 0;
  // Whether `matcher` accepts the value of the scalar string `field` of some
  // element of `iterator` (`process.ancestors.file.name in [...]`). Must
  // answer exactly what Get(field, e) for every e below IteratorLength would;
  // a source may answer from what it remembers of earlier events (a lineage
  // shared by many processes). The default walks the elements.
  virtual bool AnyElementMatches(FieldId field, IteratorId iterator,
                                 const match::StringMatcher& matcher) const {
    const std::size_t length = IteratorLength(iterator);
    for (std::size_t e = 0; e < length; ++e) {
      if (matcher.Matches(Get(field, static_cast<std::uint32_t>(e)).string_value)) return true;
    }
    return false;
  }
  // Wall-clock "now" in ns since the Unix epoch, for duration comparisons
  // (`container.created_at > 5m` compares now − created_at with 5 min). The
  // evaluator calls it at most once per Evaluate and reuses the value, so
  // replay can return the event's time for deterministic results.
  virtual std::int64_t NowNs() const = 0;
};

using VariableId = std::uint32_t;  // dense, assigned by Environment::DeclareVariable

// Reads `${name}` variables (user variables and the builtins declared by
// DeclareBuiltinVariables). Instances and scopes (process/container/cgroup)
// are the implementation's business; `fields` is the event being evaluated,
// so a process-scoped read can find its process. A variable without an
// instance reads as its default value.
class VariableSource {
 public:
  virtual ~VariableSource() = default;

  // Scalar variables.
  virtual Value Read(VariableId variable, const FieldSource& fields) const = 0;
  // Array variables (VariableDeclaration::type.is_array).
  virtual std::size_t ArrayLength(VariableId variable, const FieldSource& fields) const = 0;
  virtual Value ReadAt(VariableId variable, const FieldSource& fields, std::size_t index) const = 0;
};

}  // namespace picket::secl

#endif  // PICKET_SECL_FIELD_SOURCE_H_
