#include <fmt/format.h>

#include "secl/compiler.h"
#include "secl/constants.h"
#include "secl/macro.h"
#include "secl/parser.h"

namespace picket::secl {

Environment::Environment() {
  ForEachDefaultConstant(
      [this](std::string_view name, OwnedValue value) { SetConstant(std::string(name), value); });
}

Environment::~Environment() = default;
Environment::Environment(const Environment&) = default;
Environment& Environment::operator=(const Environment&) = default;
Environment::Environment(Environment&&) noexcept = default;
Environment& Environment::operator=(Environment&&) noexcept = default;

void Environment::SetConstant(std::string name, OwnedValue value) {
  constants_.insert_or_assign(std::move(name), std::move(value));
}

const OwnedValue* Environment::FindConstant(std::string_view name) const {
  auto it = constants_.find(name);
  return it == constants_.end() ? nullptr : &it->second;
}

Diagnostics Environment::AddMacro(std::string id, std::string text, const Limits& limits) {
  auto macro = std::make_shared<Macro>();
  macro->id = id;
  macro->text = std::move(text);
  Diagnostics diagnostics;
  if (macro->text.size() > limits.max_text_bytes) {
    diagnostics.AddError(SourceSpan{0, 0}, fmt::format("macro is too long ({} bytes, limit {})",
                                                       macro->text.size(), limits.max_text_bytes));
  } else {
    std::vector<Token> tokens = Lex(macro->text, diagnostics);
    if (!diagnostics.HasErrors()) {
      std::unique_ptr<ast::Node> body =
          ParseMacroBody(tokens, limits.max_nesting_depth, diagnostics);
      if (body != nullptr && !diagnostics.HasErrors()) macro->body = std::move(body);
    }
  }
  macro->has_errors = diagnostics.HasErrors();
  macros_.insert_or_assign(std::move(id), std::move(macro));
  return diagnostics;
}

void Environment::AddValuesMacro(std::string id, std::vector<std::string> values) {
  auto macro = std::make_shared<Macro>();
  macro->id = id;
  macro->is_values = true;
  macro->values = std::move(values);
  macros_.insert_or_assign(std::move(id), std::move(macro));
}

bool Environment::HasMacro(std::string_view id) const { return macros_.count(id) > 0; }

void Environment::RemoveMacro(std::string_view id) {
  auto it = macros_.find(id);
  if (it != macros_.end()) macros_.erase(it);
}

const Environment::Macro* Environment::FindMacro(std::string_view id) const {
  auto it = macros_.find(id);
  return it == macros_.end() ? nullptr : it->second.get();
}

Result<VariableId> Environment::DeclareVariable(std::string_view name, Type type) {
  if (const VariableDeclaration* existing = FindVariable(name)) {
    if (existing->type == type) return existing->id;
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("variable '{}' is declared as {} and as {}", name,
                             TypeName(existing->type), TypeName(type)));
  }
  const auto id = static_cast<VariableId>(variables_.size());
  variables_.push_back(VariableDeclaration{id, std::string(name), type});
  return id;
}

const VariableDeclaration* Environment::FindVariable(std::string_view name) const {
  for (const VariableDeclaration& variable : variables_) {
    if (variable.name == name) return &variable;
  }
  return nullptr;
}

BuiltinVariables DeclareBuiltinVariables(Environment& environment) {
  BuiltinVariables builtins;
  // Both names are reserved for the engine; a conflicting earlier
  // declaration keeps its id and type (the policy loader reports it).
  if (Result<VariableId> id =
          environment.DeclareVariable("process.pid", Type{ScalarType::kInt, false})) {
    builtins.process_pid = *id;
  }
  if (Result<VariableId> id =
          environment.DeclareVariable("builtins.uuid4", Type{ScalarType::kString, false})) {
    builtins.uuid4 = *id;
  }
  return builtins;
}

}  // namespace picket::secl
