// src/secl/compiler.h
//
// The public compile/evaluate API that policy/ and engine/ use.
//
// Text → Program in four stages, each a free function from one immutable form
// to the next, one file each (lexer.cc, parser.cc, checker.cc, lowering.cc;
// see the stage headers). No stage throws. A Program exists iff no error
// diagnostic was produced. Programs are immutable, cheap to copy (shared
// state) and safe to evaluate from several threads at once.
//
// Environment holds what a policy contributes besides rules: constants
// (preloaded with spec §9), macros and variable declarations. The policy
// loader fills it (macros first, then a `DeclareVariable` for every `set`
// action) before compiling rules. A Program does not refer to the
// Environment after compilation; the Schema must outlive Program::fields().

#ifndef PICKET_SECL_COMPILER_H_
#define PICKET_SECL_COMPILER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "secl/diagnostic.h"
#include "secl/field_source.h"
#include "secl/schema.h"
#include "secl/value.h"

namespace picket::secl {

struct Limits {
  // Longer texts are rejected with one diagnostic before lexing.
  std::size_t max_text_bytes = 256 * 1024;
  // Parenthesis/unary/operator nesting; deeper input gets a diagnostic
  // instead of exhausting the stack.
  std::size_t max_nesting_depth = 256;
  // Macro expansion nesting (a macro using a macro ...).
  std::size_t max_macro_depth = 32;
  // RE2 memory budget per regular expression; bigger automata are rejected.
  std::int64_t regex_max_memory_bytes = 1 << 20;
  // process.ancestors[A]: iterations per evaluation (reference: 100).
  std::uint32_t max_register_iterations = 100;
};

struct VariableDeclaration {
  VariableId id = 0;
  // As written between "${" and "}": "foo" (global), "process.foo",
  // "container.foo", "cgroup.foo", or a builtin ("process.pid",
  // "builtins.uuid4").
  std::string name;
  Type type;
};

namespace ast {
struct Node;
}

class Environment {
 public:
  // Preloaded with the constants of spec §9 (every one default.policy uses
  // plus the usual families), true/false included.
  Environment();
  ~Environment();
  Environment(const Environment&);
  Environment& operator=(const Environment&);
  Environment(Environment&&) noexcept;
  Environment& operator=(Environment&&) noexcept;

  // Adds or replaces a named constant (scalar or array).
  void SetConstant(std::string name, OwnedValue value);
  const OwnedValue* FindConstant(std::string_view name) const;

  // Adds (or replaces) a macro whose body is SECL text: an expression, an
  // array literal or a single primary (spec §3.1 macro_body). The text is
  // parsed now; its parse errors are returned with spans into `text`. A
  // macro with errors is still recorded, and a rule using it gets
  // "macro 'X' has errors". Macros are typed at each use site (a list macro
  // of patterns becomes globs after a path field), may use other macros
  // regardless of insertion order, and cycles are diagnosed at use.
  Diagnostics AddMacro(std::string id, std::string text, const Limits& limits = {});
  // A `values:` macro: a list of plain strings (spec §7.1).
  void AddValuesMacro(std::string id, std::vector<std::string> values);
  bool HasMacro(std::string_view id) const;
  void RemoveMacro(std::string_view id);

  // Declares `${name}` with its load-time type (spec §8.2). Declaring the
  // same name again with the same type returns the same id; a different type
  // is an error (kInvalidArgument) naming both types.
  Result<VariableId> DeclareVariable(std::string_view name, Type type);
  const VariableDeclaration* FindVariable(std::string_view name) const;
  const std::vector<VariableDeclaration>& variables() const { return variables_; }

  struct Macro;  // defined in environment.cc
  const Macro* FindMacro(std::string_view id) const;

 private:
  std::map<std::string, OwnedValue, std::less<>> constants_;
  std::map<std::string, std::shared_ptr<const Macro>, std::less<>> macros_;
  std::vector<VariableDeclaration> variables_;
};

// Declares the engine-provided variables: ${process.pid} (int) and
// ${builtins.uuid4} (string, fresh per read). The engine's VariableSource
// must answer them by the returned ids.
struct BuiltinVariables {
  VariableId process_pid = 0;
  VariableId uuid4 = 0;
};
BuiltinVariables DeclareBuiltinVariables(Environment& environment);

namespace detail {
struct ProgramCode;  // lowering.h
}

class Program {
 public:
  explicit Program(std::shared_ptr<const detail::ProgramCode> code) : code_(std::move(code)) {}

  Type result_type() const;
  // The inferred event type ("exec", "open", ...) for rules; "" for filters
  // and value expressions that use only common fields.
  std::string_view event_type() const;
  // Every distinct field the program reads, macros included, in first-use
  // order. Pointers into the Schema the program was compiled against.
  const std::vector<const FieldInfo*>& fields() const;
  // Every variable the program reads.
  const std::vector<VariableId>& variables() const;
  // True when the rule uses a bound iterator (process.ancestors[A]).
  bool uses_register() const;

  const detail::ProgramCode& code() const { return *code_; }

 private:
  std::shared_ptr<const detail::ProgramCode> code_;
};

struct CompileResult {
  std::optional<Program> program;  // present iff diagnostics has no error
  Diagnostics diagnostics;
};

// A rule expression: must be bool and use fields of exactly one event type
// ("no event in the rule definition" / "rule with multiple events is not
// supported" otherwise).
CompileResult CompileRule(std::string_view text, const Schema& schema,
                          const Environment& environment, const Limits& limits = {});
// A bool expression with no event-type requirement (action `filter`).
CompileResult CompileFilter(std::string_view text, const Schema& schema,
                            const Environment& environment, const Limits& limits = {});
// An expression of any type (set.expression: `${x} + 1`,
// "cgroup_${builtins.uuid4}"); no event-type requirement.
CompileResult CompileExpression(std::string_view text, const Schema& schema,
                                const Environment& environment, const Limits& limits = {});

// Evaluates a bool program (CompileRule/CompileFilter, or CompileExpression
// with a bool result). `variables` may be null: every variable then reads as
// its zero value. Never fails; missing data reads as zero values.
bool Evaluate(const Program& program, const FieldSource& fields,
              const VariableSource* variables = nullptr);
// Evaluates a program of any type into an owning value.
OwnedValue EvaluateValue(const Program& program, const FieldSource& fields,
                         const VariableSource* variables = nullptr);

}  // namespace picket::secl

#endif  // PICKET_SECL_COMPILER_H_
