// src/secl/lowering.h
//
// Stage 4: checked::Expr → detail::ProgramCode, the evaluable form. Two flat
// node arrays linked by index: BoolNodes (tests) and Operands (values that
// yield one or many scalars). Every literal is pre-compiled here: string
// lists become match::StringMatchers (globs or plain patterns chosen by the
// field they are compared with), int lists sorted vectors, IP lists network
// vectors. Evaluation therefore does no name lookup and no regex or glob
// compilation. Lower cannot fail: Check has validated everything.

#ifndef PICKET_SECL_LOWERING_H_
#define PICKET_SECL_LOWERING_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "match/string_matcher.h"
#include "secl/ast.h"
#include "secl/checker.h"
#include "secl/compiler.h"

namespace picket::secl::detail {

enum class OperandKind : std::uint8_t {
  kConstant,        // constant
  kField,           // field, iterator, access, index, field_is_array
  kFieldLength,     // same addressing as kField; yields lengths
  kIteratorLength,  // iterator
  kVariable,        // variable, variable_is_array
  kVariableLength,  // variable, variable_is_array
  kUnary,           // op, a
  kBinary,          // op, a, b
  kInterpolation,   // parts [parts_begin, parts_end) in part_indices; scratch slot
  kBool,            // a bool node, as a value
};

struct Operand {
  OperandKind kind = OperandKind::kConstant;
  ScalarType type = ScalarType::kBool;
  Value constant;
  FieldId field = 0;
  IteratorId iterator = kNoIterator;
  checked::FieldAccess access = checked::FieldAccess::kDirect;
  std::uint32_t index = 0;
  bool field_is_array = false;
  VariableId variable = 0;
  bool variable_is_array = false;
  ast::Op op = ast::Op::kNone;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  std::uint32_t parts_begin = 0;
  std::uint32_t parts_end = 0;
  std::uint32_t scratch_slot = 0;
  bool is_field_read = false;  // age semantics apply to field reads only
};

enum class BoolKind : std::uint8_t {
  kConstant,  // value
  kAnd,       // children [children_begin, children_end) in child_indices
  kOr,
  kNot,          // a (bool node)
  kTruthy,       // lhs operand: some element is true
  kCompare,      // op, lhs, rhs (operands), existential; age on lhs
  kStringMatch,  // lhs operand, matcher; negate for != !~ not in
  kIntSet,       // lhs operand, set (sorted ints); negate
  kIpSet,        // lhs operand, set (networks); all_in; negate
  kDynamicIn,    // lhs, rhs operands: some pair equal (IP: rhs contains lhs); negate
};

struct BoolNode {
  BoolKind kind = BoolKind::kConstant;
  bool value = false;
  bool negate = false;
  bool all_in = false;
  bool age = false;  // compare now − lhs instead of lhs (duration literal on the right)
  bool case_insensitive = false;
  ast::Op op = ast::Op::kNone;
  ScalarType type = ScalarType::kBool;
  std::uint32_t a = 0;
  std::uint32_t lhs = 0;
  std::uint32_t rhs = 0;
  std::uint32_t set = 0;
  std::uint32_t children_begin = 0;
  std::uint32_t children_end = 0;
};

// The members a StringMatcher was built from, for rule-set analysis (the
// engine's prefilter indexes rules by exact literals). `exact_only`: every
// member is a scalar literal and the comparison is case-sensitive, so
// Matches(v) is exactly "v equals one of `exact`".
struct MatcherLiterals {
  bool exact_only = true;
  std::vector<std::string> exact;
};

struct ProgramCode {
  std::vector<BoolNode> bools;
  std::vector<Operand> operands;
  std::vector<std::uint32_t> child_indices;  // kAnd/kOr children
  std::vector<std::uint32_t> part_indices;   // kInterpolation parts (operands)
  std::vector<match::StringMatcher> matchers;
  std::vector<MatcherLiterals> matcher_literals;  // parallel to `matchers`
  std::vector<std::vector<std::int64_t>> int_sets;
  std::vector<std::vector<IpNetwork>> ip_sets;
  std::deque<std::string> strings;  // storage behind constant string Values (stable)

  bool root_is_bool = true;
  std::uint32_t root = 0;  // bool node, or operand when !root_is_bool
  Type result_type;
  std::string event_type;
  std::vector<const FieldInfo*> fields;
  std::vector<VariableId> variables;
  IteratorId register_iterator = kNoIterator;
  std::uint32_t max_register_iterations = 100;
  std::uint32_t scratch_slots = 0;
};

std::shared_ptr<const ProgramCode> Lower(const checked::CheckedExpr& checked, const Limits& limits);

}  // namespace picket::secl::detail

#endif  // PICKET_SECL_LOWERING_H_
