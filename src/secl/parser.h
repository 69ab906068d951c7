// src/secl/parser.h
//
// Stage 2: tokens → ast::Node (spec §3). Hand-written recursive descent with
// the SECL precedences (§3.2, highest first): unary ! not - ^ (binding to the
// next operand); & | ^ (one level, right); + - (left); comparisons and
// in / not in / allin (right); && and || and or (ONE level, right, so
// `a && b || c` is `a && (b || c)`).
//
// Stops at the first syntax error (one diagnostic) and returns nullptr.
// Input nested deeper than max_nesting_depth gets a diagnostic, never a
// stack overflow.

#ifndef PICKET_SECL_PARSER_H_
#define PICKET_SECL_PARSER_H_

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

#include "secl/ast.h"
#include "secl/diagnostic.h"
#include "secl/lexer.h"

namespace picket::secl {

// A rule, filter or value expression. `tokens` must end with kEnd.
std::unique_ptr<ast::Node> Parse(std::span<const Token> tokens, std::size_t max_nesting_depth,
                                 Diagnostics& diagnostics);
// A macro body: an array literal or an expression (spec §3.1 macro_body).
std::unique_ptr<ast::Node> ParseMacroBody(std::span<const Token> tokens,
                                          std::size_t max_nesting_depth, Diagnostics& diagnostics);

// Lex + Parse; nullptr when either reported an error.
std::unique_ptr<ast::Node> ParseText(std::string_view text, std::size_t max_nesting_depth,
                                     Diagnostics& diagnostics);

}  // namespace picket::secl

#endif  // PICKET_SECL_PARSER_H_
