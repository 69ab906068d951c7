#include "secl/ast.h"

namespace picket::secl::ast {

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kNone:
      return "";
    case Op::kNot:
      return "!";
    case Op::kNeg:
      return "-";
    case Op::kBitNot:
      return "^";
    case Op::kBitAnd:
      return "&";
    case Op::kBitOr:
      return "|";
    case Op::kBitXor:
      return "^";
    case Op::kAdd:
      return "+";
    case Op::kSub:
      return "-";
    case Op::kEq:
      return "==";
    case Op::kNe:
      return "!=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    case Op::kMatch:
      return "=~";
    case Op::kNotMatch:
      return "!~";
    case Op::kIn:
      return "in";
    case Op::kNotIn:
      return "not in";
    case Op::kAllIn:
      return "allin";
    case Op::kAnd:
      return "&&";
    case Op::kOr:
      return "||";
  }
  return "?";
}

namespace {

void Dump(const Node& node, std::string& out) {
  switch (node.kind) {
    case NodeKind::kIdent:
    case NodeKind::kIp:
    case NodeKind::kCidr:
      out += node.text;
      return;
    case NodeKind::kInt:
      out += std::to_string(node.int_value);
      return;
    case NodeKind::kDuration:
      out += std::to_string(node.int_value) + "ns";
      return;
    case NodeKind::kString:
      out += '"' + node.text + '"';
      return;
    case NodeKind::kPattern:
      out += "~\"" + node.text + '"';
      return;
    case NodeKind::kRegexp:
      out += "r\"" + node.text + '"';
      return;
    case NodeKind::kVariable:
      out += "${" + node.text + "}";
      return;
    case NodeKind::kFieldRef:
      out += "%{" + node.text + "}";
      return;
    case NodeKind::kArray:
      out += '[';
      for (std::size_t i = 0; i < node.children.size(); ++i) {
        if (i > 0) out += ' ';
        Dump(*node.children[i], out);
      }
      out += ']';
      return;
    case NodeKind::kUnary:
    case NodeKind::kBinary:
    case NodeKind::kCompare:
    case NodeKind::kLogical:
      out += '(';
      out += node.op == Op::kNotIn ? std::string_view("not-in") : OpName(node.op);
      for (const auto& child : node.children) {
        out += ' ';
        Dump(*child, out);
      }
      out += ')';
      return;
  }
}

}  // namespace

std::string DebugString(const Node& node) {
  std::string out;
  Dump(node, out);
  return out;
}

}  // namespace picket::secl::ast
