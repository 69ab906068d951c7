// src/secl/ast.h
//
// The parse tree (stage 2 output): untyped, names unresolved, literals as
// written. Owns its text (macros keep their trees beyond the source text).
// Every tree the parser returns has height() <= Limits::max_nesting_depth,
// so the recursive stages after it cannot exhaust the stack; runs of the
// same logical operator are one n-ary node, which keeps `a && b && … ` flat.

#ifndef PICKET_SECL_AST_H_
#define PICKET_SECL_AST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "secl/diagnostic.h"

namespace picket::secl::ast {

enum class NodeKind : std::uint8_t {
  kIdent,     // constant, macro or field name (text)
  kInt,       // int_value
  kDuration,  // int_value in nanoseconds; text as written
  kString,    // raw text
  kPattern,   // raw text
  kRegexp,    // raw text
  kIp,        // text
  kCidr,      // text
  kVariable,  // text: the name inside ${}
  kFieldRef,  // text: the field inside %{}
  kArray,     // children: members (only after in / not in / allin, or a macro body)
  kUnary,     // op: kNot, kNeg, kBitNot; one child
  kBinary,    // op: kBitAnd, kBitOr, kBitXor, kAdd, kSub; two children
  kCompare,   // op: kEq … kNotMatch, kIn, kNotIn, kAllIn; two children
  kLogical,   // op: kAnd, kOr; two or more children, grouped to the right
};

enum class Op : std::uint8_t {
  kNone,
  kNot,
  kNeg,
  kBitNot,
  kBitAnd,
  kBitOr,
  kBitXor,
  kAdd,
  kSub,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kMatch,
  kNotMatch,
  kIn,
  kNotIn,
  kAllIn,
  kAnd,
  kOr,
};

std::string_view OpName(Op op);  // "==", "not in", "&&", ...

struct Node {
  NodeKind kind = NodeKind::kIdent;
  Op op = Op::kNone;
  SourceSpan span;
  std::string text;
  std::int64_t int_value = 0;
  std::uint32_t height = 1;  // 1 for leaves
  std::vector<std::unique_ptr<Node>> children;
};

// S-expression dump for golden tests:
//   (== exec.file.name "bash"), (&& a b c), (in x ["a" ~"b" r"c"]),
//   (! x), 30000000000ns, ${var}, %{field}, 10.0.0.0/8.
std::string DebugString(const Node& node);

}  // namespace picket::secl::ast

#endif  // PICKET_SECL_AST_H_
