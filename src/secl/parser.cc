#include "secl/parser.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

namespace picket::secl {
namespace {

using ast::Node;
using ast::NodeKind;
using ast::Op;
using NodePtr = std::unique_ptr<Node>;

class Parser {
 public:
  Parser(std::span<const Token> tokens, std::size_t max_depth, Diagnostics& diagnostics)
      : tokens_(tokens), max_depth_(max_depth), diagnostics_(diagnostics) {}

  NodePtr ParseRule() {
    NodePtr node = ParseExpression();
    if (node != nullptr) ExpectEnd();
    return failed_ ? nullptr : std::move(node);
  }

  NodePtr ParseMacro() {
    NodePtr node = Peek().kind == TokenKind::kLBracket ? ParseArray() : ParseExpression();
    if (node != nullptr) ExpectEnd();
    return failed_ ? nullptr : std::move(node);
  }

 private:
  const Token& Peek(std::size_t ahead = 0) const {
    return tokens_[std::min(cursor_ + ahead, tokens_.size() - 1)];
  }
  const Token& Take() {
    const Token& token = Peek();
    if (cursor_ < tokens_.size() - 1) ++cursor_;
    return token;
  }
  bool IsOperator(std::string_view op, std::size_t ahead = 0) const {
    return Peek(ahead).kind == TokenKind::kOperator && Peek(ahead).text == op;
  }
  bool IsKeyword(std::string_view word, std::size_t ahead = 0) const {
    return Peek(ahead).kind == TokenKind::kIdent && Peek(ahead).text == word;
  }

  NodePtr Fail(const Token& token, std::string message) {
    if (!failed_) diagnostics_.AddError(token.span, std::move(message));
    failed_ = true;
    return nullptr;
  }
  NodePtr Unexpected(std::string_view expected) {
    const Token& token = Peek();
    std::string found = std::string(TokenKindName(token.kind));
    if (token.kind != TokenKind::kEnd) found += " '" + std::string(token.text) + "'";
    if (token.kind == TokenKind::kString || token.kind == TokenKind::kPattern ||
        token.kind == TokenKind::kRegexp) {
      found = std::string(TokenKindName(token.kind));
    }
    return Fail(token, "expected " + std::string(expected) + ", found " + found);
  }

  void ExpectEnd() {
    if (Peek().kind != TokenKind::kEnd) Unexpected("an operator or the end of the expression");
  }

  // Builds a node and checks the height limit.
  NodePtr Make(NodeKind kind, Op op, NodePtr left, NodePtr right) {
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->op = op;
    node->span = SourceSpan{left->span.begin, right->span.end};
    node->height = 1 + std::max(left->height, right->height);
    node->children.push_back(std::move(left));
    node->children.push_back(std::move(right));
    return CheckHeight(std::move(node));
  }
  NodePtr CheckHeight(NodePtr node) {
    if (node->height > max_depth_) {
      if (!failed_) {
        diagnostics_.AddError(node->span, "expression is nested too deeply (limit " +
                                              std::to_string(max_depth_) + " levels)");
      }
      failed_ = true;
      return nullptr;
    }
    return node;
  }

  // RAII recursion guard for the descent itself.
  struct DepthGuard {
    explicit DepthGuard(Parser& parser) : parser_(parser) { ++parser_.depth_; }
    ~DepthGuard() { --parser_.depth_; }
    Parser& parser_;
  };
  bool TooDeep() {
    if (depth_ <= max_depth_) return false;
    Fail(Peek(),
         "expression is nested too deeply (limit " + std::to_string(max_depth_) + " levels)");
    return true;
  }

  std::optional<Op> PeekLogicalOp() const {
    if (IsOperator("&&") || IsKeyword("and")) return Op::kAnd;
    if (IsOperator("||") || IsKeyword("or")) return Op::kOr;
    return std::nullopt;
  }

  // expression = comparison [ logical_op expression ], grouped to the right
  // with && and || on one level.
  NodePtr ParseExpression() {
    DepthGuard guard(*this);
    if (TooDeep()) return nullptr;
    std::vector<NodePtr> operands;
    std::vector<Op> ops;
    NodePtr first = ParseComparison();
    if (first == nullptr) return nullptr;
    operands.push_back(std::move(first));
    while (std::optional<Op> op = PeekLogicalOp()) {
      Take();
      NodePtr next = ParseComparison();
      if (next == nullptr) return nullptr;
      ops.push_back(*op);
      operands.push_back(std::move(next));
    }
    const bool mixes = std::find(ops.begin(), ops.end(), Op::kAnd) != ops.end() &&
                       std::find(ops.begin(), ops.end(), Op::kOr) != ops.end();
    if (mixes) {
      diagnostics_.AddWarning(
          SourceSpan{operands.front()->span.begin, operands.back()->span.end},
          "'&&' and '||' have the same precedence in SECL and group to the right",
          "add parentheses to make the grouping explicit");
    }
    // Right to left; a run of the same operator becomes one n-ary node.
    NodePtr result = std::move(operands.back());
    std::size_t i = ops.size();
    while (i > 0) {
      const Op op = ops[i - 1];
      std::vector<NodePtr> run;
      run.push_back(std::move(result));
      while (i > 0 && ops[i - 1] == op) {
        run.push_back(std::move(operands[i - 1]));
        --i;
      }
      std::reverse(run.begin(), run.end());
      auto node = std::make_unique<Node>();
      node->kind = NodeKind::kLogical;
      node->op = op;
      node->span = SourceSpan{run.front()->span.begin, run.back()->span.end};
      for (const NodePtr& child : run) node->height = std::max(node->height, child->height + 1);
      node->children = std::move(run);
      result = CheckHeight(std::move(node));
      if (result == nullptr) return nullptr;
    }
    return result;
  }

  std::optional<Op> PeekScalarOp() const {
    if (Peek().kind != TokenKind::kOperator) return std::nullopt;
    const std::string_view text = Peek().text;
    if (text == "==") return Op::kEq;
    if (text == "!=") return Op::kNe;
    if (text == "<") return Op::kLt;
    if (text == "<=") return Op::kLe;
    if (text == ">") return Op::kGt;
    if (text == ">=") return Op::kGe;
    if (text == "=~") return Op::kMatch;
    if (text == "!~") return Op::kNotMatch;
    return std::nullopt;
  }

  // comparison = arithmetic [ scalar_op comparison | array_op array ];
  // scalar chains group to the right.
  NodePtr ParseComparison() {
    std::vector<NodePtr> operands;
    std::vector<Op> ops;
    NodePtr left = ParseArithmetic();
    if (left == nullptr) return nullptr;
    operands.push_back(std::move(left));
    for (;;) {
      if (std::optional<Op> op = PeekScalarOp()) {
        Take();
        NodePtr right = ParseArithmetic();
        if (right == nullptr) return nullptr;
        ops.push_back(*op);
        operands.push_back(std::move(right));
        continue;
      }
      std::optional<Op> array_op;
      if (IsKeyword("in")) {
        Take();
        array_op = Op::kIn;
      } else if (IsKeyword("not") && IsKeyword("in", 1)) {
        Take();
        Take();
        array_op = Op::kNotIn;
      } else if (IsKeyword("allin")) {
        Take();
        array_op = Op::kAllIn;
      }
      if (array_op.has_value()) {
        NodePtr array = ParseArray();
        if (array == nullptr) return nullptr;
        ops.push_back(*array_op);
        operands.push_back(std::move(array));
      }
      break;
    }
    NodePtr result = std::move(operands.back());
    for (std::size_t i = ops.size(); i-- > 0;) {
      result = Make(NodeKind::kCompare, ops[i], std::move(operands[i]), std::move(result));
      if (result == nullptr) return nullptr;
    }
    return result;
  }

  // arithmetic = bitop { (+|-) bitop }, left-associative.
  NodePtr ParseArithmetic() {
    NodePtr left = ParseBitop();
    if (left == nullptr) return nullptr;
    while (IsOperator("+") || IsOperator("-")) {
      const Op op = Take().text == "+" ? Op::kAdd : Op::kSub;
      NodePtr right = ParseBitop();
      if (right == nullptr) return nullptr;
      left = Make(NodeKind::kBinary, op, std::move(left), std::move(right));
      if (left == nullptr) return nullptr;
    }
    return left;
  }

  // bitop = unary [ (&|^||) bitop ], right-associative, one level.
  NodePtr ParseBitop() {
    std::vector<NodePtr> operands;
    std::vector<Op> ops;
    NodePtr first = ParseUnary();
    if (first == nullptr) return nullptr;
    operands.push_back(std::move(first));
    for (;;) {
      Op op;
      if (IsOperator("&")) {
        op = Op::kBitAnd;
      } else if (IsOperator("|")) {
        op = Op::kBitOr;
      } else if (IsOperator("^")) {
        op = Op::kBitXor;
      } else {
        break;
      }
      Take();
      NodePtr next = ParseUnary();
      if (next == nullptr) return nullptr;
      ops.push_back(op);
      operands.push_back(std::move(next));
    }
    NodePtr result = std::move(operands.back());
    for (std::size_t i = ops.size(); i-- > 0;) {
      result = Make(NodeKind::kBinary, ops[i], std::move(operands[i]), std::move(result));
      if (result == nullptr) return nullptr;
    }
    return result;
  }

  // unary = (! | not | - | ^) unary | primary. Iterative over the operator
  // run so `!!!!…x` cannot recurse without bound.
  NodePtr ParseUnary() {
    std::vector<std::pair<Op, SourceSpan>> prefix;
    for (;;) {
      Op op;
      if (IsOperator("!") || IsKeyword("not")) {
        if (IsKeyword("not") && IsKeyword("in", 1)) break;
        op = Op::kNot;
      } else if (IsOperator("-")) {
        op = Op::kNeg;
      } else if (IsOperator("^")) {
        op = Op::kBitNot;
      } else {
        break;
      }
      prefix.emplace_back(op, Take().span);
      if (prefix.size() > max_depth_) {
        return Fail(tokens_[cursor_ - 1], "expression is nested too deeply (limit " +
                                              std::to_string(max_depth_) + " levels)");
      }
    }
    NodePtr operand = ParsePrimary();
    if (operand == nullptr) return nullptr;
    for (std::size_t i = prefix.size(); i-- > 0;) {
      auto node = std::make_unique<Node>();
      node->kind = NodeKind::kUnary;
      node->op = prefix[i].first;
      node->span = SourceSpan{prefix[i].second.begin, operand->span.end};
      node->height = operand->height + 1;
      node->children.push_back(std::move(operand));
      operand = CheckHeight(std::move(node));
      if (operand == nullptr) return nullptr;
    }
    return operand;
  }

  NodePtr Leaf(NodeKind kind, const Token& token) {
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->span = token.span;
    node->text = std::string(token.text);
    node->int_value = token.int_value;
    return node;
  }

  static bool IsReservedWord(std::string_view word) {
    return word == "in" || word == "not" || word == "allin" || word == "and" || word == "or";
  }

  NodePtr ParsePrimary() {
    const Token& token = Peek();
    switch (token.kind) {
      case TokenKind::kIdent:
        if (IsReservedWord(token.text)) return Unexpected("an operand");
        return Leaf(NodeKind::kIdent, Take());
      case TokenKind::kInt:
        return Leaf(NodeKind::kInt, Take());
      case TokenKind::kDuration:
        return Leaf(NodeKind::kDuration, Take());
      case TokenKind::kString:
        return Leaf(NodeKind::kString, Take());
      case TokenKind::kPattern:
        return Leaf(NodeKind::kPattern, Take());
      case TokenKind::kRegexp:
        return Leaf(NodeKind::kRegexp, Take());
      case TokenKind::kIp:
        return Leaf(NodeKind::kIp, Take());
      case TokenKind::kCidr:
        return Leaf(NodeKind::kCidr, Take());
      case TokenKind::kVariable:
        return Leaf(NodeKind::kVariable, Take());
      case TokenKind::kFieldRef:
        return Leaf(NodeKind::kFieldRef, Take());
      case TokenKind::kLParen: {
        const Token& open = Take();
        NodePtr inner = ParseExpression();
        if (inner == nullptr) return nullptr;
        if (Peek().kind != TokenKind::kRParen) {
          if (Peek().kind == TokenKind::kEnd) {
            return Fail(open, "unbalanced '(': missing ')'");
          }
          return Unexpected("')'");
        }
        const Token& close = Take();
        inner->span = SourceSpan{open.span.begin, close.span.end};
        return inner;
      }
      case TokenKind::kLBracket:
        return Fail(token, "a list is only allowed after 'in', 'not in' or 'allin'");
      default:
        return Unexpected("an operand");
    }
  }

  // array = CIDR | Variable | FieldReference | Ident | "[" member {"," member} "]"
  NodePtr ParseArray() {
    const Token& token = Peek();
    switch (token.kind) {
      case TokenKind::kCidr:
      case TokenKind::kIp:
        return Leaf(token.kind == TokenKind::kCidr ? NodeKind::kCidr : NodeKind::kIp, Take());
      case TokenKind::kVariable:
        return Leaf(NodeKind::kVariable, Take());
      case TokenKind::kFieldRef:
        return Leaf(NodeKind::kFieldRef, Take());
      case TokenKind::kIdent:
        if (IsReservedWord(token.text)) return Unexpected("a list");
        return Leaf(NodeKind::kIdent, Take());
      case TokenKind::kLBracket:
        break;
      default:
        return Unexpected("a list, a macro, a field, a variable or a CIDR");
    }
    const Token& open = Take();
    auto array = std::make_unique<Node>();
    array->kind = NodeKind::kArray;
    array->height = 2;
    if (Peek().kind == TokenKind::kRBracket) return Fail(Peek(), "empty list");
    for (;;) {
      const Token& member = Peek();
      NodeKind kind;
      switch (member.kind) {
        case TokenKind::kString:
          kind = NodeKind::kString;
          break;
        case TokenKind::kPattern:
          kind = NodeKind::kPattern;
          break;
        case TokenKind::kRegexp:
          kind = NodeKind::kRegexp;
          break;
        case TokenKind::kInt:
          kind = NodeKind::kInt;
          break;
        case TokenKind::kIp:
          kind = NodeKind::kIp;
          break;
        case TokenKind::kCidr:
          kind = NodeKind::kCidr;
          break;
        case TokenKind::kIdent:
          if (IsReservedWord(member.text)) return Unexpected("a list member");
          kind = NodeKind::kIdent;
          break;
        case TokenKind::kEnd:
          return Fail(open, "unbalanced '[': missing ']'");
        default:
          return Unexpected("a string, pattern, regexp, integer, IP, CIDR or constant");
      }
      array->children.push_back(Leaf(kind, Take()));
      if (Peek().kind == TokenKind::kComma) {
        Take();
        continue;
      }
      if (Peek().kind == TokenKind::kRBracket) break;
      if (Peek().kind == TokenKind::kEnd) return Fail(open, "unbalanced '[': missing ']'");
      return Unexpected("',' or ']'");
    }
    const Token& close = Take();
    array->span = SourceSpan{open.span.begin, close.span.end};
    return array;
  }

  std::span<const Token> tokens_;
  std::size_t cursor_ = 0;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool failed_ = false;
  Diagnostics& diagnostics_;
};

}  // namespace

std::unique_ptr<ast::Node> Parse(std::span<const Token> tokens, std::size_t max_nesting_depth,
                                 Diagnostics& diagnostics) {
  return Parser(tokens, max_nesting_depth, diagnostics).ParseRule();
}

std::unique_ptr<ast::Node> ParseMacroBody(std::span<const Token> tokens,
                                          std::size_t max_nesting_depth, Diagnostics& diagnostics) {
  return Parser(tokens, max_nesting_depth, diagnostics).ParseMacro();
}

std::unique_ptr<ast::Node> ParseText(std::string_view text, std::size_t max_nesting_depth,
                                     Diagnostics& diagnostics) {
  Diagnostics lex_diagnostics;
  std::vector<Token> tokens = Lex(text, lex_diagnostics);
  diagnostics.Append(lex_diagnostics);
  if (lex_diagnostics.HasErrors()) return nullptr;
  return Parse(tokens, max_nesting_depth, diagnostics);
}

}  // namespace picket::secl
