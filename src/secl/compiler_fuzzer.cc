// libFuzzer target for the SECL compiler (fuzz preset only). Invariants: a
// program exists exactly when no error was reported, every diagnostic
// renders, and any program evaluates without crashing.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "secl/compiler.h"
#include "secl/testing_schema.h"

namespace {

using namespace picket::secl;

struct FuzzContext {
  Environment environment;
  testing::TestVariables variables;
  testing::TestEvent event;

  FuzzContext() {
    (void)environment.AddMacro("shells", R"(["bash", ~"*sh", r"^z"])");
    (void)environment.AddMacro("MASK", "O_WRONLY|O_RDWR|O_CREAT");
    (void)environment.AddMacro("is_shell", "exec.comm in shells");
    const VariableId v = *environment.DeclareVariable("v", {ScalarType::kString, false});
    const VariableId n = *environment.DeclareVariable("n", {ScalarType::kInt, false});
    const VariableId list =
        *environment.DeclareVariable("cgroup.list", {ScalarType::kString, true});
    const BuiltinVariables builtins = DeclareBuiltinVariables(environment);
    variables.Set(v, std::string("x")).Set(n, std::int64_t{3});
    variables.Set(list, std::vector<std::string>{"a", "b"});
    variables.Set(builtins.process_pid, std::int64_t{42});
    variables.Set(builtins.uuid4, std::string("00000000-0000-4000-8000-000000000000"));
    event.SetNow(1'700'000'000'000'000'000)
        .Set("exec.comm", std::string("bash"))
        .Set("exec.file.path", std::string("/tmp/a/b"))
        .Set("exec.argv", std::vector<std::string>{"-c", "id"})
        .Set("exec.uid", std::int64_t{0})
        .Set("packet.destination.ips",
             std::vector<IpNetwork>{*IpNetwork::Parse("10.0.0.1"), *IpNetwork::Parse("::1")})
        .AddAncestor({{"comm", std::string("sshd")}, {"uid", std::int64_t{74}}})
        .AddAncestor({{"comm", std::string("init")}, {"argv", std::vector<std::string>{"x"}}});
  }
};

void CheckOne(const CompileResult& result, std::string_view text, bool is_rule,
              const FuzzContext& context) {
  // A program exists exactly when no error was reported.
  if (result.program.has_value() == result.diagnostics.HasErrors()) __builtin_trap();
  for (const Diagnostic& diagnostic : result.diagnostics) {
    if (Render(diagnostic, text, "fuzz").empty()) __builtin_trap();
  }
  if (!result.program.has_value()) return;
  if (is_rule) {
    (void)Evaluate(*result.program, context.event, &context.variables);
    (void)Evaluate(*result.program, testing::TestEvent(), nullptr);
  } else {
    (void)EvaluateValue(*result.program, context.event, &context.variables);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;  // longer rules add run time, not coverage
  static const FuzzContext* context = new FuzzContext();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Schema& schema = testing::SmallSchema();
  CheckOne(CompileRule(text, schema, context->environment), text, true, *context);
  CheckOne(CompileExpression(text, schema, context->environment), text, false, *context);
  return 0;
}
