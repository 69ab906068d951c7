// src/secl/checker.h
//
// Stage 3: ast::Node → checked::Expr. Resolves every identifier (constants,
// then macros, then fields — spec §7.2), inlines macros (typing them at each
// use site), types every node (spec §4-§5), validates every pattern, glob
// and regexp against the field it is compared with, checks register rules
// (§6.3) and infers the rule's event type (§10.1). The checked tree holds
// resolved FieldInfo pointers and literal values; Lower turns it into an
// evaluable Program.

#ifndef PICKET_SECL_CHECKER_H_
#define PICKET_SECL_CHECKER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "secl/ast.h"
#include "secl/compiler.h"
#include "secl/diagnostic.h"
#include "secl/schema.h"

namespace picket::secl::checked {

enum class LiteralKind : std::uint8_t { kScalar, kPattern, kRegexp };

struct StringMember {
  std::string text;
  LiteralKind kind = LiteralKind::kScalar;
};

// How a field is read (see FieldSource): through an iterator, every element
// (kAllElements), the register's element (kRegister) or one element
// (kIndex); an array field's elements (kDirect) or one of them (kIndex).
enum class FieldAccess : std::uint8_t { kDirect, kAllElements, kRegister, kIndex };

enum class ExprKind : std::uint8_t {
  kError,  // a diagnostic was reported below; parents stay silent
  kBoolLiteral,
  kIntLiteral,
  kStringLiteral,
  kIpLiteral,
  kStringList,  // strings
  kIntList,     // ints
  kIpList,      // ips
  kField,
  kFieldLength,  // child 0: the kField
  kIteratorLength,
  kVariable,
  kVariableLength,
  kInterpolation,  // children: string literals, variables and fields, in order
  kUnary,          // op kNot, kNeg, kBitNot
  kBinary,         // op kBitAnd … kSub
  kCompare,        // op kEq … kNotMatch
  kMembership,     // op kIn, kNotIn, kAllIn
  kLogical,        // op kAnd, kOr; n children
};

struct Expr {
  ExprKind kind = ExprKind::kError;
  Type type;
  SourceSpan span;
  ast::Op op = ast::Op::kNone;

  bool bool_value = false;
  std::int64_t int_value = 0;
  bool is_duration = false;
  std::string string_value;
  LiteralKind literal_kind = LiteralKind::kScalar;
  IpNetwork ip_value;

  std::vector<StringMember> strings;
  std::vector<std::int64_t> ints;
  std::vector<IpNetwork> ips;

  const FieldInfo* field = nullptr;
  FieldAccess access = FieldAccess::kDirect;
  std::uint32_t index = 0;
  IteratorId iterator = kNoIterator;
  VariableId variable = 0;
  bool variable_is_array = false;  // kVariableLength: the measured variable's shape

  std::vector<Expr> children;

  bool is_literal() const {
    return kind == ExprKind::kBoolLiteral || kind == ExprKind::kIntLiteral ||
           kind == ExprKind::kStringLiteral || kind == ExprKind::kIpLiteral;
  }
  bool is_list() const {
    return kind == ExprKind::kStringList || kind == ExprKind::kIntList || kind == ExprKind::kIpList;
  }
};

struct CheckedExpr {
  Expr root;
  std::string event_type;
  std::vector<const FieldInfo*> fields;
  std::vector<VariableId> variables;
  IteratorId register_iterator = kNoIterator;
};

enum class CheckMode : std::uint8_t {
  kRule,    // bool, exactly one event type
  kFilter,  // bool, any event types
  kValue,   // any type, any event types
};

std::optional<CheckedExpr> Check(const ast::Node& root, const Schema& schema,
                                 const Environment& environment, const Limits& limits,
                                 CheckMode mode, Diagnostics& diagnostics);

// Levenshtein distance, capped: returns max_distance + 1 when larger.
std::size_t EditDistance(std::string_view a, std::string_view b, std::size_t max_distance);

}  // namespace picket::secl::checked

#endif  // PICKET_SECL_CHECKER_H_
