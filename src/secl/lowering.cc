#include "secl/lowering.h"

#include <algorithm>

namespace picket::secl::detail {
namespace {

using ast::Op;
using checked::Expr;
using checked::ExprKind;
using checked::LiteralKind;
using checked::StringMember;

class Lowerer {
 public:
  Lowerer(ProgramCode& code, const Limits& limits) : code_(code), limits_(limits) {}

  std::uint32_t LowerBool(const Expr& expr) {
    switch (expr.kind) {
      case ExprKind::kBoolLiteral: {
        BoolNode node;
        node.kind = BoolKind::kConstant;
        node.value = expr.bool_value;
        return AddBool(node);
      }
      case ExprKind::kLogical: {
        std::vector<std::uint32_t> children;
        children.reserve(expr.children.size());
        for (const Expr& child : expr.children) children.push_back(LowerBool(child));
        BoolNode node;
        node.kind = expr.op == Op::kAnd ? BoolKind::kAnd : BoolKind::kOr;
        node.children_begin = static_cast<std::uint32_t>(code_.child_indices.size());
        code_.child_indices.insert(code_.child_indices.end(), children.begin(), children.end());
        node.children_end = static_cast<std::uint32_t>(code_.child_indices.size());
        return AddBool(node);
      }
      case ExprKind::kUnary:
        if (expr.op == Op::kNot) {
          BoolNode node;
          node.kind = BoolKind::kNot;
          node.a = LowerBool(expr.children[0]);
          return AddBool(node);
        }
        break;
      case ExprKind::kCompare:
        return LowerCompare(expr);
      case ExprKind::kMembership:
        return LowerMembership(expr);
      default:
        break;
    }
    BoolNode node;
    node.kind = BoolKind::kTruthy;
    node.lhs = LowerOperand(expr);
    return AddBool(node);
  }

  std::uint32_t LowerOperand(const Expr& expr) {
    Operand operand;
    operand.type = expr.type.scalar;
    switch (expr.kind) {
      case ExprKind::kBoolLiteral:
        operand.constant = Value::Bool(expr.bool_value);
        break;
      case ExprKind::kIntLiteral:
        operand.constant = Value::Int(expr.int_value);
        break;
      case ExprKind::kStringLiteral:
        operand.constant = Value::String(Store(expr.string_value));
        break;
      case ExprKind::kIpLiteral:
        operand.constant = Value::Ip(expr.ip_value);
        break;
      case ExprKind::kField:
        operand.kind = OperandKind::kField;
        Address(expr, operand);
        operand.is_field_read = true;
        break;
      case ExprKind::kFieldLength:
        operand.kind = OperandKind::kFieldLength;
        Address(expr.children[0], operand);
        operand.type = ScalarType::kInt;
        break;
      case ExprKind::kIteratorLength:
        operand.kind = OperandKind::kIteratorLength;
        operand.iterator = expr.iterator;
        break;
      case ExprKind::kVariable:
        operand.kind = OperandKind::kVariable;
        operand.variable = expr.variable;
        operand.variable_is_array = expr.type.is_array;
        break;
      case ExprKind::kVariableLength:
        operand.kind = OperandKind::kVariableLength;
        operand.variable = expr.variable;
        operand.variable_is_array = expr.variable_is_array;
        break;
      case ExprKind::kUnary:
        if (expr.op == Op::kNot) {
          operand.kind = OperandKind::kBool;
          operand.a = LowerBool(expr);
        } else {
          operand.kind = OperandKind::kUnary;
          operand.op = expr.op;
          operand.a = LowerOperand(expr.children[0]);
        }
        break;
      case ExprKind::kBinary:
        operand.kind = OperandKind::kBinary;
        operand.op = expr.op;
        operand.a = LowerOperand(expr.children[0]);
        operand.b = LowerOperand(expr.children[1]);
        break;
      case ExprKind::kInterpolation: {
        std::vector<std::uint32_t> parts;
        for (const Expr& part : expr.children) parts.push_back(LowerOperand(part));
        operand.kind = OperandKind::kInterpolation;
        operand.parts_begin = static_cast<std::uint32_t>(code_.part_indices.size());
        code_.part_indices.insert(code_.part_indices.end(), parts.begin(), parts.end());
        operand.parts_end = static_cast<std::uint32_t>(code_.part_indices.size());
        operand.scratch_slot = code_.scratch_slots++;
        break;
      }
      case ExprKind::kCompare:
      case ExprKind::kMembership:
      case ExprKind::kLogical:
        operand.kind = OperandKind::kBool;
        operand.a = LowerBool(expr);
        break;
      default:
        break;  // lists and errors never reach lowering (Check rejects them)
    }
    code_.operands.push_back(operand);
    return static_cast<std::uint32_t>(code_.operands.size() - 1);
  }

 private:
  std::uint32_t AddBool(const BoolNode& node) {
    code_.bools.push_back(node);
    return static_cast<std::uint32_t>(code_.bools.size() - 1);
  }

  std::string_view Store(const std::string& text) { return code_.strings.emplace_back(text); }

  static void Address(const Expr& field, Operand& operand) {
    operand.field = field.field->id;
    operand.iterator = field.field->iterator;
    operand.access = field.access;
    operand.index = field.index;
    operand.field_is_array = field.field->is_array;
    operand.type = field.field->type;
  }

  match::MatcherOptions OptionsFor(const Expr& target) const {
    match::MatcherOptions options;
    options.regex_max_memory_bytes = limits_.regex_max_memory_bytes;
    if (target.kind == ExprKind::kField) {
      options.patterns_are_path_globs = target.field->is_path;
      options.case_insensitive = target.field->is_case_insensitive;
      options.regex_case_insensitive = target.field->is_regex_case_insensitive;
    }
    return options;
  }

  std::uint32_t AddMatcher(const std::vector<StringMember>& members, const Expr& target) {
    const match::MatcherOptions options = OptionsFor(target);
    match::StringMatcher matcher(options);
    MatcherLiterals literals;
    literals.exact_only = !options.case_insensitive;
    for (const StringMember& member : members) {
      if (member.kind == LiteralKind::kScalar) {
        literals.exact.push_back(member.text);
      } else {
        literals.exact_only = false;
      }
      switch (member.kind) {
        case LiteralKind::kScalar:
          matcher.AddExact(member.text);
          break;
        // Validated by the checker with the same options; cannot fail here.
        case LiteralKind::kPattern:
          (void)matcher.AddPattern(member.text);
          break;
        case LiteralKind::kRegexp:
          (void)matcher.AddRegex(member.text);
          break;
      }
    }
    matcher.Finish();
    code_.matchers.push_back(std::move(matcher));
    code_.matcher_literals.push_back(std::move(literals));
    return static_cast<std::uint32_t>(code_.matchers.size() - 1);
  }

  std::uint32_t StringMatch(const Expr& subject, const std::vector<StringMember>& members,
                            bool negate) {
    BoolNode node;
    node.kind = BoolKind::kStringMatch;
    node.set = AddMatcher(members, subject);
    node.lhs = LowerOperand(subject);
    node.negate = negate;
    return AddBool(node);
  }

  std::uint32_t IntSet(const Expr& subject, std::vector<std::int64_t> values, bool negate) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    BoolNode node;
    node.kind = BoolKind::kIntSet;
    code_.int_sets.push_back(std::move(values));
    node.set = static_cast<std::uint32_t>(code_.int_sets.size() - 1);
    node.lhs = LowerOperand(subject);
    node.negate = negate;
    return AddBool(node);
  }

  std::uint32_t IpSet(const Expr& subject, std::vector<IpNetwork> values, bool negate,
                      bool all_in) {
    BoolNode node;
    node.kind = BoolKind::kIpSet;
    code_.ip_sets.push_back(std::move(values));
    node.set = static_cast<std::uint32_t>(code_.ip_sets.size() - 1);
    node.lhs = LowerOperand(subject);
    node.negate = negate;
    node.all_in = all_in;
    return AddBool(node);
  }

  static bool IsCaseInsensitive(const Expr& expr) {
    return expr.kind == ExprKind::kField && expr.field->is_case_insensitive;
  }

  std::uint32_t LowerCompare(const Expr& expr) {
    const Expr& left = expr.children[0];
    const Expr& right = expr.children[1];
    const Op op = expr.op;
    const bool negate = op == Op::kNe || op == Op::kNotMatch;
    if (right.kind == ExprKind::kStringLiteral &&
        (op == Op::kEq || op == Op::kNe || op == Op::kMatch || op == Op::kNotMatch)) {
      return StringMatch(left, {{right.string_value, right.literal_kind}}, negate);
    }
    if (right.kind == ExprKind::kIpLiteral && (op == Op::kEq || op == Op::kNe)) {
      return IpSet(left, {right.ip_value}, negate, false);
    }
    BoolNode node;
    node.kind = BoolKind::kCompare;
    node.op = op;
    node.type = left.type.scalar;
    node.age = right.is_duration && left.kind == ExprKind::kField;
    node.case_insensitive = IsCaseInsensitive(left) || IsCaseInsensitive(right);
    node.lhs = LowerOperand(left);
    node.rhs = LowerOperand(right);
    return AddBool(node);
  }

  std::uint32_t LowerMembership(const Expr& expr) {
    const Expr& left = expr.children[0];
    const Expr& right = expr.children[1];
    const bool negate = expr.op == Op::kNotIn;
    const bool all_in = expr.op == Op::kAllIn;
    if (right.kind == ExprKind::kStringList) return StringMatch(left, right.strings, negate);
    if (left.kind == ExprKind::kStringList) return StringMatch(right, left.strings, negate);
    if (right.kind == ExprKind::kIntList) return IntSet(left, right.ints, negate);
    if (left.kind == ExprKind::kIntList) return IntSet(right, left.ints, negate);
    if (right.kind == ExprKind::kIpList) return IpSet(left, right.ips, negate, all_in);
    if (left.kind == ExprKind::kIpList) return IpSet(right, left.ips, negate, false);
    if (left.kind == ExprKind::kStringLiteral && left.literal_kind != LiteralKind::kScalar) {
      return StringMatch(right, {{left.string_value, left.literal_kind}}, negate);
    }
    BoolNode node;
    node.kind = BoolKind::kDynamicIn;
    node.type = left.type.scalar;
    node.negate = negate;
    node.all_in = all_in && left.type.scalar == ScalarType::kIp;
    node.case_insensitive = IsCaseInsensitive(left) || IsCaseInsensitive(right);
    node.lhs = LowerOperand(left);
    node.rhs = LowerOperand(right);
    return AddBool(node);
  }

  ProgramCode& code_;
  const Limits& limits_;
};

}  // namespace

std::shared_ptr<const ProgramCode> Lower(const checked::CheckedExpr& checked,
                                         const Limits& limits) {
  auto code = std::make_shared<ProgramCode>();
  Lowerer lowerer(*code, limits);
  code->result_type = checked.root.type;
  if (checked.root.type == Type{ScalarType::kBool, false}) {  // bool arrays: truthiness at Evaluate
    code->root_is_bool = true;
    code->root = lowerer.LowerBool(checked.root);
  } else {
    code->root_is_bool = false;
    code->root = lowerer.LowerOperand(checked.root);
  }
  code->event_type = checked.event_type;
  code->fields = checked.fields;
  code->variables = checked.variables;
  code->register_iterator = checked.register_iterator;
  code->max_register_iterations = limits.max_register_iterations;
  return code;
}

}  // namespace picket::secl::detail
