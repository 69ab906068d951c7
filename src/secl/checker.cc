#include "secl/checker.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "match/path_glob.h"
#include "match/pattern.h"
#include "match/regex.h"
#include "secl/macro.h"

namespace picket::secl::checked {
namespace {

using ast::NodeKind;
using ast::Op;

bool IsAllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string Describe(const Expr& expr) { return TypeName(expr.type); }

Op Mirror(Op op) {
  switch (op) {
    case Op::kLt:
      return Op::kGt;
    case Op::kLe:
      return Op::kGe;
    case Op::kGt:
      return Op::kLt;
    case Op::kGe:
      return Op::kLe;
    default:
      return op;
  }
}

class Checker {
 public:
  Checker(const Schema& schema, const Environment& environment, const Limits& limits,
          CheckMode mode, Diagnostics& diagnostics)
      : schema_(schema),
        environment_(environment),
        limits_(limits),
        mode_(mode),
        diagnostics_(diagnostics) {}

  std::optional<CheckedExpr> Run(const ast::Node& root) {
    const std::size_t errors_before = diagnostics_.error_count();
    Expr expr = CheckNode(root);
    if (expr.kind != ExprKind::kError) {
      if (expr.is_list()) {
        Fail(root.span, "a list is only allowed after 'in', 'not in' or 'allin'");
      } else if (mode_ != CheckMode::kValue && expr.type.scalar != ScalarType::kBool) {
        Fail(root.span,
             fmt::format("{} must be a bool expression, found {}",
                         mode_ == CheckMode::kRule ? "a rule" : "a filter", Describe(expr)));
      }
    }
    std::string event_type;
    if (mode_ == CheckMode::kRule && diagnostics_.error_count() == errors_before) {
      if (event_types_.empty()) {
        Fail(root.span, "no event in the rule definition",
             "a rule needs at least one event-specific field such as exec.file.path");
      } else if (event_types_.size() > 1) {
        std::string names;
        for (const std::string& name : event_types_) {
          names += names.empty() ? "" : ", ";
          names += "'" + name + "'";
        }
        Fail(root.span, "rule with multiple events is not supported",
             "the rule uses fields of the event types " + names);
      } else {
        event_type = *event_types_.begin();
      }
    } else if (event_types_.size() == 1) {
      event_type = *event_types_.begin();
    }
    if (diagnostics_.error_count() != errors_before) return std::nullopt;
    CheckedExpr checked;
    checked.root = std::move(expr);
    checked.event_type = std::move(event_type);
    checked.fields = std::move(fields_);
    checked.variables = std::move(variables_);
    checked.register_iterator = register_iterator_;
    return checked;
  }

 private:
  Expr Fail(SourceSpan span, std::string message, std::string hint = {}) {
    if (!macro_stack_.empty()) {
      message = fmt::format("in macro '{}': {}", macro_stack_.back(), message);
      span = macro_use_span_;
    }
    diagnostics_.AddError(span, std::move(message), std::move(hint));
    return Expr{};
  }

  static Expr Make(ExprKind kind, Type type, SourceSpan span) {
    Expr expr;
    expr.kind = kind;
    expr.type = type;
    expr.span = span;
    return expr;
  }

  std::string Suggest(std::string_view name) const {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, name.size() / 4);
    best_distance = std::min<std::size_t>(best_distance, 4);
    auto consider = [&](std::string_view candidate) {
      const std::size_t distance = EditDistance(name, candidate, best_distance);
      if (distance <= best_distance && (best.empty() || distance < best_distance)) {
        best = std::string(candidate);
        best_distance = distance;
      }
    };
    schema_.ForEachFieldName(consider);
    return best.empty() ? std::string() : "did you mean '" + best + "'?";
  }

  Expr CheckNode(const ast::Node& node) {
    // Macro expansion can stack trees; bound the total depth.
    struct DepthGuard {
      explicit DepthGuard(std::size_t& depth) : depth_(depth) { ++depth_; }
      ~DepthGuard() { --depth_; }
      std::size_t& depth_;
    } guard(depth_);
    if (depth_ > limits_.max_nesting_depth * 4) {
      return Fail(node.span, "expression is nested too deeply after macro expansion");
    }
    switch (node.kind) {
      case NodeKind::kIdent:
        return CheckIdent(node);
      case NodeKind::kInt: {
        Expr expr = Make(ExprKind::kIntLiteral, {ScalarType::kInt, false}, node.span);
        expr.int_value = node.int_value;
        return expr;
      }
      case NodeKind::kDuration: {
        Expr expr = Make(ExprKind::kIntLiteral, {ScalarType::kInt, false}, node.span);
        expr.int_value = node.int_value;
        expr.is_duration = true;
        return expr;
      }
      case NodeKind::kString:
        return CheckString(node);
      case NodeKind::kPattern:
      case NodeKind::kRegexp: {
        Expr expr = Make(ExprKind::kStringLiteral, {ScalarType::kString, false}, node.span);
        expr.string_value = node.text;
        expr.literal_kind =
            node.kind == NodeKind::kPattern ? LiteralKind::kPattern : LiteralKind::kRegexp;
        return expr;
      }
      case NodeKind::kIp:
      case NodeKind::kCidr: {
        std::optional<IpNetwork> ip = IpNetwork::Parse(node.text);
        if (!ip.has_value()) return Fail(node.span, "invalid IP address '" + node.text + "'");
        Expr expr = Make(ExprKind::kIpLiteral, {ScalarType::kIp, false}, node.span);
        expr.ip_value = *ip;
        return expr;
      }
      case NodeKind::kVariable:
        return CheckVariable(node.text, node.span);
      case NodeKind::kFieldRef:
        return ResolveField(node.text, node.span);
      case NodeKind::kArray:
        return CheckList(node);
      case NodeKind::kUnary:
        return CheckUnary(node);
      case NodeKind::kBinary:
        return CheckBinary(node);
      case NodeKind::kCompare:
        if (node.op == Op::kIn || node.op == Op::kNotIn || node.op == Op::kAllIn) {
          return CheckMembership(node);
        }
        return CheckCompare(node);
      case NodeKind::kLogical:
        return CheckLogical(node);
    }
    return Fail(node.span, "internal error: unknown node");
  }

  Expr ConstantExpr(const OwnedValue& value, SourceSpan span) {
    Expr expr;
    expr.span = span;
    expr.type = TypeOf(value);
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, bool>) {
            expr.kind = ExprKind::kBoolLiteral;
            expr.bool_value = v;
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            expr.kind = ExprKind::kIntLiteral;
            expr.int_value = v;
          } else if constexpr (std::is_same_v<T, std::string>) {
            expr.kind = ExprKind::kStringLiteral;
            expr.string_value = v;
          } else if constexpr (std::is_same_v<T, IpNetwork>) {
            expr.kind = ExprKind::kIpLiteral;
            expr.ip_value = v;
          } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) {
            expr.kind = ExprKind::kIntList;
            expr.ints = v;
          } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            expr.kind = ExprKind::kStringList;
            for (const std::string& s : v) expr.strings.push_back({s, LiteralKind::kScalar});
          } else if constexpr (std::is_same_v<T, std::vector<IpNetwork>>) {
            expr.kind = ExprKind::kIpList;
            expr.ips = v;
          } else {
            expr.kind = ExprKind::kError;
          }
        },
        value);
    if (expr.kind == ExprKind::kError) return Fail(span, "bool list constants are not supported");
    return expr;
  }

  Expr CheckIdent(const ast::Node& node) {
    const std::string& name = node.text;
    if (const OwnedValue* constant = environment_.FindConstant(name)) {
      return ConstantExpr(*constant, node.span);
    }
    if (const Environment::Macro* macro = environment_.FindMacro(name)) {
      return ExpandMacro(*macro, node.span);
    }
    return ResolveField(name, node.span);
  }

  Expr ExpandMacro(const Environment::Macro& macro, SourceSpan span) {
    if (macro.is_values) {
      Expr expr = Make(ExprKind::kStringList, {ScalarType::kString, true}, span);
      for (const std::string& value : macro.values) {
        expr.strings.push_back({value, LiteralKind::kScalar});
      }
      return expr;
    }
    if (macro.has_errors || macro.body == nullptr) {
      return Fail(span, "macro '" + macro.id + "' has errors");
    }
    if (std::find(macro_stack_.begin(), macro_stack_.end(), macro.id) != macro_stack_.end()) {
      std::string chain;
      for (const std::string& id : macro_stack_) chain += id + " -> ";
      return Fail(span, "macro '" + macro.id + "' refers to itself (" + chain + macro.id + ")");
    }
    if (macro_stack_.size() >= limits_.max_macro_depth) {
      return Fail(span, "macros are nested too deeply");
    }
    if (macro_stack_.empty()) macro_use_span_ = span;
    macro_stack_.push_back(macro.id);
    Expr expr = CheckNode(*macro.body);
    macro_stack_.pop_back();
    expr.span = macro_stack_.empty() ? span : macro_use_span_;
    return expr;
  }

  void RecordField(const FieldInfo& field) {
    if (std::find(fields_.begin(), fields_.end(), &field) == fields_.end()) {
      fields_.push_back(&field);
    }
    if (!field.event_type.empty()) event_types_.insert(std::string(field.event_type));
  }

  Expr FieldExpr(const FieldInfo& field, FieldAccess access, std::uint32_t index, SourceSpan span) {
    RecordField(field);
    Expr expr = Make(ExprKind::kField, {field.type, field.is_array}, span);
    expr.field = &field;
    expr.iterator = field.iterator;
    expr.access = access;
    expr.index = index;
    if (field.iterator != kNoIterator) {
      expr.type.is_array = field.is_array || access == FieldAccess::kAllElements;
    } else if (access == FieldAccess::kIndex) {
      expr.type.is_array = false;
    }
    return expr;
  }

  // `<field>.length`: bytes of a string, elements of an array; per element
  // (an int array) through an unbound iterator.
  Expr LengthOf(Expr field, std::string_view base, SourceSpan span) {
    const bool element_of_array = field.field->is_array && field.field->iterator == kNoIterator &&
                                  field.access == FieldAccess::kIndex;
    if (field.field->type != ScalarType::kString && !field.field->is_array) {
      return Fail(span, "'.length' applies to string and array fields; '" + std::string(base) +
                            "' is " + std::string(ScalarTypeName(field.field->type)));
    }
    if (element_of_array && field.field->type != ScalarType::kString) {
      return Fail(span, "'.length' applies to string and array fields; '" + std::string(base) +
                            "' is " + std::string(ScalarTypeName(field.field->type)));
    }
    const bool many =
        field.field->iterator != kNoIterator && field.access == FieldAccess::kAllElements;
    Expr expr = Make(ExprKind::kFieldLength, {ScalarType::kInt, many}, span);
    expr.children.push_back(std::move(field));
    return expr;
  }

  Expr UnknownField(std::string_view name, SourceSpan span) {
    return Fail(span, "unknown field '" + std::string(name) + "'", Suggest(name));
  }

  Expr ResolveField(std::string_view name, SourceSpan span) {
    const std::size_t open = name.find('[');
    if (open == std::string_view::npos) {
      if (const FieldInfo* field = schema_.Find(name)) {
        return FieldExpr(
            *field,
            field->iterator != kNoIterator ? FieldAccess::kAllElements : FieldAccess::kDirect, 0,
            span);
      }
      constexpr std::string_view kLength = ".length";
      if (name.size() > kLength.size() && name.ends_with(kLength)) {
        const std::string_view base = name.substr(0, name.size() - kLength.size());
        if (const IteratorInfo* iterator = schema_.FindIterator(base)) {
          if (!iterator->event_type.empty()) {
            event_types_.insert(std::string(iterator->event_type));
          }
          Expr expr = Make(ExprKind::kIteratorLength, {ScalarType::kInt, false}, span);
          expr.iterator = iterator->id;
          return expr;
        }
        if (schema_.Find(base) != nullptr || base.find('[') != std::string_view::npos) {
          Expr field = ResolveField(base, span);
          if (field.kind == ExprKind::kError) return field;
          return LengthOf(std::move(field), base, span);
        }
      }
      return UnknownField(name, span);
    }

    const std::size_t close = name.find(']', open);
    if (close == std::string_view::npos || name.find('[', close) != std::string_view::npos) {
      return Fail(span, "only one subscript or register is allowed in '" + std::string(name) + "'");
    }
    const std::string_view base = name.substr(0, open);
    const std::string_view content = name.substr(open + 1, close - open - 1);
    const std::string_view rest = name.substr(close + 1);
    const std::string stripped = std::string(base) + std::string(rest);

    if (rest == ".length") {
      Expr field = ResolveField(name.substr(0, close + 1), span);
      if (field.kind == ExprKind::kError) return field;
      return LengthOf(std::move(field), name.substr(0, close + 1), span);
    }
    if (IsAllDigits(content) && rest.empty()) {
      std::uint32_t index = 0;
      auto [end, error] = std::from_chars(content.data(), content.data() + content.size(), index);
      if (error != std::errc()) return Fail(span, "subscript is out of range");
      const FieldInfo* field = schema_.Find(stripped);
      if (field == nullptr) return UnknownField(stripped, span);
      if (field->iterator == kNoIterator && !field->is_array) {
        return Fail(span, "'" + stripped + "' is not an array; it cannot take a subscript");
      }
      return FieldExpr(*field, FieldAccess::kIndex, index, span);
    }

    const IteratorInfo* iterator = schema_.FindIterator(base);
    if (iterator == nullptr) {
      return Fail(span, "'" + std::string(base) + "' is not an iterator",
                  "registers such as [A] apply to iterators like process.ancestors");
    }
    if (content == "_") {
      return Fail(span, "register name '_' is not allowed", "use a name such as A");
    }
    if (register_name_.empty()) {
      register_name_ = std::string(content);
      register_iterator_ = iterator->id;
    } else if (register_name_ != content) {
      return Fail(span, "only one register per rule is supported; found '" + register_name_ +
                            "' and '" + std::string(content) + "'");
    } else if (register_iterator_ != iterator->id) {
      return Fail(span, "register '" + register_name_ + "' is bound to two iterators");
    }
    const FieldInfo* field = schema_.Find(stripped);
    constexpr std::string_view kLength = ".length";
    if (field == nullptr && rest.ends_with(kLength)) {
      // process.ancestors[A].file.name.length
      const std::string_view inner = name.substr(0, name.size() - kLength.size());
      Expr inner_field = ResolveField(inner, span);
      if (inner_field.kind == ExprKind::kError) return inner_field;
      return LengthOf(std::move(inner_field), inner, span);
    }
    if (field == nullptr || field->iterator != iterator->id) return UnknownField(stripped, span);
    return FieldExpr(*field, FieldAccess::kRegister, 0, span);
  }

  Expr CheckVariable(std::string_view name, SourceSpan span) {
    if (const VariableDeclaration* variable = environment_.FindVariable(name)) {
      RecordVariable(variable->id);
      Expr expr = Make(ExprKind::kVariable, variable->type, span);
      expr.variable = variable->id;
      return expr;
    }
    constexpr std::string_view kLength = ".length";
    if (name.ends_with(kLength)) {
      const std::string_view base = name.substr(0, name.size() - kLength.size());
      if (const VariableDeclaration* variable = environment_.FindVariable(base)) {
        if (variable->type.scalar != ScalarType::kString && !variable->type.is_array) {
          return Fail(span, "'.length' applies to string and array variables");
        }
        RecordVariable(variable->id);
        Expr expr = Make(ExprKind::kVariableLength, {ScalarType::kInt, false}, span);
        expr.variable = variable->id;
        expr.variable_is_array = variable->type.is_array;
        return expr;
      }
    }
    std::string hint;
    std::size_t best = 3;
    for (const VariableDeclaration& variable : environment_.variables()) {
      const std::size_t distance = EditDistance(name, variable.name, best);
      if (distance < best) {
        best = distance;
        hint = "did you mean '${" + variable.name + "}'?";
      }
    }
    if (hint.empty()) hint = "variables are defined by the 'set' action of a rule";
    return Fail(span, "unknown variable '${" + std::string(name) + "}'", hint);
  }

  void RecordVariable(VariableId id) {
    if (std::find(variables_.begin(), variables_.end(), id) == variables_.end()) {
      variables_.push_back(id);
    }
  }

  // "text", possibly with ${var} / %{field} interpolation (spec §8.5).
  Expr CheckString(const ast::Node& node) {
    const std::string& text = node.text;
    if (text.find("${") == std::string::npos && text.find("%{") == std::string::npos) {
      Expr expr = Make(ExprKind::kStringLiteral, {ScalarType::kString, false}, node.span);
      expr.string_value = text;
      return expr;
    }
    Expr expr = Make(ExprKind::kInterpolation, {ScalarType::kString, false}, node.span);
    std::string literal;
    bool failed = false;
    for (std::size_t i = 0; i < text.size();) {
      const bool is_reference =
          (text[i] == '$' || text[i] == '%') && i + 1 < text.size() && text[i + 1] == '{';
      const std::size_t close = is_reference ? text.find('}', i) : std::string::npos;
      if (!is_reference || close == std::string::npos) {
        literal += text[i++];
        continue;
      }
      if (!literal.empty()) {
        Expr part = Make(ExprKind::kStringLiteral, {ScalarType::kString, false}, node.span);
        part.string_value = std::move(literal);
        literal.clear();
        expr.children.push_back(std::move(part));
      }
      const std::string_view name = std::string_view(text).substr(i + 2, close - i - 2);
      Expr part = text[i] == '$' ? CheckVariable(name, node.span) : ResolveField(name, node.span);
      failed |= part.kind == ExprKind::kError;
      expr.children.push_back(std::move(part));
      i = close + 1;
    }
    if (!literal.empty()) {
      Expr part = Make(ExprKind::kStringLiteral, {ScalarType::kString, false}, node.span);
      part.string_value = std::move(literal);
      expr.children.push_back(std::move(part));
    }
    return failed ? Expr{} : expr;
  }

  Expr CheckList(const ast::Node& node) {
    Expr strings = Make(ExprKind::kStringList, {ScalarType::kString, true}, node.span);
    Expr ints = Make(ExprKind::kIntList, {ScalarType::kInt, true}, node.span);
    Expr ips = Make(ExprKind::kIpList, {ScalarType::kIp, true}, node.span);
    for (const auto& member : node.children) {
      switch (member->kind) {
        case NodeKind::kString:
          strings.strings.push_back({member->text, LiteralKind::kScalar});
          break;
        case NodeKind::kPattern:
          strings.strings.push_back({member->text, LiteralKind::kPattern});
          break;
        case NodeKind::kRegexp:
          strings.strings.push_back({member->text, LiteralKind::kRegexp});
          break;
        case NodeKind::kInt:
          ints.ints.push_back(member->int_value);
          break;
        case NodeKind::kIp:
        case NodeKind::kCidr: {
          std::optional<IpNetwork> ip = IpNetwork::Parse(member->text);
          if (!ip.has_value())
            return Fail(member->span, "invalid IP address '" + member->text + "'");
          ips.ips.push_back(*ip);
          break;
        }
        case NodeKind::kIdent: {
          const OwnedValue* constant = environment_.FindConstant(member->text);
          if (constant == nullptr) {
            return Fail(member->span, "unknown constant '" + member->text + "'",
                        "list members must be literals or named constants");
          }
          if (const auto* i = std::get_if<std::int64_t>(constant)) {
            ints.ints.push_back(*i);
          } else if (const auto* s = std::get_if<std::string>(constant)) {
            strings.strings.push_back({*s, LiteralKind::kScalar});
          } else {
            return Fail(member->span, "constant '" + member->text + "' cannot be a list member (" +
                                          TypeName(TypeOf(*constant)) + ")");
          }
          break;
        }
        default:
          return Fail(member->span, "unexpected list member");
      }
    }
    const int kinds = !strings.strings.empty() + !ints.ints.empty() + !ips.ips.empty();
    if (kinds > 1) {
      return Fail(node.span, "a list must hold one kind of value (strings, integers or IPs)");
    }
    if (!ints.ints.empty()) return ints;
    if (!ips.ips.empty()) return ips;
    return strings;
  }

  Expr CheckUnary(const ast::Node& node) {
    Expr operand = CheckNode(*node.children[0]);
    if (operand.kind == ExprKind::kError) return operand;
    if (operand.is_list()) return ListMisuse(operand);
    const ScalarType wanted = node.op == Op::kNot ? ScalarType::kBool : ScalarType::kInt;
    if (operand.type != Type{wanted, false}) {
      return Fail(node.span,
                  fmt::format("operator '{}' needs an operand of type {}, found {}",
                              ast::OpName(node.op), ScalarTypeName(wanted), Describe(operand)));
    }
    Expr expr = Make(ExprKind::kUnary, {wanted, false}, node.span);
    expr.op = node.op;
    expr.children.push_back(std::move(operand));
    return expr;
  }

  Expr ListMisuse(const Expr& list) {
    return Fail(list.span, "a list is only allowed after 'in', 'not in' or 'allin'");
  }

  Expr CheckBinary(const ast::Node& node) {
    Expr left = CheckNode(*node.children[0]);
    Expr right = CheckNode(*node.children[1]);
    if (left.kind == ExprKind::kError || right.kind == ExprKind::kError) return Expr{};
    if (left.is_list()) return ListMisuse(left);
    if (right.is_list()) return ListMisuse(right);
    const Type int_type{ScalarType::kInt, false};
    if (left.type != int_type || right.type != int_type) {
      return Fail(node.span, fmt::format("operator '{}' needs int operands, found {} and {}",
                                         ast::OpName(node.op), Describe(left), Describe(right)));
    }
    Expr expr = Make(ExprKind::kBinary, int_type, node.span);
    expr.op = node.op;
    expr.children.push_back(std::move(left));
    expr.children.push_back(std::move(right));
    return expr;
  }

  Expr CheckLogical(const ast::Node& node) {
    Expr expr = Make(ExprKind::kLogical, {ScalarType::kBool, false}, node.span);
    expr.op = node.op;
    bool failed = false;
    for (const auto& child : node.children) {
      Expr operand = CheckNode(*child);
      if (operand.kind == ExprKind::kError) {
        failed = true;  // keep checking siblings: report every problem
        continue;
      }
      if (operand.is_list()) {
        ListMisuse(operand);
        failed = true;
        continue;
      }
      if (operand.type.scalar != ScalarType::kBool) {
        Fail(operand.span, fmt::format("operator '{}' needs bool operands, found {}",
                                       ast::OpName(node.op), Describe(operand)));
        failed = true;
        continue;
      }
      expr.children.push_back(std::move(operand));
    }
    return failed ? Expr{} : expr;
  }

  // Compiles pattern and regexp members the way lowering will, against the
  // field they are compared with, so every invalid one is reported now.
  bool ValidateMembers(const std::vector<StringMember>& members, const Expr& target,
                       SourceSpan span) {
    const FieldInfo* field = target.kind == ExprKind::kField ? target.field : nullptr;
    const bool is_path = field != nullptr && field->is_path;
    const bool case_insensitive = field != nullptr && field->is_case_insensitive;
    bool ok = true;
    for (const StringMember& member : members) {
      if (member.kind == LiteralKind::kPattern) {
        std::optional<std::string> error;
        if (is_path) {
          Result<match::PathGlob> glob = match::PathGlob::Compile(member.text, case_insensitive);
          if (!glob.has_value()) error = glob.error().message();
        } else {
          Result<match::Pattern> pattern = match::Pattern::Compile(member.text, case_insensitive);
          if (!pattern.has_value()) error = pattern.error().message();
        }
        if (error.has_value()) {
          Fail(span, fmt::format("invalid {} ~\"{}\": {}", is_path ? "path pattern" : "pattern",
                                 member.text, *error));
          ok = false;
        }
      } else if (member.kind == LiteralKind::kRegexp) {
        Result<match::Regex> regex =
            match::Regex::Compile(member.text, field != nullptr && field->is_regex_case_insensitive,
                                  limits_.regex_max_memory_bytes);
        if (!regex.has_value()) {
          Fail(span, fmt::format("invalid regular expression r\"{}\": {}", member.text,
                                 regex.error().message()));
          ok = false;
        }
      }
    }
    return ok;
  }

  Expr CheckCompare(const ast::Node& node) {
    Expr left = CheckNode(*node.children[0]);
    Expr right = CheckNode(*node.children[1]);
    if (left.kind == ExprKind::kError || right.kind == ExprKind::kError) return Expr{};
    if (left.is_list()) return ListMisuse(left);
    if (right.is_list()) return ListMisuse(right);
    Op op = node.op;
    const bool is_match = op == Op::kMatch || op == Op::kNotMatch;
    // Literal on the left, dynamic on the right: compare the other way round
    // so matchers are chosen by the field.
    if (!is_match && left.is_literal() && !right.is_literal()) {
      std::swap(left, right);
      op = Mirror(op);
    }
    const std::string op_name(ast::OpName(node.op));
    if (is_match) {
      if (left.type.scalar != ScalarType::kString) {
        return Fail(node.span, fmt::format("operator '{}' needs a string on its left, found {}",
                                           op_name, Describe(left)));
      }
      if (right.kind != ExprKind::kStringLiteral) {
        return Fail(right.span, "non static pattern: the right side of '" + op_name +
                                    "' must be a string, pattern or regular expression literal");
      }
      if (right.literal_kind == LiteralKind::kScalar) right.literal_kind = LiteralKind::kPattern;
    } else if (left.type.scalar != right.type.scalar) {
      return Fail(node.span, fmt::format("cannot compare {} and {} with '{}'", Describe(left),
                                         Describe(right), op_name));
    } else if (op != Op::kEq && op != Op::kNe && left.type.scalar != ScalarType::kInt) {
      return Fail(node.span, fmt::format("operator '{}' needs int operands, found {} and {}",
                                         op_name, Describe(left), Describe(right)));
    }
    if (op == Op::kNe && (left.is_duration || right.is_duration)) {
      return Fail(node.span, "a duration can only be compared with <, <=, >, >= or ==");
    }
    if (right.kind == ExprKind::kStringLiteral && right.literal_kind != LiteralKind::kScalar) {
      if (!ValidateMembers({{right.string_value, right.literal_kind}}, left, right.span)) {
        return Expr{};
      }
    }
    Expr expr = Make(ExprKind::kCompare, {ScalarType::kBool, false}, node.span);
    expr.op = op;
    expr.children.push_back(std::move(left));
    expr.children.push_back(std::move(right));
    return expr;
  }

  Expr CheckArrayOperand(const ast::Node& node) {
    if (node.kind == NodeKind::kIp || node.kind == NodeKind::kCidr) {
      std::optional<IpNetwork> ip = IpNetwork::Parse(node.text);
      if (!ip.has_value()) return Fail(node.span, "invalid IP address '" + node.text + "'");
      Expr expr = Make(ExprKind::kIpList, {ScalarType::kIp, true}, node.span);
      expr.ips.push_back(*ip);
      return expr;
    }
    return CheckNode(node);
  }

  Expr CheckMembership(const ast::Node& node) {
    Expr left = CheckNode(*node.children[0]);
    Expr right = CheckArrayOperand(*node.children[1]);
    if (left.kind == ExprKind::kError || right.kind == ExprKind::kError) return Expr{};
    const std::string op_name(ast::OpName(node.op));
    if (left.is_list() && right.is_list()) {
      return Fail(node.span, "both sides of '" + op_name + "' are lists");
    }
    if (left.type.scalar != right.type.scalar) {
      return Fail(node.span, fmt::format("cannot test a {} against {} with '{}'", Describe(left),
                                         Describe(right), op_name));
    }
    // The list (or the pattern literal) is matched against the other side.
    if (right.kind == ExprKind::kStringList) {
      if (!ValidateMembers(right.strings, left, right.span)) return Expr{};
    } else if (left.kind == ExprKind::kStringList) {
      if (!ValidateMembers(left.strings, right, left.span)) return Expr{};
    } else if (left.kind == ExprKind::kStringLiteral && left.literal_kind != LiteralKind::kScalar) {
      if (!ValidateMembers({{left.string_value, left.literal_kind}}, right, left.span)) {
        return Expr{};
      }
    }
    Expr expr = Make(ExprKind::kMembership, {ScalarType::kBool, false}, node.span);
    expr.op = node.op;
    expr.children.push_back(std::move(left));
    expr.children.push_back(std::move(right));
    return expr;
  }

  const Schema& schema_;
  const Environment& environment_;
  const Limits& limits_;
  CheckMode mode_;
  Diagnostics& diagnostics_;

  std::size_t depth_ = 0;
  std::vector<std::string> macro_stack_;
  SourceSpan macro_use_span_;
  std::set<std::string> event_types_;
  std::vector<const FieldInfo*> fields_;
  std::vector<VariableId> variables_;
  std::string register_name_;
  IteratorId register_iterator_ = kNoIterator;
};

}  // namespace

std::size_t EditDistance(std::string_view a, std::string_view b, std::size_t max_distance) {
  const std::size_t length_gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (length_gap > max_distance) return max_distance + 1;
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    std::size_t row_minimum = current[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
      row_minimum = std::min(row_minimum, current[j]);
    }
    if (row_minimum > max_distance) return max_distance + 1;
    std::swap(previous, current);
  }
  return std::min(previous[b.size()], max_distance + 1);
}

std::optional<CheckedExpr> Check(const ast::Node& root, const Schema& schema,
                                 const Environment& environment, const Limits& limits,
                                 CheckMode mode, Diagnostics& diagnostics) {
  return Checker(schema, environment, limits, mode, diagnostics).Run(root);
}

}  // namespace picket::secl::checked
