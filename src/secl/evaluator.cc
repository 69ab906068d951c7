#include "secl/evaluator.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "match/pattern.h"

namespace picket::secl::detail {
namespace {

using ast::Op;
using checked::FieldAccess;

// Two's-complement wrapping arithmetic: SECL ints never trap.
std::int64_t Wrap(std::uint64_t value) { return static_cast<std::int64_t>(value); }

class Evaluation {
 public:
  Evaluation(const ProgramCode& code, const FieldSource& fields, const VariableSource* variables)
      : code_(code), fields_(fields), variables_(variables) {
    if (code.scratch_slots > 0) scratch_.resize(code.scratch_slots);
  }

  std::uint32_t register_element = kNoElement;

  bool Bool(std::uint32_t index) {
    const BoolNode& node = code_.bools[index];
    switch (node.kind) {
      case BoolKind::kConstant:
        return node.value;
      case BoolKind::kAnd:
        for (std::uint32_t i = node.children_begin; i < node.children_end; ++i) {
          if (!Bool(code_.child_indices[i])) return false;
        }
        return true;
      case BoolKind::kOr:
        for (std::uint32_t i = node.children_begin; i < node.children_end; ++i) {
          if (Bool(code_.child_indices[i])) return true;
        }
        return false;
      case BoolKind::kNot:
        return !Bool(node.a);
      case BoolKind::kTruthy:
        return ForEach(node.lhs, [](const Value& v) { return v.bool_value; });
      case BoolKind::kCompare:
        return Compare(node);
      case BoolKind::kStringMatch: {
        const match::StringMatcher& matcher = code_.matchers[node.set];
        if (IsWholeIteratorScalar(code_.operands[node.lhs])) {
          const Operand& operand = code_.operands[node.lhs];
          return fields_.AnyElementMatches(operand.field, operand.iterator, matcher) != node.negate;
        }
        const bool found = ForEach(
            node.lhs, [&matcher](const Value& v) { return matcher.Matches(v.string_value); });
        return found != node.negate;
      }
      case BoolKind::kIntSet: {
        const std::vector<std::int64_t>& set = code_.int_sets[node.set];
        const bool found = ForEach(node.lhs, [&set](const Value& v) {
          return std::binary_search(set.begin(), set.end(), v.int_value);
        });
        return found != node.negate;
      }
      case BoolKind::kIpSet: {
        const std::vector<IpNetwork>& set = code_.ip_sets[node.set];
        auto contained = [&set](const Value& v) {
          return std::any_of(set.begin(), set.end(), [&v](const IpNetwork& network) {
            return network.Contains(v.ip_value);
          });
        };
        if (node.all_in) {
          // Every element in some network (vacuously true for no element).
          const bool all = !ForEach(node.lhs, [&](const Value& v) { return !contained(v); });
          return all != node.negate;
        }
        return ForEach(node.lhs, contained) != node.negate;
      }
      case BoolKind::kDynamicIn: {
        if (node.all_in) {
          const bool all = !ForEach(node.lhs, [&](const Value& l) {
            return !ForEach(node.rhs, [&](const Value& r) { return Equal(node, l, r); });
          });
          return all != node.negate;
        }
        const bool found = ForEach(node.lhs, [&](const Value& l) {
          return ForEach(node.rhs, [&](const Value& r) { return Equal(node, l, r); });
        });
        return found != node.negate;
      }
    }
    return false;
  }

  // A scalar field read on every element of its iterator (not a register,
  // not one index): ForEach would visit Get(field, e) for each e in order,
  // which is what FieldSource::AnyElementMatches answers.
  static bool IsWholeIteratorScalar(const Operand& operand) {
    return operand.kind == OperandKind::kField && operand.iterator != kNoIterator &&
           operand.access == FieldAccess::kAllElements && !operand.field_is_array;
  }

  // Calls visit(value) for every scalar the operand yields, stopping at the
  // first call that returns true; returns whether one did.
  template <typename Visit>
  bool ForEach(std::uint32_t index, Visit&& visit) {
    const Operand& operand = code_.operands[index];
    switch (operand.kind) {
      case OperandKind::kConstant:
        return visit(operand.constant);
      case OperandKind::kField:
        return ForEachFieldValue(operand, visit);
      case OperandKind::kFieldLength:
        return ForEachFieldLength(operand, visit);
      case OperandKind::kIteratorLength:
        return visit(
            Value::Int(static_cast<std::int64_t>(fields_.IteratorLength(operand.iterator))));
      case OperandKind::kVariable:
        if (variables_ == nullptr) {
          return operand.variable_is_array ? false : visit(Value::Zero(operand.type));
        }
        if (operand.variable_is_array) {
          const std::size_t length = variables_->ArrayLength(operand.variable, fields_);
          for (std::size_t i = 0; i < length; ++i) {
            if (visit(variables_->ReadAt(operand.variable, fields_, i))) return true;
          }
          return false;
        }
        return visit(variables_->Read(operand.variable, fields_));
      case OperandKind::kVariableLength: {
        std::int64_t length = 0;
        if (variables_ != nullptr) {
          length =
              operand.variable_is_array
                  ? static_cast<std::int64_t>(variables_->ArrayLength(operand.variable, fields_))
                  : static_cast<std::int64_t>(
                        variables_->Read(operand.variable, fields_).string_value.size());
        }
        return visit(Value::Int(length));
      }
      case OperandKind::kUnary: {
        const auto value = static_cast<std::uint64_t>(Scalar(operand.a).int_value);
        return visit(Value::Int(operand.op == Op::kNeg ? Wrap(0 - value) : Wrap(~value)));
      }
      case OperandKind::kBinary:
        return visit(Value::Int(Arithmetic(operand)));
      case OperandKind::kInterpolation:
        return visit(Value::String(Interpolate(operand)));
      case OperandKind::kBool:
        return visit(Value::Bool(Bool(operand.a)));
    }
    return false;
  }

  // The operand's single value, or its type's zero value.
  Value Scalar(std::uint32_t index) {
    Value result = Value::Zero(code_.operands[index].type);
    ForEach(index, [&result](const Value& v) {
      result = v;
      return true;
    });
    return result;
  }

 private:
  std::int64_t Now() {
    if (!now_ns_.has_value()) now_ns_ = fields_.NowNs();
    return *now_ns_;
  }

  template <typename Visit>
  bool VisitElement(const Operand& operand, std::uint32_t element, Visit& visit) {
    if (!operand.field_is_array) return visit(fields_.Get(operand.field, element));
    if (operand.iterator == kNoIterator && operand.access == FieldAccess::kIndex) {
      const std::size_t length = fields_.ArrayLength(operand.field, kNoElement);
      return visit(operand.index < length ? fields_.GetAt(operand.field, kNoElement, operand.index)
                                          : Value::Zero(operand.type));
    }
    const std::size_t length = fields_.ArrayLength(operand.field, element);
    for (std::size_t i = 0; i < length; ++i) {
      if (visit(fields_.GetAt(operand.field, element, i))) return true;
    }
    return false;
  }

  // Walks the elements selected by the operand's iterator access.
  template <typename PerElement>
  bool ForEachElement(const Operand& operand, PerElement&& per_element) {
    if (operand.iterator == kNoIterator) return per_element(kNoElement);
    switch (operand.access) {
      case FieldAccess::kAllElements: {
        const std::size_t length = fields_.IteratorLength(operand.iterator);
        for (std::size_t e = 0; e < length; ++e) {
          if (per_element(static_cast<std::uint32_t>(e))) return true;
        }
        return false;
      }
      case FieldAccess::kRegister:
        return per_element(register_element);
      case FieldAccess::kIndex:
        if (operand.index < fields_.IteratorLength(operand.iterator)) {
          return per_element(operand.index);
        }
        return per_element(kNoElement);  // out of range: zero values
      case FieldAccess::kDirect:
        return per_element(kNoElement);
    }
    return false;
  }

  template <typename Visit>
  bool ForEachFieldValue(const Operand& operand, Visit& visit) {
    return ForEachElement(operand, [&](std::uint32_t element) {
      if (element == kNoElement && operand.iterator != kNoIterator) {
        return operand.field_is_array ? false : visit(Value::Zero(operand.type));
      }
      return VisitElement(operand, element, visit);
    });
  }

  template <typename Visit>
  bool ForEachFieldLength(const Operand& operand, Visit& visit) {
    return ForEachElement(operand, [&](std::uint32_t element) {
      if (element == kNoElement && operand.iterator != kNoIterator) return visit(Value::Int(0));
      if (operand.field_is_array &&
          !(operand.iterator == kNoIterator && operand.access == FieldAccess::kIndex)) {
        return visit(
            Value::Int(static_cast<std::int64_t>(fields_.ArrayLength(operand.field, element))));
      }
      auto length_of = [&visit](const Value& v) {
        return visit(Value::Int(static_cast<std::int64_t>(v.string_value.size())));
      };
      return VisitElement(operand, element, length_of);
    });
  }

  std::int64_t Arithmetic(const Operand& operand) {
    const auto a = static_cast<std::uint64_t>(Scalar(operand.a).int_value);
    const auto b = static_cast<std::uint64_t>(Scalar(operand.b).int_value);
    switch (operand.op) {
      case Op::kBitAnd:
        return Wrap(a & b);
      case Op::kBitOr:
        return Wrap(a | b);
      case Op::kBitXor:
        return Wrap(a ^ b);
      case Op::kAdd:
        return Wrap(a + b);
      case Op::kSub:
        return Wrap(a - b);
      default:
        return 0;
    }
  }

  static void AppendScalar(std::string& out, const Value& value) {
    switch (value.type) {
      case ScalarType::kBool:
        out += value.bool_value ? "true" : "false";
        break;
      case ScalarType::kInt:
        out += std::to_string(value.int_value);
        break;
      case ScalarType::kString:
        out += value.string_value;
        break;
      case ScalarType::kIp:
        out += value.ip_value.ToString();
        break;
    }
  }

  // Concatenates the parts; arrays are joined with ',' (spec §8.5).
  std::string_view Interpolate(const Operand& operand) {
    std::string text;
    for (std::uint32_t i = operand.parts_begin; i < operand.parts_end; ++i) {
      bool first = true;
      ForEach(code_.part_indices[i], [&](const Value& v) {
        if (!first) text += ',';
        first = false;
        AppendScalar(text, v);
        return false;
      });
    }
    std::string& slot = scratch_[operand.scratch_slot];
    slot = std::move(text);
    return slot;
  }

  static bool Equal(const BoolNode& node, const Value& l, const Value& r) {
    switch (node.type) {
      case ScalarType::kBool:
        return l.bool_value == r.bool_value;
      case ScalarType::kInt:
        return l.int_value == r.int_value;
      case ScalarType::kString:
        return match::EqualBytes(l.string_value, r.string_value, node.case_insensitive);
      case ScalarType::kIp:
        return r.ip_value.Contains(l.ip_value);
    }
    return false;
  }

  bool Compare(const BoolNode& node) {
    if (node.op == Op::kNe) {
      // No pair equal (vacuously true when a side is empty).
      return !ForEach(node.lhs, [&](const Value& l) {
        return ForEach(node.rhs, [&](const Value& r) { return Equal(node, l, r); });
      });
    }
    return ForEach(node.lhs, [&](const Value& left) {
      Value l = left;
      if (node.age) {
        l.int_value =
            Wrap(static_cast<std::uint64_t>(Now()) - static_cast<std::uint64_t>(l.int_value));
      }
      return ForEach(node.rhs, [&](const Value& r) {
        switch (node.op) {
          case Op::kEq:
            return Equal(node, l, r);
          case Op::kLt:
            return l.int_value < r.int_value;
          case Op::kLe:
            return l.int_value <= r.int_value;
          case Op::kGt:
            return l.int_value > r.int_value;
          case Op::kGe:
            return l.int_value >= r.int_value;
          default:
            return false;
        }
      });
    });
  }

  const ProgramCode& code_;
  const FieldSource& fields_;
  const VariableSource* variables_;
  std::optional<std::int64_t> now_ns_;
  std::vector<std::string> scratch_;
};

bool EvaluateRoot(const ProgramCode& code, Evaluation& evaluation) {
  if (code.root_is_bool) return evaluation.Bool(code.root);
  return evaluation.ForEach(code.root, [](const Value& v) { return v.bool_value; });
}

template <typename T>
std::vector<T> Collect(Evaluation& evaluation, std::uint32_t root, T (*convert)(const Value&)) {
  std::vector<T> values;
  evaluation.ForEach(root, [&](const Value& v) {
    values.push_back(convert(v));
    return false;
  });
  return values;
}

}  // namespace

bool EvaluateCode(const ProgramCode& code, const FieldSource& fields,
                  const VariableSource* variables) {
  Evaluation evaluation(code, fields, variables);
  if (code.register_iterator == kNoIterator) return EvaluateRoot(code, evaluation);
  // Bound iterator (process.ancestors[A]): the whole rule once per element.
  const std::size_t length = std::min<std::size_t>(fields.IteratorLength(code.register_iterator),
                                                   code.max_register_iterations);
  for (std::size_t i = 0; i < length; ++i) {
    evaluation.register_element = static_cast<std::uint32_t>(i);
    if (EvaluateRoot(code, evaluation)) return true;
  }
  return false;
}

OwnedValue EvaluateCodeValue(const ProgramCode& code, const FieldSource& fields,
                             const VariableSource* variables) {
  Evaluation evaluation(code, fields, variables);
  if (code.register_iterator != kNoIterator) evaluation.register_element = 0;
  if (code.root_is_bool) return evaluation.Bool(code.root);
  const Type type = code.result_type;
  if (type.is_array) {
    switch (type.scalar) {
      case ScalarType::kBool: {
        std::vector<bool> values;
        evaluation.ForEach(code.root, [&](const Value& v) {
          values.push_back(v.bool_value);
          return false;
        });
        return values;
      }
      case ScalarType::kInt:
        return Collect<std::int64_t>(evaluation, code.root,
                                     [](const Value& v) { return v.int_value; });
      case ScalarType::kString:
        return Collect<std::string>(evaluation, code.root,
                                    [](const Value& v) { return std::string(v.string_value); });
      case ScalarType::kIp:
        return Collect<IpNetwork>(evaluation, code.root, [](const Value& v) { return v.ip_value; });
    }
  }
  const Value value = evaluation.Scalar(code.root);
  switch (type.scalar) {
    case ScalarType::kBool:
      return value.bool_value;
    case ScalarType::kInt:
      return value.int_value;
    case ScalarType::kString:
      return std::string(value.string_value);
    case ScalarType::kIp:
      return value.ip_value;
  }
  return false;
}

}  // namespace picket::secl::detail
