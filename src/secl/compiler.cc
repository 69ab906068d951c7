#include "secl/compiler.h"

#include <fmt/format.h>

#include "secl/checker.h"
#include "secl/evaluator.h"
#include "secl/lexer.h"
#include "secl/lowering.h"
#include "secl/parser.h"

namespace picket::secl {
namespace {

CompileResult Compile(std::string_view text, const Schema& schema, const Environment& environment,
                      const Limits& limits, checked::CheckMode mode) {
  CompileResult result;
  if (text.size() > limits.max_text_bytes) {
    result.diagnostics.AddError(
        SourceSpan{0, 1}, fmt::format("expression is too long ({} bytes, limit {})", text.size(),
                                      limits.max_text_bytes));
    return result;
  }
  std::vector<Token> tokens = Lex(text, result.diagnostics);
  if (result.diagnostics.HasErrors()) return result;
  std::unique_ptr<ast::Node> tree = Parse(tokens, limits.max_nesting_depth, result.diagnostics);
  if (tree == nullptr || result.diagnostics.HasErrors()) return result;
  std::optional<checked::CheckedExpr> checked_expr =
      checked::Check(*tree, schema, environment, limits, mode, result.diagnostics);
  if (!checked_expr.has_value() || result.diagnostics.HasErrors()) return result;
  result.program.emplace(detail::Lower(*checked_expr, limits));
  return result;
}

}  // namespace

Type Program::result_type() const { return code_->result_type; }
std::string_view Program::event_type() const { return code_->event_type; }
const std::vector<const FieldInfo*>& Program::fields() const { return code_->fields; }
const std::vector<VariableId>& Program::variables() const { return code_->variables; }
bool Program::uses_register() const { return code_->register_iterator != kNoIterator; }

CompileResult CompileRule(std::string_view text, const Schema& schema,
                          const Environment& environment, const Limits& limits) {
  return Compile(text, schema, environment, limits, checked::CheckMode::kRule);
}

CompileResult CompileFilter(std::string_view text, const Schema& schema,
                            const Environment& environment, const Limits& limits) {
  return Compile(text, schema, environment, limits, checked::CheckMode::kFilter);
}

CompileResult CompileExpression(std::string_view text, const Schema& schema,
                                const Environment& environment, const Limits& limits) {
  return Compile(text, schema, environment, limits, checked::CheckMode::kValue);
}

bool Evaluate(const Program& program, const FieldSource& fields, const VariableSource* variables) {
  return detail::EvaluateCode(program.code(), fields, variables);
}

OwnedValue EvaluateValue(const Program& program, const FieldSource& fields,
                         const VariableSource* variables) {
  return detail::EvaluateCodeValue(program.code(), fields, variables);
}

}  // namespace picket::secl
