// Lexer: (input, token dump) tables for every token class of spec §2.2.

#include "secl/lexer.h"

#include <gtest/gtest.h>

namespace picket::secl {
namespace {

// "kind:text" per token, space separated; ints and durations show their value.
std::string Dump(std::string_view text) {
  Diagnostics diagnostics;
  std::vector<Token> tokens = Lex(text, diagnostics);
  std::string out;
  for (const Token& token : tokens) {
    if (token.kind == TokenKind::kEnd) break;
    if (!out.empty()) out += ' ';
    switch (token.kind) {
      case TokenKind::kIdent:
        out += "id:";
        break;
      case TokenKind::kInt:
        out += "int:" + std::to_string(token.int_value);
        continue;
      case TokenKind::kDuration:
        out += "dur:" + std::to_string(token.int_value);
        continue;
      case TokenKind::kString:
        out += "str:";
        break;
      case TokenKind::kPattern:
        out += "pat:";
        break;
      case TokenKind::kRegexp:
        out += "re:";
        break;
      case TokenKind::kIp:
        out += "ip:";
        break;
      case TokenKind::kCidr:
        out += "cidr:";
        break;
      case TokenKind::kVariable:
        out += "var:";
        break;
      case TokenKind::kFieldRef:
        out += "ref:";
        break;
      case TokenKind::kOperator:
        out += "op:";
        break;
      default:
        break;
    }
    out += token.text;
  }
  if (diagnostics.HasErrors()) out += " !" + diagnostics.items()[0].message;
  return out;
}

struct LexCase {
  std::string_view text;
  std::string_view tokens;
};

constexpr LexCase kCases[] = {
    {"exec.file.name", "id:exec.file.name"},
    {"_x9.y_", "id:_x9.y_"},
    {"process.ancestors[A].comm", "id:process.ancestors[A].comm"},
    {"process.argv[0]", "id:process.argv[0]"},
    {"[O_CREAT, O_RDWR]", "[ id:O_CREAT , id:O_RDWR ]"},
    {"42", "int:42"},
    {"-42", "int:-42"},
    {"+7", "int:7"},
    {"a -1", "id:a int:-1"},
    {"a - 1", "id:a op:- int:1"},
    {"0", "int:0"},
    {"30s", "dur:30000000000"},
    {"5m", "dur:300000000000"},
    {"1h", "dur:3600000000000"},
    {"250ms", "dur:250000000"},
    {"0s", "dur:0"},
    {R"("abc")", "str:abc"},
    {R"("")", "str:"},
    {R"("a\"b")", R"(str:a\"b)"},
    {R"("a\\")", R"(str:a\\)"},
    {R"("multi
line")",
     "str:multi\nline"},
    {R"(~"/tmp/*")", "pat:/tmp/*"},
    {R"(r"^\[.*\]$")", R"(re:^\[.*\]$)"},
    {R"(r"a\"b")", R"(re:a\"b)"},
    {"rename.file.path", "id:rename.file.path"},
    {"${x}", "var:x"},
    {"${process.correlation_key}", "var:process.correlation_key"},
    {"%{process.comm}", "ref:process.comm"},
    {"10.0.0.1", "ip:10.0.0.1"},
    {"10.0.0.0/8", "cidr:10.0.0.0/8"},
    {"::1", "ip:::1"},
    {"::1/128", "cidr:::1/128"},
    {"::/128", "cidr:::/128"},
    {"fe80::1", "ip:fe80::1"},
    {"2001:db8::/32", "cidr:2001:db8::/32"},
    {"::ffff:1.2.3.4", "ip:::ffff:1.2.3.4"},
    {"deadbeef", "id:deadbeef"},
    {"== != < <= > >= =~ !~ && ||", "op:== op:!= op:< op:<= op:> op:>= op:=~ op:!~ op:&& op:||"},
    {"! & | ^ + - ~", "op:! op:& op:| op:^ op:+ op:- op:~"},
    {"( ) [ ] ,", "( ) [ ] ,"},
    {"a==b", "id:a op:== id:b"},
    {"a=~~\"x\"", "id:a op:=~ pat:x"},
    {"a # comment\nb", "id:a id:b"},
    {"a // comment\nb", "id:a id:b"},
    {"a\r\n\tb", "id:a id:b"},
    {"", ""},
    {"   ", ""},
    // Errors.
    {"1d", " !invalid duration '1d'; durations are an integer followed by ms, s, m or h"},
    {"1hs", " !invalid duration '1hs'; durations are an integer followed by ms, s, m or h"},
    {"2h30m", " !invalid duration '2h30m'; durations are an integer followed by ms, s, m or h"},
    {"\"abc", " !unterminated string literal"},
    {"~\"abc\\\"", " !unterminated string literal"},
    {"${", " !malformed variable; expected ${name}"},
    {"${a b}", "id:b !malformed variable; expected ${name}"},
    {"@", " !unexpected character '@'"},
    {"1.2.3.999", " !invalid IP address '1.2.3.999'"},
    {"9223372036854775808", " !integer '9223372036854775808' is out of range"},
    {"9223372036854775807", "int:9223372036854775807"},
    {"-9223372036854775808", "int:-9223372036854775808"},
    {"99999999999h", " !duration '99999999999h' is out of range"},
    {"::1::2", " !invalid IP address '::1::2'"},
};

TEST(LexerTest, TokenClasses) {
  for (const LexCase& c : kCases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(Dump(c.text), c.tokens);
  }
}

TEST(LexerTest, SpansAreByteOffsets) {
  Diagnostics diagnostics;
  std::vector<Token> tokens = Lex(R"(ab  == "x")", diagnostics);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].span.begin, 0u);
  EXPECT_EQ(tokens[0].span.end, 2u);
  EXPECT_EQ(tokens[1].span.begin, 4u);
  EXPECT_EQ(tokens[2].span.begin, 7u);
  EXPECT_EQ(tokens[2].span.end, 10u);
  EXPECT_EQ(tokens[3].kind, TokenKind::kEnd);
  EXPECT_EQ(tokens[3].span.begin, 10u);
}

TEST(LexerTest, StopsAfterTooManyErrors) {
  Diagnostics diagnostics;
  Lex(std::string(100'000, '@'), diagnostics);
  EXPECT_EQ(diagnostics.size(), 21u);
  EXPECT_EQ(diagnostics.items().back().message, "too many lexical errors; giving up");
}

}  // namespace
}  // namespace picket::secl
