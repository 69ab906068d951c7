// Parser: (input, tree dump) tables, precedence and associativity of spec
// §3.2, and the syntax errors a rule author sees.

#include "secl/parser.h"

#include <gtest/gtest.h>

#include "secl/ast.h"

namespace picket::secl {
namespace {

struct ParseCase {
  std::string_view rule;
  std::string_view tree;
};

constexpr ParseCase kCases[] = {
    {R"(exec.file.name == "bash")", R"((== exec.file.name "bash"))"},
    {R"(exec.file.name=="bash")", R"((== exec.file.name "bash"))"},
    {R"(process.parent.ppid !=2)", R"((!= process.parent.ppid 2))"},
    {R"(a == 1 && b == 2)", R"((&& (== a 1) (== b 2)))"},
    {R"(a == 1 && b == 2 && c == 3)", R"((&& (== a 1) (== b 2) (== c 3)))"},
    // && and || share one level and group to the right.
    {R"(a && b || c)", R"((&& a (|| b c)))"},
    {R"(a || b && c)", R"((|| a (&& b c)))"},
    {R"(a && b || c && d)", R"((&& a (|| b (&& c d))))"},
    {R"((a && b) || c)", R"((|| (&& a b) c))"},
    {R"(a and b or c)", R"((&& a (|| b c)))"},
    {R"(true && false || true)", R"((&& true (|| false true)))"},
    // Unary operators bind to the next operand.
    {R"(!a == b)", R"((== (! a) b))"},
    {R"(!(a == b))", R"((! (== a b)))"},
    {R"(not a)", R"((! a))"},
    {R"(not(a == "x"))", R"((! (== a "x")))"},
    {R"(!!a)", R"((! (! a)))"},
    {R"(- a)", R"((- a))"},
    {R"(^a == 1)", R"((== (^ a) 1))"},
    // Bit operators bind tighter than comparisons, one level, right.
    {R"(open.flags & O_CREAT > 0)", R"((> (& open.flags O_CREAT) 0))"},
    {R"(a & b | c)", R"((& a (| b c)))"},
    {R"(a | b & c)", R"((| a (& b c)))"},
    {R"(a ^ b & c == 0)", R"((== (^ a (& b c)) 0))"},
    {R"(open.flags & (OPEN_WRITE_FLAGS) > 0)", R"((> (& open.flags OPEN_WRITE_FLAGS) 0))"},
    // Arithmetic is left-associative, below bit operators.
    {R"(${x} + 1)", R"((+ ${x} 1))"},
    {R"(a - b - c)", R"((- (- a b) c))"},
    {R"(a + b & c)", R"((+ a (& b c)))"},
    {R"(a - 1 == 2)", R"((== (- a 1) 2))"},
    // Comparison chains group to the right.
    {R"(a == b == c)", R"((== a (== b c)))"},
    {R"(a < 1)", R"((< a 1))"},
    {R"(a <= 1)", R"((<= a 1))"},
    {R"(a > -1)", R"((> a -1))"},
    {R"(a >= +1)", R"((>= a 1))"},
    {R"(a =~ "x*")", R"((=~ a "x*"))"},
    {R"(a !~ ~"x*")", R"((!~ a ~"x*"))"},
    {R"(a =~ r"^x$")", R"((=~ a r"^x$"))"},
    // Membership.
    {R"(a in ["x", ~"y*", r"z"])", R"((in a ["x" ~"y*" r"z"]))"},
    {R"(a not in [1, 2, 3])", R"((not-in a [1 2 3]))"},
    {R"(a allin ["x"])", R"((allin a ["x"]))"},
    {R"(a in MACRO)", R"((in a MACRO))"},
    {R"(a in ${var})", R"((in a ${var}))"},
    {R"(a in %{process.comm})", R"((in a %{process.comm}))"},
    {R"(ip in 10.0.0.0/8)", R"((in ip 10.0.0.0/8))"},
    {R"(ip not in [127.0.0.0/8, 0.0.0.0/32, ::1/128, ::/128])",
     R"((not-in ip [127.0.0.0/8 0.0.0.0/32 ::1/128 ::/128]))"},
    {R"(a in [O_CREAT, O_RDWR])", R"((in a [O_CREAT O_RDWR]))"},
    {R"("x" in exec.argv)", R"((in "x" exec.argv))"},
    {R"(a in ["x"] && b)", R"((&& (in a ["x"]) b))"},
    {R"(not a in ["x"])", R"((in (! a) ["x"]))"},
    // Literals.
    {R"(a == "a\"b")", R"((== a "a\"b"))"},
    {R"(a == 30s)", R"((== a 30000000000ns))"},
    {R"(a > 250ms)", R"((> a 250000000ns))"},
    {R"(a < 1h)", R"((< a 3600000000000ns))"},
    {R"(a == 5m)", R"((== a 300000000000ns))"},
    {R"(a == ::1)", R"((== a ::1))"},
    {R"(a == fe80::1)", R"((== a fe80::1))"},
    {R"(a == 192.168.0.1)", R"((== a 192.168.0.1))"},
    {R"(a == "${x}")", R"((== a "${x}"))"},
    {R"(process.ancestors[A].comm == "git")", R"((== process.ancestors[A].comm "git"))"},
    {R"(process.argv[0] == "x")", R"((== process.argv[0] "x"))"},
    // Whitespace, CR, comments.
    {"a == 1\r\n&& b == 2", R"((&& (== a 1) (== b 2)))"},
    {"a == 1 # comment\n&& b", R"((&& (== a 1) b))"},
    {"a == 1 // comment\n|| b", R"((|| (== a 1) b))"},
    {"(\n  a\n)", "a"},
    {R"(((((a)))))", "a"},
    {R"(a && (b || c) && d)", R"((&& a (|| b c) d))"},
    {R"(exec.file.in_upper_layer)", R"(exec.file.in_upper_layer)"},
    {R"(exec.file.in_upper_layer != false)", R"((!= exec.file.in_upper_layer false))"},
};

TEST(ParserTest, BuildsExpectedTree) {
  for (const ParseCase& c : kCases) {
    SCOPED_TRACE(c.rule);
    Diagnostics diagnostics;
    std::unique_ptr<ast::Node> tree = ParseText(c.rule, 256, diagnostics);
    ASSERT_NE(tree, nullptr) << diagnostics.RenderAll(c.rule);
    EXPECT_FALSE(diagnostics.HasErrors());
    EXPECT_EQ(ast::DebugString(*tree), c.tree);
  }
}

struct ErrorCase {
  std::string_view rule;
  std::string_view rendered;
};

const ErrorCase kErrorCases[] = {
    {R"(exec.file.name == )", R"(rule:1:19: error: expected an operand, found end of expression
exec.file.name == 
                  ^
)"},
    {R"((a == 1)", R"(rule:1:1: error: unbalanced '(': missing ')'
(a == 1
^
)"},
    {R"(a == 1))",
     R"(rule:1:7: error: expected an operator or the end of the expression, found ')' ')'
a == 1)
      ^
)"},
    {R"(["a"] == x)", R"(rule:1:1: error: a list is only allowed after 'in', 'not in' or 'allin'
["a"] == x
^
)"},
    {R"(a in ["x", 1)", R"(rule:1:6: error: unbalanced '[': missing ']'
a in ["x", 1
     ^
)"},
    {R"(a in [])", R"(rule:1:7: error: empty list
a in []
      ^
)"},
    {R"(a in "x")",
     R"(rule:1:6: error: expected a list, a macro, a field, a variable or a CIDR, found string
a in "x"
     ^~~
)"},
    {R"(${x}+1)",
     R"(rule:1:5: error: expected an operator or the end of the expression, found integer '+1'
${x}+1
    ^~
)"},
    {R"(a == 1d)",
     R"(rule:1:6: error: invalid duration '1d'; durations are an integer followed by ms, s, m or h
a == 1d
     ^~
)"},
    {R"(a == 1hs)",
     R"(rule:1:6: error: invalid duration '1hs'; durations are an integer followed by ms, s, m or h
a == 1hs
     ^~~
)"},
    {R"(a == "abc)", R"(rule:1:6: error: unterminated string literal
a == "abc
     ^~~~
)"},
    {R"(a == r"abc)", R"(rule:1:6: error: unterminated string literal
a == r"abc
     ^~~~~
)"},
    {R"(a == 99999999999999999999)",
     R"(rule:1:6: error: integer '99999999999999999999' is out of range
a == 99999999999999999999
     ^~~~~~~~~~~~~~~~~~~~
)"},
    {R"(a == ${1x})", R"(rule:1:6: error: malformed variable; expected ${name}
a == ${1x}
     ^~~~~
)"},
    {R"(a @ b)", R"(rule:1:3: error: unexpected character '@'
a @ b
  ^
)"},
    {"a == \"x\" && \xff",
     "rule:1:13: error: unexpected byte 0xff (SECL text is ASCII outside string literals)\na == "
     "\"x\" && ?\n            ^\n"},
    {R"(a && )", R"(rule:1:6: error: expected an operand, found end of expression
a && 
     ^
)"},
    {R"(a in )",
     R"(rule:1:6: error: expected a list, a macro, a field, a variable or a CIDR, found end of expression
a in 
     ^
)"},
    {R"(and)", R"(rule:1:1: error: expected an operand, found identifier 'and'
and
^~~
)"},
    {"a ==\n  b &&\n  c ==",
     "rule:3:7: error: expected an operand, found end of expression\n  c ==\n      ^\n"},
};

TEST(ParserTest, RendersSyntaxErrors) {
  for (const ErrorCase& c : kErrorCases) {
    SCOPED_TRACE(c.rule);
    Diagnostics diagnostics;
    std::unique_ptr<ast::Node> tree = ParseText(c.rule, 256, diagnostics);
    EXPECT_EQ(tree, nullptr);
    EXPECT_EQ(diagnostics.RenderAll(c.rule), c.rendered);
  }
}

TEST(ParserTest, WarnsWhenMixingAndOrWithoutParentheses) {
  Diagnostics diagnostics;
  std::string_view rule = "a && b || c";
  ASSERT_NE(ParseText(rule, 256, diagnostics), nullptr);
  EXPECT_FALSE(diagnostics.HasErrors());
  EXPECT_EQ(diagnostics.RenderAll(rule),
            "rule:1:1: warning: '&&' and '||' have the same precedence in SECL and group to the "
            "right\na && b || c\n^~~~~~~~~~~\nhint: add parentheses to make the grouping "
            "explicit\n");
}

TEST(ParserTest, DeepNestingIsADiagnosticNotACrash) {
  for (std::string_view unit : {"(", "!", "- "}) {
    std::string rule;
    for (int i = 0; i < 10'000; ++i) rule += unit;
    rule += "a";
    if (unit == "(") rule += std::string(10'000, ')');
    Diagnostics diagnostics;
    EXPECT_EQ(ParseText(rule, 256, diagnostics), nullptr) << unit;
    ASSERT_TRUE(diagnostics.HasErrors());
    EXPECT_EQ(diagnostics.items()[0].message, "expression is nested too deeply (limit 256 levels)");
  }
}

TEST(ParserTest, LongFlatChainsStayFlat) {
  std::string rule = "a == 1";
  for (int i = 0; i < 20'000; ++i) rule += " && a == 1";
  Diagnostics diagnostics;
  std::unique_ptr<ast::Node> tree = ParseText(rule, 256, diagnostics);
  ASSERT_NE(tree, nullptr);
  EXPECT_EQ(tree->children.size(), 20'001u);
  EXPECT_EQ(tree->height, 3u);
}

TEST(ParserTest, LongAlternatingChainsHitTheDepthLimit) {
  std::string rule = "a";
  for (int i = 0; i < 5'000; ++i) rule += i % 2 == 0 ? " && a" : " || a";
  Diagnostics diagnostics;
  EXPECT_EQ(ParseText(rule, 256, diagnostics), nullptr);
  EXPECT_TRUE(diagnostics.HasErrors());
}

TEST(ParserTest, MacroBodyMayBeAList) {
  Diagnostics diagnostics;
  std::vector<Token> tokens = Lex(R"(["pip3", ~"pip*"])", diagnostics);
  std::unique_ptr<ast::Node> tree = ParseMacroBody(tokens, 256, diagnostics);
  ASSERT_NE(tree, nullptr);
  EXPECT_EQ(ast::DebugString(*tree), R"(["pip3" ~"pip*"])");
  tokens = Lex("O_WRONLY|O_RDWR|O_CREAT", diagnostics);
  tree = ParseMacroBody(tokens, 256, diagnostics);
  ASSERT_NE(tree, nullptr);
  EXPECT_EQ(ast::DebugString(*tree), "(| O_WRONLY (| O_RDWR O_CREAT))");
}

}  // namespace
}  // namespace picket::secl
