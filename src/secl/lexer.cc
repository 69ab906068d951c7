#include "secl/lexer.h"

#include <charconv>
#include <limits>
#include <string>

#include "secl/value.h"

namespace picket::secl {
namespace {

constexpr std::size_t kMaxLexErrors = 20;  // past this, the text is not SECL

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsIdentStart(char c) { return IsLetter(c) || c == '_'; }
bool IsIdentChar(char c) { return IsLetter(c) || IsDigit(c) || c == '_' || c == '.'; }

class Lexer {
 public:
  Lexer(std::string_view text, Diagnostics& diagnostics) : text_(text), diagnostics_(diagnostics) {}

  std::vector<Token> Run() {
    while (position_ < text_.size() && errors_ < kMaxLexErrors) LexOne();
    if (errors_ >= kMaxLexErrors && position_ < text_.size()) {
      diagnostics_.AddError(Span(position_, text_.size()), "too many lexical errors; giving up");
    }
    tokens_.push_back(Token{TokenKind::kEnd, Span(text_.size(), text_.size()), {}, 0});
    return std::move(tokens_);
  }

 private:
  SourceSpan Span(std::size_t begin, std::size_t end) const {
    return SourceSpan{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
  }
  char At(std::size_t index) const { return index < text_.size() ? text_[index] : '\0'; }

  void Error(std::size_t begin, std::size_t end, std::string message) {
    diagnostics_.AddError(Span(begin, end), std::move(message));
    ++errors_;
  }

  void Emit(TokenKind kind, std::size_t begin, std::size_t end, std::string_view value,
            std::int64_t int_value = 0) {
    tokens_.push_back(Token{kind, Span(begin, end), value, int_value});
  }

  void LexOne() {
    const std::size_t start = position_;
    const char c = text_[position_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++position_;
      return;
    }
    if (c == '#' || (c == '/' && At(position_ + 1) == '/')) {
      while (position_ < text_.size() && text_[position_] != '\n') ++position_;
      return;
    }
    if ((c == '$' || c == '%') && At(position_ + 1) == '{') {
      LexBraced(c == '$' ? TokenKind::kVariable : TokenKind::kFieldRef);
      return;
    }
    if (c == 'r' && At(position_ + 1) == '"') {
      LexQuoted(TokenKind::kRegexp, position_ + 1);
      return;
    }
    if (c == '~' && At(position_ + 1) == '"') {
      LexQuoted(TokenKind::kPattern, position_ + 1);
      return;
    }
    if (c == '"') {
      LexQuoted(TokenKind::kString, position_);
      return;
    }
    if (TryLexIp()) return;
    if (IsDigit(c) || ((c == '-' || c == '+') && IsDigit(At(position_ + 1)))) {
      LexNumber();
      return;
    }
    if (IsIdentStart(c)) {
      LexIdent();
      return;
    }
    static constexpr std::string_view kTwoCharOperators[] = {
        "==", "!=", "<=", ">=", "=~", "!~", "&&", "||"};
    for (std::string_view op : kTwoCharOperators) {
      if (text_.substr(position_, 2) == op) {
        position_ += 2;
        Emit(TokenKind::kOperator, start, position_, text_.substr(start, 2));
        return;
      }
    }
    ++position_;
    switch (c) {
      case '(':
        Emit(TokenKind::kLParen, start, position_, text_.substr(start, 1));
        return;
      case ')':
        Emit(TokenKind::kRParen, start, position_, text_.substr(start, 1));
        return;
      case '[':
        Emit(TokenKind::kLBracket, start, position_, text_.substr(start, 1));
        return;
      case ']':
        Emit(TokenKind::kRBracket, start, position_, text_.substr(start, 1));
        return;
      case ',':
        Emit(TokenKind::kComma, start, position_, text_.substr(start, 1));
        return;
      case '!':
      case '<':
      case '>':
      case '&':
      case '|':
      case '^':
      case '+':
      case '-':
      case '~':
      case '=':
        Emit(TokenKind::kOperator, start, position_, text_.substr(start, 1));
        return;
      default:
        break;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      Error(start, position_, std::string("unexpected character '") + c + "'");
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      Error(start, position_,
            std::string("unexpected byte 0x") + kHex[byte >> 4] + kHex[byte & 0xf] +
                " (SECL text is ASCII outside string literals)");
    }
  }

  // `quote` is the index of the opening '"'; the token starts at position_.
  void LexQuoted(TokenKind kind, std::size_t quote) {
    const std::size_t start = position_;
    std::size_t i = quote + 1;
    while (i < text_.size() && text_[i] != '"') {
      i += text_[i] == '\\' ? 2 : 1;
    }
    if (i >= text_.size()) {
      Error(start, text_.size(), "unterminated string literal");
      position_ = text_.size();
      return;
    }
    position_ = i + 1;
    Emit(kind, start, position_, text_.substr(quote + 1, i - quote - 1));
  }

  void LexBraced(TokenKind kind) {
    const std::size_t start = position_;
    std::size_t i = position_ + 2;
    const char first = At(i);
    bool valid = IsIdentStart(first);
    while (i < text_.size() && text_[i] != '}') {
      const char c = text_[i];
      if (!(IsIdentChar(c) || (kind == TokenKind::kFieldRef && (c == '[' || c == ']')))) {
        valid = false;
        break;
      }
      ++i;
    }
    if (i >= text_.size() || text_[i] != '}' || !valid) {
      const std::size_t end = (i < text_.size() && text_[i] == '}') ? i + 1 : i;
      Error(start, end == start ? start + 2 : end,
            kind == TokenKind::kVariable ? "malformed variable; expected ${name}"
                                         : "malformed field reference; expected %{field}");
      position_ = end == start ? start + 2 : end;
      return;
    }
    position_ = i + 1;
    Emit(kind, start, position_, text_.substr(start + 2, i - start - 2));
  }

  // IPv4 dotted quads and IPv6 literals, optionally followed by "/prefix".
  // They win over numbers and identifiers when they are longer (spec §2.2).
  bool TryLexIp() {
    const char c = text_[position_];
    if (!IsHex(c) && c != ':') return false;
    std::size_t end = position_;
    std::size_t colons = 0;
    std::size_t dots = 0;
    while (end < text_.size() && (IsHex(text_[end]) || text_[end] == ':' || text_[end] == '.')) {
      colons += text_[end] == ':';
      dots += text_[end] == '.';
      ++end;
    }
    if (colons == 0 && !(dots == 3 && IsDigit(c))) return false;
    std::size_t literal_end = end;
    bool is_cidr = false;
    if (At(end) == '/' && IsDigit(At(end + 1))) {
      literal_end = end + 1;
      while (literal_end < text_.size() && IsDigit(text_[literal_end])) ++literal_end;
      is_cidr = true;
    }
    const std::string_view literal = text_.substr(position_, literal_end - position_);
    if (!IpNetwork::Parse(literal).has_value()) {
      if (colons == 0 && !IsDigit(c)) return false;
      if (IsLetter(c)) return false;  // an identifier such as `a:b` is reported later
      Error(position_, literal_end, "invalid IP address '" + std::string(literal) + "'");
      position_ = literal_end;
      return true;
    }
    const std::size_t start = position_;
    position_ = literal_end;
    Emit(is_cidr ? TokenKind::kCidr : TokenKind::kIp, start, literal_end, literal);
    return true;
  }

  void LexNumber() {
    const std::size_t start = position_;
    std::size_t i = position_;
    if (text_[i] == '-' || text_[i] == '+') ++i;
    while (i < text_.size() && IsDigit(text_[i])) ++i;
    const std::size_t digits_end = i;
    while (i < text_.size() && (IsLetter(text_[i]) || IsDigit(text_[i]) || text_[i] == '_')) ++i;
    position_ = i;
    const std::string_view suffix = text_.substr(digits_end, i - digits_end);

    std::string_view digits = text_.substr(start, digits_end - start);
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size()) {
      Error(start, i,
            "integer '" + std::string(text_.substr(start, i - start)) + "' is out of range");
      return;
    }
    if (suffix.empty()) {
      Emit(TokenKind::kInt, start, i, text_.substr(start, i - start), value);
      return;
    }
    std::int64_t unit_ns = 0;
    if (suffix == "ms") {
      unit_ns = 1'000'000;
    } else if (suffix == "s") {
      unit_ns = 1'000'000'000;
    } else if (suffix == "m") {
      unit_ns = 60'000'000'000;
    } else if (suffix == "h") {
      unit_ns = 3'600'000'000'000;
    } else {
      Error(start, i,
            "invalid duration '" + std::string(text_.substr(start, i - start)) +
                "'; durations are an integer followed by ms, s, m or h");
      return;
    }
    std::int64_t nanoseconds = 0;
    if (__builtin_mul_overflow(value, unit_ns, &nanoseconds)) {
      Error(start, i,
            "duration '" + std::string(text_.substr(start, i - start)) + "' is out of range");
      return;
    }
    Emit(TokenKind::kDuration, start, i, text_.substr(start, i - start), nanoseconds);
  }

  // Letters, digits, '_', '.', and bracket groups such as "[A]" or "[0]"
  // (registers and subscripts, spec §6). Unlike the reference lexer, a ']'
  // without a matching '[' in the identifier ends it, so `[A, B]` lists of
  // constants work without a trailing space.
  void LexIdent() {
    const std::size_t start = position_;
    std::size_t i = position_;
    while (i < text_.size()) {
      if (IsIdentChar(text_[i])) {
        ++i;
        continue;
      }
      if (text_[i] == '[') {
        std::size_t j = i + 1;
        while (j < text_.size() && IsIdentChar(text_[j]) && text_[j] != '.') ++j;
        if (j < text_.size() && text_[j] == ']' && j > i + 1) {
          i = j + 1;
          continue;
        }
      }
      break;
    }
    position_ = i;
    Emit(TokenKind::kIdent, start, i, text_.substr(start, i - start));
  }

  std::string_view text_;
  Diagnostics& diagnostics_;
  std::vector<Token> tokens_;
  std::size_t position_ = 0;
  std::size_t errors_ = 0;
};

}  // namespace

std::vector<Token> Lex(std::string_view text, Diagnostics& diagnostics) {
  return Lexer(text, diagnostics).Run();
}

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kIdent:
      return "identifier";
    case TokenKind::kInt:
      return "integer";
    case TokenKind::kDuration:
      return "duration";
    case TokenKind::kString:
      return "string";
    case TokenKind::kPattern:
      return "pattern";
    case TokenKind::kRegexp:
      return "regular expression";
    case TokenKind::kIp:
      return "IP address";
    case TokenKind::kCidr:
      return "CIDR";
    case TokenKind::kVariable:
      return "variable";
    case TokenKind::kFieldRef:
      return "field reference";
    case TokenKind::kOperator:
      return "operator";
    case TokenKind::kLParen:
      return "'('";
    case TokenKind::kRParen:
      return "')'";
    case TokenKind::kLBracket:
      return "'['";
    case TokenKind::kRBracket:
      return "']'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kEnd:
      return "end of expression";
  }
  return "?";
}

}  // namespace picket::secl
