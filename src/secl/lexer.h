// src/secl/lexer.h
//
// Stage 1: text → tokens (spec §2). Hand-written, longest match. String,
// pattern and regexp literals keep their raw text (no escape processing;
// `\"` only prevents the quote from ending the literal). Whitespace is space,
// TAB, LF and CR; comments run from `#` or `//` to the end of the line.
// Two-character operators must be written without inner spaces.
//
// Token texts are views into the lexed text, which must outlive them.
// Errors (unterminated literal, bad duration, stray byte) are reported and
// the lexer carries on, so one run reports every lexical problem.

#ifndef PICKET_SECL_LEXER_H_
#define PICKET_SECL_LEXER_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "secl/diagnostic.h"

namespace picket::secl {

enum class TokenKind : std::uint8_t {
  kIdent,     // exec.file.path, process.ancestors[A].comm, in, not, and, true
  kInt,       // 42, -1 (the sign is part of the literal, spec §2.2 item 4)
  kDuration,  // 30s, 5m, 1h, 250ms; int_value in nanoseconds
  kString,    // "..."; text is the raw content between the quotes
  kPattern,   // ~"..."
  kRegexp,    // r"..."
  kIp,        // 10.0.0.1, ::1 (text is the literal)
  kCidr,      // 10.0.0.0/8, ::1/128
  kVariable,  // ${name}; text is the name between the braces
  kFieldRef,  // %{field}; text is the field name
  kOperator,  // == != < <= > >= =~ !~ && || ! & | ^ + - ~
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kEnd,  // always the last token
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  SourceSpan span;
  std::string_view text;
  std::int64_t int_value = 0;  // kInt, kDuration
};

std::vector<Token> Lex(std::string_view text, Diagnostics& diagnostics);

std::string_view TokenKindName(TokenKind kind);

}  // namespace picket::secl

#endif  // PICKET_SECL_LEXER_H_
